// proprio serve: the HTTP API (api/) on the chosen store, until SIGTERM/SIGINT.
#include <cstdio>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "cli/common.h"
#include "services/notifications.h"

namespace proprio::cli {

namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert;
  std::string tls_key;
  size_t body_limit = 1 << 20;
  int io_threads = 0;
  int workers = 0;
  double idle_timeout = 60;
  double header_timeout = 10;
  double body_timeout = 30;
  double drain_timeout = 30;
  double session_hours = 8;
  int access_log_delay_us = 0;
  api::SignInLimits sign_in;
  bool quiet = false;
  std::string breach_2024;
  std::string sim_compliance;
};

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

void RegisterServe(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = AddCommand(app, "serve",
                             "Serve the HTTP API (/v1, /healthz, /readyz, /metrics) until "
                             "SIGTERM or SIGINT, which drain requests in progress");
  cmd->add_option("--listen", args->listen, "host:port to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", args->tls_cert, "PEM certificate chain: serve HTTPS");
  cmd->add_option("--tls-key", args->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--body-limit", args->body_limit, "largest request body, bytes")
      ->capture_default_str();
  cmd->add_option("--io-threads", args->io_threads, "network threads (default: one per core)");
  cmd->add_option("--workers", args->workers,
                  "threads running handlers and database calls (default: 4 per core, >= 8)");
  cmd->add_option("--idle-timeout", args->idle_timeout,
                  "seconds a keep-alive connection may wait for its next request")
      ->capture_default_str();
  cmd->add_option("--header-timeout", args->header_timeout,
                  "seconds a request header may take from its first byte")
      ->capture_default_str();
  cmd->add_option("--body-timeout", args->body_timeout, "seconds a request body may take")
      ->capture_default_str();
  cmd->add_option("--drain-timeout", args->drain_timeout,
                  "seconds shutdown waits for requests in progress")
      ->capture_default_str();
  cmd->add_option("--session-hours", args->session_hours, "lifetime of a session token, hours")
      ->capture_default_str();
  cmd->add_option("--access-log-delay-us", args->access_log_delay_us,
                  "longest wait for other CPNI reads to share a ledger commit, microseconds")
      ->capture_default_str();
  cmd->add_option("--sign-in-threads", args->sign_in.hash_threads,
                  "threads checking staff passwords (0: half the cores, at least 1)")
      ->capture_default_str();
  cmd->add_option("--sign-in-queue", args->sign_in.max_queued,
                  "sign-ins that may wait for a password check; past it 503 with Retry-After")
      ->capture_default_str();
  cmd->add_option("--sign-in-failures-per-address", args->sign_in.failures_per_address,
                  "failed sign-ins per client address (IPv6: per /64) per minute before 429 "
                  "(0: no limit; behind a proxy every client has the proxy's address)")
      ->capture_default_str();
  cmd->add_option("--sign-in-failures-per-login", args->sign_in.failures_per_login,
                  "failed sign-ins per login per minute before 429 (0: no limit)")
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "no log line per request (server events only)");
  cmd->add_option("--breach-2024-effective", args->breach_2024,
                  "the date the FCC announced for the fcc-2024 64.2011 breach rules "
                  "(YYYY-MM-DD), for every carrier's decisions and new breach cases; not given: "
                  "the 2007 breach rules stay in force");
  cmd->add_option("--sim-change-compliance", args->sim_compliance,
                  "compliance date of the SIM change and port-out protections, 47 CFR 64.2010(h) "
                  "and 52.37 (FCC 23-95), as announced after PRA approval (YYYY-MM-DD); "
                  "default: not yet in force");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      api::ApiOptions options;
      options.workers = args->workers;
      options.log_requests = !args->quiet;
      options.sign_in = args->sign_in;
      options.auth.session_ttl_us = static_cast<int64_t>(args->session_hours * 3600.0 * 1e6);
      options.access_log.max_delay = std::chrono::microseconds(args->access_log_delay_us);
      auto webhook_key = services::LoadWebhookKey();
      if (!webhook_key.ok()) return Fail(ctx, webhook_key.status());
      options.webhook_key = std::move(*webhook_key);
      if (!args->breach_2024.empty()) {
        auto date = CivilDate::Parse(args->breach_2024);
        if (!date.ok()) {
          return Fail(ctx, Status::InvalidArgument("--breach-2024-effective: " +
                                                       date.status().message() + " (YYYY-MM-DD)",
                                                   "breach_2024_effective"));
        }
        options.rules.breach_2024_effective = *date;
        Status valid = rules::ValidateRuleConfig(options.rules);
        if (!valid.ok()) return Fail(ctx, valid);
      }
      if (!args->sim_compliance.empty()) {
        auto date = CivilDate::Parse(args->sim_compliance);
        if (!date.ok()) {
          return Fail(ctx, Status::InvalidArgument("--sim-change-compliance: " +
                                                       date.status().message() + " (YYYY-MM-DD)",
                                                   "sim_change_compliance"));
        }
        options.rules.sim_change_compliance = *date;
        Status valid = rules::ValidateRuleConfig(options.rules);
        if (!valid.ok()) return Fail(ctx, valid);
      }
      int workers = options.workers > 0
                        ? options.workers
                        : std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency()));
      store::StoreOptions store_options;
      store_options.sqlite_path = ctx.global.db;
      store_options.postgres_url = ctx.global.postgres;
      // Workers and the network threads (inline routes) each may hold a reader.
      const int io_threads = args->io_threads > 0
                                 ? args->io_threads
                                 : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
      store_options.max_readers = workers + io_threads;
      auto store = store::Store::Open(store_options);
      if (!store.ok()) return Fail(ctx, store.status());
      api::ServerOptions server_options;
      server_options.listen = args->listen;
      server_options.tls_cert_file = args->tls_cert;
      server_options.tls_key_file = args->tls_key;
      server_options.body_limit = args->body_limit;
      server_options.io_threads = args->io_threads;
      server_options.idle_timeout = Millis(args->idle_timeout);
      server_options.header_timeout = Millis(args->header_timeout);
      server_options.body_timeout = Millis(args->body_timeout);
      server_options.drain_timeout = Millis(args->drain_timeout);
      server_options.handle_signals = true;
      api::Api api(**store, options);
      api::Server server(api, server_options);
      Status st = server.Start();
      if (!st.ok()) return Fail(ctx, st);
      const std::string url = std::string(server.tls() ? "https" : "http") + "://" +
                              args->listen.substr(0, args->listen.rfind(':')) + ":" +
                              std::to_string(server.port());
      std::cout << "proprio serve: listening on " << url << " ("
                << (*store)->backend_name() << "); 64.2011 breach rules: "
                << (options.rules.breach_2024_effective
                        ? "fcc-2024 from " + options.rules.breach_2024_effective->ToString()
                        : std::string("fcc-2007 (no --breach-2024-effective)"))
                << "; webhook notices "
                << (options.webhook_key.empty() ? "unsigned (no PROPRIO_WEBHOOK_KEY_FILE)"
                                                : "signed")
                << std::endl;
      api::LogLine line;
      line.msg = "listening";
      line.detail = url;
      api.logger().Write(line);
      server.Run();
      std::cout << "proprio serve: stopped" << std::endl;
      return 0;
    };
  });
}

}  // namespace proprio::cli
