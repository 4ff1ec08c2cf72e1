// report/breach_documents.h: the documents of a CPNI breach case (47 CFR
// 64.2011): the customer notification letter, the report prepared for the
// central reporting facility (JSON and PDF), and the annual summary of small
// no-harm breaches for the FCC (JSON and PDF).
//
// Inputs are plain values the caller (services/breach) fills from a case; no
// storage, no clock. Every document is a pure function of its input.
//
// Customer letter content (2024 64.2011(b), used under 2007 too): the date
// range of the breach, a description of the data involved, how to reach the
// carrier, the FCC, the FTC and the customer's state attorney general, and,
// when identity theft is a risk, the nationwide credit bureaus and the steps
// a customer can take. Agency report content (2024 64.2011(a)(1)): contact
// information, description, method of compromise, date range, approximate
// number of customers affected, estimated financial loss, types of data; and
// (2007 (b)(2)) whether the carrier asks to notify customers early because of
// an urgent need.
//
// JSON formats: "proprio-breach-agency-report/1" and
// "proprio-breach-annual-summary/1", field by field in the functions below.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/time.h"

namespace proprio::report {

// What every document says about one case.
struct BreachDocFacts {
  int64_t case_id = 0;
  std::string carrier_name;
  std::string carrier_filer_id;
  std::string carrier_address;  // one line
  std::string contact;          // how to reach the carrier about the breach
  std::string description;
  std::string method;           // method of compromise ("" = not yet known)
  std::string started_on;       // date range, "YYYY-MM-DD" or ""
  std::string ended_on;
  std::string discovered_on;    // local dates in the carrier's zone
  std::string determined_on;
  std::string discovered_at;    // RFC 3339 instants
  std::string determined_at;
  std::vector<std::string> cpni;        // labels (DataLabel)
  std::vector<std::string> other_data;  // labels
  bool intentional = true;
  std::optional<int64_t> affected_count;  // nullopt: unknown
  std::optional<int64_t> estimated_loss_cents;
  std::string rule_set;        // "fcc-2007"
  std::string citation;        // "47 CFR 64.2011 (2007)"
  std::vector<std::string> recipients;  // "USSS", "FBI", "FCC"
  bool urgent = false;         // 2007 (b)(2): early customer notice requested
  std::string urgent_reasons;
  // 2007 (b)(2): the notification to law enforcement (or its amendment) that
  // indicated the urgent need: its reference ("" for a case recorded before
  // this was required).
  std::string urgent_reference;
  bool urgent_in_amendment = false;
  bool identity_theft_risk = false;
  std::string agency_notified_on;  // "" while not yet
  // The letterhead as the carrier's record has it: legal name, then the
  // address lines that are recorded (nothing for what is missing).
  std::vector<std::string> letterhead;
  // Who signs the letters: the carrier's signatory officer (else its first
  // officer) with title; empty: the letter is signed by the carrier's name.
  std::string signer_name;
  std::string signer_title;
  // Why the rules do not yet allow the customer letter to be sent (2007
  // 64.2011(b)(1) wait, a law enforcement delay, no agency notice yet); ""
  // when it may be sent. A letter generated early is marked as a draft.
  std::string letter_hold;
  CivilDate today;  // the carrier's local date when the facts were read
};

// "2026-12-03" -> "December 3, 2026" (anything else is returned as is).
std::string LongDate(const std::string& iso_date);
std::string LongDate(CivilDate d);
// Local RFC 3339 "2026-12-03T09:30:00-05:00" -> "December 3, 2026, 09:30 (UTC-05:00)".
std::string LocalTimeText(const std::string& rfc3339);
// "FL" -> "Florida" (USPS codes of the states, DC and territories); "" if unknown.
std::string StateName(const std::string& code);

// A label for a data-type name: CPNI categories (rules/vocabulary.h) and the
// other data names services/breach.h accepts; unknown names are returned as is.
std::string DataLabel(const std::string& name);

struct LetterRecipient {
  std::string name;
  PostalAddress address;
  // Only its last 4 characters are printed, and only when it has more than
  // 4: a shorter number would be printed whole.
  std::string account_number;
};

// The letter's text as paragraphs (headings included), for display and tests.
// `recipient` null: the generic letter ("Dear Customer").
std::vector<std::string> CustomerLetterText(const BreachDocFacts& facts,
                                            const LetterRecipient* recipient, CivilDate date);
std::string CustomerLetterPdf(const BreachDocFacts& facts, const LetterRecipient* recipient,
                              CivilDate date);

nlohmann::json AgencyReportJson(const BreachDocFacts& facts);
std::string AgencyReportPdf(const BreachDocFacts& facts, CivilDate date);

struct SummaryItem {
  int64_t case_id = 0;
  std::string determined_on;
  std::string description;
  int64_t affected_count = 0;
  std::vector<std::string> data;  // labels
  std::string no_harm_reasons;
  std::string filed_reference;    // set once the summary was filed
};

struct AnnualSummaryInput {
  std::string carrier_name;
  std::string carrier_filer_id;
  std::string contact;
  int year = 0;
  CivilDate due_on;
  std::vector<SummaryItem> items;
};

nlohmann::json AnnualSummaryJson(const AnnualSummaryInput& in);
std::string AnnualSummaryPdf(const AnnualSummaryInput& in, CivilDate date);

}  // namespace proprio::report
