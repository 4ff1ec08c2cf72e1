// report/opt_out_failure_notice.h: the letter to the Federal Communications
// Commission of 47 CFR 64.2009(f) when a carrier's opt-out mechanisms fail so
// that consumers' inability to opt out is more than an anomaly: as PDF and as
// plain text, a pure function of the facts the caller (services/
// opt_out_failures) fills in.
//
// The letter is addressed to the Secretary of the Commission and gives, in
// the order 64.2009(f)(1) lists them: the carrier's name, a description of
// the opt-out mechanism(s) used, the problem(s) experienced, the remedy
// proposed and when it will be or was implemented, whether the relevant
// state commission(s) have been notified and whether they have taken any
// action, a copy of the notice provided to customers, and contact
// information; and says that it is given although other opt-out methods may
// work (64.2009(f)(2)). Dates read as people write them ("December 3, 2026").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace proprio::report {

struct OptOutFailureNoticeFacts {
  int64_t incident_id = 0;
  CivilDate date;  // the letter's date (carrier's zone)
  std::string carrier_name;
  std::string filer_id_499;
  std::string carrier_address;  // one line, "" when not recorded
  std::string learned_on;       // YYYY-MM-DD, the carrier's date
  std::string started_on;       // YYYY-MM-DD or ""
  std::string mechanisms;
  std::string problems;
  std::string remedy;
  std::string remedy_date;  // YYYY-MM-DD
  std::optional<bool> state_commission_notified;
  std::string state_commission_action;
  std::string customer_notice;  // the copy, as sent to customers
  std::string contact;
  std::string signer_name;  // "" : signed with the carrier's name
  std::string signer_title;
  std::string citation = "47 CFR 64.2009(f)";
};

// The letter as paragraphs ("## " starts a heading, "- " a list item), for
// display and tests.
std::vector<std::string> OptOutFailureNoticeParagraphs(const OptOutFailureNoticeFacts& facts);
// The letter as plain text (UTF-8, paragraphs separated by a blank line).
std::string OptOutFailureNoticeText(const OptOutFailureNoticeFacts& facts);
std::string OptOutFailureNoticePdf(const OptOutFailureNoticeFacts& facts);

}  // namespace proprio::report
