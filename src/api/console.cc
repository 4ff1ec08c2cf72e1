// The console's static files (api/console_assets.h).
#include "api/console_assets.h"

#include <string>

namespace proprio::api {

std::optional<Response> ConsoleResponse(const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  const std::string_view path =
      req.path == "/index.html" ? std::string_view("/") : std::string_view(req.path);
  if (path != "/" && !path.starts_with("/assets/")) return std::nullopt;
  for (const ConsoleAsset& a : ConsoleAssets()) {
    if (a.path != path) continue;
    Response r;
    r.content_type = std::string(a.content_type);
    r.Header("ETag", std::string(a.etag));
    r.Header("Cache-Control", a.hashed ? "public, max-age=31536000, immutable" : "no-cache");
    r.Header("Content-Security-Policy", std::string(kConsoleCsp));
    r.Header("X-Frame-Options", "DENY");
    r.Header("Referrer-Policy", "no-referrer");
    r.Header("Cross-Origin-Opener-Policy", "same-origin");
    if (IfNoneMatchMatches(req.if_none_match, a.etag)) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
    r.body = std::string(a.body);
    return r;
  }
  return std::nullopt;
}

}  // namespace proprio::api
