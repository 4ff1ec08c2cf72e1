#include "api/webhook_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

namespace proprio::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

Result<ParsedUrl> ParseHttpUrl(const std::string& url) {
  ParsedUrl p;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    p.tls = true;
    rest = url.substr(8);
  } else {
    return Status::InvalidArgument("the webhook URL must start with http:// or https://",
                                   "webhook_url");
  }
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  p.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("the webhook URL needs a host (and no user information)",
                                   "webhook_url");
  }
  if (authority.front() == '[') {  // [::1]:8080
    const size_t close = authority.find(']');
    if (close == std::string::npos) {
      return Status::InvalidArgument("bad IPv6 host in the webhook URL", "webhook_url");
    }
    p.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      p.port = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    p.host = authority.substr(0, colon);
    if (colon != std::string::npos) p.port = authority.substr(colon + 1);
  }
  if (p.port.empty()) p.port = p.tls ? "443" : "80";
  for (char c : p.port) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("bad port in the webhook URL", "webhook_url");
    }
  }
  if (p.host.empty()) return Status::InvalidArgument("the webhook URL needs a host", "webhook_url");
  return p;
}

namespace {

template <class Stream>
services::WebhookResponse Exchange(Stream& stream, net::io_context& ioc,
                                   const http::request<http::string_body>& req,
                                   std::chrono::milliseconds timeout) {
  services::WebhookResponse out;
  beast::error_code ec;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  bool done = false;
  http::async_write(stream, req, [&](beast::error_code wec, size_t) {
    if (wec) {
      ec = wec;
      done = true;
      return;
    }
    http::async_read(stream, buffer, res, [&](beast::error_code rec, size_t) {
      ec = rec;
      done = true;
    });
  });
  ioc.restart();
  ioc.run_for(timeout);
  if (!done) {
    out.error = "timed out after " + std::to_string(timeout.count()) + " ms";
    return out;
  }
  if (ec == beast::error::timeout) {
    out.error = "timed out after " + std::to_string(timeout.count()) + " ms";
    return out;
  }
  if (ec) {
    out.error = ec.message();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  return out;
}

}  // namespace

services::WebhookResponse WebhookClient::Post(const std::string& url,
                                              const std::string& idempotency_key,
                                              const std::string& body,
                                              const std::string& signature) {
  services::WebhookResponse out;
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) {
    out.error = parsed.status().message();
    return out;
  }
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(parsed->host, parsed->port, ec);
    if (ec) {
      out.error = "cannot resolve " + parsed->host + ": " + ec.message();
      return out;
    }
    http::request<http::string_body> req{http::verb::post, parsed->target, 11};
    req.set(http::field::host, parsed->host);
    req.set(http::field::user_agent, "proprio-notifications/1");
    req.set(http::field::content_type, "application/json");
    req.set("Idempotency-Key", idempotency_key);
    if (!signature.empty()) req.set("Proprio-Signature", signature);
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(false);
    const auto deadline = options_.timeout;
    if (!parsed->tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(deadline);
      bool connected = false;
      stream.async_connect(endpoints, [&](beast::error_code cec, const tcp::endpoint&) {
        ec = cec;
        connected = true;
      });
      ioc.run_for(deadline);
      if (!connected) {
        out.error = "connect timed out";
        return out;
      }
      if (ec) {
        out.error = "cannot connect: " + ec.message();
        return out;
      }
      out = Exchange(stream, ioc, req, deadline);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return out;
    }
    ssl::context ctx(ssl::context::tls_client);
    if (options_.verify_tls) {
      ctx.set_default_verify_paths();
      ctx.set_verify_mode(ssl::verify_peer);
    } else {
      ctx.set_verify_mode(ssl::verify_none);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    // SNI (OpenSSL's macro casts the old way).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
    const long sni = SSL_set_tlsext_host_name(stream.native_handle(), parsed->host.c_str());
#pragma GCC diagnostic pop
    if (!sni) {
      out.error = "cannot set SNI";
      return out;
    }
    if (options_.verify_tls) {
      stream.set_verify_callback(ssl::host_name_verification(parsed->host));
    }
    beast::get_lowest_layer(stream).expires_after(deadline);
    bool connected = false;
    beast::get_lowest_layer(stream).async_connect(
        endpoints, [&](beast::error_code cec, const tcp::endpoint&) {
          if (cec) {
            ec = cec;
            connected = true;
            return;
          }
          stream.async_handshake(ssl::stream_base::client, [&](beast::error_code hec) {
            ec = hec;
            connected = true;
          });
        });
    ioc.run_for(deadline);
    if (!connected) {
      out.error = "connect timed out";
      return out;
    }
    if (ec) {
      out.error = "cannot connect: " + ec.message();
      return out;
    }
    return Exchange(stream, ioc, req, deadline);
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = e.what();
    return out;
  }
}

}  // namespace proprio::api
