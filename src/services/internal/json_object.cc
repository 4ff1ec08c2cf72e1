#include "services/internal/json_object.h"

namespace proprio::services::internal {

using nlohmann::json;

Status BadField(const std::string& field, const std::string& why) {
  return Status::InvalidArgument(field + ": " + why, field);
}

JsonObject::JsonObject(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {
  if (!j_.is_object()) {
    std::string name = prefix_;
    if (!name.empty() && name.back() == '.') name.pop_back();
    first_ = name.empty() ? Status::InvalidArgument("the body must be a JSON object")
                          : BadField(name, "must be a JSON object");
  }
}

bool JsonObject::Has(const char* name) const { return j_.is_object() && j_.contains(name); }

void JsonObject::Fail(Status s) {
  if (first_.ok() && !s.ok()) first_ = std::move(s);
}

const json* JsonObject::Take(const char* name, bool required) {
  if (failed()) return nullptr;
  read_.insert(name);
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) Fail(BadField(Field(name), "is required"));
    return nullptr;
  }
  return &*it;
}

const json* JsonObject::Raw(const char* name) { return Take(name, false); }

std::optional<std::string> JsonObject::String(const char* name, size_t max_bytes, bool required) {
  const json* v = Take(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(BadField(Field(name), "must be a string"));
    return std::nullopt;
  }
  const std::string& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    Fail(BadField(Field(name), "must be at most " + std::to_string(max_bytes) + " bytes"));
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> JsonObject::Int(const char* name, int64_t min, int64_t max, bool required) {
  const json* v = Take(name, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(BadField(Field(name), "must be an integer"));
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Fail(BadField(Field(name), "is out of range"));
    return std::nullopt;
  }
  const int64_t x = v->get<int64_t>();
  if (x < min || x > max) {
    Fail(BadField(Field(name), "must be between " + std::to_string(min) + " and " +
                                   std::to_string(max)));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> JsonObject::Bool(const char* name) {
  const json* v = Take(name, false);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(BadField(Field(name), "must be true or false"));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<Instant> JsonObject::Time(const char* name, bool required) {
  const json* v = Take(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(BadField(Field(name), "must be an RFC 3339 instant such as \"2024-03-13T14:05:00Z\""));
    return std::nullopt;
  }
  Result<Instant> t = Instant::Parse(v->get_ref<const std::string&>());
  if (!t.ok()) {
    Fail(BadField(Field(name), "'" + v->get<std::string>().substr(0, 64) +
                                   "' is not an RFC 3339 instant such as "
                                   "\"2024-03-13T14:05:00Z\""));
    return std::nullopt;
  }
  if (t->micros() == 0) {
    Fail(BadField(Field(name), "the Unix epoch itself is not accepted as an instant"));
    return std::nullopt;
  }
  return *t;
}

const json* JsonObject::Object(const char* name, bool required) {
  const json* v = Take(name, required);
  if (v && !v->is_object()) {
    Fail(BadField(Field(name), "must be a JSON object"));
    return nullptr;
  }
  return v;
}

const json* JsonObject::Array(const char* name, size_t max_items, bool required) {
  const json* v = Take(name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Fail(BadField(Field(name), "must be an array"));
    return nullptr;
  }
  if (v->size() > max_items) {
    Fail(BadField(Field(name), "must have at most " + std::to_string(max_items) + " items"));
    return nullptr;
  }
  return v;
}

Status JsonObject::Finish() const {
  if (failed()) return first_;
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (!read_.count(it.key())) {
      return BadField(Field(it.key()), "unknown field");
    }
  }
  return Status::Ok();
}

}  // namespace proprio::services::internal
