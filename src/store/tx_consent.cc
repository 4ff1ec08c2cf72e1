// store/tx_consent.cc: the Tx operations behind approvals, notices, carrier
// policies and the decision log (migration 0003_consent), over both backends.
#include "ledger/entry.h"
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kEventColumns[] =
    "id, carrier_id, customer_id, kind, event_at, scopes, notice_id, notice_channel, "
    "email_consent, evidence_channel, document_id, recording_id, staff_id, call_id, call_end, "
    "recorded_at, actor, ledger_seq";

ApprovalEventRow EventFromRow(const Row& r) {
  ApprovalEventRow e;
  e.id = r.Int(0);
  e.carrier = CarrierId(r.Int(1));
  e.customer = CustomerId(r.Int(2));
  e.kind = static_cast<int>(r.Int(3));
  e.at = Instant::FromMicros(r.Int(4));
  e.scopes = static_cast<uint32_t>(r.Int(5));
  e.notice_id = r.Int(6);
  e.notice_channel = static_cast<int>(r.Int(7));
  e.email_consent = r.Int(8) != 0;
  e.evidence_channel = static_cast<int>(r.Int(9));
  e.document_id = r.Text(10);
  e.recording_id = r.Text(11);
  e.staff = StaffId(r.Int(12));
  e.call_id = r.Text(13);
  if (!r.IsNull(14)) e.call_end = Instant::FromMicros(r.Int(14));
  e.recorded_at = Instant::FromMicros(r.Int(15));
  e.actor = r.Text(16);
  e.ledger_seq = r.Int(17);
  return e;
}

constexpr char kTemplateColumns[] =
    "id, carrier_id, name, kind, channel, checklist, document_ref, policy_version, created_at, "
    "actor, ledger_seq";

NoticeTemplateRow TemplateFromRow(const Row& r) {
  NoticeTemplateRow t;
  t.id = r.Int(0);
  t.carrier = CarrierId(r.Int(1));
  t.name = r.Text(2);
  t.kind = static_cast<int>(r.Int(3));
  t.channel = static_cast<int>(r.Int(4));
  t.checklist = r.Text(5);
  t.document_ref = r.Text(6);
  t.policy_version = r.Int(7);
  t.created_at = Instant::FromMicros(r.Int(8));
  t.actor = r.Text(9);
  t.ledger_seq = r.Int(10);
  return t;
}

constexpr char kPolicyColumns[] = "carrier_id, version, name, toml, sha256, set_at, actor, ledger_seq";

PolicyRow PolicyFromRow(const Row& r) {
  PolicyRow p;
  p.carrier = CarrierId(r.Int(0));
  p.version = r.Int(1);
  p.name = r.Text(2);
  p.toml = r.Text(3);
  p.sha256 = r.Text(4);
  p.set_at = Instant::FromMicros(r.Int(5));
  p.actor = r.Text(6);
  p.ledger_seq = r.Int(7);
  return p;
}

constexpr char kDecisionColumns[] =
    "id, carrier_id, customer_id, asked_at, decided_at, actor, action, purpose, recipient_kind, "
    "recipient_id, cpni, service_category, offering, context_flags, channel, allowed, rule_set, "
    "what_if, policy_version, basis, requires, reason";

DecisionRow DecisionFromRow(const Row& r) {
  DecisionRow d;
  d.id = r.Int(0);
  d.carrier = CarrierId(r.Int(1));
  d.customer = CustomerId(r.Int(2));
  d.at = Instant::FromMicros(r.Int(3));
  d.decided_at = Instant::FromMicros(r.Int(4));
  d.actor = r.Text(5);
  d.action = static_cast<int>(r.Int(6));
  d.purpose = static_cast<int>(r.Int(7));
  d.recipient_kind = static_cast<int>(r.Int(8));
  d.recipient_id = r.Int(9);
  d.cpni = static_cast<uint32_t>(r.Int(10));
  d.service_category = static_cast<int>(r.Int(11));
  d.offering = static_cast<int>(r.Int(12));
  d.context_flags = static_cast<uint32_t>(r.Int(13));
  d.channel = static_cast<int>(r.Int(14));
  d.allowed = r.Int(15) != 0;
  d.rule_set = r.Text(16);
  d.what_if = r.Int(17) != 0;
  d.policy_version = r.Int(18);
  d.basis = r.Text(19);
  d.requires_ = r.Text(20);
  d.reason = r.Text(21);
  return d;
}

// The last column is 1 when both the representative and the contract are set
// (a CASE, not a boolean: both backends return an integer).
constexpr char kFactsColumns[] =
    "id, carrier_id, customer_type, services, CASE WHEN account_representative <> '' AND "
    "cpni_contract_ref <> '' THEN 1 ELSE 0 END, closed_at";

CustomerFactsRow FactsFromRow(const Row& r) {
  CustomerFactsRow f;
  f.id = CustomerId(r.Int(0));
  f.carrier = CarrierId(r.Int(1));
  f.customer_type = static_cast<int>(r.Int(2));
  f.services = static_cast<uint32_t>(r.Int(3));
  f.business_cpni_contract = f.customer_type == 1 && r.Int(4) != 0;
  if (!r.IsNull(5)) f.closed_at = Instant::FromMicros(r.Int(5));
  return f;
}

// A foreign-key failure on insert means the carrier (or customer) is gone.
Status MissingParent(const Status& st, const std::string& what) {
  if (st.code() == StatusCode::kFailedPrecondition) return Status::NotFound("no " + what);
  return st;
}

}  // namespace

// ---- approval events ----

Result<int64_t> Tx::InsertApprovalEvent(const ApprovalEventRow& e) {
  const Value call_end = e.call_end ? Value(e.call_end->micros()) : Value(Null{});
  auto id = conn_.Insert(
      "INSERT INTO approval_events (carrier_id, customer_id, kind, event_at, scopes, notice_id, "
      "notice_channel, email_consent, evidence_channel, document_id, recording_id, staff_id, "
      "call_id, call_end, recorded_at, actor, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {e.carrier.value(), e.customer.value(), int64_t{e.kind}, e.at.micros(),
       int64_t{e.scopes}, e.notice_id, int64_t{e.notice_channel},
       int64_t{e.email_consent ? 1 : 0}, int64_t{e.evidence_channel}, e.document_id,
       e.recording_id, e.staff.value(), e.call_id, call_end, e.recorded_at.micros(), e.actor,
       e.ledger_seq});
  if (!id.ok()) return MissingParent(id.status(), "customer " + e.customer.ToString());
  if (!*id) return Status::Internal("approval event insert returned no id");
  return **id;
}

Result<std::vector<ApprovalEventRow>> Tx::ListApprovalEvents(CarrierId carrier,
                                                             CustomerId customer) {
  std::vector<ApprovalEventRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kEventColumns +
                                " FROM approval_events WHERE carrier_id = ? AND customer_id = ? "
                                "ORDER BY event_at, id",
                            {carrier.value(), customer.value()}, [&](const Row& r) {
                              out.push_back(EventFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<Page<ApprovalEventRow>> Tx::ListApprovalEvents(CarrierId carrier, CustomerId customer,
                                                       int64_t after, int limit) {
  return internal::ReadPage<ApprovalEventRow>(
      limit, EventFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& add) {
        return conn_.Run(std::string("SELECT ") + kEventColumns +
                             " FROM approval_events WHERE carrier_id = ? AND customer_id = ? "
                             "AND id > ? ORDER BY id LIMIT ?",
                         {carrier.value(), customer.value(), after, fetch}, add);
      });
}

Status Tx::ScanApprovalEvents(CarrierId carrier,
                              const std::function<Status(const ApprovalEventRow&)>& fn) {
  return conn_.Run(std::string("SELECT ") + kEventColumns +
                       " FROM approval_events WHERE carrier_id = ? "
                       "ORDER BY customer_id, event_at, id",
                   {carrier.value()}, [&](const Row& r) { return fn(EventFromRow(r)); });
}

Result<std::vector<ApprovalEventRow>> Tx::ApprovalEventsAfter(CarrierId carrier,
                                                              int64_t after_seq) {
  std::vector<ApprovalEventRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kEventColumns +
                                " FROM approval_events WHERE carrier_id = ? AND ledger_seq > ? "
                                "ORDER BY ledger_seq, id",
                            {carrier.value(), after_seq}, [&](const Row& r) {
                              out.push_back(EventFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<std::vector<CustomerFactsRow>> Tx::CustomerFactsAfter(CarrierId carrier, CustomerId after,
                                                             int limit) {
  std::vector<CustomerFactsRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kFactsColumns +
                                " FROM customers WHERE carrier_id = ? AND id > ? ORDER BY id "
                                "LIMIT ?",
                            {carrier.value(), after.value(), int64_t{limit}}, [&](const Row& r) {
                              out.push_back(FactsFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<std::optional<CustomerFactsRow>> Tx::GetCustomerFacts(CarrierId carrier, CustomerId id) {
  std::optional<CustomerFactsRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kFactsColumns +
                                " FROM customers WHERE carrier_id = ? AND id = ?",
                            {carrier.value(), id.value()}, [&](const Row& r) {
                              out = FactsFromRow(r);
                              return Status::Ok();
                            }));
  return out;
}

// ---- notices ----

Result<int64_t> Tx::InsertNoticeTemplate(const NoticeTemplateRow& t) {
  auto id = conn_.Insert(
      "INSERT INTO notice_templates (carrier_id, name, kind, channel, checklist, document_ref, "
      "policy_version, created_at, actor, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {t.carrier.value(), t.name, int64_t{t.kind}, int64_t{t.channel}, t.checklist,
       t.document_ref, t.policy_version, t.created_at.micros(), t.actor, t.ledger_seq});
  if (!id.ok() && id.status().IsAlreadyExists()) {
    return Status::AlreadyExists("a notice template named '" + t.name +
                                     "' already exists for this carrier",
                                 "name");
  }
  if (!id.ok()) return MissingParent(id.status(), "carrier " + t.carrier.ToString());
  if (!*id) return Status::Internal("notice template insert returned no id");
  return **id;
}

Result<std::optional<NoticeTemplateRow>> Tx::GetNoticeTemplate(CarrierId carrier, int64_t id) {
  std::optional<NoticeTemplateRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kTemplateColumns +
                                " FROM notice_templates WHERE carrier_id = ? AND id = ?",
                            {carrier.value(), id}, [&](const Row& r) {
                              out = TemplateFromRow(r);
                              return Status::Ok();
                            }));
  return out;
}

Result<std::vector<NoticeTemplateRow>> Tx::ListNoticeTemplates(CarrierId carrier) {
  std::vector<NoticeTemplateRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kTemplateColumns +
                                " FROM notice_templates WHERE carrier_id = ? ORDER BY id",
                            {carrier.value()}, [&](const Row& r) {
                              out.push_back(TemplateFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<Page<NoticeTemplateRow>> Tx::ListNoticeTemplates(CarrierId carrier, int64_t after,
                                                        int limit) {
  return internal::ReadPage<NoticeTemplateRow>(
      limit, TemplateFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& add) {
        return conn_.Run(std::string("SELECT ") + kTemplateColumns +
                             " FROM notice_templates WHERE carrier_id = ? AND id > ? "
                             "ORDER BY id LIMIT ?",
                         {carrier.value(), after, fetch}, add);
      });
}

Result<int64_t> Tx::InsertNoticeSend(const NoticeSendRow& n) {
  auto id = conn_.Insert(
      "INSERT INTO notice_sends (carrier_id, template_id, channel, scopes, sent_at, customers, "
      "recorded_at, actor, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {n.carrier.value(), n.template_id, int64_t{n.channel}, int64_t{n.scopes},
       n.sent_at.micros(), n.customers, n.recorded_at.micros(), n.actor, n.ledger_seq});
  if (!id.ok()) return MissingParent(id.status(), "notice template " + std::to_string(n.template_id));
  if (!*id) return Status::Internal("notice insert returned no id");
  return **id;
}

Status Tx::SetNoticeSendOutcome(int64_t notice_id, int64_t customers, int64_t ledger_seq) {
  return conn_.Exec("UPDATE notice_sends SET customers = ?, ledger_seq = ? WHERE id = ?",
                    {customers, ledger_seq, notice_id});
}

Result<bool> Tx::NoticeSentBy(CarrierId carrier, CustomerId customer, Instant by) {
  // The carrier's sendings (few) probe notice_recipients by its key.
  ASSIGN_OR_RETURN(int64_t n,
                   conn_.QueryInt("SELECT COUNT(*) FROM notice_sends s WHERE s.carrier_id = ? "
                                  "AND s.sent_at <= ? AND EXISTS (SELECT 1 FROM notice_recipients "
                                  "r WHERE r.notice_id = s.id AND r.customer_id = ?)",
                                  {carrier.value(), by.micros(), customer.value()}));
  return n > 0;
}

Status Tx::InsertNoticeRecipient(int64_t notice_id, CustomerId customer, int64_t ledger_seq) {
  Status st = conn_.Exec(
      "INSERT INTO notice_recipients (notice_id, customer_id, ledger_seq) VALUES (?, ?, ?)",
      {notice_id, customer.value(), ledger_seq});
  if (st.IsAlreadyExists()) {
    return Status::AlreadyExists("customer " + customer.ToString() + " is listed twice",
                                 "customers");
  }
  return st;
}

// ---- policies ----

Status Tx::InsertPolicy(const PolicyRow& p) {
  Status st = conn_.Exec(
      "INSERT INTO carrier_policies (carrier_id, version, name, toml, sha256, set_at, actor, "
      "ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {p.carrier.value(), p.version, p.name, p.toml, p.sha256, p.set_at.micros(), p.actor,
       p.ledger_seq});
  if (st.IsAlreadyExists()) {
    return Status::AlreadyExists("policy version " + std::to_string(p.version) +
                                     " already exists for this carrier",
                                 "version");
  }
  return MissingParent(st, "carrier " + p.carrier.ToString());
}

Result<std::optional<PolicyRow>> Tx::CurrentPolicy(CarrierId carrier) {
  std::optional<PolicyRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kPolicyColumns +
                                " FROM carrier_policies WHERE carrier_id = ? "
                                "ORDER BY version DESC LIMIT 1",
                            {carrier.value()}, [&](const Row& r) {
                              out = PolicyFromRow(r);
                              return Status::Ok();
                            }));
  return out;
}

Result<std::optional<PolicyRow>> Tx::GetPolicy(CarrierId carrier, int64_t version) {
  std::optional<PolicyRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kPolicyColumns +
                                " FROM carrier_policies WHERE carrier_id = ? AND version = ?",
                            {carrier.value(), version}, [&](const Row& r) {
                              out = PolicyFromRow(r);
                              return Status::Ok();
                            }));
  return out;
}

Result<std::vector<PolicyRow>> Tx::ListPolicies(CarrierId carrier) {
  std::vector<PolicyRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kPolicyColumns +
                                " FROM carrier_policies WHERE carrier_id = ? ORDER BY version",
                            {carrier.value()}, [&](const Row& r) {
                              out.push_back(PolicyFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<Page<PolicyRow>> Tx::ListPolicies(CarrierId carrier, int64_t after, int limit) {
  return internal::ReadPage<PolicyRow>(
      limit, PolicyFromRow, [](const PolicyRow& p) { return p.version; },
      [&](int64_t fetch, const internal::RowFn& add) {
        return conn_.Run(std::string("SELECT ") + kPolicyColumns +
                             " FROM carrier_policies WHERE carrier_id = ? AND version > ? "
                             "ORDER BY version LIMIT ?",
                         {carrier.value(), after, fetch}, add);
      });
}

// ---- decisions ----

Result<int64_t> Tx::InsertDecision(const DecisionRow& d) {
  auto id = conn_.Insert(
      "INSERT INTO decisions (carrier_id, customer_id, asked_at, decided_at, actor, action, "
      "purpose, recipient_kind, recipient_id, cpni, service_category, offering, context_flags, "
      "channel, allowed, rule_set, what_if, policy_version, basis, requires, reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {d.carrier.value(), d.customer.value(), d.at.micros(), d.decided_at.micros(), d.actor,
       int64_t{d.action}, int64_t{d.purpose}, int64_t{d.recipient_kind}, d.recipient_id,
       int64_t{d.cpni}, int64_t{d.service_category}, int64_t{d.offering},
       int64_t{d.context_flags}, int64_t{d.channel}, int64_t{d.allowed ? 1 : 0}, d.rule_set,
       int64_t{d.what_if ? 1 : 0}, d.policy_version, d.basis, d.requires_, d.reason});
  if (!id.ok()) return id.status();
  if (!*id) return Status::Internal("decision insert returned no id");
  return **id;
}

Result<std::optional<DecisionRow>> Tx::GetDecision(CarrierId carrier, int64_t id) {
  std::optional<DecisionRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kDecisionColumns +
                                " FROM decisions WHERE carrier_id = ? AND id = ?",
                            {carrier.value(), id}, [&](const Row& r) {
                              out = DecisionFromRow(r);
                              return Status::Ok();
                            }));
  return out;
}

// ---- following the ledger ----

Result<std::vector<LedgerMark>> Tx::LedgerMarksAfter(CarrierId carrier, int64_t after_seq,
                                                     int limit) {
  std::vector<LedgerMark> out;
  Status decode = Status::Ok();
  // Sequence numbers are dense: the next `limit` entries are a range.
  RETURN_IF_ERROR(ForEachStoredEntry(
      carrier, after_seq + 1, after_seq + 1 + limit,
      [&](int64_t, std::string_view bytes, std::string_view) {
        auto view = ledger::EntryView::Parse(bytes);
        if (!view.ok()) {
          decode = view.status();
          return Status::Ok();
        }
        out.push_back(LedgerMark{view->seq, std::string(view->type), std::string(view->subject)});
        return Status::Ok();
      }));
  RETURN_IF_ERROR(decode);
  return out;
}

}  // namespace proprio::store
