// rules/approval.cc: the approval fold (64.2007, 64.2008) and the notice
// template check (64.2008(c)-(f)).
#include "rules/approval.h"

#include <algorithm>
#include <array>

#include "rules/internal/names.h"

namespace proprio::rules {
namespace {

using internal::NameOf;
using internal::ParseName;

constexpr std::array<std::string_view, kNoticeChannelCount> kNoticeChannelNames = {
    "mail", "email", "electronic", "oral"};
constexpr std::array<std::string_view, kConsentChannelCount> kConsentChannelNames = {
    "written", "oral", "electronic"};
constexpr std::array<std::string_view, kApprovalEventKindCount> kEventKindNames = {
    "opt_out_notice_sent", "opt_out_notice_bounced", "opt_out_elected",
    "opt_out_withdrawn",   "opt_in_granted",         "opt_in_limited",
    "opt_in_revoked",      "one_time_consent",       "call_ended"};
constexpr std::array<std::string_view, 3> kNoticeKindNames = {"opt_out", "opt_in", "one_time"};

constexpr uint8_t kAllScopeBits = static_cast<uint8_t>(kAllScopes.bits());
constexpr uint8_t kOptOutScopeBits = static_cast<uint8_t>(kOptOutScopes.bits());

// The same day of the month `months` later, or the month's last day when it
// has no such day (2024-02-29 + 12 months = 2025-02-28: the earlier date).
CivilDate AddMonths(CivilDate d, int months) {
  const int index = d.year * 12 + (d.month - 1) + months;
  CivilDate out{index / 12, index % 12 + 1, 1};
  out.day = std::min(d.day, DaysInMonth(out.year, out.month));
  return out;
}

Status Invalid(const std::string& field, const std::string& why) {
  return Status::InvalidArgument(field + ": " + why, field);
}

Status CheckEvidence(const ApprovalEvidence& e) {
  // 64.2007(a)(1): the carrier bears the burden of proving approval.
  if (e.channel == ConsentChannel::kOral) {
    if (e.recording_id.empty() && !e.staff.valid()) {
      return Invalid("evidence",
                     "oral approval needs a recording id or the staff member who took it "
                     "(47 CFR 64.2007(a)(1))");
    }
  } else if (e.document_id.empty()) {
    return Invalid("evidence.document_id",
                   "written or electronic approval needs the document or record id "
                   "(47 CFR 64.2007(a)(1))");
  }
  return Status::Ok();
}

}  // namespace

std::optional<Instant> ApprovalRecordEnds(std::span<const ApprovalEvent> events, size_t i) {
  if (i >= events.size()) return std::nullopt;
  const ApprovalEvent& e = events[i];
  using K = ApprovalEventKind;
  if (e.kind == K::kOneTimeConsent) {
    Instant end = e.call_end ? *e.call_end : e.at + kMaxOneTimeConsent;
    for (const ApprovalEvent& x : events) {
      if (x.kind == K::kCallEnded && x.call_id == e.call_id && x.at >= e.at && x.at < end) {
        end = x.at;
      }
    }
    return end;
  }
  uint32_t open = 0;
  switch (e.kind) {
    case K::kOptInGranted:
    case K::kOptInRevoked:
    case K::kOptOutElected:
    case K::kOptOutWithdrawn:
      open = static_cast<uint32_t>(e.scopes.bits());
      break;
    case K::kOptInLimited:
      open = static_cast<uint32_t>(kAllScopes.bits());
      break;
    default:
      return std::nullopt;
  }
  // Later events in fold order: by instant, the recorded order on a tie.
  std::vector<size_t> later;
  for (size_t j = 0; j < events.size(); ++j) {
    if (j == i) continue;
    if (events[j].at > e.at || (events[j].at == e.at && j > i)) later.push_back(j);
  }
  std::sort(later.begin(), later.end(), [&](size_t a, size_t b) {
    return events[a].at < events[b].at || (events[a].at == events[b].at && a < b);
  });
  for (size_t j : later) {
    const ApprovalEvent& x = events[j];
    switch (x.kind) {
      case K::kOptInGranted:
      case K::kOptInRevoked:
      case K::kOptOutElected:
      case K::kOptOutWithdrawn:
        open &= ~static_cast<uint32_t>(x.scopes.bits());
        break;
      case K::kOptInLimited:
        open = 0;
        break;
      default:
        break;
    }
    if (open == 0) return x.at;
  }
  return std::nullopt;
}

std::optional<Instant> ApprovalRecordRetainUntil(std::span<const ApprovalEvent> events, size_t i,
                                                 int years) {
  const std::optional<Instant> end = ApprovalRecordEnds(events, i);
  if (!end) return std::nullopt;
  const CivilDate d = UtcDate(*end);
  CivilDate target{d.year + years, d.month, d.day};
  if (d.month == 2 && d.day == 29 && !IsLeapYear(target.year)) target = {target.year, 3, 1};
  return *end + (target.ToDays() - d.ToDays()) * kMicrosPerDay;
}

bool NeedsNoticeOnFile(const ApprovalEvent& e) {
  return (e.kind == ApprovalEventKind::kOptInGranted ||
          e.kind == ApprovalEventKind::kOneTimeConsent) &&
         !e.evidence.notice_in_contact;
}

std::string_view NoticeChannelName(NoticeChannel c) { return NameOf(kNoticeChannelNames, c); }
std::string_view ConsentChannelName(ConsentChannel c) { return NameOf(kConsentChannelNames, c); }
std::string_view ApprovalEventKindName(ApprovalEventKind k) { return NameOf(kEventKindNames, k); }
std::string_view NoticeKindName(NoticeKind k) { return NameOf(kNoticeKindNames, k); }

Result<NoticeChannel> ParseNoticeChannel(std::string_view name, std::string_view field) {
  return ParseName<NoticeChannel>(kNoticeChannelNames, name, field, "notice channel");
}
Result<ConsentChannel> ParseConsentChannel(std::string_view name, std::string_view field) {
  return ParseName<ConsentChannel>(kConsentChannelNames, name, field, "consent channel");
}
Result<ApprovalEventKind> ParseApprovalEventKind(std::string_view name, std::string_view field) {
  return ParseName<ApprovalEventKind>(kEventKindNames, name, field, "approval event kind");
}
Result<NoticeKind> ParseNoticeKind(std::string_view name, std::string_view field) {
  return ParseName<NoticeKind>(kNoticeKindNames, name, field, "notice kind");
}

Status ValidateApprovalEvent(const ApprovalEvent& e) {
  const auto kind = static_cast<int>(e.kind);
  if (kind < 0 || kind >= kApprovalEventKindCount) return Invalid("kind", "unknown event kind");
  if (e.at.micros() == 0) return Invalid("at", "the event's instant is required");
  if ((e.scopes.bits() & ~kAllScopes.bits()) != 0) return Invalid("scopes", "unknown scope bit");
  const bool needs_scopes = e.kind != ApprovalEventKind::kOptOutNoticeBounced &&
                            e.kind != ApprovalEventKind::kCallEnded;
  if (needs_scopes && e.scopes.empty()) return Invalid("scopes", "at least one scope is required");
  switch (e.kind) {
    case ApprovalEventKind::kOptOutNoticeSent:
      if (e.notice_id <= 0) return Invalid("notice_id", "a positive notice id is required");
      if (static_cast<int>(e.notice_channel) >= kNoticeChannelCount) {
        return Invalid("notice_channel", "unknown channel");
      }
      // 64.2008(d): opt-out notice is written or electronic, never oral.
      if (e.notice_channel == NoticeChannel::kOral) {
        return Invalid("notice_channel",
                       "an opt-out notice must be written or electronic, not oral "
                       "(47 CFR 64.2008(d))");
      }
      // 64.2008(d)(3)(i): express, verifiable, prior approval to use e-mail.
      if (e.notice_channel == NoticeChannel::kEmail && !e.email_consent_on_file) {
        return Invalid("email_consent_on_file",
                       "an e-mailed opt-out notice needs the customer's prior express consent "
                       "to e-mail (47 CFR 64.2008(d)(3)(i))");
      }
      break;
    case ApprovalEventKind::kOptOutNoticeBounced:
      if (e.notice_id <= 0) return Invalid("notice_id", "the bounced notice's id is required");
      break;
    case ApprovalEventKind::kOptInGranted:
      RETURN_IF_ERROR(CheckEvidence(e.evidence));
      break;
    case ApprovalEventKind::kOneTimeConsent:
      if (e.call_id.empty()) return Invalid("call_id", "one-time consent is tied to a call id");
      if (e.call_end && *e.call_end < e.at) {
        return Invalid("call_end", "the call cannot end before the consent was given");
      }
      RETURN_IF_ERROR(CheckEvidence(e.evidence));
      break;
    case ApprovalEventKind::kCallEnded:
      if (e.call_id.empty()) return Invalid("call_id", "the call id is required");
      break;
    case ApprovalEventKind::kOptOutElected:
    case ApprovalEventKind::kOptOutWithdrawn:
    case ApprovalEventKind::kOptInLimited:
    case ApprovalEventKind::kOptInRevoked:
      break;  // a customer's restriction needs no proof to be honoured
  }
  return Status::Ok();
}

static_assert(sizeof(ApprovalRecord) <= 96, "ApprovalRecord must stay compact");

Status ApprovalRecord::Apply(const ApprovalEvent& e, const RuleSet& rules, const Policy& policy,
                             const TimeZone& zone) {
  RETURN_IF_ERROR(ValidateApprovalEvent(e));
  const auto scopes = static_cast<uint8_t>(e.scopes.bits());
  switch (e.kind) {
    case ApprovalEventKind::kOptOutNoticeSent: {
      // 64.2007(b): opt-out covers only own marketing, agents and affiliates.
      const uint8_t s = scopes & kOptOutScopeBits;
      if (s == 0) return Status::Ok();
      const int wait = std::max(rules.approval.opt_out_wait_days, policy.opt_out_wait_days);
      const int mail = std::max(rules.approval.mail_extra_days, policy.mail_extra_days);
      const int renew = std::max(
          1, std::min(rules.approval.opt_out_renewal_months, policy.opt_out_renewal_months));
      const CivilDate sent = zone.LocalDate(e.at);
      // 64.2008(d)(1)(i)-(ii): electronic from the date sent; mail from the
      // third day after mailing. The trigger day itself is excluded.
      const CivilDate trigger =
          e.notice_channel == NoticeChannel::kMail ? sent.AddDays(mail) : sent;
      Window w{e.notice_id,
               zone.StartOfDay(trigger.AddDays(wait + kOptOutAssumedDaysAfterWait)).micros(),
               // 64.2008(d)(2): notices every two years, else approval lapses.
               zone.StartOfDay(AddMonths(sent, renew).AddDays(kOptOutLapseDaysAfterAnniversary))
                   .micros(),
               0};
      w.early_us = w.from_us;
      uint8_t continued = 0;
      if (cur_scopes_ != 0 && e.at.micros() < cur_.lapses_us) {
        // A renewal before the lapse continues the approval (or the pending
        // wait) of the scopes the earlier notice covered.
        continued = s & cur_scopes_;
        w.early_us = std::max(e.at.micros(), cur_.from_us);
      }
      prev_ = cur_;
      prev_scopes_ = cur_scopes_;
      prev_continued_ = cur_continued_;
      cur_ = w;
      cur_scopes_ = s;
      cur_continued_ = continued;
      break;
    }
    case ApprovalEventKind::kOptOutNoticeBounced:
      // 64.2008(d)(3)(iii): an undeliverable e-mail notice does not count.
      if (cur_scopes_ != 0 && cur_.notice_id == e.notice_id) {
        cur_ = prev_;
        cur_scopes_ = prev_scopes_;
        cur_continued_ = prev_continued_;
        prev_ = Window{0, 0, 0, 0};
        prev_scopes_ = 0;
        prev_continued_ = 0;
      } else if (prev_scopes_ != 0 && prev_.notice_id == e.notice_id) {
        prev_ = Window{0, 0, 0, 0};
        prev_scopes_ = 0;
        prev_continued_ = 0;
        cur_continued_ = 0;
        cur_.early_us = cur_.from_us;
      }
      break;
    case ApprovalEventKind::kOptOutElected:
      // 64.2007(a)(2): disapproval stays until the customer changes it.
      disapproved_ |= scopes;
      opt_in_ &= static_cast<uint8_t>(~scopes);
      break;
    case ApprovalEventKind::kOptOutWithdrawn:
      disapproved_ &= static_cast<uint8_t>(~scopes);
      break;
    case ApprovalEventKind::kOptInGranted:
      opt_in_ |= scopes;
      disapproved_ &= static_cast<uint8_t>(~scopes);
      break;
    case ApprovalEventKind::kOptInLimited:
      // Approval kept only for `scopes`; everything else is now denied.
      opt_in_ &= scopes;
      disapproved_ |= static_cast<uint8_t>(kAllScopeBits & ~scopes);
      break;
    case ApprovalEventKind::kOptInRevoked:
      opt_in_ &= static_cast<uint8_t>(~scopes);
      disapproved_ |= scopes;
      break;
    case ApprovalEventKind::kOneTimeConsent:
      // 64.2008(f): for the duration of the call.
      call_hash_ = CallIdHash(e.call_id);
      call_from_us_ = e.at.micros();
      call_until_us_ = e.call_end ? e.call_end->micros() : e.at.micros() + kMaxOneTimeConsent;
      call_scopes_ = scopes;
      break;
    case ApprovalEventKind::kCallEnded:
      if (call_hash_ != 0 && call_hash_ == CallIdHash(e.call_id)) {
        call_until_us_ = std::min(call_until_us_, e.at.micros());
      }
      break;
  }
  return Status::Ok();
}

ApprovalStatus ApprovalRecord::StatusAt(Instant at, const TimeZone& zone) const {
  ApprovalStatus st = StatusAt(at);
  if (st.opt_out_lapsed_at) st.opt_out_lapsed_on = zone.LocalDate(*st.opt_out_lapsed_at);
  return st;
}

ApprovalStatus ApprovalRecord::StatusAt(Instant at) const {
  ApprovalStatus st;
  const int64_t t = at.micros();
  uint32_t active = 0, pending = 0, lapsed = 0;
  std::optional<int64_t> assumed_from, lapses, lapsed_at;
  auto fold = [&](const Window& w, uint8_t scopes, uint8_t continued) {
    if (scopes == 0) return;
    if (t >= w.lapses_us) {
      // 64.2008(d)(2): no new notice within the renewal period.
      lapsed |= scopes;
      lapsed_at = lapsed_at ? std::max(*lapsed_at, w.lapses_us) : w.lapses_us;
      return;
    }
    uint32_t now = 0;
    if (t >= w.from_us) now |= scopes;
    if (t >= w.early_us) now |= continued;
    active |= now;
    const uint32_t waiting = scopes & ~now;
    if (waiting != 0) {
      pending |= waiting;
      assumed_from = assumed_from ? std::min(*assumed_from, w.from_us) : w.from_us;
    }
    lapses = lapses ? std::max(*lapses, w.lapses_us) : w.lapses_us;
  };
  fold(prev_, prev_scopes_, prev_continued_);
  fold(cur_, cur_scopes_, cur_continued_);
  st.disapproved = ScopeSet::FromBits(disapproved_);
  st.opt_in = ScopeSet::FromBits(opt_in_);
  st.opt_out = ScopeSet::FromBits(active) - st.disapproved;
  st.opt_out_pending = ScopeSet::FromBits(pending) - st.opt_out - st.disapproved;
  if (!st.opt_out_pending.empty() && assumed_from) {
    st.opt_out_assumed_from = Instant::FromMicros(*assumed_from);
  }
  if ((!st.opt_out.empty() || !st.opt_out_pending.empty()) && lapses) {
    st.opt_out_lapses_at = Instant::FromMicros(*lapses);
  }
  // Lapsed and not renewed since (a later notice's scopes are in force or
  // pending); a customer's own denial says more than the lapse.
  st.opt_out_lapsed =
      ScopeSet::FromBits(lapsed) - st.opt_out - st.opt_out_pending - st.disapproved;
  if (!st.opt_out_lapsed.empty() && lapsed_at) {
    st.opt_out_lapsed_at = Instant::FromMicros(*lapsed_at);
  }
  if (call_hash_ != 0 && t <= call_until_us_) {
    st.one_time_call = call_hash_;
    st.one_time_scopes = ScopeSet::FromBits(call_scopes_);
    st.one_time_from = Instant::FromMicros(call_from_us_);
    st.one_time_until = Instant::FromMicros(call_until_us_);
  }
  return st;
}

ApprovalStatus DeriveStatus(std::span<const ApprovalEvent> events, Instant at,
                            const RuleSet& rules, const Policy& policy, const TimeZone& zone) {
  ApprovalRecord record;
  for (const ApprovalEvent& e : events) {
    if (e.at > at) continue;
    (void)record.Apply(e, rules, policy, zone);  // invalid events are skipped
  }
  return record.StatusAt(at, zone);
}

// ---- notices ----

std::vector<NoticeDefect> CheckNoticeTemplate(const NoticeTemplate& n) {
  std::vector<NoticeDefect> out;
  auto miss = [&](std::string_view item, std::string_view cite, std::string_view msg) {
    out.push_back(NoticeDefect{item, cite, msg});
  };
  const bool one_time = n.kind == NoticeKind::kOneTime;
  const bool written = n.channel != NoticeChannel::kOral;

  if (!n.states_right_and_duty_to_protect) {
    miss("states_right_and_duty_to_protect", "47 CFR 64.2008(c)(1)",
         "State that the customer has a right, and the carrier a duty, under federal law to "
         "protect the confidentiality of CPNI.");
  }
  if (!n.specifies_cpni_types) {
    miss("specifies_cpni_types", "47 CFR 64.2008(c)(2)",
         "Specify the types of information that constitute CPNI.");
  }
  // 64.2008(f)(2)(ii): a one-time notice need not name recipients when no
  // affiliate or third party will receive the CPNI.
  if (!n.names_recipients && !(one_time && !n.will_disclose_to_affiliates_or_third_parties)) {
    miss("names_recipients", "47 CFR 64.2008(c)(2)",
         "Name the specific entities that will receive the CPNI.");
  }
  if (!n.describes_purposes) {
    miss("describes_purposes", "47 CFR 64.2008(c)(2)",
         "Describe the purposes for which CPNI will be used.");
  }
  // 64.2008(f)(2)(iii): may omit how to withdraw future access if the notice
  // explains the approval is for one-time use only.
  if (!n.states_right_to_disapprove_and_withdraw && !(one_time && n.explains_one_time_scope)) {
    miss("states_right_to_disapprove_and_withdraw", "47 CFR 64.2008(c)(2)",
         "Inform the customer of the right to disapprove those uses and to deny or withdraw "
         "access at any time.");
  }
  // 64.2008(f)(2)(iv): may omit the precise steps if the notice says the
  // customer can deny access for the call.
  if (!n.gives_precise_steps && !(one_time && n.states_can_deny_for_call)) {
    miss("gives_precise_steps", "47 CFR 64.2008(c)(3)",
         "Give the precise steps to grant or deny access to CPNI.");
  }
  if (!n.states_denial_does_not_affect_service) {
    miss("states_denial_does_not_affect_service", "47 CFR 64.2008(c)(3)",
         "State clearly that denying approval will not affect the provision of any service "
         "the customer subscribes to.");
  }
  if (!n.comprehensible_not_misleading) {
    miss("comprehensible_not_misleading", "47 CFR 64.2008(c)(4)",
         "The notice must be comprehensible and not misleading.");
  }
  if (written && !n.legible_and_prominent) {
    miss("legible_and_prominent", "47 CFR 64.2008(c)(5)",
         "A written notice must be clearly legible, in sufficiently large type, placed where "
         "it is readily apparent.");
  }
  if (n.partially_translated) {
    miss("partially_translated", "47 CFR 64.2008(c)(6)",
         "If any portion is translated, every portion must be translated into that language.");
  }
  if (n.encourages_freezing_third_party_access) {
    miss("encourages_freezing_third_party_access", "47 CFR 64.2008(c)(8)",
         "The notice may not encourage the customer to freeze third-party access to CPNI.");
  }
  if (!n.states_approval_valid_until_revoked) {
    miss("states_approval_valid_until_revoked", "47 CFR 64.2008(c)(9)",
         "State that approval or denial is valid until the customer affirmatively revokes or "
         "limits it.");
  }
  if (!n.solicitation_proximate) {
    miss("solicitation_proximate", "47 CFR 64.2008(c)(10)",
         "The solicitation for approval must be proximate to the notice of CPNI rights.");
  }
  if (n.kind == NoticeKind::kOptOut) {
    if (!written) {
      miss("channel", "47 CFR 64.2008(d)",
           "An opt-out notice must be written or electronic, not oral.");
    }
    if (n.stated_waiting_days < 30) {
      miss("stated_waiting_days", "47 CFR 64.2008(d)(1)",
           "State the waiting period before approval is assumed: at least 30 days.");
    }
    if (n.channel == NoticeChannel::kEmail) {
      if (!n.email_reply_to_opt_out) {
        miss("email_reply_to_opt_out", "47 CFR 64.2008(d)(3)(ii)",
             "Let the customer reply directly to the e-mail to opt out.");
      }
      if (!n.email_subject_clear) {
        miss("email_subject_clear", "47 CFR 64.2008(d)(3)(iv)",
             "The subject line must clearly and accurately identify the subject.");
      }
    }
    if (!n.no_cost_24x7_opt_out) {
      miss("no_cost_24x7_opt_out", "47 CFR 64.2008(d)(3)(v)",
           "Offer an opt-out method at no additional cost, available 24 hours a day, 7 days "
           "a week.");
    }
  }
  return out;
}

std::vector<NoticeDefect> CheckNoticeTemplate(const NoticeTemplate& n, const Policy& policy) {
  std::vector<NoticeDefect> out = CheckNoticeTemplate(n);
  if (n.kind == NoticeKind::kOptOut) {
    if (policy.approval_mode == ApprovalMode::kOptInOnly) {
      out.push_back(NoticeDefect{"kind", "carrier policy [approval] mode = \"opt_in_only\"",
                                 "The carrier's policy uses opt-in approval only; an opt-out "
                                 "notice cannot be used."});
    } else if (n.stated_waiting_days >= 30 && n.stated_waiting_days < policy.opt_out_wait_days) {
      out.push_back(NoticeDefect{"stated_waiting_days",
                                 "carrier policy [approval] opt_out_wait_days",
                                 "The stated waiting period is shorter than the carrier "
                                 "policy's."});
    }
  }
  return out;
}

}  // namespace proprio::rules
