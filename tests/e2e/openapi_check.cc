#include "openapi_check.h"

#include <cctype>
#include <set>
#include <sstream>

namespace proprio::testing {

using nlohmann::json;

namespace {

bool Digits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}
// RFC 3339 full-date: YYYY-MM-DD.
bool IsDate(const std::string& s) {
  return s.size() == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
         Digits(s, 8, 2);
}
// RFC 3339 date-time: full-date "T" hh:mm:ss[.frac](Z|+hh:mm).
bool IsDateTime(const std::string& s) {
  if (s.size() < 20 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
  if (!Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2)) {
    return false;
  }
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const size_t start = at;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) ++at;
    if (at == start) return false;
  }
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) return at + 1 == s.size();
  return at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && Digits(s, at + 1, 2) &&
         s[at + 3] == ':' && Digits(s, at + 4, 2);
}

bool HasType(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

const json* Resolve(const json& doc, const json& schema) {
  const json* s = &schema;
  for (int depth = 0; s->is_object() && s->contains("$ref") && depth < 16; ++depth) {
    const std::string ref = (*s)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
      s = &doc.at(json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  return s;
}

void Validate(const json& doc, const json& raw, const json& v, const std::string& at,
              std::vector<std::string>& errors) {
  const json* sp = Resolve(doc, raw);
  if (sp == nullptr) {
    errors.push_back(at + ": unresolvable $ref " + raw.dump());
    return;
  }
  const json& s = *sp;
  if (s.is_boolean()) {
    if (!s.get<bool>()) errors.push_back(at + ": no value is allowed here");
    return;
  }
  if (!s.is_object()) return;
  if (s.contains("type")) {
    bool ok = false;
    std::string names;
    for (const json& t : s["type"].is_array() ? s["type"] : json::array({s["type"]})) {
      ok = ok || HasType(v, t.get<std::string>());
      names += (names.empty() ? "" : "|") + t.get<std::string>();
    }
    if (!ok) {
      errors.push_back(at + ": " + v.dump().substr(0, 80) + " is not of type " + names);
      return;
    }
  }
  if (s.contains("const") && v != s["const"]) {
    errors.push_back(at + ": " + v.dump() + " is not " + s["const"].dump());
  }
  if (s.contains("enum")) {
    bool found = false;
    for (const json& e : s["enum"]) found = found || e == v;
    if (!found) errors.push_back(at + ": " + v.dump() + " is not one of " + s["enum"].dump());
  }
  if (s.contains("format") && v.is_string()) {
    const std::string f = s["format"].get<std::string>();
    const std::string text = v.get<std::string>();
    if ((f == "date" && !IsDate(text)) || (f == "date-time" && !IsDateTime(text))) {
      errors.push_back(at + ": \"" + text + "\" is not a " + f);
    }
  }
  if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
    errors.push_back(at + ": " + v.dump() + " is below " + s["minimum"].dump());
  }
  if (s.contains("minLength") && v.is_string() &&
      v.get<std::string>().size() < s["minLength"].get<size_t>()) {
    errors.push_back(at + ": shorter than " + s["minLength"].dump());
  }
  if (s.contains("allOf")) {
    for (const json& sub : s["allOf"]) Validate(doc, sub, v, at, errors);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!s.contains(key)) continue;
    int matched = 0;
    std::vector<std::string> first;
    for (const json& sub : s[key]) {
      std::vector<std::string> e;
      Validate(doc, sub, v, at, e);
      if (e.empty()) ++matched;
      else if (first.empty()) first = e;
    }
    if (matched == 0) {
      errors.push_back(at + ": matches none of " + key +
                       (first.empty() ? std::string() : " (first: " + first.front() + ")"));
    } else if (matched > 1 && std::string(key) == "oneOf") {
      errors.push_back(at + ": matches more than one of oneOf");
    }
  }
  if (v.is_object() && (s.contains("properties") || s.contains("additionalProperties"))) {
    const json props = s.value("properties", json::object());
    const json required = s.value("required", json::array());
    for (const json& name : required) {
      if (!v.contains(name.get<std::string>())) {
        errors.push_back(at + ": the required field \"" + name.get<std::string>() +
                         "\" is missing");
      }
    }
    // Closed unless the schema gives additionalProperties (true or a schema).
    const json extra = s.contains("additionalProperties") ? s["additionalProperties"] : json(false);
    for (const auto& [name, item] : v.items()) {
      const std::string where = at + "/" + name;
      if (props.contains(name)) {
        Validate(doc, props[name], item, where, errors);
      } else if (extra.is_boolean()) {
        if (!extra.get<bool>()) {
          errors.push_back(at + ": the field \"" + name + "\" is not in the schema");
        }
      } else {
        Validate(doc, extra, item, where, errors);
      }
    }
  }
  if (v.is_array() && s.contains("items")) {
    for (size_t i = 0; i < v.size(); ++i) {
      Validate(doc, s["items"], v[i], at + "/" + std::to_string(i), errors);
    }
  }
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/')) out.push_back(part);
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every schema object under `node` (recursively), with where it is.
void Schemas(const json& node, const std::string& at,
             std::vector<std::pair<std::string, const json*>>& out) {
  if (!node.is_object()) return;
  out.push_back({at, &node});
  if (node.contains("properties")) {
    for (const auto& [name, sub] : node["properties"].items()) {
      Schemas(sub, at + "/properties/" + name, out);
    }
  }
  if (node.contains("items")) Schemas(node["items"], at + "/items", out);
  if (node.contains("additionalProperties")) {
    Schemas(node["additionalProperties"], at + "/additionalProperties", out);
  }
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (!node.contains(key)) continue;
    for (size_t i = 0; i < node[key].size(); ++i) {
      Schemas(node[key][i], at + "/" + key + "/" + std::to_string(i), out);
    }
  }
}

}  // namespace

std::vector<std::string> ValidateSchema(const json& doc, const json& schema, const json& value) {
  std::vector<std::string> errors;
  Validate(doc, schema, value, "", errors);
  return errors;
}

const json* FindOperation(const json& doc, const std::string& method, const std::string& target,
                          std::string* pattern) {
  const std::string path = target.substr(0, target.find('?'));
  const std::vector<std::string> parts = Split(path);
  if (!doc.contains("paths")) return nullptr;
  for (const auto& [templ, item] : doc["paths"].items()) {
    const std::vector<std::string> want = Split(templ);
    if (want.size() != parts.size()) continue;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      const bool param = !want[i].empty() && want[i].front() == '{' && want[i].back() == '}';
      match = param ? !parts[i].empty() : want[i] == parts[i];
    }
    if (!match) continue;
    const std::string m = Lower(method);
    if (!item.contains(m)) continue;
    if (pattern != nullptr) *pattern = templ;
    return &item[m];
  }
  return nullptr;
}

std::vector<std::string> CheckResponse(const json& doc, const std::string& method,
                                       const std::string& target, int status,
                                       const std::string& content_type, const std::string& body) {
  std::vector<std::string> errors;
  const std::string name = method + " " + target;
  std::string pattern;
  const json* op = FindOperation(doc, method, target, &pattern);
  if (op == nullptr) {
    // 404 and 405 answers for paths the document does not have are fine.
    if (status == 404 || status == 405) return errors;
    // The web console's files (/, /index.html, /assets/...) are not API operations.
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/" || path == "/index.html" || path.starts_with("/assets/")) return errors;
    errors.push_back(name + ": no such operation in the document");
    return errors;
  }
  const json& responses = (*op)["responses"];
  const std::string code = std::to_string(status);
  const json* response = nullptr;
  if (responses.contains(code)) response = &responses[code];
  else if (status >= 400 && responses.contains("default")) response = &responses["default"];
  if (response == nullptr) {
    errors.push_back(name + ": the status " + code + " is not documented for " + pattern);
    return errors;
  }
  if (method == "HEAD" || status == 204 || status == 304 || body.empty()) return errors;
  if (!response->contains("content")) {
    errors.push_back(name + ": " + code + " documents no body but one came");
    return errors;
  }
  auto bare = [](const std::string& type) {
    std::string m = Lower(type.substr(0, type.find(';')));
    while (!m.empty() && m.back() == ' ') m.pop_back();
    return m;
  };
  const std::string media = bare(content_type);
  const json& content = (*response)["content"];
  const json* declared = nullptr;
  for (const auto& [type, c] : content.items()) {
    if (bare(type) == media) declared = &c;
  }
  if (declared == nullptr) {
    errors.push_back(name + ": " + code + " answered " + media + ", the document lists " +
                     content.dump().substr(0, 120));
    return errors;
  }
  if (media.find("json") == std::string::npos) return errors;
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    errors.push_back(name + ": the body is not JSON");
    return errors;
  }
  if (!declared->contains("schema")) {
    errors.push_back(name + ": " + code + " " + media + " has no schema");
    return errors;
  }
  for (const std::string& e : ValidateSchema(doc, (*declared)["schema"], value)) {
    errors.push_back(name + " " + code + " (" + pattern + "): " + e);
  }
  return errors;
}

std::vector<std::string> DocumentProblems(const json& doc) {
  std::vector<std::string> p;
  if (!doc.contains("servers") || !doc["servers"].is_array() || doc["servers"].empty()) {
    p.push_back("no servers");
  }
  const json info = doc.value("info", json::object());
  if (!info.contains("license") || !info["license"].contains("name")) p.push_back("no info.license");
  if (!info.contains("contact") || info["contact"].empty()) p.push_back("no info.contact");
  std::set<std::string> declared;
  const json tags = doc.value("tags", json::array());
  for (const json& t : tags) {
    declared.insert(t.value("name", ""));
    if (!t.contains("description")) p.push_back("tag " + t.value("name", "") + ": no description");
  }
  if (declared.empty()) p.push_back("no top-level tags");
  std::vector<std::pair<std::string, const json*>> schemas;
  const json paths = doc.value("paths", json::object());
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      const std::string name = method + " " + path;
      if (!op.contains("description") || op["description"].get<std::string>().empty()) {
        p.push_back(name + ": no description");
      }
      if (!op.contains("tags") || op["tags"].empty()) p.push_back(name + ": no tags");
      const json op_tags = op.value("tags", json::array());
      for (const json& t : op_tags) {
        if (!declared.count(t.get<std::string>())) {
          p.push_back(name + ": tag " + t.get<std::string>() + " is not declared");
        }
      }
      bool four = false;
      static const json kNone = json::object();
      const json& responses = op.contains("responses") ? op["responses"] : kNone;
      for (const auto& [code, response] : responses.items()) {
        four = four || (code.size() == 3 && code[0] == '4');
        if (!response.contains("content")) continue;
        for (const auto& [media, c] : response["content"].items()) {
          if (c.contains("schema")) {
            Schemas(c["schema"], name + " " + code + " " + media, schemas);
          } else if (media.find("json") != std::string::npos) {
            p.push_back(name + " " + code + " " + media + ": no schema");
          }
        }
      }
      if (!four) p.push_back(name + ": no 4xx response");
      if (op.contains("requestBody")) {
        for (const auto& [media, c] : op["requestBody"]["content"].items()) {
          if (c.contains("schema")) Schemas(c["schema"], name + " request " + media, schemas);
        }
      }
    }
  }
  const json components =
      doc.value("components", json::object()).value("schemas", json::object());
  for (const auto& [name, s] : components.items()) {
    Schemas(s, "#/components/schemas/" + name, schemas);
  }
  for (const auto& [at, s] : schemas) {
    const json& schema = *s;
    const bool object = schema.contains("type") &&
                        (schema["type"] == "object" ||
                         (schema["type"].is_array() &&
                          std::find(schema["type"].begin(), schema["type"].end(), "object") !=
                              schema["type"].end()));
    if (!object) continue;
    if (!schema.contains("additionalProperties")) {
      p.push_back(at + ": an object schema that is not closed (" + schema.dump().substr(0, 100) +
                  ")");
      continue;
    }
    const json& extra = schema["additionalProperties"];
    if (extra.is_boolean() && extra.get<bool>()) {
      p.push_back(at + ": additionalProperties true");
    } else if (extra.is_boolean() && !schema.contains("properties")) {
      p.push_back(at + ": a closed object with no properties");
    } else if (extra.is_object() && !schema.contains("description")) {
      p.push_back(at + ": a map schema without a description");
    }
  }
  return p;
}

}  // namespace proprio::testing
