// api/webhook_client.h: a small HTTP/1.1 client on Boost.Beast that posts
// account-change notifications to a carrier's messaging webhook
// (services/notifications.h WebhookTransport).
//
// One request per connection (the outbox sends a handful a second at most),
// http:// and https:// (certificates verified against the system store, SNI
// set), a deadline for the whole exchange, JSON body, and the headers
// Idempotency-Key, Proprio-Signature (when signed), Content-Type and
// User-Agent. Redirects are not followed.
// Beast stays inside webhook_client.cc.
#pragma once

#include <chrono>
#include <string>

#include "core/status.h"
#include "services/notifications.h"

namespace proprio::api {

struct WebhookClientOptions {
  std::chrono::milliseconds timeout{5000};  // connect, send and receive together
  bool verify_tls = true;
};

// "http://host:port/path" -> parts; InvalidArgument on anything else.
struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" when empty
};
Result<ParsedUrl> ParseHttpUrl(const std::string& url);

class WebhookClient : public services::WebhookTransport {
 public:
  explicit WebhookClient(WebhookClientOptions options = {}) : options_(options) {}
  services::WebhookResponse Post(const std::string& url, const std::string& idempotency_key,
                                 const std::string& body, const std::string& signature) override;

 private:
  WebhookClientOptions options_;
};

}  // namespace proprio::api
