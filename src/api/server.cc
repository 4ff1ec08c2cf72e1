// The Beast/Asio network layer. Only this file (and the test client) sees
// Beast; everything above works on api::Request and api::Response.
#include "api/server.h"


#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/api.h"
#include "api/problem.h"
#include "services/secure_random.h"

namespace proprio::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the session, on its own thread, to close when idle and not to keep
  // its connection alive after the answer in progress.
  virtual void PostDrain() = 0;
};

}  // namespace

class Server::Impl {
 public:
  Impl(Api& api, ServerOptions options) : api_(api), options_(std::move(options)) {
    uint32_t r = 0;
    if (!services::RandBytes(reinterpret_cast<uint8_t*>(&r), sizeof r).ok()) {
      r = static_cast<uint32_t>(::time(nullptr));  // request ids only need to differ per process
    }
    id_prefix_ = r;
  }

  Status Start();
  void Run();
  void Shutdown();

  void Register(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_[s.get()] = s;
  }
  void Unregister(SessionBase* s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(s);
  }
  size_t sessions() {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    return sessions_.size();
  }
  // Takes a connection from `address` into the caps (ServerOptions
  // max_connections, max_connections_per_address); false when either is full.
  bool Admit(const std::string& address) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    int& mine = per_address_[address];
    if (admitted_ >= options_.max_connections || mine >= options_.max_connections_per_address) {
      if (mine == 0) per_address_.erase(address);
      return false;
    }
    ++mine;
    ++admitted_;
    return true;
  }
  void Release(const std::string& address) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
    --admitted_;
  }
  bool tls() const { return ssl_ != nullptr; }
  bool draining() const { return draining_.load(); }
  std::string NextRequestId() {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08x%08llx", id_prefix_,
                  static_cast<unsigned long long>(++requests_));
    return buf;
  }
  // Answers the network layer's own errors (400, 408, 413, 431) in metrics and logs.
  void Observe(int status, const std::string& request_id, const std::string& slug) {
    api_.metrics().ObserveRequest("http", status, 0);
    LogLine line;
    line.level = "info";
    line.msg = "request refused by the HTTP layer";
    line.request_id = request_id;
    line.status = status;
    line.problem = slug;
    api_.logger().Write(line);
  }

  Api& api_;
  const ServerOptions options_;
  uint16_t port_ = 0;

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void PollDrain(std::chrono::steady_clock::time_point deadline);
  void StopAll();

  std::mutex sessions_mu_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
  std::unordered_map<std::string, int> per_address_;  // admitted connections by peer
  int admitted_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<bool> shutdown_started_{false};
  uint32_t id_prefix_ = 0;
  std::atomic<uint64_t> requests_{0};
  size_t next_ioc_ = 0;
  // Declared last: destroyed first, while the registry above still exists.
  std::vector<std::unique_ptr<net::io_context>> iocs_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::unique_ptr<net::ssl::context> ssl_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<net::signal_set> signals_;
  std::unique_ptr<net::steady_timer> drain_timer_;
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Stream&& stream)
      : server_(server), stream_(std::move(stream)), timer_(stream_.get_executor()) {}
  ~Session() override {
    if (admitted_) server_.Release(remote_);
    server_.Unregister(this);
  }

  void Start() {
    server_.Register(this->shared_from_this());
    // Once per connection, not once per request (a system call each time).
    beast::error_code peer_error;
    const auto remote = Lowest().socket().remote_endpoint(peer_error);
    if (!peer_error) remote_ = remote.address().to_string();
    admitted_ = server_.Admit(remote_);
    if (!admitted_) {
      // Over a cap: a plain connection gets a 503 it can read; a TLS one,
      // which has not shaken hands, is closed.
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        Refuse(503, "too-many-connections", "Too many connections",
               "this server or this client address has as many connections open as it allows; "
               "retry on an open connection or later");
      } else {
        Close();
      }
      return;
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      WaitForRequest();
    } else {
      state_ = State::kIdle;
      Lowest().expires_after(server_.options_.header_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->WaitForRequest();
                              });
    }
  }

  void PostDrain() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->draining_ = true;
      if (self->state_ == State::kIdle) self->Lowest().cancel();
    });
  }

 private:
  enum class State { kIdle, kReading, kBusy, kClosed };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void WaitForRequest() {
    state_ = State::kIdle;
    if (draining_ || server_.draining()) return Close();
    if (buffer_.size() > 0) return ReadHeader();
    // The idle timeout runs until the first byte of the next request.
    Lowest().expires_after(server_.options_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options_.header_limit));
    parser_->body_limit(server_.options_.body_limit);
    // The whole header must arrive within header_timeout of its first byte.
    Arm(server_.options_.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    Disarm();
    if (timed_out_) {
      return Refuse(408, "request-timeout", "Request timeout",
                    "the request header did not arrive in time");
    }
    if (ec == http::error::body_limit) {
      return Refuse(413, "payload-too-large", "Payload too large",
                    "the body exceeds the limit of " +
                        std::to_string(server_.options_.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return Refuse(431, "header-fields-too-large", "Request header fields too large",
                    "the request header exceeds " +
                        std::to_string(server_.options_.header_limit) + " bytes");
    }
    if (ec == beast::error::timeout) {
      return Refuse(408, "request-timeout", "Request timeout",
                    "the request header did not arrive in time");
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) {
      return Refuse(400, "bad-request", "Bad request", "malformed HTTP request: " + ec.message());
    }
    const auto length = parser_->content_length();
    if (length && *length > server_.options_.body_limit) {
      return Refuse(413, "payload-too-large", "Payload too large",
                    "the body exceeds the limit of " +
                        std::to_string(server_.options_.body_limit) + " bytes");
    }
    if (parser_->is_done()) return Dispatch();
    const auto& msg = parser_->get();
    if (beast::iequals(msg[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      Lowest().expires_after(server_.options_.write_timeout);
      http::async_write(stream_, *cont,
                        [self = this->shared_from_this(), cont](beast::error_code wec, size_t) {
                          if (wec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Arm(server_.options_.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnBody(ec);
                     });
  }

  void OnBody(beast::error_code ec) {
    Disarm();
    if (timed_out_) {
      return Refuse(408, "request-timeout", "Request timeout", "the body did not arrive in time");
    }
    if (ec == http::error::body_limit) {
      return Refuse(413, "payload-too-large", "Payload too large",
                    "the body exceeds the limit of " +
                        std::to_string(server_.options_.body_limit) + " bytes");
    }
    if (ec == beast::error::timeout) {
      return Refuse(408, "request-timeout", "Request timeout", "the body did not arrive in time");
    }
    if (ec == http::error::partial_message) {
      return Refuse(400, "bad-request", "Bad request",
                    "the body is shorter than its Content-Length: the request was truncated");
    }
    if (ec == net::error::operation_aborted || ec == net::error::connection_reset) return Close();
    if (ec) return Refuse(400, "bad-request", "Bad request", "malformed body: " + ec.message());
    Dispatch();
  }

  void Dispatch() {
    state_ = State::kBusy;
    Lowest().expires_never();
    auto& msg = parser_->get();
    Request req;
    req.request_id = server_.NextRequestId();
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    keep_alive_ = msg.keep_alive();
    const size_t q = req.target.find('?');
    const std::string_view raw_path = std::string_view(req.target).substr(0, q);
    if (raw_path.empty() || raw_path.front() != '/' ||
        !PercentDecode(raw_path, &req.path, false) ||
        (q != std::string::npos &&
         !ParseQuery(std::string_view(req.target).substr(q + 1), &req.query))) {
      return Refuse(400, "bad-request", "Bad request", "malformed request target", req.request_id);
    }
    req.content_type = std::string(msg[http::field::content_type]);
    req.authorization = std::string(msg[http::field::authorization]);
    req.idempotency_key = std::string(msg["Idempotency-Key"]);
    req.if_match = std::string(msg[http::field::if_match]);
    req.if_none_match = std::string(msg[http::field::if_none_match]);
    req.cookie = std::string(msg[http::field::cookie]);
    req.csrf_token = std::string(msg["X-CSRF-Token"]);
    req.tls = server_.tls();
    req.body = std::move(msg.body());
    parser_.reset();
    req.remote = remote_;
    server_.api_.Handle(std::move(req), [self = this->shared_from_this()](Response r) {
      auto exec = self->stream_.get_executor();
      net::post(exec, [self = std::move(self), r = std::move(r)]() mutable {
        self->Write(std::move(r), false);
      });
    });
  }

  // Answers a request the HTTP layer refuses by itself, then closes.
  void Refuse(int status, std::string_view slug, std::string_view title, const std::string& detail,
              std::string request_id = {}) {
    if (request_id.empty()) request_id = server_.NextRequestId();
    server_.Observe(status, request_id, std::string(slug));
    Response r = Problem(status, slug, title, detail, request_id);
    r.Header("X-Request-Id", request_id);
    keep_alive_ = false;
    parser_.reset();
    Write(std::move(r), true);
  }

  void Write(Response r, bool refused) {
    if (state_ == State::kClosed) return;
    state_ = State::kBusy;
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "proprio");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->set(name, value);
    // On every answer (issue 15): no content-type sniffing; nothing stored by
    // a browser or proxy unless the handler chose a Cache-Control (answers
    // carry CPNI and personal data); HSTS when served over TLS.
    res->set("X-Content-Type-Options", "nosniff");
    if (res->find(http::field::cache_control) == res->end()) {
      res->set(http::field::cache_control, "no-store");
    }
    if (server_.tls()) res->set(http::field::strict_transport_security, "max-age=31536000");
    res->body() = std::move(r.body);
    const bool keep = keep_alive_ && !r.close && !refused && !draining_ && !server_.draining();
    res->keep_alive(keep);
    res->prepare_payload();
    if (r.head) res->body().clear();  // HEAD: the GET's Content-Length, no body
    Lowest().expires_after(server_.options_.write_timeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res, keep, refused](beast::error_code ec,
                                                                            size_t) {
                        if (ec) return self->Close();
                        if (!keep) return refused ? self->Linger() : self->Close();
                        self->WaitForRequest();
                      });
  }

  // After refusing a request whose body may still be arriving: stop sending,
  // read and drop what comes for a moment, then close — closing with unread
  // data would reset the connection and could destroy the answer in flight.
  void Linger() {
    state_ = State::kIdle;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    Lowest().expires_after(std::chrono::seconds(2));
    scratch_.resize(64 * 1024);
    Lowest().async_read_some(net::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code rec, size_t) {
                               if (rec) return self->Close();
                               self->Linger2();
                             });
  }
  void Linger2() {
    Lowest().async_read_some(net::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code rec, size_t) {
                               if (rec) return self->Close();
                               self->Linger2();
                             });
  }

  // Header and body deadlines cancel the read but keep the socket open, so
  // that the client can still be told 408 (tcp_stream's own expiry closes it).
  void Arm(std::chrono::milliseconds after) {
    timed_out_ = false;
    Lowest().expires_never();
    timer_.expires_after(after);
    timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->timed_out_ = true;
      beast::error_code cancel_ec;
      self->Lowest().socket().cancel(cancel_ec);
    });
  }
  void Disarm() { timer_.cancel(); }

  void Close() {
    if (state_ == State::kClosed) return;
    timer_.cancel();
    state_ = State::kClosed;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  Server::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  State state_ = State::kIdle;
  bool keep_alive_ = true;
  std::string remote_;  // the peer's address, for the request log and the caps
  bool admitted_ = false;  // counted in the server's connection caps
  bool draining_ = false;
  std::vector<char> scratch_;
  net::steady_timer timer_;
  bool timed_out_ = false;
};

}  // namespace

Status Server::Impl::Start() {
  const size_t colon = options_.listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen must be host:port, e.g. 127.0.0.1:8080", "listen");
  }
  std::string host = options_.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = options_.listen.substr(colon + 1);
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port > 65535) {
    return Status::InvalidArgument("--listen has a bad port '" + port_text + "'", "listen");
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) return Status::InvalidArgument("--listen has a bad address '" + host + "'", "listen");

  int threads = options_.io_threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    iocs_.push_back(std::make_unique<net::io_context>(1));
    guards_.push_back(net::make_work_guard(*iocs_.back()));
  }
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return Status::InvalidArgument("TLS needs both --tls-cert and --tls-key", "tls-cert");
    }
    ssl_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    ssl_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                      net::ssl::context::no_tlsv1_1);
    // TLS 1.2 with forward-secret AEAD suites only (TLS 1.3's are all so).
    if (SSL_CTX_set_cipher_list(ssl_->native_handle(),
                                "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL") != 1) {
      return Status::Internal("OpenSSL refused the TLS 1.2 cipher list");
    }
    ssl_->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec) {
      return Status::InvalidArgument("cannot read the TLS certificate " + options_.tls_cert_file +
                                         ": " + ec.message(),
                                     "tls-cert");
    }
    ssl_->use_private_key_file(options_.tls_key_file, net::ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument("cannot read the TLS key " + options_.tls_key_file + ": " +
                                         ec.message(),
                                     "tls-key");
    }
  }
  acceptor_ = std::make_unique<tcp::acceptor>(*iocs_[0]);
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    // The address is taken or not ours: a precondition of serving (exit 6),
    // not an unavailable database (exit 9).
    return Status(StatusCode::kFailedPrecondition,
                  "cannot listen on " + options_.listen + ": " + ec.message(), "listen");
  }
  port_ = acceptor_->local_endpoint().port();
  if (options_.handle_signals) {
    signals_ = std::make_unique<net::signal_set>(*iocs_[0], SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code sec, int) {
      if (!sec) Shutdown();
    });
  }
  Accept();
  return Status::Ok();
}

void Server::Impl::Accept() {
  auto& ioc = *iocs_[next_ioc_++ % iocs_.size()];
  acceptor_->async_accept(ioc.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || draining_ || !acceptor_->is_open()) return;
  if (ec) {
    // Out of descriptors and the like: wait a little rather than spin.
    auto timer = std::make_shared<net::steady_timer>(*iocs_[0], std::chrono::milliseconds(50));
    timer->async_wait([this, timer](beast::error_code) {
      if (!draining_) Accept();
    });
    return;
  }
  beast::error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);
  if (ssl_) {
    std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        *this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *ssl_))
        ->Start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)))
        ->Start();
  }
  Accept();
}

void Server::Impl::Run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < iocs_.size(); ++i) {
    threads.emplace_back([this, i] { iocs_[i]->run(); });
  }
  iocs_[0]->run();
  for (auto& t : threads) t.join();
  api_.Quiesce();
}

void Server::Impl::Shutdown() {
  if (shutdown_started_.exchange(true)) return;
  net::post(*iocs_[0], [this] {
    draining_ = true;
    LogLine line;
    line.msg = "shutting down: finishing requests in progress";
    api_.logger().Write(line);
    beast::error_code ec;
    acceptor_->close(ec);
    if (signals_) signals_->cancel(ec);
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& session : live) session->PostDrain();
    PollDrain(std::chrono::steady_clock::now() + options_.drain_timeout);
  });
}

void Server::Impl::PollDrain(std::chrono::steady_clock::time_point deadline) {
  if ((sessions() == 0 && api_.in_flight() == 0) || std::chrono::steady_clock::now() > deadline) {
    return StopAll();
  }
  drain_timer_ = std::make_unique<net::steady_timer>(*iocs_[0], std::chrono::milliseconds(10));
  drain_timer_->async_wait([this, deadline](beast::error_code) { PollDrain(deadline); });
}

void Server::Impl::StopAll() {
  LogLine line;
  line.msg = "stopped";
  api_.logger().Write(line);
  for (auto& g : guards_) g.reset();
  for (auto& ioc : iocs_) ioc->stop();
}

Server::Server(Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port_; }
bool Server::tls() const {
  return !impl_->options_.tls_cert_file.empty() && !impl_->options_.tls_key_file.empty();
}
void Server::Run() { impl_->Run(); }
void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace proprio::api
