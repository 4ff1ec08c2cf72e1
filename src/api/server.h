// api/server.h: the network side of proprio serve — HTTP/1.1 (optionally
// over TLS) on Boost.Beast/Asio, handing each request to an Api.
//
// Threads: one io_context per core, each run by one thread; a connection stays
// on the io_context that accepted it. Handlers never run on these threads (the
// Api runs them on its workers), so a slow database call cannot stall I/O.
//
// Limits: a connection waiting for a request is closed after idle_timeout; a
// request's header must arrive within header_timeout of its first byte and
// its body within body_timeout (so a slow client cannot hold a connection);
// bodies over body_limit are answered 413 without being read; connections
// beyond max_connections, or max_connections_per_address from one peer, are
// answered 503 and closed.
//
// Shutdown() (or SIGTERM/SIGINT with handle_signals): stop accepting, close
// idle connections, let requests in progress finish and be answered (with
// Connection: close), then Run() returns. Nothing acknowledged is lost: the
// Api answers a write only after it is durable.
//
//   Server server(api, options);
//   RETURN_IF_ERROR(server.Start());
//   server.Run();   // until Shutdown()
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace proprio::api {

class Api;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 * 1024;
  int io_threads = 0;  // 0: one per core
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds drain_timeout{30'000};
  // Connections open at once, in all and from one peer address; past either
  // cap a new plain-HTTP connection is answered 503 too-many-connections and
  // closed (a TLS one is closed), so slow or idle clients cannot take every
  // descriptor.
  int max_connections = 10'000;
  int max_connections_per_address = 512;
  std::string tls_cert_file;  // PEM; TLS when both are set
  std::string tls_key_file;
  bool handle_signals = false;  // SIGTERM and SIGINT start a graceful shutdown
};

class Server {
 public:
  Server(Api& api, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. InvalidArgument for a bad address, Unavailable when the
  // port is taken, InvalidArgument for unreadable TLS files.
  Status Start();
  // REQUIRES: Start() succeeded. The port bound (useful with port 0).
  uint16_t port() const;
  bool tls() const;
  // Serves until a shutdown completes. REQUIRES: Start() succeeded.
  void Run();
  // Starts a graceful shutdown; safe from any thread, idempotent.
  void Shutdown();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace proprio::api
