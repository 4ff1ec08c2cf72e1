// services/notices.h: CPNI notices (47 CFR 64.2008): templates checked
// against the content list of 64.2008(c)-(f) and the carrier's policy before
// they can be used, and notices sent to customers, one ledger event each.
//
// A template is the compliance review of a notice's text, item by item
// (rules::NoticeTemplate). It is stored only when nothing is missing; a
// template with defects is refused listing each with its citation. Sending a
// stored template re-checks it under the policy in force (an opt-out notice
// cannot go out under an opt-in-only policy) and records, per customer, an
// approval.opt_out_notice_sent event (opt-out notices: the 64.2008(d) waiting
// period runs from it) or a notice.sent entry (opt-in and one-time notices),
// plus a notice_recipients row (64.2008(a)(2): notice records kept a year).
//
// Template JSON (CLI file, API body):
//   {"name": "2024 opt-out mailer", "kind": "opt_out", "channel": "mail",
//    "document_ref": "DOC-2024-01",
//    "checklist": {"states_right_and_duty_to_protect": true, ...,
//                  "stated_waiting_days": 30}}
// Checklist keys are the fields of rules::NoticeTemplate; absent ones are
// false (0 for stated_waiting_days); unknown keys are refused.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rules/approval.h"
#include "rules/policy.h"
#include "services/approval_index.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

struct NoticeTemplateInput {
  std::string name;          // unique per carrier, 1..200 bytes
  std::string document_ref;  // where the reviewed text is
  rules::NoticeTemplate notice;
};

struct NoticeTemplateRecord {
  int64_t id = 0;
  NoticeTemplateInput input;
  int64_t policy_version = 0;  // checked against
  Instant created_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

Result<NoticeTemplateInput> NoticeTemplateFromJson(const nlohmann::json& j);
nlohmann::json NoticeTemplateToJson(const NoticeTemplateRecord& r);
nlohmann::json NoticeChecklistToJson(const rules::NoticeTemplate& n);
nlohmann::json NoticeDefectsToJson(const std::vector<rules::NoticeDefect>& defects);

// The defects of `notice` (under `policy` when given).
std::vector<rules::NoticeDefect> CheckNotice(const rules::NoticeTemplate& notice,
                                             const rules::Policy* policy);

// Checks against the carrier's policy and stores. InvalidArgument naming
// "checklist.<first missing item>" and listing every defect with its citation;
// AlreadyExists (field name) for a taken name; NotFound: no carrier.
Result<NoticeTemplateRecord> AddNoticeTemplate(store::Store& store, CarrierId carrier,
                                               const NoticeTemplateInput& input,
                                               const Actor& actor);
Result<std::vector<NoticeTemplateRecord>> ListNoticeTemplates(store::Store& store,
                                                              CarrierId carrier);
// A page of them by id, after template `after`.
Result<store::Page<NoticeTemplateRecord>> ListNoticeTemplates(store::Store& store,
                                                              CarrierId carrier, int64_t after,
                                                              int limit);
Result<NoticeTemplateRecord> GetNoticeTemplate(store::Store& store, CarrierId carrier,
                                               int64_t id);

struct NoticeSendRequest {
  int64_t template_id = 0;
  // What approval the notice solicits (opt-out notices: within 64.2007(b)'s
  // own marketing, affiliates and agents).
  rules::ScopeSet scopes;
  Instant sent_at;  // sent (electronic) or mailed (mail)
  // E-mailed opt-out notices: the customers' prior express consent to e-mail
  // is on file (64.2008(d)(3)(i)).
  bool email_consent_on_file = false;
  std::vector<CustomerId> customers;
  bool all_customers = false;  // every customer of the carrier instead
};

struct NoticeSendReport {
  int64_t notice_id = 0;
  int64_t template_id = 0;
  rules::NoticeKind kind = rules::NoticeKind::kOptOut;
  rules::NoticeChannel channel = rules::NoticeChannel::kMail;
  rules::ScopeSet scopes;
  Instant sent_at;
  int64_t customers = 0;
  int64_t ledger_seq = 0;  // the notice.batch_sent summary entry
};

// Maximum customers named in one request (all_customers has no limit).
inline constexpr size_t kMaxNoticeCustomers = 100'000;

Result<NoticeSendRequest> NoticeSendFromJson(const nlohmann::json& j);
nlohmann::json NoticeSendReportToJson(const NoticeSendReport& r);

// Records the notice to each customer in one transaction. InvalidArgument for
// a template the policy in force refuses, scopes an opt-out notice cannot
// solicit, no customers, or a date in the future; NotFound for an unknown
// template or customer. `index`, when given, catches up after the commit.
Result<NoticeSendReport> SendNotice(store::Store& store, CarrierId carrier,
                                    const NoticeSendRequest& request, const Actor& actor,
                                    ApprovalIndex* index = nullptr);

}  // namespace proprio::services
