// api/browser_session.h: sessions of the web console (issue 13). A browser
// signs in with {"cookie": true}: the session token goes into an HttpOnly,
// SameSite=Strict cookie (Secure under TLS) that script cannot read, and the
// answer carries a CSRF token instead of the session token. Every
// state-changing request (not GET or HEAD) authenticated by the cookie must
// carry that CSRF token in X-CSRF-Token, or it is refused with 403. A request
// with an Authorization header is authenticated by it alone: bearer clients
// are unaffected and never need the CSRF token.
//
// The CSRF token is derived from the session token (SHA-256 of a fixed
// prefix and the token, hex): a page of another origin can neither read the
// cookie nor compute the token, and the server keeps no extra state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace proprio::api {

inline constexpr std::string_view kSessionCookieName = "proprio_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);
// The CSRF token of a session token.
std::string CsrfTokenFor(std::string_view session_token);
// True when `given` is the CSRF token of `session_token` (constant time).
bool CsrfTokenMatches(std::string_view session_token, std::string_view given);
// Set-Cookie values: the session for `max_age_s` seconds, and its removal.
std::string SessionCookie(std::string_view token, int64_t max_age_s, bool secure);
std::string ClearedSessionCookie(bool secure);
// GET, HEAD and OPTIONS change nothing (RFC 9110 9.2.1): no CSRF token needed.
inline bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace proprio::api
