// api/problem.h: the one place where a Status becomes an HTTP status, and
// errors become RFC 9457 problem documents (application/problem+json):
//
//   {"type": "https://proprio.dev/problems/invalid-argument",
//    "title": "Invalid argument", "status": 400,
//    "detail": "telephone_numbers[0]: ...", "field": "telephone_numbers[0]",
//    "instance": "urn:proprio:request:4f1c..."}
//
// `type` URIs are stable: clients may switch on them. `field` is present when
// the error is about one input field. Internal errors never carry their
// message to the client (it goes to the log with the request id).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "core/status.h"

namespace proprio::api {

inline constexpr char kProblemTypeBase[] = "https://proprio.dev/problems/";

// The HTTP status for a Status code.
int HttpStatusFor(const Status& s);

// The problem document for `s` (REQUIRES: !s.ok()).
Response ProblemResponse(const Status& s, const std::string& request_id);

// A problem the HTTP layer raises itself (413, 405, 415, 422 ...). `slug` is
// the last part of the type URI.
Response Problem(int status, std::string_view slug, std::string_view title,
                 const std::string& detail, const std::string& request_id,
                 const std::string& field = {});

// Every problem type the service can answer with: slug, title, status. For
// the OpenAPI document.
struct ProblemType {
  const char* slug;
  const char* title;
  int status;
};
const std::vector<ProblemType>& ProblemTypes();

}  // namespace proprio::api
