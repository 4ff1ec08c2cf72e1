// api/json_input.h: strict reading of JSON request bodies.
//
// A body must be one JSON object; a field of the wrong type, a value beyond
// its limit, a missing required field and any field the route does not know
// are all InvalidArgument naming the field ("address.city",
// "telephone_numbers[2]"). The reader keeps the first error and returns
// defaults after it, so a handler reads every field and checks once:
//
//   ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req));
//   ObjectReader r(body);
//   std::string name = r.String("name", kMaxNameBytes, Need::kRequired);
//   std::optional<bool> flag = r.OptBool("flag");
//   RETURN_IF_ERROR(r.Finish());   // the first error, or an unknown field
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "core/status.h"

namespace proprio::api {

// Checks the content type (application/json) and parses the body as one JSON
// object. Malformed JSON names the byte offset; duplicate keys are refused; a
// number beyond the range of a double ("1e400") is refused naming its field
// ("address.zip", "body" at the top). Never throws.
Result<nlohmann::json> ParseJsonObject(const Request& req);

enum class Need { kOptional, kRequired };

class ObjectReader {
 public:
  // REQUIRES: object.is_object(); it must outlive the reader.
  explicit ObjectReader(const nlohmann::json& object, std::string prefix = {});

  bool Has(const char* name) const;

  std::optional<std::string> OptString(const char* name, size_t max_bytes);
  std::string String(const char* name, size_t max_bytes, Need need = Need::kRequired);
  std::optional<bool> OptBool(const char* name);
  std::optional<int64_t> OptInt(const char* name, int64_t min, int64_t max);
  std::optional<std::vector<std::string>> OptStringArray(const char* name, size_t max_items,
                                                         size_t max_bytes);
  // A nested object; read it with its own reader (prefix "name.").
  const nlohmann::json* OptObject(const char* name);
  // An array of at most `max_items` items (their types are the caller's to check).
  const nlohmann::json* OptArray(const char* name, size_t max_items);
  // Records an error of the caller's own about `name` (if none yet).
  void Fail(Status s);

  // The first error, or InvalidArgument for the first field not read.
  Status Finish() const;
  // For nested readers: records `child`'s outcome.
  void Merge(const ObjectReader& child);

  std::string Field(const char* name) const { return prefix_ + name; }

 private:
  const nlohmann::json* Get(const char* name);

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string> read_;
  Status first_error_;
};

}  // namespace proprio::api
