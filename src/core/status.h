// core/status.h: the one error type that crosses module boundaries.
//
// Every fallible call returns Status or Result<T>. Codes follow Abseil's
// canonical set so that the HTTP layer and the CLI can map a code to an HTTP
// status or an exit code in one place each. Exceptions never cross a module
// boundary: a library adapter catches its library's exceptions at its edge.
//
//   Result<Customer> c = store.GetCustomer(id);
//   if (!c.ok()) return c.status();
//   ASSIGN_OR_RETURN(Customer customer, store.GetCustomer(id));
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace proprio {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; names the field
  kNotFound,            // no such resource (or not visible to the caller)
  kAlreadyExists,       // a unique key is taken
  kFailedPrecondition,  // state forbids the operation (e.g. newer schema)
  kPermissionDenied,    // authenticated but not allowed
  kUnauthenticated,     // no valid credentials
  kResourceExhausted,   // a limit was hit (size, rate, lockout)
  kAborted,             // concurrency conflict; retrying may succeed
  kDataLoss,            // stored data failed an integrity check
  kUnavailable,         // a dependency (database) cannot be reached
  kInternal,            // a bug or an unexpected library failure
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg, std::string field = {}) {
    return {StatusCode::kAlreadyExists, std::move(msg), std::move(field)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status DataLoss(std::string msg) { return {StatusCode::kDataLoss, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about ("phone", "row 12: email"), or empty.
  const std::string& field() const { return field_; }

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const;
  std::string ToString() const;

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status without a value");
    if (status_.ok()) status_ = Status::Internal("Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const { return ok() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;
};

namespace internal {
inline Status AsStatus(const Status& s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace proprio

#define PROPRIO_CONCAT_INNER(a, b) a##b
#define PROPRIO_CONCAT(a, b) PROPRIO_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (a Status or Result) fails.
// (The local's name is unique per expansion, so nested uses do not shadow.)
#define RETURN_IF_ERROR(expr) \
  PROPRIO_RETURN_IF_ERROR_IMPL(PROPRIO_CONCAT(proprio_status_, __COUNTER__), expr)
#define PROPRIO_RETURN_IF_ERROR_IMPL(tmp, expr)                    \
  do {                                                             \
    ::proprio::Status tmp = ::proprio::internal::AsStatus(expr);   \
    if (!tmp.ok()) return tmp;                                     \
  } while (0)

#define PROPRIO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

// ASSIGN_OR_RETURN(Type name, expr): evaluates a Result, returns its status on
// failure, otherwise moves the value into `name`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  PROPRIO_ASSIGN_OR_RETURN_IMPL(PROPRIO_CONCAT(proprio_result_, __COUNTER__), lhs, expr)
