// rules/policy.h: a carrier's CPNI policy, read from TOML, checked against the
// FCC floor.
//
// A policy may only be STRICTER than the floor (every rule set Proprio
// carries): opt-in wherever approval is needed, calendar days where a rule
// says business days, shorter notice windows, longer record retention, no
// sale or sharing with third parties, fewer uses without approval, extra
// closures that move no legal deadline later. A looser policy is refused,
// naming the rule it would break.
// Parsing takes the text, not a file: the caller reads it.
//
//   ASSIGN_OR_RETURN(Policy p, ParsePolicy(text));
//   Decision d = Decide(request, facts, rule_set, p);
//
// ---- TOML schema (version 1) ----
// Every key is optional except `name` and `version`; an absent key keeps the
// floor's value shown here. Unknown keys and tables are errors. A "days"
// value is an inline table { days = N, unit = "business" | "calendar" }.
//
//   name    = "Example Carrier CPNI policy"   # required, 1..200 bytes
//   version = 1                               # required, integer >= 1
//
//   [approval]
//   mode = "floor"            # "floor" (opt-out where 64.2007(b) allows) | "opt_in_only"
//   opt_out_wait_days = 30    # >= 30           64.2008(d)(1)
//   mail_extra_days = 3       # >= 3            64.2008(d)(1)(ii)
//   opt_out_renewal_months = 24   # 1..24       64.2008(d)(2)
//   approval_record_years = 1 # >= 1            64.2007(a)(3)
//   notice_record_years = 1   # >= 1            64.2008(a)(2)
//
//   [uses_without_approval]
//   # The discretionary carve-outs the carrier uses without approval; one left
//   # out needs approval (opt-in under mode = "opt_in_only"). Default: all of
//   #   inbound_telemarketing, marketing_same_category,
//   #   marketing_cpe_info_services, marketing_adjunct_to_basic,
//   #   inside_wiring, cmrs_health_research.
//   # provide_service, necessary_services, billing_collection,
//   # fraud_protection, emergency_911, emergency_family, legal_process,
//   # customer_written_request and customer_account_access are always
//   # available (the service itself, and duties imposed by law) and may be
//   # listed for completeness. Any other purpose is refused: the floor does
//   # not permit it without approval.
//   purposes = ["marketing_same_category", ...]
//
//   [disclosure]
//   third_parties = "floor"   # "floor" (opt-in, 64.2007(b)) | "never": no
//                             #   disclosure to third parties, new carriers or
//                             #   designees except as the law requires
//   new_carrier_requires_written_authorization = false
//   jv_contractor_requires_confidentiality_agreement = false
//   jv_contractor_requires_opt_in = false   # for ANY access, not only marketing
//   agent_requires_limited_use_certification = false
//   dealer_requires_limited_use_certification = false   # outside dealers likewise
//   # Each certification is recorded on the partner registry (services/partners.h),
//   # the confidentiality agreement of 64.2007(b)(2) too; decide() checks them there.
//
//   [authentication]
//   phone_requires_password_for_all_cpni = false   # 64.2010(b) applies to call
//                                                  #   detail; true extends it
//   business_customer_alternative_authentication = true   # 64.2010(g)
//   service_initiation_days = 1   # 0..7            64.2010(e): a first password,
//                                 #   back-up or online account may be set without
//                                 #   authentication ("at service initiation") on the
//                                 #   day the customer's service began (service_since,
//                                 #   the carrier's date) and this many days after;
//                                 #   0 = that day only. Never for a customer whose
//                                 #   service_since is not known (imported).
//
//   [breach]
//   agency_notice = { days = 7, unit = "business" }      # business <= 7 or calendar <= 7
//                                                        #   64.2011(b)
//   customer_wait = { days = 7, unit = "business" }      # business >= 7, never calendar;
//                                                        #   applies while the 2007 64.2011
//                                                        #   is in force: 64.2011(b)(1)
//   urgent_notice_requires_agency_consultation = true    # must be true: 64.2011(b)(2) (2007)
//   customer_deadline = { days = 30, unit = "calendar" } # calendar <= 30: 64.2011(b) (2024)
//   record_retention_years = 2                           # >= 2: 64.2011(d)
//
//   [safeguards]
//   opt_mechanism_failure_notice = { days = 5, unit = "business" }   # <= 5          64.2009(f)
//   campaign_record_years = 1          # >= 1                                        64.2009(c)
//   supervisory_record_years = 1       # >= 1                                        64.2009(d)
//   outbound_marketing_approver = ""   # a staff role ("general_counsel"); "" = any supervisor
//   training_at_hire = false
//   training_interval_months = 0       # 0 = no fixed interval; else 1..120
//   account_change_notice = "immediate"   # the only value the floor allows          64.2010(f)
//
//   [sim_change]                  # 47 CFR 64.2010(h), 52.37 (FCC 23-95, 2023)
//   wireless_provider = true      # the carrier provides wireless service (prepaid,
//                                 #   postpaid or as a reseller); the floor assumes so
//   protections = true            # false only when wireless_provider = false: the
//                                 #   protections bind every wireless provider (64.2010(h))
//   failed_attempts = 3           # 1..10   64.2010(h)(2): failed authentications of a
//   failed_window_hours = 24      # 1..720    customer within the window that refuse
//   refusal_hours = 24            # 1..720    further requests for refusal_hours (and
//                                 #   notify the customer)
//   record_years = 3              # >= 3    64.2010(h)(5) (3 years believed: CONFIRM)
//
//   [calendar]
//   inauguration_day = false           # 5 U.S.C. 6103(c), Washington area
//   extra_closures = [2018-12-05]      # TOML dates or "YYYY-MM-DD" strings
//   # The rule's deadlines are counted on the federal calendar (5 U.S.C.
//   # 6103(a)/(b)) whatever these say: closures lengthen no legal deadline.
//   # A setting that would end a business-day deadline of this policy
//   # (breach.agency_notice, safeguards.opt_mechanism_failure_notice) after the
//   # rule's is refused, naming the calendar key: count that deadline in
//   # calendar days, or in fewer business days.
//
// Errors are InvalidArgument with field() the dotted key ("breach.customer_wait")
// and a message giving the line and column, and for a looser value the
// citation of the rule it would break.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/calendar.h"
#include "rules/rule_set.h"
#include "rules/vocabulary.h"

namespace proprio::rules {

enum class ApprovalMode : uint8_t { kFloor = 0, kOptInOnly = 1 };
enum class ThirdPartySharing : uint8_t { kFloor = 0, kNever = 1 };

// Purposes a policy may drop from the uses without approval.
inline constexpr PurposeSet kDiscretionaryCarveOuts{
    Purpose::kInboundTelemarketing,    Purpose::kMarketingSameCategory,
    Purpose::kMarketingCpeInfoServices, Purpose::kMarketingAdjunctToBasic,
    Purpose::kInsideWiring,            Purpose::kCmrsHealthResearch};
// Purposes every policy keeps (the service itself and duties imposed by law).
inline constexpr PurposeSet kFixedPurposes{
    Purpose::kProvideService,        Purpose::kNecessaryServices,
    Purpose::kBillingCollection,     Purpose::kFraudProtection,
    Purpose::kEmergency911,          Purpose::kEmergencyFamily,
    Purpose::kLegalProcess,          Purpose::kCustomerWrittenRequest,
    Purpose::kCustomerAccountAccess};

// The longest service-initiation window a policy may set (47 CFR 64.2010(e)).
inline constexpr int kMaxServiceInitiationDays = 7;

struct Policy {
  std::string name = "FCC floor";
  int64_t version = 0;  // 0 only for the built-in floor policy

  // [approval]
  ApprovalMode approval_mode = ApprovalMode::kFloor;
  int opt_out_wait_days = 30;
  int mail_extra_days = 3;
  int opt_out_renewal_months = 24;
  int approval_record_years = 1;
  int notice_record_years = 1;

  // [uses_without_approval]
  PurposeSet uses_without_approval = kDiscretionaryCarveOuts;

  // [disclosure]
  ThirdPartySharing third_parties = ThirdPartySharing::kFloor;
  bool new_carrier_requires_written_authorization = false;
  bool jv_contractor_requires_confidentiality_agreement = false;
  bool jv_contractor_requires_opt_in = false;
  bool agent_requires_limited_use_certification = false;
  bool dealer_requires_limited_use_certification = false;

  // [authentication]
  bool phone_requires_password_for_all_cpni = false;
  bool business_customer_alternative_authentication = true;
  int service_initiation_days = 1;  // 0..kMaxServiceInitiationDays

  // [breach]
  DayCount breach_agency_notice{7, DayUnit::kBusiness};
  DayCount breach_customer_wait{7, DayUnit::kBusiness};
  bool breach_urgent_notice_requires_agency_consultation = true;
  DayCount breach_customer_deadline{30, DayUnit::kCalendar};
  int breach_record_years = 2;

  // [safeguards]
  DayCount opt_mechanism_failure_notice{5, DayUnit::kBusiness};
  int campaign_record_years = 1;
  int supervisory_record_years = 1;
  std::string outbound_marketing_approver;  // a core Role name, or empty
  bool training_at_hire = false;
  int training_interval_months = 0;

  // [sim_change] (47 CFR 64.2010(h), 52.37)
  bool wireless_provider = true;
  bool sim_protections = true;
  int sim_failed_attempts = 3;
  int sim_failed_window_hours = 24;
  int sim_refusal_hours = 24;
  int sim_record_years = 3;

  // [calendar]
  bool inauguration_day = false;
  std::vector<CivilDate> extra_closures;

  // Holidays and closures for BusinessCalendar.
  CalendarOptions Calendar() const;

  friend bool operator==(const Policy&, const Policy&) = default;
};

// The floor itself: every default above, name "FCC floor", version 0.
const Policy& FloorPolicy();

// One way a policy is looser than the floor (or malformed).
struct PolicyViolation {
  std::string field;     // dotted key, e.g. "approval.opt_out_wait_days"
  std::string citation;  // the rule it would break, e.g. "47 CFR 64.2008(d)(1)"
  std::string message;   // one sentence
};

// Every way `policy` is looser than the floor of fcc-2007 and fcc-2024, in
// schema order. Empty when the policy is acceptable.
std::vector<PolicyViolation> FloorViolations(const Policy& policy);

// OK, or InvalidArgument for the first violation (field and citation named).
Status ValidatePolicy(const Policy& policy);

// Parses and validates TOML text against the schema above.
Result<Policy> ParsePolicy(std::string_view toml_text);

// The policy as canonical TOML (every key, schema order). ParsePolicy of the
// result gives back an equal Policy.
std::string PolicyToToml(const Policy& policy);

const char* ApprovalModeName(ApprovalMode m);          // "floor" | "opt_in_only"
const char* ThirdPartySharingName(ThirdPartySharing s);  // "floor" | "never"

}  // namespace proprio::rules
