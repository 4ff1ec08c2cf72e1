// rules/approval.h: a customer's CPNI approval, derived from approval events;
// and the 64.2008(c) check of notice templates.
//
// Approval events are what the ledger records: opt-out notices sent (and
// bounced), opt-out elected or withdrawn, opt-in granted, limited or revoked,
// one-time oral consent on a call. The status at an instant is a pure fold of
// the events up to it:
//
//   - Opt-out approval (64.2008(d)) covers at most the 64.2007(b) scopes (own
//     marketing of communications-related services, agents, affiliates) and
//     the scopes the notice named. It is assumed only after the waiting period:
//       trigger day T = the local date the notice was sent (electronic,
//                       64.2008(d)(1)(i)), or that date + 3 for mail
//                       (64.2008(d)(1)(ii): the wait "begins to run on the
//                       third day following the date that the notification
//                       was mailed");
//       the wait counts whole days after T, T itself excluded, as in
//       FRCP 6(a)(1): approval is assumed from the start of local day
//       T + wait + 1 (wait = 30 days, or the policy's longer wait).
//     Example, electronic notice sent 2024-01-01: pending through day 30
//     (2024-01-31), assumed from 00:00 on day 31 (2024-02-01). Mailed
//     2024-01-01: T = 2024-01-04, assumed from 2024-02-04.
//     It lapses at the start of the local date 24 months (or the policy's
//     shorter renewal period) after the notice was sent unless a later notice
//     renews it (64.2008(d)(2)); a renewal sent before the lapse keeps
//     approval continuous while its own wait runs. A bounced e-mail notice
//     (64.2008(d)(3)(iii)) does not count. An e-mail notice without the
//     customer's prior consent to e-mail (64.2008(d)(3)(i)) or an oral one
//     (64.2008(d)) is invalid.
//   - Opt-in approval (64.2007, 64.2008(e)) is granted per scope; "limited"
//     keeps it only for the named scopes and turns the rest into a denial;
//     "revoked" denies the named scopes. Disapproval (opt-out elected,
//     revoked, limited away) stays in force until the customer changes it
//     (64.2007(a)(2)), and overrides any assumed opt-out approval.
//   - One-time oral consent (64.2008(f)) covers one call, from the consent
//     to the call's end (or kMaxOneTimeConsent after the consent when the
//     end is not recorded), for its scopes only.
//
// Local days are those of the carrier's time zone, passed in.
//
// ApprovalRecord is the compact per-customer form for an in-memory index
// (sizeof <= 96 bytes; see static_assert in approval.cc): it folds events as
// they arrive and answers StatusAt(now) in O(1). DeriveStatus folds a full
// event list at any instant, for audits and what-if questions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"
#include "rules/policy.h"
#include "rules/rule_set.h"
#include "rules/tz.h"
#include "rules/vocabulary.h"

namespace proprio::rules {

// How a notice reached the customer.
enum class NoticeChannel : uint8_t {
  kMail = 0,     // postal mail: the wait begins the third day after mailing
  kEmail,        // 64.2008(d)(3) applies
  kElectronic,   // other electronic means (portal, SMS, bill insert online)
  kOral,         // allowed for opt-in (64.2008(e)) and one-time use (64.2008(f)) only
};
inline constexpr int kNoticeChannelCount = 4;

// How an approval was given (64.2007(a)).
enum class ConsentChannel : uint8_t { kWritten = 0, kOral, kElectronic };
inline constexpr int kConsentChannelCount = 3;

enum class ApprovalEventKind : uint8_t {
  kOptOutNoticeSent = 0,
  kOptOutNoticeBounced,
  kOptOutElected,
  kOptOutWithdrawn,
  kOptInGranted,
  kOptInLimited,
  kOptInRevoked,
  kOneTimeConsent,
  kCallEnded,
};
inline constexpr int kApprovalEventKindCount = 9;

// 64.2007(a)(1): the carrier proves an approval. At least one reference is
// required: a document for written or electronic approval, a recording or the
// staff member who took it for oral approval.
struct ApprovalEvidence {
  ConsentChannel channel = ConsentChannel::kWritten;
  std::string document_id;
  std::string recording_id;
  StaffId staff;
  // 64.2008(a)(1): the notice of the customer's right to restrict use of,
  // disclosure of and access to CPNI was given in this same contact, before
  // approval was solicited (oral notice on the call for one-time use,
  // 64.2008(f); an opt-in notice given on the call or in the signed form,
  // 64.2008(e)), and this evidence (the recording, the document, the staff
  // member) shows it. Without it, an opt-in or one-time consent is recorded
  // only for a customer sent a notice at or before it (NeedsNoticeOnFile).
  bool notice_in_contact = false;
  friend bool operator==(const ApprovalEvidence&, const ApprovalEvidence&) = default;
};

struct ApprovalEvent {
  ApprovalEventKind kind = ApprovalEventKind::kOptOutNoticeSent;
  // When it happened: sent or mailed (notices), received (elections), given
  // (consent), ended (kCallEnded).
  Instant at;
  // What it covers; required for every kind except kOptOutNoticeBounced and
  // kCallEnded.
  ScopeSet scopes;

  // kOptOutNoticeSent / kOptOutNoticeBounced
  int64_t notice_id = 0;
  NoticeChannel notice_channel = NoticeChannel::kMail;
  bool email_consent_on_file = false;  // 64.2008(d)(3)(i), for kEmail

  // kOptInGranted / kOptInLimited / kOptInRevoked / kOneTimeConsent
  ApprovalEvidence evidence;

  // kOneTimeConsent / kCallEnded
  std::string call_id;
  std::optional<Instant> call_end;  // kOneTimeConsent, when known

  friend bool operator==(const ApprovalEvent&, const ApprovalEvent&) = default;
};

// ---- where the rule leaves room, the safe side Proprio takes ----
//
// 64.2008(d)(1): the carrier "must wait a 30-day minimum period of time"
// after notice before assuming opt-out approval. The earliest reading counts
// the 30th day after the trigger day T as the first day approval may be
// assumed (from the start of local day T + 30; or 30 x 24 hours after the
// instant sent). Proprio waits until that 30th day has ENDED: approval is
// assumed from the start of local day T + wait + kOptOutAssumedDaysAfterWait,
// one day later than the earliest reading. Example: e-mailed 2024-01-01
// (T = 2024-01-01) -> earliest reading 2024-01-31 00:00, Proprio 2024-02-01
// 00:00 local.
inline constexpr int kOptOutAssumedDaysAfterWait = 1;
// 64.2008(d)(2): opt-out notices are given "every two years". The alternative
// reading keeps approval through the whole anniversary day (lapsing at its
// end, or at the instant two years after sending). Proprio lets it lapse at
// the START of the local anniversary day (the sending date + 24 months, the
// month's last day when it has no such day): offset
// kOptOutLapseDaysAfterAnniversary = 0 days from that day's first instant.
// Example: sent 2024-01-01 15:00 -> in force through 2025-12-31 23:59:59.999999,
// lapsed from 2026-01-01 00:00 local.
inline constexpr int kOptOutLapseDaysAfterAnniversary = 0;

// One-time consent without a recorded call end expires this long after it
// was given.
inline constexpr int64_t kMaxOneTimeConsent = 4 * 3600 * kMicrosPerSecond;

// 64.2008(a)(1): "prior to any solicitation for customer approval" the
// carrier notifies the customer of the right to restrict CPNI. True for an
// opt-in grant or a one-time consent whose evidence does not show the notice
// given in the same contact: it may be recorded only when a notice was sent
// to the customer at or before it.
inline constexpr std::string_view kCiteNoticeBeforeSolicitation = "47 CFR 64.2008(a)(1)";
bool NeedsNoticeOnFile(const ApprovalEvent& e);

// OK, or InvalidArgument naming the field and, for a rule, its citation:
// missing scopes, an oral or unconsented e-mail opt-out notice (64.2008(d),
// (d)(3)(i)), approval without evidence (64.2007(a)(1)), one-time consent
// without a call id or by a channel other than oral/written/electronic.
Status ValidateApprovalEvent(const ApprovalEvent& event);

// The approval in force at one instant.
struct ApprovalStatus {
  ScopeSet opt_in;           // affirmative approval in force
  ScopeSet opt_out;          // opt-out approval assumed and in force
  ScopeSet opt_out_pending;  // notice given, waiting period running
  ScopeSet disapproved;      // the customer said no (opted out, revoked, limited)
  // For pending scopes: when approval will be assumed (earliest).
  std::optional<Instant> opt_out_assumed_from;
  // For opt-out approval in force or pending: when it lapses unless renewed.
  std::optional<Instant> opt_out_lapses_at;
  // 64.2008(d)(2): scopes whose opt-out approval lapsed (no new notice within
  // the renewal period) and was not renewed since, and when it lapsed: the
  // instant (start of the local day) and that local date in the carrier's zone.
  ScopeSet opt_out_lapsed;
  std::optional<Instant> opt_out_lapsed_at;
  std::optional<CivilDate> opt_out_lapsed_on;
  // One-time consent (64.2008(f)); one_time_call == 0 when there is none.
  uint64_t one_time_call = 0;  // CallIdHash of the call
  ScopeSet one_time_scopes;
  Instant one_time_from;
  Instant one_time_until;

  // True when one-time consent for `scope` covers call `call_hash` at `at`.
  bool OneTimeCovers(uint64_t call_hash, Instant at, ApprovalScope scope) const {
    return one_time_call != 0 && call_hash == one_time_call && one_time_scopes.Has(scope) &&
           at >= one_time_from && at <= one_time_until;
  }

  friend bool operator==(const ApprovalStatus&, const ApprovalStatus&) = default;
};

// Compact, incrementally folded approval state of one customer.
class ApprovalRecord {
 public:
  // Folds `event` (events in ledger order). Invalid events are refused with
  // ValidateApprovalEvent's status and leave the record unchanged.
  Status Apply(const ApprovalEvent& event, const RuleSet& rules, const Policy& policy,
               const TimeZone& zone);

  // The status at `at`. Exact for `at` at or after the last applied event;
  // for earlier instants use DeriveStatus over the events. Without a zone
  // opt_out_lapsed_on stays empty; `zone` (the carrier's) gives it.
  ApprovalStatus StatusAt(Instant at) const;
  ApprovalStatus StatusAt(Instant at, const TimeZone& zone) const;

 private:
  // One opt-out notice's approval: scopes assumed in [from, lapses); scopes
  // continued from the notice it renewed already in [early, lapses).
  struct Window {
    int64_t notice_id;
    int64_t from_us;
    int64_t lapses_us;
    int64_t early_us;
  };
  Window cur_{0, 0, 0, 0};
  Window prev_{0, 0, 0, 0};
  uint64_t call_hash_ = 0;
  int64_t call_from_us_ = 0;
  int64_t call_until_us_ = 0;
  uint8_t cur_scopes_ = 0;  // 0 = no window
  uint8_t cur_continued_ = 0;
  uint8_t prev_scopes_ = 0;
  uint8_t prev_continued_ = 0;
  uint8_t opt_in_ = 0;
  uint8_t disapproved_ = 0;
  uint8_t call_scopes_ = 0;
};

// ---- 64.2007(a)(3): records of approval kept from when the approval ENDS ----
//
// "Carriers must maintain records of approval ... for at least one year": the
// year runs from when the approval (or disapproval) the record proves ends, not
// from when it was given: a grant still in force is never erasable.
//
// When the approval (or disapproval) that events[i] records ends: the instant
// of the first later event (fold order: by `at`, then position) after which
// every scope it recorded has been changed again: a grant, revocation, opt-out
// election or withdrawal naming the scope, or any limitation (it restates every
// scope); a later grant of the same scope supersedes it. One-time consent ends
// with its call (call_end, a matching kCallEnded, or kMaxOneTimeConsent).
// nullopt while any scope is still as it recorded, and for notice events
// (their records follow 64.2008(a)(2)).
std::optional<Instant> ApprovalRecordEnds(std::span<const ApprovalEvent> events, size_t i);
// The earliest instant the evidence of events[i] may be erased: its end plus
// `years` calendar years (February 29 + 1 year = March 1); nullopt while the
// approval is in force (keep it).
std::optional<Instant> ApprovalRecordRetainUntil(std::span<const ApprovalEvent> events, size_t i,
                                                 int years);

// The status at `at` from the events up to `at` (events later than `at` are
// ignored; invalid events are skipped). Local days are those of `zone`, the
// carrier's time zone.
ApprovalStatus DeriveStatus(std::span<const ApprovalEvent> events, Instant at,
                            const RuleSet& rules, const Policy& policy,
                            const TimeZone& zone = TimeZone::Utc());

// ---- notices (64.2008) ----

enum class NoticeKind : uint8_t { kOptOut = 0, kOptIn, kOneTime };

// A notice template as reviewed by compliance: each field records whether the
// text does what the paragraph asks.
struct NoticeTemplate {
  NoticeKind kind = NoticeKind::kOptOut;
  NoticeChannel channel = NoticeChannel::kMail;
  // 64.2008(c)(1)
  bool states_right_and_duty_to_protect = false;
  // 64.2008(c)(2)
  bool specifies_cpni_types = false;
  bool names_recipients = false;
  bool describes_purposes = false;
  bool states_right_to_disapprove_and_withdraw = false;
  // 64.2008(c)(3)
  bool gives_precise_steps = false;
  bool states_denial_does_not_affect_service = false;
  // 64.2008(c)(4)
  bool comprehensible_not_misleading = false;
  // 64.2008(c)(5), written notices only
  bool legible_and_prominent = false;
  // 64.2008(c)(6)
  bool partially_translated = false;
  // 64.2008(c)(8): must be false
  bool encourages_freezing_third_party_access = false;
  // 64.2008(c)(9)
  bool states_approval_valid_until_revoked = false;
  // 64.2008(c)(10)
  bool solicitation_proximate = false;
  // 64.2008(d)(1): the waiting period the notice states (opt-out)
  int stated_waiting_days = 0;
  // 64.2008(d)(3) (e-mail opt-out notices)
  bool email_reply_to_opt_out = false;
  bool email_subject_clear = false;
  // 64.2008(d)(3)(v) (opt-out): a no-cost opt-out method available 24x7
  bool no_cost_24x7_opt_out = false;
  // 64.2008(f)(2) (one-time use)
  bool will_disclose_to_affiliates_or_third_parties = false;
  bool explains_one_time_scope = false;
  bool states_can_deny_for_call = false;
};

struct NoticeDefect {
  std::string_view item;      // e.g. "states_denial_does_not_affect_service"
  std::string_view citation;  // e.g. "47 CFR 64.2008(c)(3)"
  std::string_view message;   // one sentence
};

// Every content item the template misses, in paragraph order; empty when
// the template may be used. One-time notices may omit what 64.2008(f)(2)
// allows them to omit.
std::vector<NoticeDefect> CheckNoticeTemplate(const NoticeTemplate& notice);
// Also checks the policy: an opt-out notice is refused under opt-in-only, and
// the stated wait must cover the policy's wait.
std::vector<NoticeDefect> CheckNoticeTemplate(const NoticeTemplate& notice, const Policy& policy);

// ---- names ----

std::string_view NoticeChannelName(NoticeChannel c);
std::string_view ConsentChannelName(ConsentChannel c);
std::string_view ApprovalEventKindName(ApprovalEventKind k);
std::string_view NoticeKindName(NoticeKind k);
Result<NoticeChannel> ParseNoticeChannel(std::string_view name,
                                         std::string_view field = "notice_channel");
Result<ConsentChannel> ParseConsentChannel(std::string_view name,
                                           std::string_view field = "evidence.channel");
Result<ApprovalEventKind> ParseApprovalEventKind(std::string_view name,
                                                 std::string_view field = "kind");
Result<NoticeKind> ParseNoticeKind(std::string_view name, std::string_view field = "kind");

}  // namespace proprio::rules
