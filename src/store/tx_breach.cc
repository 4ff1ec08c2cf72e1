// store/tx_breach.cc: the Tx operations behind breach cases (migration
// 0004_breach), over both backends.
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kCaseColumns[] =
    "id, carrier_id, opened_at, opened_by, discovered_at, discovered_how, determined_at, "
    "description, method, started_on, ended_on, cpni, other_data, intentional, affected_count, "
    "estimated_loss_cents, contact, rule_set, breach_regime, breach_2024_effective, "
    "policy_version, policy_toml, harm, state, closed_at, retain_until, erased_at, ledger_seq";

std::optional<Instant> OptInstant(const Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return Instant::FromMicros(r.Int(col));
}

BreachCaseRow CaseFromRow(const Row& r) {
  BreachCaseRow c;
  c.id = r.Int(0);
  c.carrier = CarrierId(r.Int(1));
  c.opened_at = Instant::FromMicros(r.Int(2));
  c.opened_by = r.Text(3);
  c.discovered_at = Instant::FromMicros(r.Int(4));
  c.discovered_how = r.Text(5);
  c.determined_at = Instant::FromMicros(r.Int(6));
  c.description = r.Text(7);
  c.method = r.Text(8);
  c.started_on = r.Text(9);
  c.ended_on = r.Text(10);
  c.cpni = r.Text(11);
  c.other_data = r.Text(12);
  c.intentional = r.Int(13) != 0;
  if (!r.IsNull(14)) c.affected_count = r.Int(14);
  if (!r.IsNull(15)) c.estimated_loss_cents = r.Int(15);
  c.contact = r.Text(16);
  c.rule_set = r.Text(17);
  c.breach_regime = r.Text(18);
  c.breach_2024_effective = r.Text(19);
  c.policy_version = r.Int(20);
  c.policy_toml = r.Text(21);
  c.harm = r.Text(22);
  c.state = r.Text(23);
  c.closed_at = OptInstant(r, 24);
  c.retain_until = OptInstant(r, 25);
  c.erased_at = OptInstant(r, 26);
  c.ledger_seq = r.Int(27);
  return c;
}

Value OptInt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(Null{}); }
Value OptMicros(const std::optional<Instant>& v) { return v ? Value(v->micros()) : Value(Null{}); }

BreachActionRow ActionFromRow(const Row& r) {
  BreachActionRow a;
  a.id = r.Int(0);
  a.case_id = r.Int(1);
  a.carrier = CarrierId(r.Int(2));
  a.kind = r.Text(3);
  a.at = Instant::FromMicros(r.Int(4));
  a.recorded_at = Instant::FromMicros(r.Int(5));
  a.actor = r.Text(6);
  if (!r.IsNull(7)) a.customer = CustomerId(r.Int(7));
  a.details = r.Text(8);
  a.ledger_seq = r.Int(9);
  return a;
}

}  // namespace

Result<int64_t> Tx::InsertBreachCase(const BreachCaseRow& c) {
  auto id = conn_.Insert(
      "INSERT INTO breach_cases (carrier_id, opened_at, opened_by, discovered_at, discovered_how, "
      "determined_at, description, method, started_on, ended_on, cpni, other_data, intentional, "
      "affected_count, estimated_loss_cents, contact, rule_set, breach_regime, "
      "breach_2024_effective, policy_version, policy_toml, harm, state, closed_at, retain_until, "
      "erased_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?)",
      {c.carrier.value(), c.opened_at.micros(), c.opened_by, c.discovered_at.micros(),
       c.discovered_how, c.determined_at.micros(), c.description, c.method, c.started_on,
       c.ended_on, c.cpni, c.other_data, int64_t{c.intentional ? 1 : 0}, OptInt(c.affected_count),
       OptInt(c.estimated_loss_cents), c.contact, c.rule_set, c.breach_regime,
       c.breach_2024_effective, c.policy_version, c.policy_toml, c.harm, c.state,
       OptMicros(c.closed_at), OptMicros(c.retain_until), OptMicros(c.erased_at), c.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + c.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("breach case not inserted");
  return **id;
}

Result<BreachCaseRow> Tx::GetBreachCase(CarrierId carrier, int64_t id) {
  std::optional<BreachCaseRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCaseColumns +
                                " FROM breach_cases WHERE id = ? AND carrier_id = ?",
                            {id, carrier.value()}, [&](const Row& r) {
                              found = CaseFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) return Status::NotFound("no breach case " + std::to_string(id) + " for this carrier");
  return *found;
}

Result<std::vector<BreachCaseRow>> Tx::ListBreachCases(CarrierId carrier, const std::string& state) {
  std::vector<BreachCaseRow> out;
  auto add = [&](const Row& r) {
    out.push_back(CaseFromRow(r));
    return Status::Ok();
  };
  const std::string base = std::string("SELECT ") + kCaseColumns + " FROM breach_cases";
  if (carrier.valid() && !state.empty()) {
    RETURN_IF_ERROR(conn_.Run(base + " WHERE carrier_id = ? AND state = ? ORDER BY id",
                              {carrier.value(), state}, add));
  } else if (carrier.valid()) {
    RETURN_IF_ERROR(conn_.Run(base + " WHERE carrier_id = ? ORDER BY id", {carrier.value()}, add));
  } else if (!state.empty()) {
    RETURN_IF_ERROR(conn_.Run(base + " WHERE state = ? ORDER BY carrier_id, id", {state}, add));
  } else {
    RETURN_IF_ERROR(conn_.Run(base + " ORDER BY carrier_id, id", {}, add));
  }
  return out;
}

Result<Page<BreachCaseRow>> Tx::ListBreachCases(CarrierId carrier, const std::string& state,
                                                int64_t after, int limit) {
  if (!carrier.valid()) return Status::InvalidArgument("a page of cases is one carrier's", "carrier");
  return internal::ReadPage<BreachCaseRow>(
      limit, CaseFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& add) {
        const std::string base = std::string("SELECT ") + kCaseColumns + " FROM breach_cases";
        if (state.empty()) {
          return conn_.Run(base + " WHERE carrier_id = ? AND id > ? ORDER BY id LIMIT ?",
                           {carrier.value(), after, fetch}, add);
        }
        return conn_.Run(base + " WHERE carrier_id = ? AND state = ? AND id > ? ORDER BY id LIMIT ?",
                         {carrier.value(), state, after, fetch}, add);
      });
}

Status Tx::UpdateBreachCase(const BreachCaseRow& c) {
  return conn_.Exec(
      "UPDATE breach_cases SET description = ?, discovered_how = ?, method = ?, contact = ?, "
      "affected_count = ?, harm = ?, state = ?, closed_at = ?, retain_until = ?, erased_at = ?, "
      "ledger_seq = ? WHERE id = ? AND carrier_id = ?",
      {c.description, c.discovered_how, c.method, c.contact, OptInt(c.affected_count), c.harm,
       c.state, OptMicros(c.closed_at), OptMicros(c.retain_until), OptMicros(c.erased_at),
       c.ledger_seq, c.id, c.carrier.value()});
}

Status Tx::AddBreachAffected(CarrierId carrier, int64_t case_id, CustomerId customer, Instant at) {
  Status st = conn_.Exec(
      "INSERT INTO breach_affected (case_id, customer_id, carrier_id, added_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (case_id, customer_id) DO NOTHING",
      {case_id, customer.value(), carrier.value(), at.micros()});
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + customer.ToString() + " for this carrier");
  }
  return st;
}

Result<std::vector<CustomerId>> Tx::ListBreachAffected(CarrierId carrier, int64_t case_id) {
  std::vector<CustomerId> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT customer_id FROM breach_affected WHERE carrier_id = ? AND case_id = ? "
      "ORDER BY customer_id",
      {carrier.value(), case_id}, [&](const Row& r) {
        out.push_back(CustomerId(r.Int(0)));
        return Status::Ok();
      }));
  return out;
}

Result<int64_t> Tx::InsertBreachAction(const BreachActionRow& a) {
  const Value customer = a.customer ? Value(a.customer->value()) : Value(Null{});
  auto id = conn_.Insert(
      "INSERT INTO breach_actions (case_id, carrier_id, kind, at, recorded_at, actor, customer_id, "
      "details, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.case_id, a.carrier.value(), a.kind, a.at.micros(), a.recorded_at.micros(), a.actor,
       customer, a.details, a.ledger_seq});
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("breach action not inserted");
  return **id;
}

Result<std::vector<BreachActionRow>> Tx::ListBreachActions(CarrierId carrier, int64_t case_id) {
  std::vector<BreachActionRow> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT id, case_id, carrier_id, kind, at, recorded_at, actor, customer_id, details, "
      "ledger_seq FROM breach_actions WHERE carrier_id = ? AND case_id = ? ORDER BY id",
      {carrier.value(), case_id}, [&](const Row& r) {
        out.push_back(ActionFromRow(r));
        return Status::Ok();
      }));
  return out;
}

Status Tx::SetBreachActionDetails(CarrierId carrier, int64_t action_id, const std::string& details) {
  return conn_.Exec("UPDATE breach_actions SET details = ? WHERE id = ? AND carrier_id = ?",
                    {details, action_id, carrier.value()});
}

}  // namespace proprio::store
