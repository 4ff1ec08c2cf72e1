// tests/e2e/http_client.h: a small HTTP/1.1 client on Boost.Beast for the
// HTTP end-to-end tests (keep-alive, optional TLS), and a raw socket for
// misbehaving clients (slow headers, truncated bodies).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace proprio::testing {

struct HttpResponse {
  int status = 0;  // 0: no answer (connection closed or error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;

  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request any HttpClient sent and the answer it received.
struct Exchange {
  uint16_t port = 0;
  bool tls = false;
  const std::string& method;
  const std::string& target;
  const Headers& request_headers;
  const std::string& request_body;
  const HttpResponse& response;
};

// Called with every exchange of every HttpClient, in the thread that made it:
// tests/e2e/openapi_conformance.cc checks each answer against the served
// OpenAPI document, tests/e2e/planted_values.cc collects the secrets sent.
using ExchangeObserver = void (*)(const Exchange& exchange);
void AddExchangeObserver(ExchangeObserver observer);
void RemoveExchangeObserver(ExchangeObserver observer);

// One keep-alive connection (reconnects when the server closed it).
class HttpClient {
 public:
  explicit HttpClient(uint16_t port, bool tls = false);
  ~HttpClient();
  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body = "", const Headers& headers = {},
                    const std::string& content_type = "application/json");
  HttpResponse Get(const std::string& target, const std::string& token = "");
  HttpResponse PostJson(const std::string& target, const nlohmann::json& body,
                        const std::string& token = "", const Headers& extra = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A plain TCP connection driven byte by byte.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  bool Send(const std::string& bytes);  // false when the peer has closed
  void ShutdownWrite();
  // Reads until the peer closes or `timeout_ms` passes; returns what came.
  std::string ReadUntilClosed(int timeout_ms, bool* closed);

 private:
  int fd_ = -1;
};

}  // namespace proprio::testing
