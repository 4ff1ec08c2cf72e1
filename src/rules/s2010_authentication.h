// rules/s2010_authentication.h: the decisions of 47 CFR 64.2010 (customer
// authentication before CPNI is released) that need no I/O: what a secret may
// contain, when the service-initiation path is open, and the lockout back-off.
// Pure: plain values in, a Status or a number out; no store, no clock.
//
// Every refusal cites the rule set's entry for its paragraph (RuleSet::Cite,
// rules/rule_set.cc's table): "disclosure.safeguards" (a), "disclosure.telephone"
// (b), "disclosure.online" (c), "disclosure.in_store" (d), "disclosure.passwords"
// (e), "disclosure.business_customers" (g); "definitions" is 64.2003.
// services/customer_auth_*.cc run the sessions and store the secrets around
// these checks.
//
//   RuleSet rs = RuleSetFor(actor.now, RuleConfig{});
//   RETURN_IF_ERROR(CheckCpniPassword(rs, customer, password));
//   if (auto until = LockedUntil(failures, lockout, now)) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/status.h"
#include "core/time.h"
#include "rules/rule_set.h"

namespace proprio::rules {

// "47 CFR 64.2010(b), (e)": the citations of two rules of the same section,
// the section said once. Rules of different sections are joined whole.
std::string CiteBoth(const RuleSet& rs, std::string_view first, std::string_view second);

// ---- 64.2010(e): secrets ----

inline constexpr size_t kMinCpniPasswordBytes = 8;
inline constexpr size_t kMaxCpniPasswordBytes = 128;
inline constexpr size_t kMaxQuestionBytes = 200;
inline constexpr size_t kMaxAnswerBytes = 200;
inline constexpr size_t kMinAnswerBytes = 3;

// Each returns OK or InvalidArgument naming the field ("password",
// "question", "answer") with a reason a CSR can read out and the paragraph
// it rests on (64.2010(b), (e) for the password; (e) for the back-up). A
// secret built on readily available biographical information or account
// information (64.2003) is refused: digits of an SSN, a date, an amount, the
// account number or a telephone number of record or any part of them, the
// address of record, the account holder's name or e-mail; a question that
// prompts for such information.
Status CheckCpniPassword(const RuleSet& rs, const Customer& customer, std::string_view password);
Status CheckBackupQuestion(const RuleSet& rs, std::string_view question);
Status CheckBackupAnswer(const RuleSet& rs, const Customer& customer, std::string_view answer);
// Answers compare case-insensitively with white space collapsed.
std::string NormalizeAnswer(std::string_view answer);

// ---- 64.2010(e): the service-initiation path ----

// The staff roles that open accounts, and so may set a first secret at
// service initiation: the CSR who opens the account with the customer and the
// carrier's order-entry or provisioning system (role system).
inline constexpr Role kServiceInitiationRoles[] = {Role::kCsr, Role::kSystem};
bool MayUseServiceInitiation(const std::vector<Role>& roles);

// Each is OK or PermissionDenied naming the field at_service_initiation
// (64.2010(e): a secret is set without authentication only at service
// initiation).
// The acting staff member `staff` is not an active member of the carrier.
Status RefuseInactiveInitiationStaff(const RuleSet& rs, std::string_view staff);
// `roles` hold none of kServiceInitiationRoles.
Status CheckServiceInitiationRoles(const RuleSet& rs, const std::vector<Role>& roles);
// The service is new: the customer's service_since is known and `today` (the
// carrier's zone) is that day or at most `window_days` after it (the carrier
// policy's authentication.service_initiation_days).
Status CheckServiceInitiationWindow(const RuleSet& rs, const Customer& customer, CivilDate today,
                                    int window_days);

// ---- lockout back-off (64.2010(b), (c): reasonable safeguards) ----

// After `after` consecutive failures the secret is refused for `base_us`,
// doubled per further failure, at most `max_us`.
struct Lockout {
  int after = 3;
  int64_t base_us = 0;
  int64_t max_us = 0;
};
// How long the lock lasts after the `failures`-th failure (failures >= after).
int64_t LockoutMicros(int64_t failures, const Lockout& lockout);
// The end of the lock after the `failures`-th failure at `now`; empty while
// failures are below `after`.
std::optional<Instant> LockedUntil(int64_t failures, const Lockout& lockout, Instant now);

}  // namespace proprio::rules
