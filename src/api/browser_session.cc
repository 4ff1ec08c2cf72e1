#include "api/browser_session.h"

#include <openssl/crypto.h>

#include "ledger/sha256.h"

namespace proprio::api {

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view value = part.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    pos = end + 1;
  }
  return {};
}

std::string CsrfTokenFor(std::string_view session_token) {
  std::string input = "proprio-csrf-v1:";
  input.append(session_token);
  return ledger::HashHex(ledger::Sha256Of(input));
}

bool CsrfTokenMatches(std::string_view session_token, std::string_view given) {
  const std::string want = CsrfTokenFor(session_token);
  return given.size() == want.size() &&
         CRYPTO_memcmp(want.data(), given.data(), want.size()) == 0;
}

std::string SessionCookie(std::string_view token, int64_t max_age_s, bool secure) {
  std::string c(kSessionCookieName);
  c += "=";
  c.append(token);
  c += "; Path=/; Max-Age=" + std::to_string(max_age_s < 0 ? 0 : max_age_s) +
       "; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::string ClearedSessionCookie(bool secure) { return SessionCookie("", 0, secure); }

}  // namespace proprio::api
