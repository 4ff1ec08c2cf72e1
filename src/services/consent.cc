#include "services/consent.h"

#include "services/internal/json_object.h"
#include "services/policies.h"

namespace proprio::services {

using internal::BadField;
using internal::JsonObject;
using nlohmann::json;

namespace {

constexpr size_t kMaxRefBytes = 200;

store::ApprovalEventRow RowFromEvent(CarrierId carrier, CustomerId customer,
                                     const rules::ApprovalEvent& e) {
  store::ApprovalEventRow row;
  row.carrier = carrier;
  row.customer = customer;
  row.kind = static_cast<int>(e.kind);
  row.at = e.at;
  row.scopes = e.scopes.bits();
  row.notice_id = e.notice_id;
  row.notice_channel = static_cast<int>(e.notice_channel);
  row.email_consent = e.email_consent_on_file;
  row.evidence_channel = static_cast<int>(e.evidence.channel);
  row.document_id = e.evidence.document_id;
  row.recording_id = e.evidence.recording_id;
  row.staff = e.evidence.staff;
  row.call_id = e.call_id;
  row.call_end = e.call_end;
  return row;
}

ApprovalEventRecord RecordFromRow(const store::ApprovalEventRow& row) {
  ApprovalEventRecord r;
  r.id = row.id;
  r.customer = row.customer;
  r.event = ApprovalEventFromRow(row);
  r.recorded_at = row.recorded_at;
  r.actor = row.actor;
  r.ledger_seq = row.ledger_seq;
  return r;
}

bool HasEvidence(rules::ApprovalEventKind k) {
  using K = rules::ApprovalEventKind;
  return k == K::kOptInGranted || k == K::kOptInLimited || k == K::kOptInRevoked ||
         k == K::kOneTimeConsent;
}

}  // namespace

json ScopesToJson(rules::ScopeSet scopes) {
  json out = json::array();
  for (int i = 0; i < rules::kApprovalScopeCount; ++i) {
    const auto s = static_cast<rules::ApprovalScope>(i);
    if (scopes.Has(s)) out.push_back(rules::ApprovalScopeName(s));
  }
  return out;
}

Result<rules::ScopeSet> ScopesFromJson(const json& j, const std::string& field) {
  if (!j.is_array()) return BadField(field, "must be an array of scope names");
  rules::ScopeSet out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) return BadField(item, "must be a scope name");
    ASSIGN_OR_RETURN(rules::ApprovalScope s,
                     rules::ParseApprovalScope(j[i].get_ref<const std::string&>(), item));
    out.Add(s);
  }
  return out;
}

Result<rules::ApprovalEvent> ApprovalEventFromJson(const json& j) {
  JsonObject o(j, "");
  rules::ApprovalEvent e;
  if (auto kind = o.String("kind", 64, true)) {
    auto k = rules::ParseApprovalEventKind(*kind, "kind");
    if (!k.ok()) o.Fail(k.status());
    else e.kind = *k;
  }
  if (auto at = o.Time("at", true)) e.at = *at;
  if (const json* scopes = o.Array("scopes", rules::kApprovalScopeCount * 2, false)) {
    auto s = ScopesFromJson(*scopes, "scopes");
    if (!s.ok()) o.Fail(s.status());
    else e.scopes = *s;
  }
  if (auto id = o.Int("notice_id", 1, INT64_MAX, false)) e.notice_id = *id;
  if (auto ch = o.String("notice_channel", 32, false)) {
    auto c = rules::ParseNoticeChannel(*ch, "notice_channel");
    if (!c.ok()) o.Fail(c.status());
    else e.notice_channel = *c;
  }
  if (auto consent = o.Bool("email_consent_on_file")) e.email_consent_on_file = *consent;
  if (const json* ev = o.Object("evidence", false)) {
    JsonObject eo(*ev, "evidence.");
    if (auto ch = eo.String("channel", 32, true)) {
      auto c = rules::ParseConsentChannel(*ch, "evidence.channel");
      if (!c.ok()) eo.Fail(c.status());
      else e.evidence.channel = *c;
    }
    if (auto d = eo.String("document_id", kMaxRefBytes, false)) e.evidence.document_id = *d;
    if (auto r = eo.String("recording_id", kMaxRefBytes, false)) e.evidence.recording_id = *r;
    if (auto s = eo.Int("staff", 1, INT64_MAX, false)) e.evidence.staff = StaffId(*s);
    if (auto n = eo.Bool("notice_in_contact")) e.evidence.notice_in_contact = *n;
    o.Fail(eo.Finish());
  }
  if (auto call = o.String("call_id", kMaxRefBytes, false)) e.call_id = *call;
  if (auto end = o.Time("call_end", false)) e.call_end = *end;
  RETURN_IF_ERROR(o.Finish());
  return e;
}

json ApprovalEventToJson(const ApprovalEventRecord& r) {
  const rules::ApprovalEvent& e = r.event;
  json j = {{"id", r.id},
            {"customer", r.customer.value()},
            {"kind", rules::ApprovalEventKindName(e.kind)},
            {"at", e.at.ToRfc3339()},
            {"scopes", ScopesToJson(e.scopes)},
            {"recorded_at", r.recorded_at.ToRfc3339()},
            {"actor", r.actor},
            {"ledger_seq", r.ledger_seq}};
  using K = rules::ApprovalEventKind;
  if (e.kind == K::kOptOutNoticeSent || e.kind == K::kOptOutNoticeBounced) {
    j["notice_id"] = e.notice_id;
  }
  if (e.kind == K::kOptOutNoticeSent) {
    j["notice_channel"] = rules::NoticeChannelName(e.notice_channel);
    j["email_consent_on_file"] = e.email_consent_on_file;
  }
  if (HasEvidence(e.kind)) {
    json ev = {{"channel", rules::ConsentChannelName(e.evidence.channel)}};
    if (!e.evidence.document_id.empty()) ev["document_id"] = e.evidence.document_id;
    if (!e.evidence.recording_id.empty()) ev["recording_id"] = e.evidence.recording_id;
    if (e.evidence.staff.valid()) ev["staff"] = e.evidence.staff.value();
    j["evidence"] = ev;
  }
  if (!e.call_id.empty()) j["call_id"] = e.call_id;
  if (e.call_end) j["call_end"] = e.call_end->ToRfc3339();
  return j;
}

json ConsentReportToJson(const ConsentReport& r) {
  const rules::ApprovalStatus& st = r.status;
  json j = {{"customer", r.customer.value()},
            {"at", r.at.ToRfc3339()},
            {"opt_in", ScopesToJson(st.opt_in)},
            {"opt_out", ScopesToJson(st.opt_out)},
            {"opt_out_pending", ScopesToJson(st.opt_out_pending)},
            {"disapproved", ScopesToJson(st.disapproved)},
            {"opt_out_assumed_from",
             st.opt_out_assumed_from ? json(st.opt_out_assumed_from->ToRfc3339()) : json(nullptr)},
            // In force or pending: when it lapses unless renewed; lapsed
            // (64.2008(d)(2)): when it lapsed, kept as history.
            {"opt_out_lapses_at",
             st.opt_out_lapses_at   ? json(st.opt_out_lapses_at->ToRfc3339())
             : st.opt_out_lapsed_at ? json(st.opt_out_lapsed_at->ToRfc3339())
                                    : json(nullptr)},
            {"opt_out_lapsed", ScopesToJson(st.opt_out_lapsed)},
            {"opt_out_lapsed_at",
             st.opt_out_lapsed_at ? json(st.opt_out_lapsed_at->ToRfc3339()) : json(nullptr)},
            {"opt_out_lapsed_on",
             st.opt_out_lapsed_on ? json(st.opt_out_lapsed_on->ToString()) : json(nullptr)},
            {"approval_mode", rules::ApprovalModeName(r.approval_mode)},
            {"policy_version", r.policy_version},
            {"rule_set", r.rule_set},
            {"events", r.events}};
  if (st.one_time_call != 0) {
    j["one_time"] = {{"scopes", ScopesToJson(st.one_time_scopes)},
                     {"from", st.one_time_from.ToRfc3339()},
                     {"until", st.one_time_until.ToRfc3339()}};
  } else {
    j["one_time"] = nullptr;
  }
  if (r.last_opt_out_notice) {
    const ConsentReport::Notice& n = *r.last_opt_out_notice;
    j["last_opt_out_notice"] = {{"notice_id", n.notice_id},
                                {"sent_at", n.sent_at.ToRfc3339()},
                                {"channel", rules::NoticeChannelName(n.channel)},
                                {"scopes", ScopesToJson(n.scopes)}};
  } else {
    j["last_opt_out_notice"] = nullptr;
  }
  return j;
}

Result<ApprovalEventRecord> AppendApprovalEvent(store::Tx& tx, CarrierId carrier,
                                                CustomerId customer,
                                                const rules::ApprovalEvent& e,
                                                int approval_record_years, const Actor& actor) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "approval." + std::string(rules::ApprovalEventKindName(e.kind));
  ev.subject = "customer:" + customer.ToString();
  json body = {{"at", e.at.ToRfc3339()}, {"scopes", ScopesToJson(e.scopes)}};
  using K = rules::ApprovalEventKind;
  if (e.kind == K::kOptOutNoticeSent || e.kind == K::kOptOutNoticeBounced) {
    body["notice_id"] = e.notice_id;
  }
  if (e.kind == K::kOptOutNoticeSent) {
    body["notice_channel"] = rules::NoticeChannelName(e.notice_channel);
    body["email_consent_on_file"] = e.email_consent_on_file;
  }
  if (HasEvidence(e.kind)) body["evidence_channel"] = rules::ConsentChannelName(e.evidence.channel);
  // 64.2008(a)(1): the evidence shows the notice given in the same contact.
  if (e.evidence.notice_in_contact) body["notice_in_contact"] = true;
  if (e.call_end) body["call_end"] = e.call_end->ToRfc3339();
  ev.body = body.dump();
  // Evidence references and the call id identify the customer's records:
  // they are personal data, kept beside the chain.
  json personal = json::object();
  if (!e.evidence.document_id.empty()) personal["document_id"] = e.evidence.document_id;
  if (!e.evidence.recording_id.empty()) personal["recording_id"] = e.evidence.recording_id;
  if (e.evidence.staff.valid()) personal["staff"] = e.evidence.staff.value();
  if (!e.call_id.empty()) personal["call_id"] = e.call_id;
  if (!personal.empty()) {
    ev.payload = personal.dump();
    // 64.2007(a)(3): approval records kept at least a year (the policy may
    // keep them longer) from when the approval ENDS (revoked, limited,
    // superseded), not from when it was given. A one-time consent ends with
    // its call, known now; any other approval's end is not known when it is
    // recorded, so its evidence has no erasure date (kApprovalKeptWhileInForce):
    // rules::ApprovalRecordRetainUntil gives the date once a later event ends
    // it. Never less than the default payload retention.
    const int64_t days = std::max<int64_t>(kDefaultPayloadRetentionDays,
                                           int64_t{approval_record_years} * 366);
    ev.retain_until = kApprovalKeptWhileInForce;
    if (e.kind == rules::ApprovalEventKind::kOneTimeConsent) {
      const rules::ApprovalEvent one[] = {e};
      const Instant end = *rules::ApprovalRecordEnds(one, 0);
      ev.retain_until = std::max(actor.now, end) + days * kMicrosPerDay;
    }
  }
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  store::ApprovalEventRow row = RowFromEvent(carrier, customer, e);
  row.recorded_at = actor.now;
  row.actor = actor.id;
  row.ledger_seq = appended.seq;
  ASSIGN_OR_RETURN(row.id, tx.InsertApprovalEvent(row));
  return RecordFromRow(row);
}

Result<ApprovalEventRecord> RecordConsent(store::Store& store, CarrierId carrier,
                                          CustomerId customer, rules::ApprovalEvent event,
                                          const Actor& actor, ApprovalIndex* index) {
  RETURN_IF_ERROR(rules::ValidateApprovalEvent(event));
  if (event.kind == rules::ApprovalEventKind::kOptOutNoticeSent) {
    return BadField("kind",
                    "opt-out notices are recorded by sending a checked notice (proprio notice "
                    "send, POST .../notices), which records one per customer");
  }
  if (event.at - actor.now > kMaxEventFutureSkew) {
    return BadField("at", "the event is dated " + event.at.ToRfc3339() +
                              ", in the future; record events when they happen");
  }
  ApprovalEventRecord out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> facts,
                     tx.GetCustomerFacts(carrier, customer));
    if (!facts) {
      return Status(StatusCode::kNotFound,
                    "no customer " + customer.ToString() + " for this carrier", "customer");
    }
    if (rules::NeedsNoticeOnFile(event)) {
      ASSIGN_OR_RETURN(bool noticed, tx.NoticeSentBy(carrier, customer, event.at));
      if (!noticed) {
        return Status(StatusCode::kFailedPrecondition,
                      "customer " + customer.ToString() + " was sent no CPNI notice at or before " +
                          event.at.ToRfc3339() + ": approval may be solicited only after notice "
                          "of the right to restrict CPNI (" +
                          std::string(rules::kCiteNoticeBeforeSolicitation) +
                          "); send a notice first, or set evidence.notice_in_contact when this "
                          "evidence shows the notice given in the same contact (64.2008(e), "
                          "oral notice for one-time use 64.2008(f))",
                      "evidence.notice_in_contact");
      }
    }
    if (event.kind == rules::ApprovalEventKind::kOptOutNoticeBounced) {
      ASSIGN_OR_RETURN(std::vector<store::ApprovalEventRow> past,
                       tx.ListApprovalEvents(carrier, customer));
      bool sent = false;
      for (const store::ApprovalEventRow& r : past) {
        sent |= r.kind == static_cast<int>(rules::ApprovalEventKind::kOptOutNoticeSent) &&
                r.notice_id == event.notice_id;
      }
      if (!sent) {
        return Status(StatusCode::kNotFound,
                      "customer " + customer.ToString() + " was not sent notice " +
                          std::to_string(event.notice_id),
                      "notice_id");
      }
    }
    ASSIGN_OR_RETURN(out, AppendApprovalEvent(tx, carrier, customer, event,
                                              cr.policy->policy.approval_record_years, actor));
    return Status::Ok();
  }));
  if (index) RETURN_IF_ERROR(index->CatchUp(store, carrier));
  return out;
}

Result<ConsentReport> ConsentStatus(store::Store& store, CarrierId carrier, CustomerId customer,
                                    Instant at) {
  ConsentReport out;
  out.customer = customer;
  out.at = at;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> facts,
                     tx.GetCustomerFacts(carrier, customer));
    if (!facts) {
      return Status(StatusCode::kNotFound,
                    "no customer " + customer.ToString() + " for this carrier", "customer");
    }
    ASSIGN_OR_RETURN(std::vector<store::ApprovalEventRow> rows,
                     tx.ListApprovalEvents(carrier, customer));
    std::vector<rules::ApprovalEvent> events;
    events.reserve(rows.size());
    for (const store::ApprovalEventRow& r : rows) {
      events.push_back(ApprovalEventFromRow(r));
      if (r.at <= at) ++out.events;
    }
    const rules::RuleSet rs = rules::RuleSetFor(at, {});
    out.status = rules::DeriveStatus(events, at, rs, cr.policy->policy, *cr.zone);
    // The last notice that counts, for the history after a lapse.
    for (const rules::ApprovalEvent& e : events) {
      if (e.at > at) continue;
      if (e.kind == rules::ApprovalEventKind::kOptOutNoticeSent) {
        if (!out.last_opt_out_notice || e.at >= out.last_opt_out_notice->sent_at) {
          out.last_opt_out_notice =
              ConsentReport::Notice{e.notice_id, e.at, e.notice_channel, e.scopes};
        }
      } else if (e.kind == rules::ApprovalEventKind::kOptOutNoticeBounced &&
                 out.last_opt_out_notice && out.last_opt_out_notice->notice_id == e.notice_id) {
        // 64.2008(d)(3)(iii): a bounced notice does not count; the one before it does.
        out.last_opt_out_notice.reset();
        for (const rules::ApprovalEvent& p : events) {
          if (p.kind != rules::ApprovalEventKind::kOptOutNoticeSent || p.at > e.at ||
              p.notice_id == e.notice_id) {
            continue;
          }
          if (!out.last_opt_out_notice || p.at >= out.last_opt_out_notice->sent_at) {
            out.last_opt_out_notice =
                ConsentReport::Notice{p.notice_id, p.at, p.notice_channel, p.scopes};
          }
        }
      }
    }
    out.policy_version = cr.policy->policy.version;
    out.approval_mode = cr.policy->policy.approval_mode;
    out.rule_set = std::string(rs.name);
    return Status::Ok();
  }));
  return out;
}

namespace {

// NotFound unless the carrier and its customer exist.
Status CheckCustomer(store::Tx& tx, CarrierId carrier, CustomerId customer) {
  RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
  ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> facts,
                   tx.GetCustomerFacts(carrier, customer));
  if (!facts) {
    return Status(StatusCode::kNotFound,
                  "no customer " + customer.ToString() + " for this carrier", "customer");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ApprovalEventRecord>> ConsentHistory(store::Store& store, CarrierId carrier,
                                                        CustomerId customer) {
  std::vector<ApprovalEventRecord> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckCustomer(tx, carrier, customer));
    ASSIGN_OR_RETURN(std::vector<store::ApprovalEventRow> rows,
                     tx.ListApprovalEvents(carrier, customer));
    for (const store::ApprovalEventRow& r : rows) out.push_back(RecordFromRow(r));
    return Status::Ok();
  }));
  return out;
}

Result<store::Page<ApprovalEventRecord>> ConsentHistory(store::Store& store, CarrierId carrier,
                                                        CustomerId customer, int64_t after,
                                                        int limit) {
  store::Page<ApprovalEventRecord> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckCustomer(tx, carrier, customer));
    ASSIGN_OR_RETURN(auto rows, tx.ListApprovalEvents(carrier, customer, after, limit));
    for (const store::ApprovalEventRow& r : rows.items) out.items.push_back(RecordFromRow(r));
    out.next = rows.next;
    return Status::Ok();
  }));
  return out;
}

}  // namespace proprio::services
