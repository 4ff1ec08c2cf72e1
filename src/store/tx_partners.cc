// store/tx_partners.cc: the Tx operations behind the partner registry and the
// customers' written authorizations for a new carrier (migration
// 0014_partners), over both backends.
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Row;

namespace {

constexpr char kPartnerColumns[] =
    "id, carrier_id, name, kind, contact, agreement_document, agreement_effective_on, "
    "agreement_expires_on, agreement_terms, certification_document, certification_signed_on, "
    "certification_expires_on, created_at, updated_at, ledger_seq";
constexpr char kAuthorizationColumns[] =
    "id, carrier_id, customer_id, new_carrier, document_id, signed_on, recorded_at, recorded_by, "
    "ledger_seq";

PartnerRow PartnerFromRow(const Row& r) {
  PartnerRow p;
  p.id = r.Int(0);
  p.carrier = CarrierId(r.Int(1));
  p.name = r.Text(2);
  p.kind = r.Text(3);
  p.contact = r.Text(4);
  p.agreement_document = r.Text(5);
  p.agreement_effective_on = r.Text(6);
  p.agreement_expires_on = r.Text(7);
  p.agreement_terms = r.Text(8);
  p.certification_document = r.Text(9);
  p.certification_signed_on = r.Text(10);
  p.certification_expires_on = r.Text(11);
  p.created_at = Instant::FromMicros(r.Int(12));
  p.updated_at = Instant::FromMicros(r.Int(13));
  p.ledger_seq = r.Int(14);
  return p;
}

NewCarrierAuthorizationRow AuthorizationFromRow(const Row& r) {
  NewCarrierAuthorizationRow a;
  a.id = r.Int(0);
  a.carrier = CarrierId(r.Int(1));
  a.customer = CustomerId(r.Int(2));
  a.new_carrier = r.Text(3);
  a.document_id = r.Text(4);
  a.signed_on = r.Text(5);
  a.recorded_at = Instant::FromMicros(r.Int(6));
  a.recorded_by = r.Text(7);
  a.ledger_seq = r.Int(8);
  return a;
}

Status PartnerNameTaken(const PartnerRow& p) {
  return Status(StatusCode::kAlreadyExists,
                "the carrier already has a partner named '" + p.name + "'", "name");
}

}  // namespace

Result<int64_t> Tx::InsertPartner(const PartnerRow& p) {
  auto id = conn_.Insert(
      "INSERT INTO partners (carrier_id, name, kind, contact, agreement_document, "
      "agreement_effective_on, agreement_expires_on, agreement_terms, certification_document, "
      "certification_signed_on, certification_expires_on, created_at, updated_at, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {p.carrier.value(), p.name, p.kind, p.contact, p.agreement_document,
       p.agreement_effective_on, p.agreement_expires_on, p.agreement_terms,
       p.certification_document, p.certification_signed_on, p.certification_expires_on,
       p.created_at.micros(), p.updated_at.micros(), p.ledger_seq});
  if (!id.ok() && id.status().IsAlreadyExists()) return PartnerNameTaken(p);
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + p.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("partner not inserted");
  return **id;
}

Result<PartnerRow> Tx::GetPartner(CarrierId carrier, int64_t id) {
  std::optional<PartnerRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kPartnerColumns +
                                " FROM partners WHERE id = ? AND carrier_id = ?",
                            {id, carrier.value()}, [&](const Row& r) {
                              found = PartnerFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) {
    return Status(StatusCode::kNotFound, "no partner " + std::to_string(id) + " for this carrier",
                  "partner");
  }
  return *found;
}

Status Tx::UpdatePartner(const PartnerRow& p) {
  Status st = conn_.Exec(
      "UPDATE partners SET name = ?, kind = ?, contact = ?, agreement_document = ?, "
      "agreement_effective_on = ?, agreement_expires_on = ?, agreement_terms = ?, "
      "certification_document = ?, certification_signed_on = ?, certification_expires_on = ?, "
      "updated_at = ?, ledger_seq = ? WHERE id = ? AND carrier_id = ?",
      {p.name, p.kind, p.contact, p.agreement_document, p.agreement_effective_on,
       p.agreement_expires_on, p.agreement_terms, p.certification_document,
       p.certification_signed_on, p.certification_expires_on, p.updated_at.micros(),
       p.ledger_seq, p.id, p.carrier.value()});
  if (st.IsAlreadyExists()) return PartnerNameTaken(p);
  return st;
}

Result<Page<PartnerRow>> Tx::ListPartners(CarrierId carrier, const std::string& kind,
                                          int64_t after, int limit) {
  return internal::ReadPage<PartnerRow>(
      limit, PartnerFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& on_row) {
        return conn_.Run(std::string("SELECT ") + kPartnerColumns +
                             " FROM partners WHERE carrier_id = ? AND (? = '' OR kind = ?) AND "
                             "id > ? ORDER BY id LIMIT ?",
                         {carrier.value(), kind, kind, after, fetch}, on_row);
      });
}

Result<int64_t> Tx::InsertNewCarrierAuthorization(const NewCarrierAuthorizationRow& a) {
  auto id = conn_.Insert(
      "INSERT INTO new_carrier_authorizations (carrier_id, customer_id, new_carrier, "
      "document_id, signed_on, recorded_at, recorded_by, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {a.carrier.value(), a.customer.value(), a.new_carrier, a.document_id, a.signed_on,
       a.recorded_at.micros(), a.recorded_by, a.ledger_seq});
  if (!id.ok() && id.status().IsAlreadyExists()) {
    return Status(StatusCode::kAlreadyExists,
                  "document " + a.document_id + " is already on record for this customer",
                  "document");
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("authorization not inserted");
  return **id;
}

Status Tx::SetNewCarrierAuthorizationLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq) {
  return conn_.Exec(
      "UPDATE new_carrier_authorizations SET ledger_seq = ? WHERE id = ? AND carrier_id = ?",
      {ledger_seq, id, carrier.value()});
}

Result<std::optional<NewCarrierAuthorizationRow>> Tx::FindNewCarrierAuthorization(
    CarrierId carrier, CustomerId customer, const std::string& document_id) {
  std::optional<NewCarrierAuthorizationRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kAuthorizationColumns +
                                " FROM new_carrier_authorizations WHERE carrier_id = ? AND "
                                "customer_id = ? AND document_id = ?",
                            {carrier.value(), customer.value(), document_id}, [&](const Row& r) {
                              found = AuthorizationFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::vector<NewCarrierAuthorizationRow>> Tx::ListNewCarrierAuthorizations(
    CarrierId carrier, CustomerId customer) {
  std::vector<NewCarrierAuthorizationRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kAuthorizationColumns +
                                " FROM new_carrier_authorizations WHERE carrier_id = ? AND "
                                "customer_id = ? ORDER BY id",
                            {carrier.value(), customer.value()}, [&](const Row& r) {
                              out.push_back(AuthorizationFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

}  // namespace proprio::store
