// services/certification.h: the annual CPNI certification of 47 CFR
// 64.2009(e) and the records it rests on — training courses and completions
// and disciplinary actions (64.2009(b)), customer complaints, actions against
// data brokers, and a person's review of what the carrier learned of
// pretexters — and the filing built from them, signed by an officer.
//
// Every record and every change is a ledger entry in the same transaction
// (types "training.course_added", "training.completed", "discipline.recorded",
// "complaint.received", "complaint.resolved", "broker_action.recorded",
// "broker_action.updated", "pretexter.reviewed", "certification.built",
// "certification.signed"). Personal data (complaint summaries, names) goes in
// the entry's payload, never its body.
//
// The filing is computed from counts over indexed records, the policy in
// force and the ledger head: never typed in. The rules are in
// rules/s2009_certification.h; the layout in report/certification_document.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/certification_document.h"
#include "rules/rule_set.h"
#include "rules/s2009_certification.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// Record kinds (store::ComplianceRecordRow::kind).
inline constexpr char kTrainingCompletion[] = "training_completion";
inline constexpr char kDisciplinaryAction[] = "disciplinary_action";
inline constexpr char kComplaint[] = "complaint";
inline constexpr char kBrokerAction[] = "broker_action";
inline constexpr char kPretexterReview[] = "pretexter_review";
// InvalidArgument naming "kind" for anything else.
Status ValidateRecordKind(std::string_view kind);

struct TrainingCourseInput {
  std::string title;
  std::string version;
  int64_t policy_version = -1;  // -1: the policy in force
  // What it covers: "cpni" (64.2009(b)), "sim_change" (SIM swap and port-out
  // fraud, 64.2010(h)(7)); empty: {"cpni"}. InvalidArgument "topics" otherwise.
  std::vector<std::string> topics;
};
Result<store::TrainingCourseRow> AddTrainingCourse(store::Store& store, CarrierId carrier,
                                                   const TrainingCourseInput& in,
                                                   const Actor& actor);
Result<std::vector<store::TrainingCourseRow>> ListTrainingCourses(store::Store& store,
                                                                  CarrierId carrier);

// A staff member completed a course (and acknowledged the carrier's CPNI
// manual, when `manual_acknowledged`). NotFound: staff or course not the
// carrier's; InvalidArgument "completed_on" for a day after today.
struct TrainingCompletionInput {
  StaffId staff;
  int64_t course_id = 0;
  CivilDate completed_on;  // invalid: today
  bool manual_acknowledged = false;
};
Result<store::ComplianceRecordRow> RecordTrainingCompletion(store::Store& store, CarrierId carrier,
                                                            const TrainingCompletionInput& in,
                                                            const Actor& actor);

// 64.2009(b): "an express disciplinary process in place".
struct DisciplinaryActionInput {
  StaffId staff;
  CivilDate taken_on;  // invalid: today
  std::string violation;
  std::string action;  // "written warning", "suspension", ...
};
Result<store::ComplianceRecordRow> RecordDisciplinaryAction(store::Store& store, CarrierId carrier,
                                                            const DisciplinaryActionInput& in,
                                                            const Actor& actor);

struct ComplaintInput {
  CivilDate received_on;  // invalid: today
  std::string channel;    // "telephone", "mail", "email", "web", "store", "regulator"
  std::string category;   // rules::ComplaintCategory name
  std::optional<CustomerId> customer;
  std::string summary;    // personal data: kept in the entry's payload
  std::string outcome;    // "" = open
};
Result<store::ComplianceRecordRow> RecordComplaint(store::Store& store, CarrierId carrier,
                                                   const ComplaintInput& in, const Actor& actor);
// Records how a complaint was resolved. FailedPrecondition when it already is.
Result<store::ComplianceRecordRow> ResolveComplaint(store::Store& store, CarrierId carrier,
                                                    int64_t id, const std::string& outcome,
                                                    const Actor& actor);

struct BrokerActionInput {
  CivilDate filed_on;  // invalid: today
  std::string forum;   // rules::BrokerForum name
  std::string broker;
  std::string docket;
  std::string status = "pending";  // free text: "pending", "judgment obtained", ...
  std::string description;
};
Result<store::ComplianceRecordRow> RecordBrokerAction(store::Store& store, CarrierId carrier,
                                                      const BrokerActionInput& in,
                                                      const Actor& actor);
Result<store::ComplianceRecordRow> UpdateBrokerAction(store::Store& store, CarrierId carrier,
                                                      int64_t id, const std::string& status,
                                                      const Actor& actor);

// A person's review of the year's pretexting flags (services/customer_auth)
// and what the carrier learned: the counts are read from the flags, the
// summary and steps are the reviewer's words.
struct PretexterReviewInput {
  int year = 0;
  std::string summary;
  std::string steps;
};
Result<store::ComplianceRecordRow> RecordPretexterReview(store::Store& store, CarrierId carrier,
                                                         const PretexterReviewInput& in,
                                                         const Actor& actor);

// One kind's records, a page at a time; `year` 0 = every year.
Result<store::Page<store::ComplianceRecordRow>> ListComplianceRecords(
    store::Store& store, CarrierId carrier, const std::string& kind, int year, int64_t after,
    int limit);
nlohmann::json ComplianceRecordToJson(const store::ComplianceRecordRow& r);
nlohmann::json TrainingCourseToJson(const store::TrainingCourseRow& c);

// Training due (64.2009(b), the carrier's policy): every active staff
// member with a due date, soonest first; overdue when the due date is before
// `today`.
struct TrainingDue {
  Staff staff;
  CivilDate due_on;
  std::optional<CivilDate> last_completed;
  bool overdue = false;
};
Result<std::vector<TrainingDue>> ListTrainingDue(store::Store& store, CarrierId carrier,
                                                 Instant now);
nlohmann::json TrainingDueToJson(const TrainingDue& d);

// Readiness of a year's filing: the facts, the gaps and the due date.
struct CertificationReadiness {
  CarrierId carrier;
  std::string carrier_name;
  int year = 0;
  CivilDate due_on;
  rules::CertificationFacts facts;
  std::vector<rules::CertificationGap> gaps;
  bool ready() const;  // no gaps other than "signed"
};
// InvalidArgument "year" for a year that has not ended (the carrier's date).
// `config` says when the SIM change rules (64.2010(h)) are in force: from then
// on a wireless provider's CSRs and supervisors need the SIM change training
// of 64.2010(h)(7).
Result<CertificationReadiness> PrepareCertification(store::Store& store, CarrierId carrier,
                                                    int year, Instant now,
                                                    const rules::RuleConfig& config);
nlohmann::json ReadinessToJson(const CertificationReadiness& r);

struct BuildOptions {
  std::string officer;  // an officer's name; "" = the carrier's first signatory
  rules::RuleConfig rule_config;
};
// Builds the filing (JSON and PDF) from the records, stores it with the
// ledger head it rests on, and appends certification.built. A filing that is
// not ready is built as a draft (its PDF says so); it cannot be signed.
// InvalidArgument "officer" for a name that is not a signatory officer.
Result<store::CertificationRow> BuildCertification(store::Store& store, CarrierId carrier,
                                                   int year, const BuildOptions& options,
                                                   const Actor& actor);

// The named officer signs, stating they reviewed the evidence: the filing is
// re-rendered with the signature and date, stored, and certification.signed
// appended. InvalidArgument: "officer" not the filing's signatory, or
// "reviewed" false; FailedPrecondition: not ready, already signed, or the
// year already has a signed filing.
Result<store::CertificationRow> SignCertification(store::Store& store, CarrierId carrier,
                                                  int64_t id, const std::string& officer,
                                                  bool reviewed_evidence, const Actor& actor);
Result<store::CertificationRow> GetCertification(store::Store& store, CarrierId carrier,
                                                 int64_t id);
Result<std::vector<store::CertificationRow>> ListCertifications(store::Store& store,
                                                                CarrierId carrier, int year);
// Without the PDF bytes (their SHA-256 only); the document when `full`.
nlohmann::json CertificationToJson(const store::CertificationRow& c, bool full);

// The next certification due of every carrier (for `proprio due`): the year
// it covers, the due date, and whether a signed filing exists.
struct CertificationDue {
  CarrierId carrier;
  std::string carrier_name;
  int year = 0;
  CivilDate due_on;
};
Result<std::vector<CertificationDue>> ListCertificationsDue(store::Store& store, Instant now);

}  // namespace proprio::services
