// store/internal/sql.h: the narrow SQL connection both backends implement.
// Nothing outside store/ includes this file.
//
// SQL is written once, with '?' placeholders; the PostgreSQL connection
// rewrites them to $1, $2, ... Statements are prepared once per connection
// and cached by their text.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace proprio::store::internal {

struct Null {};
struct Bytes {
  std::string_view data;
};
// Values bound to placeholders. Text and bytes are borrowed: they must outlive
// the call that binds them.
using Value = std::variant<Null, int64_t, std::string_view, Bytes>;

class Row {
 public:
  virtual ~Row() = default;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual std::string Blob(int col) const = 0;
  // The bytes without a copy; valid until the next row or the end of the call.
  virtual std::string_view BlobView(int col) const = 0;
};

using RowFn = std::function<Status(const Row&)>;

enum class Backend { kSqlite, kPostgres };

// Lets statement caches be searched by string_view without building a string.
struct SqlHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Runs one statement; rows it returns, if any, go to `on_row`.
  virtual Status Run(std::string_view sql, std::initializer_list<Value> params,
                     const RowFn& on_row) = 0;
  // Runs several statements with no parameters (migrations).
  virtual Status Script(std::string_view sql) = 0;
  // Runs one statement with no parameters and no rows, as cheaply as the
  // backend allows (BEGIN, COMMIT, SAVEPOINT: prepared once where possible).
  virtual Status Control(std::string_view sql) = 0;
  // Runs an INSERT into a table with an `id` key and returns the new row's id,
  // or nullopt when an ON CONFLICT DO NOTHING clause skipped the row. `sql`
  // has no RETURNING clause: SQLite reads the id from the connection (cheaper
  // than RETURNING), PostgreSQL appends RETURNING id.
  virtual Result<std::optional<int64_t>> Insert(std::string_view sql,
                                                std::initializer_list<Value> params) = 0;
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // True once the connection is known to be lost (the server closed it, or
  // restarted): it must be replaced, never reused. SQLite's never is.
  virtual bool Broken() const { return false; }

  Status Exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return Run(sql, params, nullptr);
  }
  // Runs a statement expected to return one integer (an id, a count).
  Result<int64_t> QueryInt(std::string_view sql, std::initializer_list<Value> params = {});
};

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url);

}  // namespace proprio::store::internal
