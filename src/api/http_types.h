// api/http_types.h: the request and response as handlers see them — plain
// structs, no Beast types, so that routing, auth and handlers can be read (and
// tested) without the network layer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proprio::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, no query
  std::multimap<std::string, std::string> query;  // decoded
  std::string content_type;
  std::string authorization;
  std::string idempotency_key;
  std::string if_match;
  std::string if_none_match;
  std::string cookie;      // the Cookie header (the console's session, api/browser_session.h)
  std::string csrf_token;  // X-CSRF-Token
  bool tls = false;        // arrived over TLS (the session cookie is then Secure)
  std::string body;
  std::string request_id;  // assigned by the server
  std::string remote;      // peer address, for logs
  // Filled by the router: {name} segments of the route's pattern.
  std::map<std::string, std::string> params;

  // The single value of query parameter `name`, or empty.
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // close the connection after sending
  // The answer to a HEAD: the server sends the status and headers, with the
  // Content-Length of `body`, and not the body.
  bool head = false;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// If-None-Match (RFC 9110 13.1.2): true when the header's list holds "*" or
// an entity tag that matches `etag` by the weak comparison (W/ ignored on
// both sides). An empty or malformed header matches nothing.
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

// The Link header of a page's next page (RFC 8288, relation "next"): the
// request `target` (path and query, as sent) with its `cursor` parameters
// replaced by `cursor` (percent-encoded), e.g.
//   </v1/carriers/1/customers?limit=2&cursor=17>; rel="next"
std::string NextLinkHeader(std::string_view target, std::string_view cursor);

// Splits "a=1&b=x%20y" into decoded pairs; false on a malformed escape.
bool ParseQuery(std::string_view text, std::multimap<std::string, std::string>* out);
// Decodes %XX escapes (and '+' as space when `plus_is_space`); false on a bad one.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space);

}  // namespace proprio::api
