#include "services/importer.h"

#include <array>
#include <thread>
#include <optional>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/bounded_queue.h"
#include "core/csv.h"
#include "core/text.h"
#include "ledger/sha256.h"

namespace proprio::services {
namespace {

enum Col {
  kAccountNumber,
  kCustomerType,
  kName,
  kTelephoneNumbers,
  kStreet,
  kCity,
  kState,
  kPostalCode,
  kAddressSince,
  kEmail,
  kServices,
  kAccountRepresentative,
  kCpniContract,
  kServiceSince,
  kColumnCount
};

constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "account_number", "customer_type", "name",  "telephone_numbers", "street",
    "city",           "state",         "postal_code", "address_since", "email",
    "services",       "account_representative", "cpni_contract", "service_since"};
constexpr int kRequiredColumns = kAddressSince;  // the columns before it are required

// Largest accepted field, whatever the column: beyond it the row is refused
// before any further parsing.
constexpr size_t kMaxFieldBytes = 1024;

struct Header {
  std::array<int, kColumnCount> index;  // CSV position of each column, or -1
  size_t width = 0;
};

Result<Header> ParseHeader(const std::vector<std::string>& fields) {
  Header h;
  h.index.fill(-1);
  h.width = fields.size();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!IsValidUtf8(fields[i])) {  // the name is not quoted back: it is not text
      return Status::InvalidArgument(
          "line 1: header column " + std::to_string(i + 1) + " is not valid UTF-8 text",
          "header");
    }
    const std::string_view name = Trim(fields[i]);
    int col = -1;
    for (int c = 0; c < kColumnCount; ++c) {
      if (name == kColumnNames[c]) col = c;
    }
    if (col < 0) {
      return Status::InvalidArgument("line 1: unknown column '" + std::string(name) + "'",
                                     std::string(name));
    }
    if (h.index[col] >= 0) {
      return Status::InvalidArgument("line 1: column '" + std::string(name) + "' appears twice",
                                     std::string(name));
    }
    h.index[col] = static_cast<int>(i);
  }
  for (int c = 0; c < kRequiredColumns; ++c) {
    if (h.index[c] < 0) {
      return Status::InvalidArgument(
          std::string("line 1: required column '") + kColumnNames[c] + "' is missing",
          kColumnNames[c]);
    }
  }
  return h;
}

// Maps a field name from core/domain.h validation to the CSV column.
std::string ColumnOf(const std::string& field) {
  if (field.rfind("address.", 0) == 0) return field.substr(8);
  return field;
}

// Builds a customer from one record, or says which column is wrong.
std::optional<ImportRowError> RowToCustomer(const Header& h, const std::vector<std::string>& f,
                                            CarrierId carrier, CivilDate today, Instant now,
                                            Customer* c) {
  auto err = [](std::string column, std::string reason) {
    return ImportRowError{0, std::move(column), std::move(reason), {}};
  };
  if (f.size() != h.width) {
    return err("", "the row has " + std::to_string(f.size()) + " fields; the header has " +
                       std::to_string(h.width));
  }
  for (int col = 0; col < kColumnCount; ++col) {
    if (h.index[col] < 0) continue;
    const std::string& v = f[static_cast<size_t>(h.index[col])];
    if (v.size() > kMaxFieldBytes) {
      return err(kColumnNames[col], "the field is " + std::to_string(v.size()) +
                                        " bytes; at most " + std::to_string(kMaxFieldBytes) +
                                        " are accepted");
    }
    if (!IsValidUtf8(v)) return err(kColumnNames[col], "the field is not valid UTF-8");
  }
  auto get = [&](Col col) -> std::string_view {
    return h.index[col] < 0 ? std::string_view() : Trim(f[static_cast<size_t>(h.index[col])]);
  };
  // Fields are assigned rather than the customer rebuilt: the import reuses
  // its row objects, and assigning keeps their strings' buffers.
  c->id = CustomerId();
  c->carrier = carrier;
  c->created_at = now;
  c->account_number.assign(get(kAccountNumber));
  auto type = ParseCustomerType(get(kCustomerType));
  if (!type.ok()) return err("customer_type", type.status().message());
  c->type = *type;
  c->name.assign(get(kName));
  std::string_view phones = get(kTelephoneNumbers);
  size_t n_phones = 0;
  while (!phones.empty()) {
    const size_t semi = phones.find(';');
    const std::string_view one = Trim(phones.substr(0, semi));
    if (!one.empty()) {
      if (n_phones == c->phones_of_record.size()) c->phones_of_record.emplace_back();
      c->phones_of_record[n_phones++].assign(one);
    }
    if (semi == std::string_view::npos) break;
    phones.remove_prefix(semi + 1);
  }
  c->phones_of_record.resize(n_phones);
  c->address_of_record.street.assign(get(kStreet));
  c->address_of_record.city.assign(get(kCity));
  c->address_of_record.state.assign(get(kState));
  c->address_of_record.postal_code.assign(get(kPostalCode));
  c->address_of_record.country = "US";
  if (const std::string_view since = get(kAddressSince); !since.empty()) {
    auto d = CivilDate::Parse(since);
    if (!d.ok()) return err("address_since", d.status().message());
    if (*d > today) return err("address_since", "the date is in the future");
    c->address_since = *d;
  } else {
    c->address_since = today;
  }
  c->email.assign(get(kEmail));
  auto services = ServiceSet::Parse(get(kServices));
  if (!services.ok()) return err("services", services.status().message());
  c->services = *services;
  c->account_representative.assign(get(kAccountRepresentative));
  c->cpni_contract_ref.assign(get(kCpniContract));
  // An import moves existing accounts into Proprio: without the column (or
  // with it empty) the day service began is not known, and the customer is an
  // existing one, never a new one (47 CFR 64.2010(e)).
  c->service_since = CivilDate{};
  if (const std::string_view began = get(kServiceSince); !began.empty()) {
    auto d = CivilDate::Parse(began);
    if (!d.ok()) return err("service_since", d.status().message());
    if (*d > today) return err("service_since", "the date is in the future");
    c->service_since = *d;
  }
  Status st = NormalizeCustomer(*c);
  if (!st.ok()) return err(ColumnOf(st.field()), st.message());
  return std::nullopt;
}

}  // namespace

namespace {

// One data row after parsing: a customer to insert, or the reason it is bad.
struct ParsedRow {
  int64_t line = 0;
  size_t offset = 0;  // bytes read once this row was parsed
  std::string_view raw;
  std::optional<ImportRowError> error;
  Customer customer;
};

// Parsing and validating run on their own thread, ahead of the inserts, and
// hand rows over in batches: on two cores the import then takes about as long
// as the inserts alone.
constexpr size_t kBatchRows = 2048;
using RowQueue = BoundedQueue<std::vector<ParsedRow>>;

void ParseRows(CsvReader& reader, const Header& header, CarrierId carrier, CivilDate today,
               Instant now, RowQueue& queue) {
  std::unordered_set<std::string> seen;
  std::vector<std::string> fields;
  std::vector<ParsedRow> batch;
  batch.reserve(kBatchRows);
  size_t used = 0;  // rows of `batch` filled; the rest are spares to reuse
  for (;;) {
    const CsvReader::State state = reader.Next(&fields);
    if (state == CsvReader::State::kEnd) break;
    if (state == CsvReader::State::kRecord && fields.size() == 1 && fields[0].empty()) {
      continue;  // a blank line
    }
    if (used == batch.size()) batch.emplace_back();
    ParsedRow& row = batch[used++];
    row.error.reset();
    row.line = reader.line();
    row.offset = reader.offset();
    row.raw = reader.raw();
    if (state == CsvReader::State::kError) {
      row.error = ImportRowError{row.line, "", reader.error(), row.raw};
    } else if (auto e = RowToCustomer(header, fields, carrier, today, now, &row.customer)) {
      row.error = std::move(*e);
    } else if (!seen.insert(row.customer.account_number).second) {
      row.error = ImportRowError{0, "account_number",
                                 "account number " + row.customer.account_number +
                                     " appears earlier in the file",
                                 {}};
    }
    if (row.error) {
      row.error->line = row.line;
      row.error->raw = row.raw;
    }
    if (used == kBatchRows) {
      batch.resize(used);
      if (!queue.Push(std::move(batch))) return;
      batch = queue.TakeSpare();
      batch.reserve(kBatchRows);
      used = 0;
    }
  }
  batch.resize(used);
  if (!batch.empty()) queue.Push(std::move(batch));
}

}  // namespace

Result<ImportReport> ImportCustomersCsv(store::Store& store, std::string_view csv,
                                        const ImportOptions& options, const Actor& actor) {
  ImportReport report;
  CsvReader reader(csv);
  std::vector<std::string> fields;
  const CsvReader::State first = reader.Next(&fields);
  if (first == CsvReader::State::kEnd) {
    return Status::InvalidArgument("line 1: the file is empty; expected a header line naming the "
                                   "columns (see the README, 'Importing customers')",
                                   "header");
  }
  if (first == CsvReader::State::kError) {
    return Status::InvalidArgument("line 1: " + reader.error(), "header");
  }
  ASSIGN_OR_RETURN(Header header, ParseHeader(fields));

  auto reject = [&](ImportRowError e) {
    ++report.rejected;
    if (options.on_reject) options.on_reject(e);
    if (report.first_errors.size() < kMaxReportedErrors) {
      e.raw = {};  // the report is shown to people; the raw row may hold CPNI
      report.first_errors.push_back(std::move(e));
    }
  };

  Status st = store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(options.carrier).status());
    RowQueue queue(8);
    std::thread parser([&] {
      ParseRows(reader, header, options.carrier, UtcDate(actor.now), actor.now, queue);
      // Hashed here, off the inserting thread; read after the queue closes.
      report.file_sha256 = ledger::HashHex(ledger::Sha256Of(csv));
      queue.Close();
    });
    // Whatever happens below, the parser is stopped and joined before return.
    struct Joiner {
      RowQueue& q;
      std::thread& t;
      ~Joiner() {
        q.Cancel();
        t.join();
      }
    } joiner{queue, parser};

    int64_t first_id = 0, last_id = 0;
    size_t next_progress = 0;
    while (std::optional<std::vector<ParsedRow>> next = queue.Pop()) {
      std::vector<ParsedRow>& batch = *next;
      for (ParsedRow& row : batch) {
        ++report.rows;
        if (row.error) {
          reject(std::move(*row.error));
          continue;
        }
        // Once a row is bad and bad rows are not skipped, nothing will be
        // kept: go on reading only to report every bad row.
        if (report.rejected > 0 && !options.skip_invalid) continue;
        ASSIGN_OR_RETURN(std::optional<CustomerId> id, tx.InsertCustomerIfNew(row.customer));
        if (!id) {
          reject({row.line, "account_number",
                  "account number " + row.customer.account_number +
                      " already exists for this carrier",
                  row.raw});
          continue;
        }
        if (first_id == 0) first_id = id->value();
        last_id = id->value();
        ++report.imported;
      }
      if (options.progress && !batch.empty() && batch.back().offset >= next_progress) {
        options.progress(batch.back().offset, reader.size(), report.rows);
        next_progress = batch.back().offset + reader.size() / 200 + 1;
      }
      queue.Recycle(std::move(batch));
    }
    if (options.progress) options.progress(reader.size(), reader.size(), report.rows);
    if (report.rejected > 0 && !options.skip_invalid) {
      report.imported = 0;
      return Status::Aborted("bad rows");  // rolls the transaction back
    }
    store::LedgerEvent ev;
    ev.carrier = options.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "customers.imported";
    ev.subject = "carrier:" + options.carrier.ToString();
    ev.body = nlohmann::json{{"source", options.source_name},
                             {"file_sha256", report.file_sha256},
                             {"rows", report.rows},
                             {"imported", report.imported},
                             {"rejected", report.rejected},
                             {"first_customer", first_id},
                             {"last_customer", last_id}}
                  .dump();
    ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
    report.ledger_seq = appended.seq;
    return Status::Ok();
  });
  if (st.code() == StatusCode::kAborted && report.rejected > 0 && !options.skip_invalid) {
    return report;  // committed stays false
  }
  RETURN_IF_ERROR(st);
  report.committed = true;
  return report;
}

}  // namespace proprio::services
