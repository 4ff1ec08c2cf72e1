// rules/s2009_certification.h: the annual CPNI certification of 47 CFR
// 64.2009(e) and the records it rests on (64.2009(b) training and discipline,
// complaints, actions against data brokers), as pure decisions.
//
// What the rule asks (REGULATIONS.md, "Safeguards"): an officer, acting as an
// agent of the carrier, signs a compliance certificate each year stating from
// personal knowledge that the carrier's operating procedures are adequate;
// with it go an accompanying statement explaining how the procedures ensure
// compliance, an explanation of any actions taken against data brokers, and a
// summary of all customer complaints received in the past year concerning
// unauthorized release of CPNI. It is filed in EB Docket No. 06-36 on or
// before March 1 for the previous calendar year. The Enforcement Bureau's
// template (Public Notice DA 09-240; Enforcement Advisory DA 13-61) counts
// complaints in three categories and asks what the carrier knows of the
// processes pretexters use.
//
// Everything here is a pure function of its inputs: services/certification
// gathers the facts from the store and the ledger.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/calendar.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

namespace proprio::rules {

inline constexpr std::string_view kCertificationCitation = "47 CFR 64.2009(e)";
inline constexpr std::string_view kTrainingCitation = "47 CFR 64.2009(b)";
// 64.2010(h)(7) (FCC 23-95): training on SIM swap and port-out fraud; a
// course covering it carries the topic kSimChangeTrainingTopic.
inline constexpr std::string_view kSimTrainingCitation = "47 CFR 64.2010(h)(7)";
inline constexpr std::string_view kSimChangeTrainingTopic = "sim_change";
inline constexpr std::string_view kFilingHolidayCitation = "47 CFR 1.4(j)";
inline constexpr std::string_view kDocket = "EB Docket No. 06-36";
// The first year a certification under the 2007 rules covers (the rules took
// effect 2007-12-08; the first filing was due March 1, 2008).
inline constexpr int kFirstCertificationYear = 2007;

// The day the certification for calendar year `year` is due: March 1 of the
// next year (64.2009(e)); when that is a Saturday, Sunday or federal legal
// holiday (47 CFR 1.4(e)(1)), the next business day (1.4(j)). The
// Commission's offices are in Washington, so the federal calendar applies;
// Inauguration Day (6103(c)) never falls in March.
CivilDate CertificationDueDate(int year);

// The year a certification may cover on `today` (the carrier's date): a
// calendar year that has ended, from kFirstCertificationYear on. Otherwise
// InvalidArgument naming "year".
Status ValidateCertificationYear(int year, CivilDate today);

// The Bureau template's complaint categories (64.2009(e) summary).
enum class ComplaintCategory : uint8_t {
  kEmployeeAccess = 0,      // improper access by employees
  kUnauthorizedDisclosure,  // improper disclosure to individuals not authorized
  kOnlineAccess,            // improper access to online information by the unauthorized
  kOther,                   // any other unauthorized release of CPNI
};
inline constexpr int kComplaintCategoryCount = 4;
// "employee_access" | "unauthorized_disclosure" | "online_access" | "other"
const char* ComplaintCategoryName(ComplaintCategory c);
// The category as the filing words it.
const char* ComplaintCategoryTitle(ComplaintCategory c);
// InvalidArgument naming "category", listing the names, for anything else.
Result<ComplaintCategory> ParseComplaintCategory(std::string_view name);

// Where a carrier acted against a data broker (64.2009(e): "proceedings
// instituted or petitions filed by a carrier at either state commissions, the
// court system, or at the Commission").
enum class BrokerForum : uint8_t { kCourt = 0, kStateCommission, kFcc };
const char* BrokerForumName(BrokerForum f);   // "court" | "state_commission" | "fcc"
const char* BrokerForumTitle(BrokerForum f);  // "a court", ...
Result<BrokerForum> ParseBrokerForum(std::string_view name);  // field "forum"

// Training (64.2009(b)): when a staff member is next due. `hired_on` may be
// invalid (unknown); `last_completed` is the last completion, if any. With
// training at hire, a member with no completion is due on the hire date (or
// at once when unknown); with an interval, the next one falls
// `interval_months` after the last. Nullopt: nothing due under the policy.
std::optional<CivilDate> TrainingDueOn(const Policy& policy, CivilDate hired_on,
                                       std::optional<CivilDate> last_completed);

// One thing that keeps a certification from being ready to file.
struct CertificationGap {
  std::string field;     // what is missing, e.g. "officer", "training"
  std::string citation;  // the rule it follows from
  std::string message;   // one sentence a compliance officer can act on
};

// The facts readiness is judged on, gathered by services/certification.
struct CertificationFacts {
  int year = 0;
  bool policy_set = false;             // the carrier adopted a policy of its own
  int signatory_officers = 0;          // carrier officers marked as signatory
  int staff_training_overdue = 0;      // active staff past their training due date
  // 64.2010(h)(7): the SIM change rules are in force in the year and the
  // carrier is a wireless provider; then the active CSRs and supervisors (who
  // take customers' calls and visits) without a course on SIM change fraud.
  bool sim_training_applies = false;
  int sim_training_missing = 0;
  int breach_cases_overdue = 0;        // open cases with a clock run out
  int complaints_open = 0;             // complaints of the year with no outcome
  bool pretexter_summary = false;      // a person has summarised pretexter information
  bool already_signed = false;         // a signed filing exists for the year
};

// Every gap, in a fixed order; empty when the filing is ready.
std::vector<CertificationGap> CertificationGaps(const CertificationFacts& facts);

// One clause of the accompanying statement, with the rules it answers to.
struct StatementClause {
  std::string heading;
  std::string text;
  std::vector<std::string> citations;
};

// The accompanying statement of 64.2009(e), written from the carrier's
// policy and the rule set in force for the year (the breach clause follows
// the 64.2011 of `rules`). `carrier` is the carrier's legal name. Covers
// every clause of the seed's Statement of Policy: uses without approval,
// breach notice, training and release by telephone, joint venturers and
// contractors, new carriers, third parties, campaign records and approval,
// supervisory review, account-change notices, business customers, opt-out
// mechanism failures.
std::vector<StatementClause> AccompanyingStatement(std::string_view carrier, const Policy& policy,
                                                   const RuleSet& rules);

// The officer's certification of personal knowledge, in the template's words.
std::string OfficerCertificationText(std::string_view officer_name, std::string_view carrier);

}  // namespace proprio::rules
