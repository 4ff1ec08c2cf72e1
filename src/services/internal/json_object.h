// services/internal/json_object.h: strict reading of one JSON object for the
// consent, notice and decision codecs (the CLI and the HTTP API share them).
//
// Every error is InvalidArgument naming the field with its prefix
// ("requests[2].recipient.kind"); the first error is kept and later reads
// return nothing; Finish() also refuses any field that was not read.
//
//   JsonObject o(j, "requests[0].");
//   std::optional<std::string> kind = o.String("kind", 64, true);
//   RETURN_IF_ERROR(o.Finish());
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace proprio::services::internal {

class JsonObject {
 public:
  // `prefix` is prepended to field names: "" or "requests[3]." or "context.".
  JsonObject(const nlohmann::json& j, std::string prefix);

  bool Has(const char* name) const;
  std::optional<std::string> String(const char* name, size_t max_bytes, bool required);
  std::optional<int64_t> Int(const char* name, int64_t min, int64_t max, bool required);
  std::optional<bool> Bool(const char* name);
  // An RFC 3339 instant.
  std::optional<Instant> Time(const char* name, bool required);
  // A nested value of the given JSON type (nullptr when absent or wrong).
  const nlohmann::json* Object(const char* name, bool required);
  const nlohmann::json* Array(const char* name, size_t max_items, bool required);
  // Reads the value without checking its type (the caller checks it).
  const nlohmann::json* Raw(const char* name);

  void Fail(Status s);
  bool failed() const { return !first_.ok(); }
  // The first error, or InvalidArgument for the first unread field.
  Status Finish() const;
  std::string Field(const std::string& name) const { return prefix_ + name; }

 private:
  const nlohmann::json* Take(const char* name, bool required);

  const nlohmann::json& j_;
  std::string prefix_;
  std::set<std::string> read_;
  Status first_;
};

// InvalidArgument "field: why" naming `field`.
Status BadField(const std::string& field, const std::string& why);

}  // namespace proprio::services::internal
