#include "api/json_input.h"

#include <cctype>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace proprio::api {

using nlohmann::json;

namespace {

std::string_view MediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "something else";
  }
}

}  // namespace

Result<json> ParseJsonObject(const Request& req) {
  // A PATCH body may also say what it is, a JSON merge patch (RFC 7396): the
  // fields given replace, the others stay, which is how PATCH reads a body.
  const bool merge_patch =
      req.method == "PATCH" && IEquals(MediaType(req.content_type), "application/merge-patch+json");
  if (!merge_patch && !IEquals(MediaType(req.content_type), "application/json")) {
    // Field "Content-Type": answered 415 (api/problem.cc).
    return Status::InvalidArgument(
        std::string("the body must be application/json") +
            (req.method == "PATCH" ? " or application/merge-patch+json" : "") +
            " (Content-Type was '" + req.content_type + "')",
        "Content-Type");
  }
  // Duplicate keys are refused: a stack of the keys seen per open object.
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  // Where the parser is ("address.city", "telephone_numbers[2]"), so that an
  // error about a value (a number out of range) names its field.
  struct Level {
    bool array = false;
    std::string key;   // objects: the current key
    size_t index = 0;  // arrays: the current item
  };
  std::vector<Level> path;
  auto after_value = [&path] {
    if (!path.empty() && path.back().array) ++path.back().index;
  };
  auto callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        path.push_back(Level{});
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        if (!path.empty()) path.pop_back();
        after_value();
        break;
      case json::parse_event_t::array_start:
        path.push_back(Level{true, {}, 0});
        break;
      case json::parse_event_t::array_end:
        if (!path.empty()) path.pop_back();
        after_value();
        break;
      case json::parse_event_t::key:
        if (parsed.is_string()) {
          const std::string& name = parsed.get_ref<const std::string&>();
          if (!path.empty()) path.back().key = name;
          if (!keys.empty() && !keys.back().insert(name).second && duplicate.empty()) {
            duplicate = name;
          }
        }
        break;
      case json::parse_event_t::value:
        after_value();
        break;
    }
    return true;
  };
  auto where = [&path]() -> std::string {
    std::string f;
    for (const Level& l : path) {
      if (l.array) {
        f += "[" + std::to_string(l.index) + "]";
      } else if (!l.key.empty()) {
        f += (f.empty() ? "" : ".") + l.key;
      }
    }
    return f.empty() ? std::string("body") : f;
  };
  json j;
  try {
    j = json::parse(req.body, callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
    const size_t colon = what.find("] ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return Status::InvalidArgument("malformed JSON: " + what + " (byte " +
                                       std::to_string(e.byte) + ")",
                                   "body");
  } catch (const json::out_of_range&) {
    // "number overflow parsing '1e400'" (406): a number beyond a double.
    const std::string field = where();
    return Status::InvalidArgument(
        field + ": a number out of range (JSON numbers must fit a 64-bit float)", field);
  } catch (const json::exception&) {
    // Any other refusal of the parser is about the input too.
    const std::string field = where();
    return Status::InvalidArgument(field + ": malformed JSON", field);
  }
  if (!duplicate.empty()) {
    return Status::InvalidArgument("field '" + duplicate + "' appears more than once", duplicate);
  }
  if (!j.is_object()) {
    return Status::InvalidArgument(std::string("the body must be a JSON object, not ") +
                                       TypeName(j),
                                   "body");
  }
  return j;
}

ObjectReader::ObjectReader(const json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

bool ObjectReader::Has(const char* name) const { return object_.contains(name); }

void ObjectReader::Fail(Status s) {
  if (first_error_.ok()) first_error_ = std::move(s);
}

const json* ObjectReader::Get(const char* name) {
  read_.insert(name);
  auto it = object_.find(name);
  return it == object_.end() ? nullptr : &*it;
}

std::optional<std::string> ObjectReader::OptString(const char* name, size_t max_bytes) {
  const json* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(Status::InvalidArgument(Field(name) + " must be a string, not " + TypeName(*v),
                                 Field(name)));
    return std::nullopt;
  }
  const std::string& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    Fail(Status::InvalidArgument(
        Field(name) + " must be at most " + std::to_string(max_bytes) + " bytes", Field(name)));
    return std::nullopt;
  }
  return s;
}

std::string ObjectReader::String(const char* name, size_t max_bytes, Need need) {
  if (need == Need::kRequired && !object_.contains(name)) {
    read_.insert(name);
    Fail(Status::InvalidArgument(Field(name) + " is required", Field(name)));
    return {};
  }
  return OptString(name, max_bytes).value_or(std::string());
}

std::optional<bool> ObjectReader::OptBool(const char* name) {
  const json* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(Status::InvalidArgument(Field(name) + " must be true or false, not " + TypeName(*v),
                                 Field(name)));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> ObjectReader::OptInt(const char* name, int64_t min, int64_t max) {
  const json* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(Status::InvalidArgument(Field(name) + " must be an integer, not " + TypeName(*v),
                                 Field(name)));
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max)) {
    Fail(Status::InvalidArgument(Field(name) + " is out of range", Field(name)));
    return std::nullopt;
  }
  const int64_t n = v->get<int64_t>();
  if (n < min || n > max) {
    Fail(Status::InvalidArgument(Field(name) + " must be between " + std::to_string(min) +
                                     " and " + std::to_string(max),
                                 Field(name)));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> ObjectReader::OptStringArray(const char* name,
                                                                     size_t max_items,
                                                                     size_t max_bytes) {
  const json* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    Fail(Status::InvalidArgument(Field(name) + " must be an array of strings, not " +
                                     TypeName(*v),
                                 Field(name)));
    return std::nullopt;
  }
  if (v->size() > max_items) {
    Fail(Status::InvalidArgument(
        Field(name) + " may hold at most " + std::to_string(max_items) + " items", Field(name)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    const std::string field = Field(name) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      Fail(Status::InvalidArgument(field + " must be a string, not " + TypeName(item), field));
      return std::nullopt;
    }
    if (item.get_ref<const std::string&>().size() > max_bytes) {
      Fail(Status::InvalidArgument(field + " must be at most " + std::to_string(max_bytes) +
                                       " bytes",
                                   field));
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

const json* ObjectReader::OptObject(const char* name) {
  const json* v = Get(name);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Fail(Status::InvalidArgument(Field(name) + " must be an object, not " + TypeName(*v),
                                 Field(name)));
    return nullptr;
  }
  return v;
}

const json* ObjectReader::OptArray(const char* name, size_t max_items) {
  const json* v = Get(name);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    Fail(Status::InvalidArgument(Field(name) + " must be an array, not " + TypeName(*v),
                                 Field(name)));
    return nullptr;
  }
  if (v->size() > max_items) {
    Fail(Status::InvalidArgument(
        Field(name) + " may hold at most " + std::to_string(max_items) + " items", Field(name)));
    return nullptr;
  }
  return v;
}

void ObjectReader::Merge(const ObjectReader& child) {
  if (first_error_.ok()) first_error_ = child.Finish();
}

Status ObjectReader::Finish() const {
  if (!first_error_.ok()) return first_error_;
  for (const auto& [key, value] : object_.items()) {
    if (!read_.count(key)) {
      return Status::InvalidArgument("unknown field " + prefix_ + key, prefix_ + key);
    }
  }
  return Status::Ok();
}

}  // namespace proprio::api
