// report/certification_document.h: the annual CPNI certification filing of
// 47 CFR 64.2009(e) (EB Docket No. 06-36), as JSON and as PDF.
//
// Layout follows the Enforcement Bureau's suggested template (Public Notice
// DA 09-240, Enforcement Advisory DA 13-61) and the seed filing: the heading
// with the year and docket, the date filed, the company and its Form 499
// Filer ID, the signatory and title; the officer's certification of personal
// knowledge; the statement that an accompanying statement is attached; the
// explanation of actions against data brokers; the summary of customer
// complaints by category; what the carrier knows of pretexters; the
// signature; then the accompanying statement, clause by clause with the rules
// each answers to. A final section names the records the filing rests on:
// the carrier's ledger size and Merkle root when it was built.
//
// Inputs are plain values (services/certification fills them); no storage,
// no clock. JSON format "proprio-cpni-certification/1", field by field in
// CertificationToJson; CertificationFromJson reads it back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace proprio::report {

inline constexpr char kCertificationFormat[] = "proprio-cpni-certification/1";

struct CertificationClause {
  std::string heading;
  std::string text;
  std::vector<std::string> citations;
};

struct ComplaintLine {
  std::string category;  // "employee_access", ...
  std::string title;     // the template's words
  int64_t count = 0;
  int64_t resolved = 0;
};

struct BrokerActionLine {
  std::string filed_on;  // YYYY-MM-DD
  std::string forum;     // the forum in words ("a court")
  std::string broker;
  std::string docket;
  std::string status;
  std::string description;
};

struct CertificationFacts {
  int year = 0;
  std::string due_on;          // YYYY-MM-DD (64.2009(e), 47 CFR 1.4(j))
  std::string prepared_on;     // YYYY-MM-DD, carrier's date
  std::string carrier_name;
  std::string filer_id_499;
  std::string carrier_address;  // one line, may be empty
  std::string officer_name;
  std::string officer_title;
  std::string officer_statement;  // rules::OfficerCertificationText
  std::vector<CertificationClause> statement;
  std::vector<BrokerActionLine> broker_actions;
  std::vector<ComplaintLine> complaints;
  std::string pretexter_summary;  // a person's summary; may be empty
  std::string pretexter_steps;
  int64_t pretexting_flags = 0;   // flags raised in the year
  int64_t training_completions = 0;
  int64_t disciplinary_actions = 0;
  int64_t ledger_size = 0;
  std::string ledger_root;  // hex
  std::string policy_name;
  int64_t policy_version = 0;
  std::string rule_set;     // "fcc-2024"
  bool ready = false;
  std::vector<std::string> gaps;  // what keeps it from being ready, one line each
  // Set once the officer signs.
  std::string signed_on;  // YYYY-MM-DD, "" before signing
  std::string signed_by;  // the officer's name
};

nlohmann::json CertificationToJson(const CertificationFacts& f);
// InvalidArgument naming the field for a document that is not this format.
Result<CertificationFacts> CertificationFromJson(const nlohmann::json& j);

// The filing as PDF bytes. Before signing, the signature line is blank and,
// when the filing is not ready, it opens with DRAFT and the gaps listed.
std::string CertificationPdf(const CertificationFacts& f);

}  // namespace proprio::report
