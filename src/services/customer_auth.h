// services/customer_auth.h: authenticating a customer before CPNI is released
// (47 CFR 64.2010), and the customer's secrets.
//
// Secrets. The CPNI password and the back-up authentication (a question and
// its answer) are stored as argon2id encodings (services/staff_auth.h
// HashPassword, VerifyPassword), never shown, never logged, never in a
// ledger entry or payload. A secret built on readily available biographical
// information or account information (64.2003) is refused with the reason
// and the paragraph: digits of an SSN, a date (of birth, of a bill), an
// amount, the account number or a telephone number of record or any part of
// them, the address of record, the account holder's name; and a back-up
// question that prompts for such information (mother's maiden name, date of
// birth, SSN, address, bill, account or telephone number). 64.2010(e): a
// password is established only after the customer was authenticated without
// such information: at service initiation, in a verification session that
// authenticated the customer (password, back-up answer, call back to the
// telephone number of record, photo ID in store, a business contract's
// method), or with a one-time code sent to the telephone number or address of
// record. A session where the caller only stated call detail does not count.
//
// Verification sessions (one per call, online sign-in or store visit), each
// step recorded with its outcome in verification_steps and the ledger:
//   telephone (64.2010(b)): call detail only after the password (or back-up
//     answer) is given, or sent to the address of record (on file 30 days),
//     or by calling back the telephone number of record; a caller who states
//     the call detail unaided may discuss that call detail only. Other CPNI
//     after authentication (64.2010(a)). Failures are counted per session
//     (kMaxSessionFailures closes the door for the call), per account (a
//     lockout with back-off for password and back-up answers by telephone)
//     and per calling number (pretexting checks).
//   online (64.2010(c)): sign-in with the online login and the CPNI password
//     only; lockout with back-off; reset only through the back-up answer or a
//     code sent to the telephone number or address of record.
//   in store (64.2010(d)): unexpired government-issued photo ID matching the
//     account holder, recorded (type, issuer, last 4, staff member).
//   business (64.2010(g)): the alternative authentication of a contract that
//     addresses CPNI, recorded with the contract reference, only for business
//     customers with a dedicated representative and such a contract.
// DecisionContextForSession turns a session into the context flags and
// channel of a rules::DecisionRequest: the decision engine consults the
// session rather than trusting flags a client asserts.
//
// Pretexting (64.2010(a), reasonable measures to discover unauthorized
// access attempts): every failed step is tallied by calling number, by staff
// member and by account over a window; past a threshold a flag is raised
// (or its evidence updated) for the security role, with the step ids as
// evidence, and PretextingSummary gives the year's figures for the annual
// certification (64.2009(e)).
//
// Every call runs its own transactions and appends its ledger entries; the
// argon2id work happens outside any transaction.
//
//   ASSIGN_OR_RETURN(SessionView s, OpenVerification(store, open, policy, actor));
//   ASSIGN_OR_RETURN(StepResult r, VerifyCallerPassword(store, carrier, s.row.id, pw, policy,
//   actor)); ASSIGN_OR_RETURN(rules::DecisionContext ctx,
//                    DecisionContextForSession(store, carrier, s.row.id, customer, now));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "rules/decide.h"
#include "rules/s2010_authentication.h"
#include "services/registry.h"
#include "services/secure_random.h"
#include "services/staff_auth.h"
#include "store/store.h"

namespace proprio::services {

// ---- policy ----

struct PretextingThresholds {
  int64_t window_us = 24LL * 3600 * kMicrosPerSecond;
  // From one calling number: failures against this many distinct accounts,
  // or this many failures in all.
  int64_t number_accounts = 2;
  int64_t number_failures = 5;
  // By one staff member: failures against this many distinct accounts.
  int64_t staff_accounts = 3;
  // Against one account: this many failures.
  int64_t account_failures = 3;
};

// argon2id for customer secrets: m=64 MiB, t=1, p=1, chosen with
// bench/auth_bench (50-100 ms per check on the reference machine; see
// bench/RESULTS.md), or PROPRIO_ARGON2="m=KIB,t=N,p=N" when set. The encoding
// records the cost, so secrets set under another cost still verify.
PasswordCost CustomerPasswordCost();

struct CustomerAuthPolicy {
  PasswordCost cost = CustomerPasswordCost();
  // Failed password/back-up answers within one call before the call must use
  // another path (call back, address of record).
  int session_failures = 3;
  // Consecutive failed password/back-up answers on an account (by telephone)
  // before those are refused for phone_lock_base, doubled per further
  // failure up to phone_lock_max.
  int phone_lock_after = 3;
  int64_t phone_lock_base_us = 3600LL * kMicrosPerSecond;
  int64_t phone_lock_max_us = 24LL * 3600 * kMicrosPerSecond;
  // Online sign-in lockout.
  int online_lock_after = 5;
  int64_t online_lock_base_us = 60LL * kMicrosPerSecond;
  int64_t online_lock_max_us = 3600LL * kMicrosPerSecond;
  // Session lifetimes.
  int64_t phone_session_us = 3600LL * kMicrosPerSecond;
  int64_t store_session_us = 3600LL * kMicrosPerSecond;
  int64_t online_session_us = 30LL * 60 * kMicrosPerSecond;
  // One-time reset codes.
  int64_t reset_code_us = 15LL * 60 * kMicrosPerSecond;
  int reset_code_attempts = 5;
  // 64.2003: an address is "of record" once on file this many days.
  int address_of_record_days = 30;
  // (The service-initiation window is the carrier's policy,
  // rules::Policy::service_initiation_days, counted from the customer's
  // service_since: see SecretAuthorization.)
  PretextingThresholds pretexting;
};

// The limits and checks themselves are rules/s2010_authentication.h's.
using rules::kMaxAnswerBytes;
using rules::kMaxCpniPasswordBytes;
using rules::kMaxQuestionBytes;
using rules::kMinAnswerBytes;
using rules::kMinCpniPasswordBytes;

// ---- secrets ----

enum class SecretKind : int { kPassword = 0, kBackup = 1 };

// Each returns OK or InvalidArgument naming the field ("password",
// "question", "answer") with a reason a CSR can read out and the paragraph
// it rests on. `customer` supplies the account information and address to
// refuse.
Status CheckCpniPassword(const Customer& customer, std::string_view password);
Status CheckBackupQuestion(std::string_view question);
Status CheckBackupAnswer(const Customer& customer, std::string_view answer);
// Answers compare case-insensitively with white space collapsed.
using rules::NormalizeAnswer;

// Codes and tokens compare with ConstantTimeEquals (services/secure_random.h);
// argon2id verification compares in constant time too.

// The staff roles that open accounts, and so may set a first secret at
// service initiation: the CSR who opens the account with the customer (in
// store, on the order call) and the carrier's order-entry or provisioning
// system (role system) that opens it online. Supervisors, security and the
// others set secrets only after authenticating the customer.
using rules::kServiceInitiationRoles;
using rules::MayUseServiceInitiation;

// What authenticated the customer before a secret is set (64.2010(e)).
// Exactly one of these.
//
// at_service_initiation (no authentication; no account-change notice, since
// 64.2010(f) does not apply at initiation) is refused with PermissionDenied
// (field at_service_initiation, citing 47 CFR 64.2010(e)), and the refusal is
// a ledger entry (auth.secret_refused), unless:
//   - whoever acts holds a role of kServiceInitiationRoles: `actor_roles` when
//     the caller says them (the HTTP API: the signed-in principal's roles);
//     otherwise the staff member of an actor "staff:N" (the CLI's --staff),
//     who must be an active staff member of the carrier; an actor without a
//     staff identity (the command line's operator, "cli") is not checked;
//   - the customer's service_since is known (an imported customer without it
//     is an existing customer, never a new one), and today, in the carrier's
//     time zone, is that day or at most the carrier policy's
//     authentication.service_initiation_days after it (rules/policy.h; the
//     record's created_at plays no part);
//   - and (FailedPrecondition otherwise) no such secret is set yet.
// Each secret set on this path is a ledger entry (auth.secret_set or
// auth.online_account_set, setup_path "service_initiation") like any other.
struct SecretAuthorization {
  int64_t session_id = 0;  // an authenticated verification session
  std::string reset_code;  // a one-time code sent to the number/address of record
  bool at_service_initiation = false;
  std::optional<std::vector<Role>> actor_roles;  // see above
};

struct SecretSetResult {
  bool created = false;    // false: replaced an existing one
  std::string setup_path;  // "service_initiation", "session:password", "reset_code:text", ...
  std::vector<int64_t> notifications;  // account-change notices queued (64.2010(f))
  int64_t ledger_seq = 0;
};

Result<SecretSetResult> SetCpniPassword(store::Store& store, CarrierId carrier, CustomerId customer,
                                        std::string_view password, const SecretAuthorization& auth,
                                        const CustomerAuthPolicy& policy, const Actor& actor);
Result<SecretSetResult> SetBackupAuthentication(store::Store& store, CarrierId carrier,
                                                CustomerId customer, std::string_view question,
                                                std::string_view answer,
                                                const SecretAuthorization& auth,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor);

// What is set, never the secrets: for each kind, when, by whom, how.
struct SecretsStatus {
  std::optional<store::CustomerSecretRow> password;  // secret_hash cleared
  std::optional<store::CustomerSecretRow> backup;    // secret_hash cleared
  std::optional<store::OnlineAccountRow> online;
  store::CustomerAuthStateRow state;
};
Result<SecretsStatus> GetSecretsStatus(store::Store& store, CarrierId carrier, CustomerId customer);

// ---- verification sessions ----

enum class VerificationChannel { kPhone, kOnline, kInStore };
const char* VerificationChannelName(VerificationChannel c);
Result<VerificationChannel> ParseVerificationChannel(std::string_view name);

// Bits of verification_sessions.flags.
enum class SessionFlag : uint32_t {
  kPasswordVerified = 0,        // 64.2010(b): the caller gave the password
  kBackupVerified = 1,          // 64.2010(e): the back-up answer
  kCallerStatedCallDetail = 2,  // 64.2010(b): the caller stated call detail unaided
  kCalledBack = 3,              // 64.2010(b): reached at the telephone number of record
  kPhotoIdVerified = 4,         // 64.2010(d)
  kBusinessAlternative = 5,     // 64.2010(g)
  kOnlineSignedIn = 6,          // 64.2010(c)
  kSentToAddressOfRecord = 7,   // 64.2010(b): release by mail to the address of record
  kLocked = 8,                  // too many failures in this session
};
inline bool HasFlag(uint32_t flags, SessionFlag f) {
  return (flags >> static_cast<uint32_t>(f)) & 1u;
}
// True when the flags authenticate the customer (not merely a stated call
// detail or a release by mail).
bool SessionAuthenticated(uint32_t flags);

struct OpenVerificationRequest {
  CarrierId carrier;
  CustomerId customer;  // the account the caller or visitor names
  VerificationChannel channel = VerificationChannel::kPhone;
  std::string calling_number;  // the caller's number (ANI) as the switch gave it; may be empty
  std::string call_id;
};

struct SessionView {
  store::VerificationSessionRow row;
  std::vector<store::VerificationStepRow> steps;
  bool open = false;            // not closed and not expired at the time read
  bool authenticated = false;   // SessionAuthenticated(row.flags) and open
  std::string backup_question;  // to prompt the caller ('' if none set)
  // Failed verifications in the last 24 hours against this account and from
  // this calling number (over every account).
  int64_t account_failures_24h = 0;
  int64_t number_failures_24h = 0;
  int64_t number_accounts_24h = 0;
};

struct StepResult {
  bool passed = false;
  std::string outcome;  // passed | failed | refused | no_answer
  std::string reason;   // for the CSR
  std::string citation;
  int64_t step_id = 0;
  std::vector<int64_t> flags_raised;  // pretexting flags raised or updated
  SessionView session;
};

// Opens a session for `channel`; the staff member is taken from the actor
// ("staff:12 ..."). NotFound for an unknown customer.
Result<SessionView> OpenVerification(store::Store& store, const OpenVerificationRequest& request,
                                     const CustomerAuthPolicy& policy, const Actor& actor);
Result<SessionView> GetVerification(store::Store& store, CarrierId carrier, int64_t session_id,
                                    Instant now);
Status CloseVerification(store::Store& store, CarrierId carrier, int64_t session_id,
                         const Actor& actor);

// Telephone.
Result<StepResult> VerifyCallerPassword(store::Store& store, CarrierId carrier, int64_t session_id,
                                        std::string_view password, const CustomerAuthPolicy& policy,
                                        const Actor& actor);
Result<StepResult> VerifyBackupAnswer(store::Store& store, CarrierId carrier, int64_t session_id,
                                      std::string_view answer, const CustomerAuthPolicy& policy,
                                      const Actor& actor);
// The caller stated call detail without help (`description`: what they
// said, e.g. "call to +1 407 555 0100 on 2025-03-02, about 10 minutes").
Result<StepResult> RecordCallerStatedCallDetail(store::Store& store, CarrierId carrier,
                                                int64_t session_id, std::string_view description,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor);
// The CSR called `number` back; it must be a telephone number of record.
Result<StepResult> RecordCallBack(store::Store& store, CarrierId carrier, int64_t session_id,
                                  std::string_view number, bool reached,
                                  const CustomerAuthPolicy& policy, const Actor& actor);

enum class AddressKind { kPostal, kEmail };
struct AddressRelease {
  StepResult step;
  std::string destination;  // the address of record used (when passed)
  CivilDate on_file_since;
};
// Release by sending to the address of record: refused unless that address
// has been on file `address_of_record_days` (a changed address is not yet
// "of record").
Result<AddressRelease> ReleaseToAddressOfRecord(store::Store& store, CarrierId carrier,
                                                int64_t session_id, AddressKind kind,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor);

// In store.
struct PhotoId {
  std::string type;    // drivers_license | passport | passport_card | state_id | military_id |
                       // tribal_id | permanent_resident_card
  std::string issuer;  // "FL", "U.S. Department of State"
  std::string last4;   // last four characters of the ID number
  CivilDate expires_on;
  bool matches_account_holder = false;  // the staff member compared photo and name
  StaffId staff;                        // who checked it (0: the actor's staff member)
};
Result<StepResult> RecordPhotoId(store::Store& store, CarrierId carrier, int64_t session_id,
                                 const PhotoId& id, const CustomerAuthPolicy& policy,
                                 const Actor& actor);

// Business customers (64.2010(g)).
Result<StepResult> RecordBusinessAlternative(store::Store& store, CarrierId carrier,
                                             int64_t session_id, std::string_view contract_ref,
                                             std::string_view method,
                                             const CustomerAuthPolicy& policy, const Actor& actor);

// The context a decision request about `customer` carries in this session.
// `release_by_mail` asks for the address-of-record channel (needs a passed
// release step). FailedPrecondition when the session is closed or expired;
// PermissionDenied when `customer` is not the session's customer.
Result<rules::DecisionContext> DecisionContextForSession(store::Store& store, CarrierId carrier,
                                                         int64_t session_id, CustomerId customer,
                                                         Instant at, bool release_by_mail = false);
// The same from a row already read (pure).
rules::DecisionContext ContextFromSession(const store::VerificationSessionRow& row,
                                          bool release_by_mail);

// ---- online ----

// Creates (or renames) the customer's online account. Needs the CPNI
// password set and an authenticated session (64.2010(c): authenticated
// without biographical or account information). Queues notices (64.2010(f)).
Result<SecretSetResult> SetOnlineAccount(store::Store& store, CarrierId carrier,
                                         CustomerId customer, const std::string& login,
                                         const SecretAuthorization& auth,
                                         const CustomerAuthPolicy& policy, const Actor& actor);

struct OnlineSignInResult {
  SessionView session;
  std::string token;  // shown once
};
// Unauthenticated for a wrong login or password (the same answer);
// ResourceExhausted while locked, *retry_after_seconds set.
Result<OnlineSignInResult> OnlineSignIn(store::Store& store, CarrierId carrier,
                                        const std::string& login, std::string_view password,
                                        const CustomerAuthPolicy& policy, const Actor& actor,
                                        int64_t* retry_after_seconds = nullptr);

enum class ResetChannel { kText, kMail };
// Sends a one-time code to the telephone number of record (text) or the
// postal address of record (mail). Answers the same whether or not the login
// exists. The code is never returned; it travels in the outbox only.
Status RequestPasswordReset(store::Store& store, CarrierId carrier, const std::string& login,
                            ResetChannel channel, const CustomerAuthPolicy& policy,
                            const Actor& actor);
// Resets the CPNI password with the back-up answer (`backup_answer`) or a
// code from RequestPasswordReset (`code`): exactly one.
Result<SecretSetResult> ResetPasswordOnline(store::Store& store, CarrierId carrier,
                                            const std::string& login, std::string_view code,
                                            std::string_view backup_answer,
                                            std::string_view new_password,
                                            const CustomerAuthPolicy& policy, const Actor& actor);

// ---- pretexting ----

Result<std::vector<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  Instant from, Instant to);
// A page of the flags by id, after flag `after`; `state` "" = any.
Result<store::Page<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  int64_t after, int limit);
// The security role's review of a flag (state "reviewed"), in the ledger.
Result<store::PretextingFlagRow> ReviewPretextingFlag(store::Store& store, CarrierId carrier,
                                                      int64_t flag_id, const std::string& note,
                                                      const Actor& actor);

struct PretextingSummary {
  int year = 0;
  int64_t flags = 0;
  int64_t by_calling_number = 0;
  int64_t by_staff = 0;
  int64_t by_account = 0;
  int64_t reviewed = 0;
  int64_t open = 0;
};
// Flags raised in calendar year `year` (UTC), for the annual certification.
Result<PretextingSummary> SummarizePretexting(store::Store& store, CarrierId carrier, int year);

// "staff:12" from an actor id such as "staff:12 via POST /v1/...", or "".
std::string StaffActorOf(const std::string& actor_id);

}  // namespace proprio::services
