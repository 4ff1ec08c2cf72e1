// store/tx.cc: the typed operations, written once over internal::Connection
// and shared by both backends.
#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "ledger/block.h"
#include "ledger/entry.h"
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Bytes;
using internal::Row;
using nlohmann::json;

namespace {

constexpr char kCarrierColumns[] =
    "id, legal_name, filer_id_499, street, city, state, postal_code, country, time_zone, "
    "officers, created_at";

Carrier CarrierFromRow(const Row& r) {
  Carrier c;
  c.id = CarrierId(r.Int(0));
  c.legal_name = r.Text(1);
  c.filer_id_499 = r.Text(2);
  c.address = {r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
  c.time_zone = r.Text(8);
  json officers = json::parse(r.Text(9), nullptr, false);
  if (officers.is_array()) {
    for (const auto& o : officers) {
      c.officers.push_back({o.value("name", ""), o.value("title", ""), o.value("signatory", false)});
    }
  }
  c.created_at = Instant::FromMicros(r.Int(10));
  return c;
}

constexpr char kCustomerColumns[] =
    "id, carrier_id, account_number, customer_type, name, street, city, state, postal_code, "
    "country, address_since, email, services, account_representative, cpni_contract_ref, "
    "created_at, telephone_numbers, closed_at, service_since";

Customer CustomerFromRow(const Row& r) {
  Customer c;
  c.id = CustomerId(r.Int(0));
  c.carrier = CarrierId(r.Int(1));
  c.account_number = r.Text(2);
  c.type = r.Int(3) == 1 ? CustomerType::kBusiness : CustomerType::kResidential;
  c.name = r.Text(4);
  c.address_of_record = {r.Text(5), r.Text(6), r.Text(7), r.Text(8), r.Text(9)};
  auto since = CivilDate::Parse(r.Text(10));
  if (since.ok()) c.address_since = *since;
  c.email = r.Text(11);
  c.services = ServiceSet(static_cast<uint32_t>(r.Int(12)));
  c.account_representative = r.Text(13);
  c.cpni_contract_ref = r.Text(14);
  c.created_at = Instant::FromMicros(r.Int(15));
  const std::string phones = r.Text(16);
  for (size_t start = 0; start < phones.size();) {
    const size_t semi = std::min(phones.find(';', start), phones.size());
    c.phones_of_record.push_back(phones.substr(start, semi - start));
    start = semi + 1;
  }
  if (!r.IsNull(17)) c.closed_at = Instant::FromMicros(r.Int(17));
  auto service = CivilDate::Parse(r.Text(18));  // '' (not known) stays invalid
  if (service.ok()) c.service_since = *service;
  return c;
}

// The digits of a normalised E.164 number as an integer (at most 15 digits).
int64_t E164Key(std::string_view e164) {
  int64_t key = 0;
  for (char ch : e164) {
    if (ch >= '0' && ch <= '9') key = key * 10 + (ch - '0');
  }
  return key;
}

std::string JoinPhones(const std::vector<std::string>& phones) {
  std::string out;
  for (const std::string& p : phones) {
    if (!out.empty()) out += ';';
    out += p;
  }
  return out;
}

std::string RolesToText(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out += ',';
    out += RoleName(r);
  }
  return out;
}

}  // namespace

// ---- carriers ----

Result<CarrierId> Tx::InsertCarrier(const Carrier& c) {
  json officers = json::array();
  for (const Officer& o : c.officers) {
    officers.push_back({{"name", o.name}, {"title", o.title}, {"signatory", o.signatory}});
  }
  const std::string officers_text = officers.dump();
  const int64_t created = c.created_at.micros();
  auto id = conn_.QueryInt(
      "INSERT INTO carriers (legal_name, filer_id_499, street, city, state, postal_code, country, "
      "time_zone, officers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {c.legal_name, c.filer_id_499, c.address.street, c.address.city, c.address.state,
       c.address.postal_code, c.address.country, c.time_zone, officers_text, created});
  if (!id.ok() && id.status().IsAlreadyExists()) {
    return Status::AlreadyExists("a carrier with Form 499 Filer ID " + c.filer_id_499 +
                                     " already exists",
                                 "filer_id_499");
  }
  if (!id.ok()) return id.status();
  return CarrierId(*id);
}

Result<Carrier> Tx::GetCarrier(CarrierId id) {
  std::optional<Carrier> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCarrierColumns + " FROM carriers WHERE id = ?",
                            {id.value()}, [&](const Row& r) {
                              found = CarrierFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) return Status::NotFound("no carrier " + id.ToString());
  return *found;
}

Result<std::optional<Carrier>> Tx::FindCarrierByFilerId(const std::string& filer_id) {
  std::optional<Carrier> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCarrierColumns +
                                " FROM carriers WHERE filer_id_499 = ?",
                            {filer_id}, [&](const Row& r) {
                              found = CarrierFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::vector<Carrier>> Tx::ListCarriers() {
  std::vector<Carrier> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCarrierColumns + " FROM carriers ORDER BY id",
                            {}, [&](const Row& r) {
                              out.push_back(CarrierFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

// ---- customers ----

Result<std::optional<CustomerId>> Tx::InsertCustomerIfNew(const Customer& c) {
  const std::string since = c.address_since.ToString();
  const std::string service_since = c.service_since.Valid() ? c.service_since.ToString() : "";
  const std::string phones = JoinPhones(c.phones_of_record);
  const auto& a = c.address_of_record;
  auto inserted = conn_.Insert(
      "INSERT INTO customers (carrier_id, account_number, customer_type, name, street, city, "
      "state, postal_code, country, telephone_numbers, address_since, email, services, "
      "account_representative, cpni_contract_ref, created_at, service_since) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (carrier_id, account_number) DO NOTHING",
      {c.carrier.value(), c.account_number, int64_t{static_cast<int>(c.type)}, c.name, a.street,
       a.city, a.state, a.postal_code, a.country, phones, since, c.email,
       int64_t{c.services.bits()}, c.account_representative, c.cpni_contract_ref,
       c.created_at.micros(), service_since});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + c.carrier.ToString());
  }
  RETURN_IF_ERROR(inserted.status());
  if (!*inserted) return std::optional<CustomerId>();
  const std::optional<CustomerId> id = CustomerId(**inserted);
  for (const std::string& phone : c.phones_of_record) {
    RETURN_IF_ERROR(conn_.Exec(
        "INSERT INTO customer_phones (carrier_id, e164, customer_id) VALUES (?, ?, ?)",
        {c.carrier.value(), E164Key(phone), id->value()}));
  }
  return id;
}

Result<CustomerId> Tx::InsertCustomer(const Customer& c) {
  ASSIGN_OR_RETURN(std::optional<CustomerId> id, InsertCustomerIfNew(c));
  if (!id) {
    return Status::AlreadyExists("account number " + c.account_number +
                                     " already exists for this carrier",
                                 "account_number");
  }
  return *id;
}


Result<Customer> Tx::GetCustomer(CarrierId carrier, CustomerId id) {
  std::optional<Customer> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCustomerColumns +
                                " FROM customers WHERE id = ? AND carrier_id = ?",
                            {id.value(), carrier.value()}, [&](const Row& r) {
                              found = CustomerFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) return Status::NotFound("no customer " + id.ToString() + " for this carrier");
  return *found;
}

Result<std::optional<Customer>> Tx::FindCustomerByAccount(CarrierId carrier,
                                                          const std::string& account_number) {
  std::optional<Customer> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCustomerColumns +
                                " FROM customers WHERE carrier_id = ? AND account_number = ?",
                            {carrier.value(), account_number}, [&](const Row& r) {
                              found = CustomerFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::vector<Customer>> Tx::FindCustomersByPhone(CarrierId carrier,
                                                       const std::string& e164, int limit) {
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT customer_id FROM customer_phones WHERE carrier_id = ? AND e164 = ? "
      "ORDER BY customer_id LIMIT ?",
      {carrier.value(), E164Key(e164), static_cast<int64_t>(limit)}, [&](const Row& r) {
        ids.push_back(r.Int(0));
        return Status::Ok();
      }));
  std::vector<Customer> found;
  for (int64_t id : ids) {
    ASSIGN_OR_RETURN(Customer c, GetCustomer(carrier, CustomerId(id)));
    found.push_back(std::move(c));
  }
  return found;
}

// Pages walk the carrier's customers in id order from the cursor through the
// (carrier_id, id) index (migration 0009), so a page costs its own rows
// whatever the other carriers hold.
Result<CustomerPage> Tx::ListCustomers(CarrierId carrier, CustomerId after, int limit) {
  ASSIGN_OR_RETURN(
      Page<Customer> read,
      internal::ReadPage<Customer>(
          limit, CustomerFromRow, [](const Customer& c) { return c.id.value(); },
          [&](int64_t fetch, const internal::RowFn& add) {
            return conn_.Run(std::string("SELECT ") + kCustomerColumns +
                                 " FROM customers WHERE carrier_id = ? AND id > ? ORDER BY id "
                                 "LIMIT ?",
                             {carrier.value(), after.value(), fetch}, add);
          }));
  CustomerPage page;
  page.customers = std::move(read.items);
  if (read.next) page.next = CustomerId(*read.next);
  return page;
}

Result<int64_t> Tx::CountCustomers(CarrierId carrier) {
  return conn_.QueryInt("SELECT COUNT(*) FROM customers WHERE carrier_id = ?", {carrier.value()});
}

Result<std::vector<std::string>> Tx::ExistingAccounts(CarrierId carrier,
                                                      const std::vector<std::string>& accounts) {
  std::vector<std::string> out;
  for (const std::string& a : accounts) {
    ASSIGN_OR_RETURN(int64_t n, conn_.QueryInt("SELECT COUNT(*) FROM customers WHERE carrier_id "
                                               "= ? AND account_number = ?",
                                               {carrier.value(), a}));
    if (n > 0) out.push_back(a);
  }
  return out;
}

// ---- staff ----

Result<StaffId> Tx::InsertStaff(const Staff& s) {
  const std::string roles = RolesToText(s.roles);
  const std::string hired = s.hired_on.ToString();
  auto id = conn_.QueryInt(
      "INSERT INTO staff (carrier_id, name, email, roles, hired_on, active, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {s.carrier.value(), s.name, s.email, roles, hired, int64_t{s.active ? 1 : 0},
       s.created_at.micros()});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + s.carrier.ToString());
  }
  if (!id.ok()) return id.status();
  return StaffId(*id);
}

namespace {

constexpr char kStaffColumns[] =
    "id, carrier_id, name, email, roles, hired_on, active, created_at";

Staff StaffFromRow(const Row& r) {
  Staff s;
  s.id = StaffId(r.Int(0));
  s.carrier = CarrierId(r.Int(1));
  s.name = r.Text(2);
  s.email = r.Text(3);
  const std::string roles = r.Text(4);
  size_t start = 0;
  while (start <= roles.size()) {
    const size_t comma = roles.find(',', start);
    auto role = ParseRole(roles.substr(start, comma - start));
    if (role.ok()) s.roles.push_back(*role);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  auto hired = CivilDate::Parse(r.Text(5));
  if (hired.ok()) s.hired_on = *hired;
  s.active = r.Int(6) != 0;
  s.created_at = Instant::FromMicros(r.Int(7));
  return s;
}

}  // namespace

Result<std::vector<Staff>> Tx::ListStaff(CarrierId carrier) {
  std::vector<Staff> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kStaffColumns +
                                " FROM staff WHERE carrier_id = ? ORDER BY id",
                            {carrier.value()}, [&](const Row& r) {
                              out.push_back(StaffFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<StaffPage> Tx::ListStaff(CarrierId carrier, StaffId after, int limit) {
  ASSIGN_OR_RETURN(
      Page<Staff> read,
      internal::ReadPage<Staff>(
          limit, StaffFromRow, [](const Staff& s) { return s.id.value(); },
          [&](int64_t fetch, const internal::RowFn& add) {
            return conn_.Run(std::string("SELECT ") + kStaffColumns +
                                 " FROM staff WHERE carrier_id = ? AND id > ? ORDER BY id LIMIT ?",
                             {carrier.value(), after.value(), fetch}, add);
          }));
  StaffPage page;
  page.staff = std::move(read.items);
  if (read.next) page.next = StaffId(*read.next);
  return page;
}

// ---- ledger ----

Result<Tx::HeadState*> Tx::LoadHead(CarrierId carrier) {
  auto it = heads_.find(carrier);
  if (it != heads_.end()) return &it->second;
  HeadState state;
  bool found = false;
  Status decode = Status::Ok();
  // FOR UPDATE serialises appenders per carrier on PostgreSQL; SQLite's
  // BEGIN IMMEDIATE already holds the write lock.
  const char* sql = conn_.backend() == internal::Backend::kPostgres
                        ? "SELECT last_hash, compact_tree FROM ledger_heads WHERE carrier_id = ? "
                          "FOR UPDATE"
                        : "SELECT last_hash, compact_tree FROM ledger_heads WHERE carrier_id = ?";
  RETURN_IF_ERROR(conn_.Run(sql, {carrier.value()}, [&](const Row& r) {
    found = true;
    if (!ledger::HashFromBytes(r.Blob(0), &state.last_hash)) {
      decode = Status::DataLoss("ledger head of carrier " + carrier.ToString() +
                                " has a malformed last hash");
      return Status::Ok();
    }
    auto tree = ledger::CompactTree::Deserialize(r.Blob(1));
    if (!tree.ok()) {
      decode = tree.status();
    } else {
      state.tree = *tree;
    }
    return Status::Ok();
  }));
  RETURN_IF_ERROR(decode);
  (void)found;  // a carrier with no head yet starts an empty ledger
  return &heads_.emplace(carrier, std::move(state)).first->second;
}

Result<AppendResult> Tx::Append(const LedgerEvent& event) {
  ASSIGN_OR_RETURN(HeadState * head, LoadHead(event.carrier));
  ledger::Entry e;
  e.carrier = event.carrier;
  e.seq = static_cast<int64_t>(head->tree.size()) + 1;
  e.at = event.at;
  e.actor = event.actor;
  e.type = event.type;
  e.subject = event.subject;
  e.body = event.body.empty() ? "{}" : event.body;
  if (event.payload) {
    e.payload_hash = ledger::Sha256Of(*event.payload);
    e.payload_retain_until = event.retain_until;  // the promise is in the chain
  }
  e.prev_hash = head->last_hash;
  const std::string bytes = e.Encode();
  const ledger::Hash hash = ledger::ChainHash(bytes);
  RETURN_IF_ERROR(conn_.Exec(
      "INSERT INTO ledger_entries (carrier_id, seq, entry, hash) VALUES (?, ?, ?, ?)",
      {event.carrier.value(), e.seq, Bytes{bytes}, Bytes{ledger::HashBytes(hash)}}));
  if (event.payload) {
    RETURN_IF_ERROR(conn_.Exec(
        "INSERT INTO ledger_payloads (carrier_id, seq, body, retain_until) VALUES (?, ?, ?, ?)",
        {event.carrier.value(), e.seq, Bytes{*event.payload}, event.retain_until.micros()}));
  }
  head->tree.Push(hash);  // the chain hash is the leaf hash
  head->last_hash = hash;
  head->dirty = true;
  if (ledger::SealsBlock(e.seq)) {
    RETURN_IF_ERROR(SealBlock(event.carrier, ledger::BlockStart(e.seq)).status());
  }
  return AppendResult{e.seq, hash};
}

Result<int64_t> Tx::SealStoredRuns(CarrierId carrier, int64_t max_blocks) {
  // The head's row is locked (PostgreSQL) so that no append runs meanwhile.
  ASSIGN_OR_RETURN(HeadState * head, LoadHead(carrier));
  const int64_t open_block = ledger::BlockStart(static_cast<int64_t>(head->tree.size()) + 1);
  int64_t sealed = 0;
  for (int64_t from = 1; sealed < max_blocks;) {
    ASSIGN_OR_RETURN(int64_t first,
                     conn_.QueryInt("SELECT COALESCE(MIN(seq), 0) FROM ledger_entries WHERE "
                                    "carrier_id = ? AND seq >= ? AND seq < ?",
                                    {carrier.value(), from, open_block}));
    if (first == 0) break;
    const int64_t start = ledger::BlockStart(first);
    ASSIGN_OR_RETURN(bool done, SealBlock(carrier, start));
    sealed += done ? 1 : 0;
    from = start + ledger::kBlockEntries;
  }
  return sealed;
}

Result<bool> Tx::SealBlock(CarrierId carrier, int64_t first_seq) {
  const int64_t last_seq = first_seq + ledger::kBlockEntries - 1;
  std::string block;
  block.reserve(static_cast<size_t>(ledger::kBlockEntries) * 256);
  int64_t next = first_seq;
  bool in_place = true;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT seq, entry, hash FROM ledger_entries WHERE carrier_id = ? AND seq >= ? AND "
      "seq <= ? ORDER BY seq",
      {carrier.value(), first_seq, last_seq}, [&](const Row& r) {
        if (r.Int(0) != next++) in_place = false;
        ledger::AppendToBlock(r.BlobView(1), r.BlobView(2), &block);
        return Status::Ok();
      }));
  // Sealing only moves rows. A tail that was tampered with (a row missing or
  // out of place, a block already there) stays as it is, for audit verify to
  // report; the append itself goes on.
  if (!in_place || next != last_seq + 1) return false;
  ASSIGN_OR_RETURN(int64_t existing,
                   conn_.QueryInt("SELECT COUNT(*) FROM ledger_blocks WHERE carrier_id = ? AND "
                                  "first_seq > ? AND first_seq <= ?",
                                  {carrier.value(), first_seq - ledger::kBlockEntries, last_seq}));
  if (existing != 0) return false;
  RETURN_IF_ERROR(
      conn_.Exec("INSERT INTO ledger_blocks (carrier_id, first_seq, entries) VALUES (?, ?, ?)",
                 {carrier.value(), first_seq, Bytes{block}}));
  RETURN_IF_ERROR(conn_.Exec(
      "DELETE FROM ledger_entries WHERE carrier_id = ? AND seq >= ? AND seq <= ?",
      {carrier.value(), first_seq, last_seq}));
  return true;
}

Status Tx::ForEachStoredEntry(CarrierId carrier, int64_t lo, int64_t hi,
                              const StoredEntryFn& fn, const StoredBlockFn& on_block) {
  // The range's rows first, kept aside: normally the short open tail, but a
  // ledger appended before schema 0007 has runs of rows before its first
  // block. They are merged with the blocks in sequence order.
  struct StoredRow {
    int64_t seq;
    size_t at, entry_len, hash_len;  // in row_bytes: the entry, then its hash
  };
  std::vector<StoredRow> rows;
  std::string row_bytes;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT seq, entry, hash FROM ledger_entries WHERE carrier_id = ? AND seq >= ? AND "
      "seq < ? ORDER BY seq",
      {carrier.value(), lo, hi}, [&](const Row& r) {
        const std::string_view entry = r.BlobView(1), hash = r.BlobView(2);
        rows.push_back({r.Int(0), row_bytes.size(), entry.size(), hash.size()});
        row_bytes.append(entry).append(hash);
        return Status::Ok();
      }));
  size_t next_row = 0;
  auto rows_before = [&](int64_t limit) -> Status {
    if (next_row < rows.size() && rows[next_row].seq < limit && on_block) on_block({});
    for (; next_row < rows.size() && rows[next_row].seq < limit; ++next_row) {
      const StoredRow& row = rows[next_row];
      const std::string_view all(row_bytes);
      RETURN_IF_ERROR(fn(row.seq, all.substr(row.at, row.entry_len),
                         all.substr(row.at + row.entry_len, row.hash_len)));
    }
    return Status::Ok();
  };
  // A block that starts before `lo` may still hold entries from `lo` on.
  RETURN_IF_ERROR(conn_.Run(
      "SELECT first_seq, entries FROM ledger_blocks WHERE carrier_id = ? AND first_seq > ? AND "
      "first_seq < ? ORDER BY first_seq",
      {carrier.value(), lo - ledger::kBlockEntries, hi}, [&](const Row& r) -> Status {
        const int64_t first_seq = r.Int(0);
        RETURN_IF_ERROR(rows_before(first_seq));
        const std::string_view block = r.BlobView(1);
        if (on_block) on_block(block);
        ledger::BlockReader reader(block);
        std::string_view bytes, hash;
        for (int64_t seq = first_seq; reader.Next(&bytes, &hash); ++seq) {
          if (seq >= lo && seq < hi) RETURN_IF_ERROR(fn(seq, bytes, hash));
        }
        return Status::Ok();
      }));
  return rows_before(INT64_MAX);
}

Status Tx::FlushHeads() {
  for (auto& [carrier, head] : heads_) {
    if (!head.dirty) continue;
    const std::string tree = head.tree.Serialize();
    RETURN_IF_ERROR(conn_.Exec(
        "INSERT INTO ledger_heads (carrier_id, size, last_hash, compact_tree) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (carrier_id) DO UPDATE SET size = excluded.size, "
        "last_hash = excluded.last_hash, compact_tree = excluded.compact_tree",
        {carrier.value(), static_cast<int64_t>(head.tree.size()),
         Bytes{ledger::HashBytes(head.last_hash)}, Bytes{tree}}));
    head.dirty = false;
  }
  return Status::Ok();
}

Result<ledger::Head> Tx::LedgerHead(CarrierId carrier) {
  ledger::Head head;
  Status decode = Status::Ok();
  RETURN_IF_ERROR(conn_.Run(
      "SELECT size, last_hash, compact_tree FROM ledger_heads WHERE carrier_id = ?",
      {carrier.value()}, [&](const Row& r) {
        head.size = r.Int(0);
        auto tree = ledger::CompactTree::Deserialize(r.Blob(2));
        if (!tree.ok() || !ledger::HashFromBytes(r.Blob(1), &head.last_hash) ||
            static_cast<int64_t>(tree->size()) != head.size) {
          decode = Status::DataLoss("the ledger head of carrier " + carrier.ToString() +
                                    " is malformed");
          return Status::Ok();
        }
        head.root = tree->Root();
        return Status::Ok();
      }));
  RETURN_IF_ERROR(decode);
  return head;
}

namespace {

constexpr size_t kVerifyBatchRows = 2048;  // a power of two: a full batch is a perfect subtree
// Whole blocks: a range's blocks and payloads are read together.
constexpr int64_t kVerifyRangeRows = 1024 * ledger::kBlockEntries;

// SQLite reads each page of a full scan into its page cache. Through the
// usual 64 MiB cache every page lands in a buffer the CPU has not touched for
// a while; with a few pages the buffers stay in the CPU's cache (verify:
// about 5% faster, bench/RESULTS.md). The size is restored afterwards.
class ScanCache {
 public:
  explicit ScanCache(internal::Connection& conn) : conn_(conn) {
    if (conn_.backend() != internal::Backend::kSqlite) return;
    auto size = conn_.QueryInt("PRAGMA cache_size");
    if (!size.ok() || !conn_.Run("PRAGMA cache_size = -256", {}, Ignore).ok()) return;
    restore_ = *size;
  }
  ~ScanCache() {
    if (restore_) (void)conn_.Run("PRAGMA cache_size = " + std::to_string(*restore_), {}, Ignore);
  }
  ScanCache(const ScanCache&) = delete;
  ScanCache& operator=(const ScanCache&) = delete;

 private:
  static Status Ignore(const Row&) { return Status::Ok(); }
  internal::Connection& conn_;
  std::optional<int64_t> restore_;
};

}  // namespace

Result<ledger::VerifyReport> Tx::VerifyLedger(CarrierId carrier) {
  ASSIGN_OR_RETURN(ledger::Head head, LedgerHead(carrier));
  // The database is read on this thread while the hashing runs on every core
  // (ledger/verify.h): verification costs about the larger of the two.
  ledger::ParallelVerifier verifier(carrier, std::max(1u, std::thread::hardware_concurrency()));
  ledger::RowBatch batch = verifier.TakeSpare();
  // Entries and payloads are read range by range, each range as sequential
  // scans merged here: a join would look every payload up by key. A range's
  // payload bodies sit in one buffer, reused from range to range.
  struct PayloadRow {
    int64_t seq;
    size_t body, body_len;  // in payload_bodies
    bool has_body, erased;
    int64_t retain_until;
  };
  std::vector<PayloadRow> payloads;
  std::string payload_bodies;
  ScanCache scan_cache(conn_);
  // The last sequence number stored, sealed or not.
  int64_t last = 0;
  for (const auto& [sql, span] :
       {std::pair{"SELECT MAX(seq) + ? FROM ledger_entries WHERE carrier_id = ?", int64_t{0}},
        std::pair{"SELECT MAX(first_seq) + ? FROM ledger_blocks WHERE carrier_id = ?",
                  ledger::kBlockEntries - 1}}) {
    auto max = conn_.QueryInt(sql, {span, carrier.value()});
    if (!max.ok() && !max.status().IsNotFound()) return max.status();
    if (max.ok()) last = std::max(last, *max);
  }
  Status st = Status::Ok();
  for (int64_t lo = 1; st.ok() && lo <= last; lo += kVerifyRangeRows) {
    const int64_t hi = lo + kVerifyRangeRows;
    payloads.clear();
    payload_bodies.clear();
    st = conn_.Run(
        "SELECT seq, body, erased_at, retain_until FROM ledger_payloads WHERE carrier_id = ? AND "
        "seq >= ? AND seq < ? ORDER BY seq",
        {carrier.value(), lo, hi}, [&](const Row& r) {
          PayloadRow p{r.Int(0), payload_bodies.size(), 0, !r.IsNull(1), !r.IsNull(2), r.Int(3)};
          if (p.has_body) {
            const std::string_view body = r.BlobView(1);
            payload_bodies.append(body);
            p.body_len = body.size();
          }
          payloads.push_back(p);
          return Status::Ok();
        });
    if (!st.ok()) break;
    size_t next_payload = 0;
    bool in_block = false;
    // A block's rows borrow its bytes, so a batch is handed over between
    // blocks (kVerifyBatchRows is a whole number of them) or tail rows.
    auto hand_over_full_batch = [&] {
      if (batch.size() >= kVerifyBatchRows) {
        verifier.Add(std::move(batch));
        batch = verifier.TakeSpare();
      }
    };
    const StoredBlockFn on_block = [&](std::string_view block) {
      hand_over_full_batch();
      in_block = !block.empty();
      if (in_block) batch.HoldBlock(block);
    };
    st = ForEachStoredEntry(
        carrier, lo, hi, [&](int64_t seq, std::string_view bytes, std::string_view hash) {
          if (next_payload < payloads.size() && payloads[next_payload].seq > seq) {
            // Out of order (blocks or rows moved): find its place again.
            next_payload = static_cast<size_t>(
                std::lower_bound(payloads.begin(), payloads.end(), seq,
                                 [](const PayloadRow& p, int64_t s) { return p.seq < s; }) -
                payloads.begin());
          }
          while (next_payload < payloads.size() && payloads[next_payload].seq < seq) {
            ++next_payload;  // a payload without its entry: the entry's absence is reported
          }
          std::string_view body;
          bool has_body = false, erased = false;
          std::optional<int64_t> retain_until;
          if (next_payload < payloads.size() && payloads[next_payload].seq == seq) {
            const PayloadRow& p = payloads[next_payload];
            body = std::string_view(payload_bodies).substr(p.body, p.body_len);
            has_body = p.has_body;
            erased = p.erased;
            retain_until = p.retain_until;
          }
          if (in_block) {
            batch.AddFromBlock(seq, bytes, hash, has_body ? &body : nullptr, erased, retain_until);
          } else {
            batch.Add(seq, bytes, hash, has_body ? &body : nullptr, erased, retain_until);
            hand_over_full_batch();
          }
          return Status::Ok();
        }, on_block);
  }
  RETURN_IF_ERROR(st);
  verifier.Add(std::move(batch));
  return verifier.Finish(head);
}

Result<ledger::InclusionProof> Tx::ProveEntry(CarrierId carrier, int64_t seq) {
  ASSIGN_OR_RETURN(ledger::Head head, LedgerHead(carrier));
  if (seq < 1 || seq > head.size) {
    return Status::NotFound("the ledger of carrier " + carrier.ToString() + " has entries 1 to " +
                            std::to_string(head.size) + "; there is no entry " +
                            std::to_string(seq));
  }
  std::vector<ledger::Hash> leaves;
  leaves.reserve(static_cast<size_t>(head.size));
  std::string entry_bytes;
  RETURN_IF_ERROR(ForEachStoredEntry(
      carrier, 1, head.size + 1, [&](int64_t at, std::string_view bytes, std::string_view) {
        leaves.push_back(ledger::LeafHash(bytes));
        if (at == seq) entry_bytes = std::string(bytes);
        return Status::Ok();
      }));
  if (static_cast<int64_t>(leaves.size()) != head.size) {
    return Status::DataLoss("the ledger of carrier " + carrier.ToString() +
                            " has fewer entries than its head records; run proprio audit verify");
  }
  ledger::InclusionProof proof = ledger::MakeProof(carrier, seq, leaves, std::move(entry_bytes));
  if (proof.root != head.root) {
    return Status::DataLoss("the ledger of carrier " + carrier.ToString() +
                            " does not match its recorded root; run proprio audit verify");
  }
  return proof;
}

Result<std::pair<ledger::Entry, std::optional<std::string>>> Tx::ReadEntry(CarrierId carrier,
                                                                            int64_t seq) {
  std::optional<std::string> bytes;
  std::optional<std::string> payload;
  RETURN_IF_ERROR(ForEachStoredEntry(carrier, seq, seq + 1,
                                     [&](int64_t, std::string_view entry, std::string_view) {
                                       bytes = std::string(entry);
                                       return Status::Ok();
                                     }));
  if (!bytes) return Status::NotFound("no ledger entry " + std::to_string(seq));
  RETURN_IF_ERROR(conn_.Run("SELECT body FROM ledger_payloads WHERE carrier_id = ? AND seq = ?",
                            {carrier.value(), seq}, [&](const Row& r) {
                              if (!r.IsNull(0)) payload = r.Blob(0);
                              return Status::Ok();
                            }));
  ASSIGN_OR_RETURN(ledger::Entry e, ledger::Entry::Decode(*bytes));
  return std::make_pair(std::move(e), std::move(payload));
}

Result<AppendResult> Tx::ErasePayload(CarrierId carrier, int64_t seq, Instant now,
                                      const std::string& actor, const std::string& reason) {
  std::optional<int64_t> retain_until;
  bool erased = false;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT retain_until, erased_at FROM ledger_payloads WHERE carrier_id = ? AND seq = ?",
      {carrier.value(), seq}, [&](const Row& r) {
        retain_until = r.Int(0);
        erased = !r.IsNull(1);
        return Status::Ok();
      }));
  if (!retain_until) return Status::NotFound("entry " + std::to_string(seq) + " has no payload");
  // The retention the entry committed to binds, whatever the row says now.
  ASSIGN_OR_RETURN(auto stored, ReadEntry(carrier, seq));
  if (stored.first.payload_retain_until) {
    retain_until = std::max(*retain_until, stored.first.payload_retain_until->micros());
  }
  if (erased) return Status::FailedPrecondition("the payload of entry " + std::to_string(seq) +
                                                " is already erased");
  if (now < Instant::FromMicros(*retain_until)) {
    return Status::FailedPrecondition(
        "the payload of entry " + std::to_string(seq) + " must be kept until " +
        Instant::FromMicros(*retain_until).ToRfc3339() + "; it cannot be erased earlier");
  }
  RETURN_IF_ERROR(conn_.Exec(
      "UPDATE ledger_payloads SET body = NULL, erased_at = ? WHERE carrier_id = ? AND seq = ?",
      {now.micros(), carrier.value(), seq}));
  LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = now;
  ev.actor = actor;
  ev.type = std::string(ledger::kPayloadErasedType);
  ev.subject = "ledger:" + std::to_string(seq);
  ev.body = json{{"entry", seq}, {"reason", reason}}.dump();
  return Append(ev);
}

Status Tx::Isolated(const std::function<Status(Tx&)>& fn) {
  RETURN_IF_ERROR(conn_.Control("SAVEPOINT proprio_isolated"));
  const auto heads_before = heads_;
  Status st = fn(*this);
  if (!st.ok()) {
    heads_ = heads_before;  // the ledger appends it made are undone too
    RETURN_IF_ERROR(conn_.Control("ROLLBACK TO SAVEPOINT proprio_isolated"));
  }
  RETURN_IF_ERROR(conn_.Control("RELEASE SAVEPOINT proprio_isolated"));
  return st;
}

}  // namespace proprio::store
