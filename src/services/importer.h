// services/importer.h: bulk import of customers from CSV.
//
// CSV format (the README documents it for users; this is the contract):
//   - UTF-8, RFC 4180 (commas, optional quotes, LF or CRLF), a header line.
//   - Columns are matched by header name, in any order. Unknown columns and
//     repeated columns are refused on line 1.
//   required: account_number, customer_type (residential|business), name,
//             telephone_numbers (';'-separated, normalised to E.164),
//             street, city, state (USPS code), postal_code (ZIP or ZIP+4)
//   optional: address_since (YYYY-MM-DD; default: the import date, UTC),
//             email, services (';'-separated: local, interexchange, cmrs,
//             interconnected_voip, internet_access, voice_messaging, cpe),
//             account_representative, cpni_contract (business customers only),
//             service_since (YYYY-MM-DD, the day the customer's service began;
//             default: not known, an existing customer, for whom the
//             service-initiation path of 47 CFR 64.2010(e) is closed)
//   - Field limits are those of core/domain.h; a record is at most 64 KiB.
//
// A bad row is reported with its line, column and reason: a duplicate account
// number (in the file or already stored), a malformed telephone number, an
// unknown service category, bad UTF-8, an oversized field, a wrong number of
// fields, or a truncated file. By default nothing is imported when any row is
// bad; with skip_invalid the good rows are imported and each reject is passed
// to on_reject. The import is one transaction, durable when Import returns,
// and appends one ledger entry (customers.imported) with the file's SHA-256
// and the counts — the file's personal data stays out of the ledger.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

struct ImportRowError {
  int64_t line = 0;    // physical line the record starts on (header is line 1)
  std::string column;  // the column at fault, or empty for the whole row
  std::string reason;
  std::string_view raw;  // the record's text, for a rejects file
};

struct ImportOptions {
  CarrierId carrier;
  bool skip_invalid = false;
  std::string source_name;  // file name, recorded in the ledger entry
  // Called now and then with bytes read so far and the total.
  std::function<void(size_t done, size_t total, int64_t rows)> progress;
  // Called for each bad row, in file order.
  std::function<void(const ImportRowError&)> on_reject;
};

struct ImportReport {
  int64_t rows = 0;  // data rows read
  int64_t imported = 0;
  int64_t rejected = 0;
  bool committed = false;  // false when a bad row stopped the import
  std::vector<ImportRowError> first_errors;  // up to kMaxReportedErrors
  int64_t ledger_seq = 0;
  std::string file_sha256;
};

inline constexpr size_t kMaxReportedErrors = 50;

// Imports `csv` into `options.carrier`. Returns an error only for a failure of
// the import as a whole (unknown carrier, unreadable header, database error);
// bad rows are in the report.
Result<ImportReport> ImportCustomersCsv(store::Store& store, std::string_view csv,
                                        const ImportOptions& options, const Actor& actor);

}  // namespace proprio::services
