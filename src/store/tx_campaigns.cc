// store/tx_campaigns.cc: the Tx operations behind campaigns and their records
// (migration 0013_campaigns), over both backends.
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kCampaignColumns[] =
    "id, carrier_id, name, description, cpni_categories, offering, service_category, products, "
    "channel, starts_on, ends_on, owner_staff_id, state, reviewer_staff_id, review_note, "
    "created_at, updated_at, completed_on, ledger_seq";
constexpr char kRecordColumns[] =
    "id, carrier_id, campaign_id, kind, details, recorded_at, recorded_by, ledger_seq";

CampaignRow CampaignFromRow(const Row& r) {
  CampaignRow c;
  c.id = r.Int(0);
  c.carrier = CarrierId(r.Int(1));
  c.name = r.Text(2);
  c.description = r.Text(3);
  c.cpni_categories = r.Text(4);
  c.offering = r.Text(5);
  c.service_category = r.Text(6);
  c.products = r.Text(7);
  c.channel = r.Text(8);
  c.starts_on = r.Text(9);
  c.ends_on = r.Text(10);
  c.owner_staff_id = r.Int(11);
  c.state = r.Text(12);
  if (!r.IsNull(13)) c.reviewer_staff_id = r.Int(13);
  c.review_note = r.Text(14);
  c.created_at = Instant::FromMicros(r.Int(15));
  c.updated_at = Instant::FromMicros(r.Int(16));
  c.completed_on = r.Text(17);
  c.ledger_seq = r.Int(18);
  return c;
}

CampaignRecordRow RecordFromRow(const Row& r) {
  return {r.Int(0),  CarrierId(r.Int(1)), r.Int(2), r.Text(3), r.Text(4),
          Instant::FromMicros(r.Int(5)), r.Text(6), r.Int(7)};
}

Value Reviewer(const CampaignRow& c) {
  return c.reviewer_staff_id ? Value(*c.reviewer_staff_id) : Value(Null{});
}

}  // namespace

Result<int64_t> Tx::InsertCampaign(const CampaignRow& c) {
  auto id = conn_.Insert(
      "INSERT INTO campaigns (carrier_id, name, description, cpni_categories, offering, "
      "service_category, products, channel, starts_on, ends_on, owner_staff_id, state, "
      "reviewer_staff_id, review_note, created_at, updated_at, completed_on, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {c.carrier.value(), c.name, c.description, c.cpni_categories, c.offering,
       c.service_category, c.products, c.channel, c.starts_on, c.ends_on, c.owner_staff_id,
       c.state, Reviewer(c), c.review_note, c.created_at.micros(), c.updated_at.micros(),
       c.completed_on, c.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + c.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("campaign not inserted");
  return **id;
}

Result<CampaignRow> Tx::GetCampaign(CarrierId carrier, int64_t id) {
  std::optional<CampaignRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCampaignColumns +
                                " FROM campaigns WHERE id = ? AND carrier_id = ?",
                            {id, carrier.value()}, [&](const Row& r) {
                              found = CampaignFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) {
    return Status(StatusCode::kNotFound, "no campaign " + std::to_string(id) + " for this carrier",
                  "campaign");
  }
  return *found;
}

Status Tx::UpdateCampaign(const CampaignRow& c) {
  return conn_.Exec(
      "UPDATE campaigns SET name = ?, description = ?, cpni_categories = ?, offering = ?, "
      "service_category = ?, products = ?, channel = ?, starts_on = ?, ends_on = ?, state = ?, "
      "reviewer_staff_id = ?, review_note = ?, updated_at = ?, completed_on = ?, ledger_seq = ? "
      "WHERE id = ? AND carrier_id = ?",
      {c.name, c.description, c.cpni_categories, c.offering, c.service_category, c.products,
       c.channel, c.starts_on, c.ends_on, c.state, Reviewer(c), c.review_note,
       c.updated_at.micros(), c.completed_on, c.ledger_seq, c.id, c.carrier.value()});
}

Result<Page<CampaignRow>> Tx::ListCampaigns(CarrierId carrier, const std::string& state,
                                            int64_t before, int limit) {
  const int64_t below = before > 0 ? before : INT64_MAX;
  return internal::ReadPage<CampaignRow>(
      limit, CampaignFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& on_row) {
        return conn_.Run(std::string("SELECT ") + kCampaignColumns +
                             " FROM campaigns WHERE carrier_id = ? AND (? = '' OR state = ?) AND "
                             "id < ? ORDER BY id DESC LIMIT ?",
                         {carrier.value(), state, state, below, fetch}, on_row);
      });
}

Result<int64_t> Tx::InsertCampaignRecord(const CampaignRecordRow& r) {
  auto id = conn_.Insert(
      "INSERT INTO campaign_records (carrier_id, campaign_id, kind, details, recorded_at, "
      "recorded_by, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {r.carrier.value(), r.campaign_id, r.kind, r.details, r.recorded_at.micros(),
       r.recorded_by, r.ledger_seq});
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("campaign record not inserted");
  return **id;
}

Status Tx::SetCampaignRecordLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq) {
  return conn_.Exec("UPDATE campaign_records SET ledger_seq = ? WHERE id = ? AND carrier_id = ?",
                    {ledger_seq, id, carrier.value()});
}

Result<std::vector<CampaignRecordRow>> Tx::ListCampaignRecords(CarrierId carrier,
                                                               int64_t campaign_id) {
  std::vector<CampaignRecordRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kRecordColumns +
                                " FROM campaign_records WHERE carrier_id = ? AND campaign_id = ? "
                                "ORDER BY id",
                            {carrier.value(), campaign_id}, [&](const Row& r) {
                              out.push_back(RecordFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

}  // namespace proprio::store
