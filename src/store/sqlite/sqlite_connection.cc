// store/sqlite: the embedded default backend.
// WAL journal, synchronous=FULL (a committed transaction survives power loss),
// foreign keys on, prepared statements cached per connection.
#include <sqlite3.h>

#include <array>
#include <string>
#include <unordered_map>

#include "store/internal/sql.h"

namespace proprio::store::internal {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int ext = sqlite3_extended_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Status::AlreadyExists(msg);
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return Status::FailedPrecondition(msg);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::InvalidArgument(msg);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return Status::Aborted(msg);
  if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR) return Status::Unavailable(msg);
  // Another kind of file where a database was expected is the caller's
  // mistake (exit 6), not damage to a ledger (DataLoss, exit 8).
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return Status(StatusCode::kFailedPrecondition,
                  "the file is not a SQLite database (check --db / the database path): " + msg,
                  "db");
  }
  if ((rc & 0xff) == SQLITE_CORRUPT) return Status::DataLoss(msg);
  return Status::Internal(msg);
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* s) : s_(s) {}
  bool IsNull(int c) const override { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  int64_t Int(int c) const override { return sqlite3_column_int64(s_, c); }
  std::string Text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  std::string Blob(int c) const override { return std::string(BlobView(c)); }
  std::string_view BlobView(int c) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s_, c)))
             : std::string_view();
  }

 private:
  sqlite3_stmt* s_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  Status Run(std::string_view sql, std::initializer_list<Value> params,
             const RowFn& on_row) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepared(sql));
    // Every parameter is bound on every call, so no binding of an earlier
    // call can leak into this one (and sqlite3_clear_bindings is not needed).
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Status::Internal("SQL statement takes " +
                              std::to_string(sqlite3_bind_parameter_count(stmt)) +
                              " parameters, given " + std::to_string(params.size()));
    }
    int i = 1;
    for (const Value& v : params) {
      int rc = SQLITE_OK;
      if (std::holds_alternative<Null>(v)) {
        rc = sqlite3_bind_null(stmt, i);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i, *n);
      } else if (const auto* t = std::get_if<std::string_view>(&v)) {
        rc = sqlite3_bind_text(stmt, i, t->data(), static_cast<int>(t->size()), SQLITE_STATIC);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        rc = sqlite3_bind_blob(stmt, i, b->data.data(), static_cast<int>(b->data.size()),
                               SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) {
        sqlite3_reset(stmt);
        return SqliteError(db_, rc, "bind");
      }
      ++i;
    }
    Status status;
    SqliteRow row(stmt);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_ROW) {
        if (on_row) {
          status = on_row(row);
          if (!status.ok()) break;
        }
        continue;
      }
      status = SqliteError(db_, rc, "step");
      break;
    }
    sqlite3_reset(stmt);
    return status;
  }

  Status Script(std::string_view sql) override {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);  // the same text is available from sqlite3_errmsg
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
    return Status::Ok();
  }

  // BEGIN IMMEDIATE takes the write lock up front, so two writers never
  // deadlock upgrading from read to write.
  Status Control(std::string_view sql) override { return Run(sql, {}, nullptr); }

  Result<std::optional<int64_t>> Insert(std::string_view sql,
                                        std::initializer_list<Value> params) override {
    RETURN_IF_ERROR(Run(sql, params, nullptr));
    if (sqlite3_changes(db_) == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(sqlite3_last_insert_rowid(db_));
  }
  Status Begin(bool write) override { return Control(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  Status Commit() override { return Control("COMMIT"); }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  // Statements are looked up first by where their text lives: the SQL is
  // nearly always a literal, so the same address comes back call after call
  // and a comparison replaces hashing a few hundred bytes. The text is still
  // compared, so a reused buffer holding other SQL cannot hit.
  Result<sqlite3_stmt*> Prepared(std::string_view sql) {
    const size_t slot = (reinterpret_cast<uintptr_t>(sql.data()) >> 3) % kRecent;
    Recent& recent = recent_[slot];
    if (recent.stmt != nullptr && recent.caller_text == sql.data() && recent.text == sql) {
      return recent.stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
      it = cache_.emplace(std::string(sql), stmt).first;
    }
    recent = Recent{sql.data(), it->first, stmt};
    return stmt;
  }

  struct Recent {
    const char* caller_text = nullptr;  // an address only, never read
    std::string_view text;              // the cache's own copy
    sqlite3_stmt* stmt = nullptr;
  };
  static constexpr size_t kRecent = 64;

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
  std::array<Recent, kRecent> recent_{};
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  // Each connection is used by one thread at a time (the Store serialises),
  // so SQLite's own mutexes and its allocation statistics (a global lock
  // taken on every allocation) are pure cost. Must precede any other call.
  static const int configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize();
  }();
  if (configured != SQLITE_OK) return Status::Internal("SQLite failed to initialise");
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::Unavailable("cannot open SQLite database '" + path + "': " + msg);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, 10000);
  // The journal mode must be WAL; on a read-only medium or an old file it may
  // not switch, which we refuse rather than run without durability we promise.
  std::string mode;
  // A new database gets 16 KiB pages (the default is 4 KiB): a bulk import
  // runs ~15% faster and a ledger scan ~7% faster, point reads and group
  // commits the same (bench/RESULTS.md). A database keeps the page size it
  // was made with, so this only acts before the first table exists.
  RETURN_IF_ERROR(conn->Script("PRAGMA page_size=16384;"));
  RETURN_IF_ERROR(conn->Run("PRAGMA journal_mode=WAL", {}, [&](const Row& r) {
    mode = r.Text(0);
    return Status::Ok();
  }));
  if (path != ":memory:" && mode != "wal") {
    return Status::FailedPrecondition("SQLite database '" + path +
                                      "' cannot use WAL journal mode (got " + mode + ")");
  }
  // A 64 MiB page cache (the default is 2 MiB) keeps index pages of large
  // tables in memory during bulk writes; temp B-trees stay in memory too.
  RETURN_IF_ERROR(conn->Script(
      "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; "
      "PRAGMA temp_store=MEMORY;"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace proprio::store::internal
