// tests/e2e/openapi_check.h: a test-only check of HTTP answers against the
// served OpenAPI document (issue 18: "a test validates every response of the
// end-to-end suite against the document with closed schemas"). It knows the
// subset of JSON Schema the document uses: $ref, type (a name or a list),
// properties, required, additionalProperties (false or a schema), items,
// enum, const, oneOf/anyOf/allOf, minimum, minLength, and the formats date
// and date-time. An object schema that lists properties but does not say
// additionalProperties is read as closed, so an unlisted field is an error.
// Debian packages no JSON Schema validator for C++ (only Python's
// python3-jsonschema), so the suite carries this one rather than download.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace proprio::testing {

// The errors of `value` against `schema` (refs resolve in `doc`); each names
// the JSON pointer of the offending value. Empty: valid.
std::vector<std::string> ValidateSchema(const nlohmann::json& doc, const nlohmann::json& schema,
                                        const nlohmann::json& value);

// The operation object of `method` on `target` (its query is ignored; `{x}`
// in the document's paths matches one segment), and the path template in
// `pattern`; null when the document has no such operation.
const nlohmann::json* FindOperation(const nlohmann::json& doc, const std::string& method,
                                    const std::string& target, std::string* pattern = nullptr);

// The errors of one answer against the document: the status must be listed
// (or `default`), the Content-Type one the response declares, and a JSON body
// valid against its schema.
std::vector<std::string> CheckResponse(const nlohmann::json& doc, const std::string& method,
                                       const std::string& target, int status,
                                       const std::string& content_type, const std::string& body);

// The document-level rules (issue 18): servers, info.license, info.contact,
// declared tags used by every operation, a description on every operation, a
// 4xx on every operation, no bare {"type":"object"} and every object schema
// closed (additionalProperties false, or a described map schema).
std::vector<std::string> DocumentProblems(const nlohmann::json& doc);

}  // namespace proprio::testing
