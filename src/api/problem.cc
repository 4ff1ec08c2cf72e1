#include "api/problem.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace proprio::api {

using nlohmann::json;

namespace {

struct Mapping {
  int status;
  const char* slug;
  const char* title;
};

Mapping MappingFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return {200, "ok", "OK"};
    case StatusCode::kInvalidArgument:
      // A body of a type the route does not take is 415 (RFC 9110 15.5.16),
      // not a malformed request.
      if (s.field() == "Content-Type") {
        return {415, "unsupported-media-type", "Unsupported media type"};
      }
      return {400, "invalid-argument", "Invalid argument"};
    case StatusCode::kNotFound: return {404, "not-found", "Not found"};
    case StatusCode::kAlreadyExists: return {409, "already-exists", "Already exists"};
    case StatusCode::kFailedPrecondition:
      return {409, "failed-precondition", "The resource's state forbids this"};
    case StatusCode::kPermissionDenied: return {403, "permission-denied", "Permission denied"};
    case StatusCode::kUnauthenticated: return {401, "unauthenticated", "Unauthenticated"};
    case StatusCode::kResourceExhausted: return {429, "resource-exhausted", "Too many requests"};
    case StatusCode::kAborted:
      // An optimistic-concurrency check (If-Match) is a failed HTTP precondition.
      if (s.field() == "If-Match") return {412, "precondition-failed", "Precondition failed"};
      return {409, "aborted", "Conflict; retrying may succeed"};
    case StatusCode::kDataLoss: return {500, "data-loss", "Stored data failed an integrity check"};
    case StatusCode::kUnavailable: return {503, "unavailable", "Service unavailable"};
    case StatusCode::kInternal: return {500, "internal", "Internal error"};
  }
  return {500, "internal", "Internal error"};
}

}  // namespace

int HttpStatusFor(const Status& s) { return MappingFor(s).status; }

Response Problem(int status, std::string_view slug, std::string_view title,
                 const std::string& detail, const std::string& request_id,
                 const std::string& field) {
  json j = {{"type", std::string(kProblemTypeBase) + std::string(slug)},
            {"title", std::string(title)},
            {"status", status},
            {"detail", detail}};
  if (!field.empty()) j["field"] = field;
  if (!request_id.empty()) j["instance"] = "urn:proprio:request:" + request_id;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response ProblemResponse(const Status& s, const std::string& request_id) {
  const Mapping m = MappingFor(s);
  std::string detail = s.message();
  if (s.code() == StatusCode::kInternal || s.code() == StatusCode::kDataLoss) {
    detail = "an internal error occurred; the server log has the details under request id " +
             request_id;
  }
  return Problem(m.status, m.slug, m.title, detail, request_id, s.field());
}

const std::vector<ProblemType>& ProblemTypes() {
  static const std::vector<ProblemType> kTypes = {
      {"invalid-argument", "Invalid argument", 400},
      {"malformed-json", "Malformed JSON", 400},
      {"bad-request", "Bad request", 400},
      {"unauthenticated", "Unauthenticated", 401},
      {"permission-denied", "Permission denied", 403},
      {"csrf-token-invalid", "CSRF token missing or wrong", 403},
      {"not-found", "Not found", 404},
      {"method-not-allowed", "Method not allowed", 405},
      {"request-timeout", "Request timeout", 408},
      {"already-exists", "Already exists", 409},
      {"failed-precondition", "The resource's state forbids this", 409},
      {"aborted", "Conflict; retrying may succeed", 409},
      {"idempotency-key-in-use", "A request with this Idempotency-Key is in progress", 409},
      {"idempotency-outcome-unknown",
       "The outcome of the request with this Idempotency-Key is unknown", 409},
      {"precondition-failed", "Precondition failed", 412},
      {"payload-too-large", "Payload too large", 413},
      {"unsupported-media-type", "Unsupported media type", 415},
      {"idempotency-key-reused", "Idempotency-Key reused with another request", 422},
      {"import-rejected", "The file has bad rows", 422},
      {"precondition-required", "Precondition required", 428},
      {"resource-exhausted", "Too many requests", 429},
      {"header-fields-too-large", "Request header fields too large", 431},
      {"internal", "Internal error", 500},
      {"data-loss", "Stored data failed an integrity check", 500},
      {"unavailable", "Service unavailable", 503},
      // server.cc, before any route: a connection over the server's or the
      // client address's cap (any path can get it).
      {"too-many-connections", "Too many connections", 503},
  };
  return kTypes;
}

}  // namespace proprio::api
