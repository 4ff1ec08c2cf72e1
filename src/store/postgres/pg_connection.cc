// store/postgres: the PostgreSQL backend, through libpq.
// '?' placeholders are rewritten to $n; each distinct statement is prepared
// once per connection. Parameters go as text, byte strings as binary; results
// come back as text (bytea decoded from its hex form).
#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "store/internal/sql.h"

namespace proprio::store::internal {
namespace {

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_string = false;
  for (char c : sql) {
    if (c == '\'') in_string = !in_string;
    if (c == '?' && !in_string) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Status PgResultError(PGconn* conn, PGresult* res, std::string_view what) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string msg = std::string(what) + ": " + PQresultErrorMessage(res);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // A lost connection carries no SQLSTATE (libpq found the socket closed):
  // the database is unavailable, not broken.
  if (PQstatus(conn) == CONNECTION_BAD) return Status::Unavailable(msg);
  const std::string s = state ? state : "";
  if (s == "23505") return Status::AlreadyExists(msg);
  if (s == "23503") return Status::FailedPrecondition(msg);
  if (s.rfind("23", 0) == 0 || s.rfind("22", 0) == 0) return Status::InvalidArgument(msg);
  if (s == "40001" || s == "40P01") return Status::Aborted(msg);
  if (s.rfind("08", 0) == 0 || s == "57P01") return Status::Unavailable(msg);
  return Status::Internal(msg);
}

class PgRow final : public Row {
 public:
  PgRow(PGresult* r, int row) : r_(r), row_(row) {}
  bool IsNull(int c) const override { return PQgetisnull(r_, row_, c); }
  int64_t Int(int c) const override { return std::strtoll(PQgetvalue(r_, row_, c), nullptr, 10); }
  std::string Text(int c) const override {
    return std::string(PQgetvalue(r_, row_, c), static_cast<size_t>(PQgetlength(r_, row_, c)));
  }
  std::string_view BlobView(int c) const override {
    // bytea arrives as hex text: decoded into a per-column scratch buffer.
    if (scratch_.size() <= static_cast<size_t>(c)) scratch_.resize(static_cast<size_t>(c) + 1);
    return scratch_[static_cast<size_t>(c)] = Blob(c);
  }
  std::string Blob(int c) const override {
    std::string_view v(PQgetvalue(r_, row_, c), static_cast<size_t>(PQgetlength(r_, row_, c)));
    if (v.substr(0, 2) != "\\x") return std::string(v);
    auto raw = FromHex(v.substr(2));
    return raw.ok() ? *raw : std::string();
  }

 private:
  PGresult* r_;
  int row_;
  mutable std::vector<std::string> scratch_;
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* c) : conn_(c) {}
  ~PgConnection() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::kPostgres; }

  Status Run(std::string_view sql, std::initializer_list<Value> params,
             const RowFn& on_row) override {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      const std::string name = "s" + std::to_string(prepared_.size());
      PGresult* res = PQprepare(conn_, name.c_str(), RewritePlaceholders(sql).c_str(), 0, nullptr);
      const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
      Status st = ok ? Status::Ok() : PgResultError(conn_, res, "prepare");
      PQclear(res);
      if (!ok) return st;
      it = prepared_.emplace(std::string(sql), name).first;
    }
    const int n = static_cast<int>(params.size());
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    int i = 0;
    for (const Value& v : params) {
      if (std::holds_alternative<Null>(v)) {
        values[i] = nullptr;
      } else if (const auto* num = std::get_if<int64_t>(&v)) {
        text[i] = std::to_string(*num);
        values[i] = text[i].c_str();
      } else if (const auto* t = std::get_if<std::string_view>(&v)) {
        text[i] = std::string(*t);  // libpq wants NUL-terminated text
        values[i] = text[i].c_str();
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        values[i] = b->data.data();
        lengths[i] = static_cast<int>(b->data.size());
        formats[i] = 1;
      }
      ++i;
    }
    PGresult* res = PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(),
                                   formats.data(), 0);
    const ExecStatusType st = PQresultStatus(res);
    Status status;
    if (st == PGRES_TUPLES_OK) {
      if (on_row) {
        const int rows = PQntuples(res);
        for (int r = 0; r < rows && status.ok(); ++r) status = on_row(PgRow(res, r));
      }
    } else if (st != PGRES_COMMAND_OK) {
      status = PgResultError(conn_, res, "query");
    }
    PQclear(res);
    return status;
  }

  Status Script(std::string_view sql) override {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    const ExecStatusType st = PQresultStatus(res);
    Status status = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? Status::Ok()
                                                                      : PgResultError(conn_, res, "exec");
    PQclear(res);
    return status;
  }

  Result<std::optional<int64_t>> Insert(std::string_view sql,
                                        std::initializer_list<Value> params) override {
    std::optional<int64_t> id;
    RETURN_IF_ERROR(Run(std::string(sql) + " RETURNING id", params, [&](const Row& r) {
      id = r.Int(0);
      return Status::Ok();
    }));
    return id;
  }

  // Utility statements cannot be prepared in PostgreSQL.
  Status Control(std::string_view sql) override { return Script(sql); }

  Status Begin(bool write) override {
    return Script(write ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                        : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  Status Commit() override { return Script("COMMIT"); }
  void Rollback() override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE && !Broken()) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
  }
  bool Broken() const override { return PQstatus(conn_) == CONNECTION_BAD; }

 private:
  PGconn* conn_;
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(c);
    // The URL may hold a password: never echo it.
    return Status::Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  auto conn = std::make_unique<PgConnection>(c);
  RETURN_IF_ERROR(conn->Script("SET client_min_messages = warning; SET TIME ZONE 'UTC';"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace proprio::store::internal
