// store/tx_sim.cc: the Tx operations behind SIM change and port-out requests
// and the customer's lock (migration 0015_sim_requests), over both backends.
// Every statement is parameterized and names the carrier.
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Row;

namespace {

constexpr char kRequestColumns[] =
    "id, carrier_id, customer_id, kind, requested_at, actor, staff_id, channel, session_id, "
    "methods, outcome, reason, basis, in_force, failed_attempt, notifications, rule_set, "
    "policy_version, retain_until, ledger_seq";

SimRequestRow RequestFromRow(const Row& r) {
  SimRequestRow q;
  q.id = r.Int(0);
  q.carrier = CarrierId(r.Int(1));
  q.customer = CustomerId(r.Int(2));
  q.kind = r.Text(3);
  q.requested_at = Instant::FromMicros(r.Int(4));
  q.actor = r.Text(5);
  q.staff_id = r.Int(6);
  q.channel = r.Text(7);
  q.session_id = r.Int(8);
  q.methods = r.Text(9);
  q.outcome = r.Text(10);
  q.reason = r.Text(11);
  q.basis = r.Text(12);
  q.in_force = r.Int(13) != 0;
  q.failed_attempt = r.Int(14) != 0;
  q.notifications = r.Text(15);
  q.rule_set = r.Text(16);
  q.policy_version = r.Int(17);
  q.retain_until = Instant::FromMicros(r.Int(18));
  q.ledger_seq = r.Int(19);
  return q;
}

}  // namespace

Result<int64_t> Tx::InsertSimRequest(const SimRequestRow& q) {
  auto id = conn_.Insert(
      "INSERT INTO sim_requests (carrier_id, customer_id, kind, requested_at, actor, staff_id, "
      "channel, session_id, methods, outcome, reason, basis, in_force, failed_attempt, "
      "notifications, rule_set, policy_version, retain_until, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {q.carrier.value(), q.customer.value(), q.kind, q.requested_at.micros(), q.actor,
       q.staff_id, q.channel, q.session_id, q.methods, q.outcome, q.reason, q.basis,
       int64_t{q.in_force ? 1 : 0}, int64_t{q.failed_attempt ? 1 : 0}, q.notifications,
       q.rule_set, q.policy_version, q.retain_until.micros(), q.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + q.customer.ToString() + " for carrier " +
                            q.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("SIM request not inserted");
  return **id;
}

Status Tx::SetSimRequestLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq) {
  return conn_.Exec("UPDATE sim_requests SET ledger_seq = ? WHERE id = ? AND carrier_id = ?",
                    {ledger_seq, id, carrier.value()});
}

Result<SimRequestRow> Tx::GetSimRequest(CarrierId carrier, CustomerId customer, int64_t id) {
  std::optional<SimRequestRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kRequestColumns +
                                " FROM sim_requests WHERE id = ? AND carrier_id = ? AND "
                                "customer_id = ?",
                            {id, carrier.value(), customer.value()}, [&](const Row& r) {
                              found = RequestFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) {
    return Status(StatusCode::kNotFound,
                  "no SIM request " + std::to_string(id) + " for this customer", "request");
  }
  return *found;
}

Result<Page<SimRequestRow>> Tx::ListSimRequests(CarrierId carrier, CustomerId customer,
                                                int64_t before, int limit) {
  const int64_t below = before > 0 ? before : INT64_MAX;
  return internal::ReadPage<SimRequestRow>(
      limit, RequestFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& on_row) {
        return conn_.Run(std::string("SELECT ") + kRequestColumns +
                             " FROM sim_requests WHERE carrier_id = ? AND customer_id = ? AND "
                             "id < ? ORDER BY id DESC LIMIT ?",
                         {carrier.value(), customer.value(), below, fetch}, on_row);
      });
}

Result<std::vector<Instant>> Tx::SimFailedAttemptsSince(CarrierId carrier, CustomerId customer,
                                                        Instant since) {
  std::vector<Instant> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT requested_at FROM sim_requests WHERE carrier_id = ? AND customer_id = ? AND "
      "failed_attempt = 1 AND requested_at >= ? ORDER BY requested_at",
      {carrier.value(), customer.value(), since.micros()}, [&](const Row& r) {
        out.push_back(Instant::FromMicros(r.Int(0)));
        return Status::Ok();
      }));
  return out;
}

Result<std::vector<Instant>> Tx::FailedAuthenticationChecksSince(CarrierId carrier,
                                                                 CustomerId customer,
                                                                 Instant since) {
  std::vector<Instant> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT at FROM verification_steps WHERE carrier_id = ? AND customer_id = ? AND at >= ? "
      "AND outcome = 'failed' AND kind IN ('password', 'backup_answer', 'online_sign_in', "
      "'reset_code', 'photo_id') ORDER BY at",
      {carrier.value(), customer.value(), since.micros()}, [&](const Row& r) {
        out.push_back(Instant::FromMicros(r.Int(0)));
        return Status::Ok();
      }));
  return out;
}

Result<bool> Tx::NoticeQueuedSince(CarrierId carrier, CustomerId customer,
                                   const std::string& change_kind, Instant since) {
  bool found = false;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT id FROM account_notifications WHERE carrier_id = ? AND customer_id = ? AND "
      "change_kind = ? AND created_at >= ? LIMIT 1",
      {carrier.value(), customer.value(), change_kind, since.micros()}, [&](const Row&) {
        found = true;
        return Status::Ok();
      }));
  return found;
}

Result<bool> Tx::SimRequestInSession(CarrierId carrier, int64_t session_id) {
  bool found = false;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT id FROM sim_requests WHERE carrier_id = ? AND session_id = ? LIMIT 1",
      {carrier.value(), session_id}, [&](const Row&) {
        found = true;
        return Status::Ok();
      }));
  return found;
}

Result<std::optional<SimLockRow>> Tx::GetSimLock(CarrierId carrier, CustomerId customer) {
  std::optional<SimLockRow> found;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT carrier_id, customer_id, locked, changed_at, changed_by, session_id, ledger_seq "
      "FROM sim_locks WHERE carrier_id = ? AND customer_id = ?",
      {carrier.value(), customer.value()}, [&](const Row& r) {
        SimLockRow l;
        l.carrier = CarrierId(r.Int(0));
        l.customer = CustomerId(r.Int(1));
        l.locked = r.Int(2) != 0;
        l.changed_at = Instant::FromMicros(r.Int(3));
        l.changed_by = r.Text(4);
        l.session_id = r.Int(5);
        l.ledger_seq = r.Int(6);
        found = l;
        return Status::Ok();
      }));
  return found;
}

Status Tx::PutSimLock(const SimLockRow& l) {
  return conn_.Exec(
      "INSERT INTO sim_locks (carrier_id, customer_id, locked, changed_at, changed_by, "
      "session_id, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (carrier_id, customer_id) "
      "DO UPDATE SET locked = excluded.locked, changed_at = excluded.changed_at, changed_by = "
      "excluded.changed_by, session_id = excluded.session_id, ledger_seq = excluded.ledger_seq",
      {l.carrier.value(), l.customer.value(), int64_t{l.locked ? 1 : 0}, l.changed_at.micros(),
       l.changed_by, l.session_id, l.ledger_seq});
}

}  // namespace proprio::store
