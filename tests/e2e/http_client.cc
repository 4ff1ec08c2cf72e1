#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

namespace proprio::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  uint16_t port;
  bool tls;
  net::io_context ioc;
  net::ssl::context ssl{net::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool Connected() const { return tls ? secure.has_value() : plain.has_value(); }
  beast::error_code Connect() {
    beast::error_code ec;
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
    tcp::socket socket(ioc);
    socket.connect(ep, ec);
    if (ec) return ec;
    timeval tv{10, 0};  // no test waits forever on a silent server
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    buffer.clear();
    if (tls) {
      ssl.set_verify_mode(net::ssl::verify_none);
      secure.emplace(beast::tcp_stream(std::move(socket)), ssl);
      secure->handshake(net::ssl::stream_base::client, ec);
      if (ec) secure.reset();
    } else {
      plain.emplace(std::move(socket));
    }
    return ec;
  }
  void Reset() {
    plain.reset();
    secure.reset();
  }
  template <class F>
  auto With(F&& f) {
    return tls ? f(*secure) : f(*plain);
  }
};

namespace {
std::mutex g_observers_mu;
std::vector<ExchangeObserver> g_observers;

void Notify(const Exchange& exchange) {
  std::vector<ExchangeObserver> observers;
  {
    std::lock_guard<std::mutex> lock(g_observers_mu);
    observers = g_observers;
  }
  for (ExchangeObserver observer : observers) observer(exchange);
}
}  // namespace

void AddExchangeObserver(ExchangeObserver observer) {
  std::lock_guard<std::mutex> lock(g_observers_mu);
  g_observers.push_back(observer);
}

void RemoveExchangeObserver(ExchangeObserver observer) {
  std::lock_guard<std::mutex> lock(g_observers_mu);
  std::erase(g_observers, observer);
}

HttpClient::HttpClient(uint16_t port, bool tls) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->tls = tls;
}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const std::string& method, const std::string& target,
                              const std::string& body, const Headers& headers,
                              const std::string& content_type) {
  HttpResponse out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->Connected()) {
      if (auto ec = impl_->Connect()) {
        out.error = ec.message();
        return out;
      }
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    beast::error_code ec;
    impl_->With([&](auto& stream) { return http::write(stream, req, ec); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(method == "HEAD");  // a HEAD answer's Content-Length announces no body
    if (!ec) impl_->With([&](auto& stream) { return http::read(stream, impl_->buffer, parser, ec); });
    if (ec) {
      impl_->Reset();
      out.error = ec.message();
      // A keep-alive connection the server closed meanwhile: retry once.
      // (Under TLS a peer that closes without close_notify is stream_truncated.)
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                           ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated)) {
        continue;
      }
      return out;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = res.body();
    out.error.clear();
    if (!res.keep_alive()) impl_->Reset();
    Notify({impl_->port, impl_->tls, method, target, headers, body, out});
    return out;
  }
  return out;
}

HttpResponse HttpClient::Get(const std::string& target, const std::string& token) {
  Headers h;
  if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
  return Send("GET", target, "", h);
}

HttpResponse HttpClient::PostJson(const std::string& target, const nlohmann::json& body,
                                  const std::string& token, const Headers& extra) {
  Headers h = extra;
  if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
  return Send("POST", target, body.dump(), h);
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  if (fd_ < 0) return false;
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

void RawConnection::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

std::string RawConnection::ReadUntilClosed(int timeout_ms, bool* closed) {
  std::string out;
  *closed = false;
  if (fd_ < 0) {
    *closed = true;
    return out;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return out;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return out;
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      *closed = true;
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace proprio::testing
