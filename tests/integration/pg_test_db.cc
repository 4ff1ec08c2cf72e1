#include "pg_test_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace proprio::testing {
namespace {

std::atomic<int> g_counter{0};

std::string Chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Replaces the database name in a postgresql:// URL, keeping any query string.
Result<std::string> WithDatabase(const std::string& url, const std::string& db) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return Status::InvalidArgument("not a URL: " + url);
  const size_t slash = url.find('/', scheme + 3);
  const size_t query = url.find('?', scheme + 3);
  std::string out = url.substr(0, slash == std::string::npos ? query : slash) + "/" + db;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

}  // namespace

Status PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = Chomp(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable("cannot connect to " + url + ": " + msg);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PGresult* res = PQexec(conn, sql.c_str());
  const ExecStatusType st = PQresultStatus(res);
  Status out = Status::Ok();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    out = Status::Internal(sql + ": " + Chomp(PQresultErrorMessage(res)));
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

std::optional<std::string> PgTestDb::SkipReason() {
  const char* file = std::getenv(kUrlFileVariable);
  if (file == nullptr || *file == '\0') {
    return std::string(kUrlFileVariable) +
           " is not set: PostgreSQL cases run under ctest, which starts a cluster "
           "(scripts/pg-harness) for them";
  }
  return std::nullopt;
}

Result<std::string> PgTestDb::AdminUrl() {
  const char* file = std::getenv(kUrlFileVariable);
  if (file == nullptr || *file == '\0') {
    return Status::FailedPrecondition(std::string(kUrlFileVariable) + " is not set");
  }
  std::ifstream in(file);
  if (!in) {
    return Status::Unavailable(std::string("cannot read ") + file +
                               ": did the postgres_start fixture run?");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string url = Chomp(text.str());
  if (url.empty()) return Status::Unavailable(std::string(file) + " is empty");
  return url;
}

Status PgTestDb::Create() {
  ASSIGN_OR_RETURN(admin_url_, AdminUrl());
  name_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(g_counter.fetch_add(1));
  RETURN_IF_ERROR(PgExec(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"));
  RETURN_IF_ERROR(PgExec(admin_url_, "CREATE DATABASE " + name_));
  ASSIGN_OR_RETURN(url_, WithDatabase(admin_url_, name_));
  return Status::Ok();
}

void PgTestDb::Drop() {
  if (name_.empty() || admin_url_.empty()) return;
  // A failure to drop leaves a database in a cluster that is thrown away anyway.
  (void)PgExec(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  name_.clear();
  url_.clear();
}

PgTestDb::~PgTestDb() { Drop(); }

}  // namespace proprio::testing
