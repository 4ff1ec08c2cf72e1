// services/webhook_client.h: the WebhookTransport the notification outbox
// posts account-change notices with (64.2010(f)), on libcurl.
//
// One request per connection (the outbox sends a handful a second at most);
// http:// and https:// only, certificates verified against the system store
// with SNI and host-name checks (libcurl's defaults); the usual proxy
// variables (https_proxy, no_proxy) honoured as every libcurl client does; a
// deadline for the whole exchange; redirects not followed (a notice goes
// where the carrier configured it, nowhere else). Headers: Content-Type
// application/json, Idempotency-Key, Proprio-Signature when signed, and
// User-Agent. The response body is read and dropped: only the status counts.
//
// Thread-safe: every Post uses its own handle.
#pragma once

#include <chrono>
#include <string>

#include "core/status.h"
#include "services/notifications.h"

namespace proprio::services {

struct WebhookClientOptions {
  std::chrono::milliseconds timeout{5000};  // connect, send and receive together
  bool verify_tls = true;
};

// A webhook URL taken apart by libcurl's URL parser. InvalidArgument (field
// "webhook_url") unless it is http:// or https:// with a host, no user
// information and a numeric port.
struct ParsedUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // the scheme's default when the URL has none
  std::string target;  // path and query, "/" when empty
};
Result<ParsedUrl> ParseHttpUrl(const std::string& url);

class WebhookClient : public WebhookTransport {
 public:
  explicit WebhookClient(WebhookClientOptions options = {});
  WebhookResponse Post(const std::string& url, const std::string& idempotency_key,
                       const std::string& body, const std::string& signature) override;

 private:
  WebhookClientOptions options_;
};

}  // namespace proprio::services
