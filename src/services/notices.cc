#include "services/notices.h"

#include <array>

#include "ledger/sha256.h"
#include "services/consent.h"
#include "services/internal/json_object.h"
#include "services/policies.h"

namespace proprio::services {

using internal::BadField;
using internal::JsonObject;
using nlohmann::json;

namespace {

struct BoolItem {
  const char* name;
  bool rules::NoticeTemplate::*member;
};

// Every yes/no item of rules::NoticeTemplate, in paragraph order.
constexpr std::array<BoolItem, 20> kItems = {{
    {"states_right_and_duty_to_protect", &rules::NoticeTemplate::states_right_and_duty_to_protect},
    {"specifies_cpni_types", &rules::NoticeTemplate::specifies_cpni_types},
    {"names_recipients", &rules::NoticeTemplate::names_recipients},
    {"describes_purposes", &rules::NoticeTemplate::describes_purposes},
    {"states_right_to_disapprove_and_withdraw",
     &rules::NoticeTemplate::states_right_to_disapprove_and_withdraw},
    {"gives_precise_steps", &rules::NoticeTemplate::gives_precise_steps},
    {"states_denial_does_not_affect_service",
     &rules::NoticeTemplate::states_denial_does_not_affect_service},
    {"comprehensible_not_misleading", &rules::NoticeTemplate::comprehensible_not_misleading},
    {"legible_and_prominent", &rules::NoticeTemplate::legible_and_prominent},
    {"partially_translated", &rules::NoticeTemplate::partially_translated},
    {"encourages_freezing_third_party_access",
     &rules::NoticeTemplate::encourages_freezing_third_party_access},
    {"states_approval_valid_until_revoked",
     &rules::NoticeTemplate::states_approval_valid_until_revoked},
    {"solicitation_proximate", &rules::NoticeTemplate::solicitation_proximate},
    {"email_reply_to_opt_out", &rules::NoticeTemplate::email_reply_to_opt_out},
    {"email_subject_clear", &rules::NoticeTemplate::email_subject_clear},
    {"no_cost_24x7_opt_out", &rules::NoticeTemplate::no_cost_24x7_opt_out},
    {"will_disclose_to_affiliates_or_third_parties",
     &rules::NoticeTemplate::will_disclose_to_affiliates_or_third_parties},
    {"explains_one_time_scope", &rules::NoticeTemplate::explains_one_time_scope},
    {"states_can_deny_for_call", &rules::NoticeTemplate::states_can_deny_for_call},
    {nullptr, nullptr},
}};

Status ParseChecklist(const json& j, rules::NoticeTemplate& n) {
  JsonObject o(j, "checklist.");
  for (const BoolItem& item : kItems) {
    if (!item.name) break;
    if (auto v = o.Bool(item.name)) n.*item.member = *v;
  }
  if (auto days = o.Int("stated_waiting_days", 0, 3650, false)) {
    n.stated_waiting_days = static_cast<int>(*days);
  }
  return o.Finish();
}

NoticeTemplateRecord RecordFromRow(const store::NoticeTemplateRow& row) {
  NoticeTemplateRecord r;
  r.id = row.id;
  r.input.name = row.name;
  r.input.document_ref = row.document_ref;
  r.input.notice.kind = static_cast<rules::NoticeKind>(row.kind);
  r.input.notice.channel = static_cast<rules::NoticeChannel>(row.channel);
  const json checklist = json::parse(row.checklist, nullptr, false);
  if (checklist.is_object()) (void)ParseChecklist(checklist, r.input.notice);
  r.policy_version = row.policy_version;
  r.created_at = row.created_at;
  r.actor = row.actor;
  r.ledger_seq = row.ledger_seq;
  return r;
}

Status DefectsError(const std::vector<rules::NoticeDefect>& defects) {
  std::string msg = "the notice cannot be used: it misses " + std::to_string(defects.size()) +
                    (defects.size() == 1 ? " item" : " items") + " of 47 CFR 64.2008: ";
  for (size_t i = 0; i < defects.size(); ++i) {
    if (i) msg += "; ";
    msg += std::string(defects[i].item) + " (" + std::string(defects[i].citation) + ": " +
           std::string(defects[i].message) + ")";
  }
  return Status::InvalidArgument(msg, "checklist." + std::string(defects.front().item));
}

}  // namespace

json NoticeChecklistToJson(const rules::NoticeTemplate& n) {
  json j = json::object();
  for (const BoolItem& item : kItems) {
    if (!item.name) break;
    j[item.name] = n.*item.member;
  }
  j["stated_waiting_days"] = n.stated_waiting_days;
  return j;
}

json NoticeDefectsToJson(const std::vector<rules::NoticeDefect>& defects) {
  json out = json::array();
  for (const rules::NoticeDefect& d : defects) {
    out.push_back({{"item", d.item}, {"citation", d.citation}, {"message", d.message}});
  }
  return out;
}

Result<NoticeTemplateInput> NoticeTemplateFromJson(const json& j) {
  JsonObject o(j, "");
  NoticeTemplateInput in;
  if (auto name = o.String("name", kMaxNameBytes, true)) {
    if (name->empty()) o.Fail(BadField("name", "must not be empty"));
    in.name = *name;
  }
  if (auto ref = o.String("document_ref", kMaxNameBytes, false)) in.document_ref = *ref;
  if (auto kind = o.String("kind", 32, true)) {
    auto k = rules::ParseNoticeKind(*kind, "kind");
    if (!k.ok()) o.Fail(k.status());
    else in.notice.kind = *k;
  }
  if (auto ch = o.String("channel", 32, true)) {
    auto c = rules::ParseNoticeChannel(*ch, "channel");
    if (!c.ok()) o.Fail(c.status());
    else in.notice.channel = *c;
  }
  if (const json* checklist = o.Object("checklist", true)) {
    o.Fail(ParseChecklist(*checklist, in.notice));
  }
  RETURN_IF_ERROR(o.Finish());
  return in;
}

json NoticeTemplateToJson(const NoticeTemplateRecord& r) {
  return {{"id", r.id},
          {"name", r.input.name},
          {"kind", rules::NoticeKindName(r.input.notice.kind)},
          {"channel", rules::NoticeChannelName(r.input.notice.channel)},
          {"document_ref", r.input.document_ref},
          {"checklist", NoticeChecklistToJson(r.input.notice)},
          {"policy_version", r.policy_version},
          {"created_at", r.created_at.ToRfc3339()},
          {"actor", r.actor},
          {"ledger_seq", r.ledger_seq}};
}

std::vector<rules::NoticeDefect> CheckNotice(const rules::NoticeTemplate& notice,
                                             const rules::Policy* policy) {
  return policy ? rules::CheckNoticeTemplate(notice, *policy) : rules::CheckNoticeTemplate(notice);
}

Result<NoticeTemplateRecord> AddNoticeTemplate(store::Store& store, CarrierId carrier,
                                               const NoticeTemplateInput& input,
                                               const Actor& actor) {
  if (input.name.empty()) return BadField("name", "must not be empty");
  NoticeTemplateRecord out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(StoredPolicy policy, LoadCurrentPolicy(tx, carrier));
    const std::vector<rules::NoticeDefect> defects = CheckNotice(input.notice, &policy.policy);
    if (!defects.empty()) return DefectsError(defects);
    const std::string checklist = NoticeChecklistToJson(input.notice).dump();
    store::LedgerEvent ev;
    ev.carrier = carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "notice_template.added";
    ev.subject = "notice_template:" + input.name;
    ev.body = json{{"name", input.name},
                   {"kind", rules::NoticeKindName(input.notice.kind)},
                   {"channel", rules::NoticeChannelName(input.notice.channel)},
                   {"document_ref", input.document_ref},
                   {"checklist_sha256", ledger::HashHex(ledger::Sha256Of(checklist))},
                   {"policy_version", policy.policy.version}}
                  .dump();
    ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
    store::NoticeTemplateRow row;
    row.carrier = carrier;
    row.name = input.name;
    row.kind = static_cast<int>(input.notice.kind);
    row.channel = static_cast<int>(input.notice.channel);
    row.checklist = checklist;
    row.document_ref = input.document_ref;
    row.policy_version = policy.policy.version;
    row.created_at = actor.now;
    row.actor = actor.id;
    row.ledger_seq = appended.seq;
    ASSIGN_OR_RETURN(row.id, tx.InsertNoticeTemplate(row));
    out = RecordFromRow(row);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<NoticeTemplateRecord>> ListNoticeTemplates(store::Store& store,
                                                              CarrierId carrier) {
  std::vector<NoticeTemplateRecord> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(std::vector<store::NoticeTemplateRow> rows, tx.ListNoticeTemplates(carrier));
    for (const auto& r : rows) out.push_back(RecordFromRow(r));
    return Status::Ok();
  }));
  return out;
}

Result<store::Page<NoticeTemplateRecord>> ListNoticeTemplates(store::Store& store,
                                                              CarrierId carrier, int64_t after,
                                                              int limit) {
  store::Page<NoticeTemplateRecord> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(auto rows, tx.ListNoticeTemplates(carrier, after, limit));
    for (const auto& r : rows.items) out.items.push_back(RecordFromRow(r));
    out.next = rows.next;
    return Status::Ok();
  }));
  return out;
}

Result<NoticeTemplateRecord> GetNoticeTemplate(store::Store& store, CarrierId carrier,
                                               int64_t id) {
  NoticeTemplateRecord out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::optional<store::NoticeTemplateRow> row,
                     tx.GetNoticeTemplate(carrier, id));
    if (!row) {
      return Status(StatusCode::kNotFound, "no notice template " + std::to_string(id),
                    "template");
    }
    out = RecordFromRow(*row);
    return Status::Ok();
  }));
  return out;
}

Result<NoticeSendRequest> NoticeSendFromJson(const json& j) {
  JsonObject o(j, "");
  NoticeSendRequest r;
  if (auto t = o.Int("template", 1, INT64_MAX, true)) r.template_id = *t;
  if (const json* scopes = o.Array("scopes", rules::kApprovalScopeCount * 2, true)) {
    auto s = ScopesFromJson(*scopes, "scopes");
    if (!s.ok()) o.Fail(s.status());
    else r.scopes = *s;
  }
  if (auto at = o.Time("sent_at", true)) r.sent_at = *at;
  if (auto consent = o.Bool("email_consent_on_file")) r.email_consent_on_file = *consent;
  if (auto all = o.Bool("all_customers")) r.all_customers = *all;
  if (const json* list = o.Array("customers", kMaxNoticeCustomers, false)) {
    for (size_t i = 0; i < list->size(); ++i) {
      const json& v = (*list)[i];
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
        o.Fail(BadField("customers[" + std::to_string(i) + "]", "must be a customer id"));
        break;
      }
      r.customers.push_back(CustomerId(v.get<int64_t>()));
    }
  }
  RETURN_IF_ERROR(o.Finish());
  return r;
}

json NoticeSendReportToJson(const NoticeSendReport& r) {
  return {{"notice_id", r.notice_id},
          {"template", r.template_id},
          {"kind", rules::NoticeKindName(r.kind)},
          {"channel", rules::NoticeChannelName(r.channel)},
          {"scopes", ScopesToJson(r.scopes)},
          {"sent_at", r.sent_at.ToRfc3339()},
          {"customers", r.customers},
          {"ledger_seq", r.ledger_seq}};
}

Result<NoticeSendReport> SendNotice(store::Store& store, CarrierId carrier,
                                    const NoticeSendRequest& req, const Actor& actor,
                                    ApprovalIndex* index) {
  if (req.all_customers == !req.customers.empty()) {
    return BadField("customers", "name the customers, or send to all_customers (not both)");
  }
  if (req.scopes.empty()) return BadField("scopes", "name the approval the notice solicits");
  if (req.sent_at.micros() == 0) return BadField("sent_at", "the date it was sent is required");
  if (req.sent_at - actor.now > kMaxEventFutureSkew) {
    return BadField("sent_at", "record a notice once it is sent (or mailed), not before");
  }
  NoticeSendReport out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(std::optional<store::NoticeTemplateRow> row,
                     tx.GetNoticeTemplate(carrier, req.template_id));
    if (!row) {
      return Status(StatusCode::kNotFound, "no notice template " + std::to_string(req.template_id),
                    "template");
    }
    const NoticeTemplateRecord tpl = RecordFromRow(*row);
    const rules::NoticeTemplate& notice = tpl.input.notice;
    const rules::Policy& policy = cr.policy->policy;
    // The policy may have changed since the template was checked.
    const std::vector<rules::NoticeDefect> defects = CheckNotice(notice, &policy);
    if (!defects.empty()) return DefectsError(defects);
    if (notice.kind == rules::NoticeKind::kOptOut && !rules::kOptOutScopes.ContainsAll(req.scopes)) {
      return BadField("scopes",
                      "an opt-out notice can solicit approval only for own_marketing_comm_related, "
                      "affiliates and agents (47 CFR 64.2007(b)); the rest needs opt-in");
    }
    out.template_id = tpl.id;
    out.kind = notice.kind;
    out.channel = notice.channel;
    out.scopes = req.scopes;
    out.sent_at = req.sent_at;
    store::NoticeSendRow send;
    send.carrier = carrier;
    send.template_id = tpl.id;
    send.channel = static_cast<int>(notice.channel);
    send.scopes = req.scopes.bits();
    send.sent_at = req.sent_at;
    send.recorded_at = actor.now;
    send.actor = actor.id;
    ASSIGN_OR_RETURN(out.notice_id, tx.InsertNoticeSend(send));

    auto one = [&](CustomerId customer) -> Status {
      if (notice.kind == rules::NoticeKind::kOptOut) {
        rules::ApprovalEvent e;
        e.kind = rules::ApprovalEventKind::kOptOutNoticeSent;
        e.at = req.sent_at;
        e.scopes = req.scopes;
        e.notice_id = out.notice_id;
        e.notice_channel = notice.channel;
        e.email_consent_on_file = req.email_consent_on_file;
        RETURN_IF_ERROR(rules::ValidateApprovalEvent(e));
        ASSIGN_OR_RETURN(ApprovalEventRecord rec,
                         AppendApprovalEvent(tx, carrier, customer, e,
                                             policy.approval_record_years, actor));
        RETURN_IF_ERROR(tx.InsertNoticeRecipient(out.notice_id, customer, rec.ledger_seq));
      } else {
        store::LedgerEvent ev;
        ev.carrier = carrier;
        ev.at = actor.now;
        ev.actor = actor.id;
        ev.type = "notice.sent";
        ev.subject = "customer:" + customer.ToString();
        ev.body = json{{"notice_id", out.notice_id},
                       {"template", tpl.id},
                       {"kind", rules::NoticeKindName(notice.kind)},
                       {"channel", rules::NoticeChannelName(notice.channel)},
                       {"scopes", ScopesToJson(req.scopes)},
                       {"sent_at", req.sent_at.ToRfc3339()}}
                      .dump();
        ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
        RETURN_IF_ERROR(tx.InsertNoticeRecipient(out.notice_id, customer, appended.seq));
      }
      ++out.customers;
      return Status::Ok();
    };
    if (req.all_customers) {
      CustomerId after;
      for (;;) {
        ASSIGN_OR_RETURN(std::vector<store::CustomerFactsRow> rows,
                         tx.CustomerFactsAfter(carrier, after, 10'000));
        for (const store::CustomerFactsRow& r : rows) RETURN_IF_ERROR(one(r.id));
        if (rows.size() < 10'000) break;
        after = rows.back().id;
      }
      if (out.customers == 0) return BadField("all_customers", "the carrier has no customers");
    } else {
      for (size_t i = 0; i < req.customers.size(); ++i) {
        ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> f,
                         tx.GetCustomerFacts(carrier, req.customers[i]));
        if (!f) {
          return Status(StatusCode::kNotFound,
                        "no customer " + req.customers[i].ToString() + " for this carrier",
                        "customers[" + std::to_string(i) + "]");
        }
        RETURN_IF_ERROR(one(req.customers[i]));
      }
    }
    store::LedgerEvent summary;
    summary.carrier = carrier;
    summary.at = actor.now;
    summary.actor = actor.id;
    summary.type = "notice.batch_sent";
    summary.subject = "notice:" + std::to_string(out.notice_id);
    json body = NoticeSendReportToJson(out);
    body.erase("ledger_seq");
    summary.body = body.dump();
    ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(summary));
    out.ledger_seq = appended.seq;
    return tx.SetNoticeSendOutcome(out.notice_id, out.customers, appended.seq);
  }));
  if (index) RETURN_IF_ERROR(index->CatchUp(store, carrier));
  return out;
}

}  // namespace proprio::services
