#include "live_server.h"

#include <stdlib.h>

#include <filesystem>
#include <mutex>

#include "services/staff_auth.h"

namespace proprio::testing {

namespace {
services::Actor Now() { return {"test", Instant::Now()}; }
}  // namespace

api::ApiOptions LiveServer::DefaultApiOptions() {
  api::ApiOptions ao;
  ao.auth.cost = {1, 64, 1};
  ao.workers = 4;
  ao.log_requests = true;  // into memory (Start), for the planted-value scan
  return ao;
}


std::optional<std::string> LiveServer::SkipReason(Backend backend) {
  return backend == Backend::kPostgres ? PgTestDb::SkipReason() : std::nullopt;
}

Status LiveServer::Start(Backend backend, api::ApiOptions options) {
  char tmpl[] = "/tmp/proprio-live-XXXXXX";
  const char* made = mkdtemp(tmpl);
  if (made == nullptr) return Status::Internal("mkdtemp failed");
  dir_ = made;
  store::StoreOptions so = store::StoreOptions::Sqlite(dir_ + "/p.db");
  if (backend == Backend::kPostgres) {
    RETURN_IF_ERROR(pg_.Create());
    pg_created_ = true;
    so = store::StoreOptions::Postgres(pg_.url());
  }
  ASSIGN_OR_RETURN(store_, store::Store::Open(so));
  if (!options.log) {
    log_ = std::make_shared<std::string>();
    log_mu_ = std::make_shared<std::mutex>();
    options.log = [log = log_, mu = log_mu_](const std::string& line) {
      std::lock_guard<std::mutex> lock(*mu);
      *log += line;
      *log += '\n';
    };
  }
  api_ = std::make_unique<api::Api>(*store_, std::move(options));
  api::ServerOptions sv;
  sv.listen = "127.0.0.1:0";
  sv.io_threads = 1;
  server_ = std::make_unique<api::Server>(*api_, sv);
  RETURN_IF_ERROR(server_->Start());
  thread_ = std::thread([this] { server_->Run(); });
  return Status::Ok();
}

void LiveServer::ScanTraces() {
  if (!server_) return;
  std::string log;
  if (log_) {
    std::lock_guard<std::mutex> lock(*log_mu_);
    log = *log_;
  }
  ScanServerTraces(port(), log, dir_, "p.db");
}

void LiveServer::Stop() {
  client_.reset();
  ScanTraces();
  if (server_) {
    server_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }
  server_.reset();
  api_.reset();
  store_.reset();  // before the database is dropped
  if (pg_created_) {
    pg_.Drop();
    pg_created_ = false;
  }
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_);
    dir_.clear();
  }
}

LiveServer::~LiveServer() { Stop(); }

HttpClient& LiveServer::client() {
  if (!client_) client_ = std::make_unique<HttpClient>(port());
  return *client_;
}

CarrierId LiveServer::AddCarrier(const std::string& filer_id_499,
                                 const std::function<void(Carrier&)>& adjust) {
  Carrier c;
  c.legal_name = "Carrier " + filer_id_499;
  c.filer_id_499 = filer_id_499;
  c.time_zone = "America/New_York";
  c.officers = {{"Dana Whitfield", "Chief Financial Officer", true}};
  if (adjust) adjust(c);
  Result<Carrier> added = services::AddCarrier(*store_, c, Now());
  EXPECT_TRUE(added.ok()) << added.status().ToString();
  return added.ok() ? added->id : CarrierId();
}

std::string LiveServer::AddStaff(CarrierId carrier, const std::string& name,
                                 std::vector<Role> roles) {
  Staff s;
  s.carrier = carrier;
  s.name = name;
  s.roles = std::move(roles);
  Result<Staff> added = services::AddStaff(*store_, s, Now());
  EXPECT_TRUE(added.ok()) << added.status().ToString();
  if (!added.ok()) return {};
  auto token = services::IssueApiToken(*store_, added->id, "t", Now());
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? token->token : std::string();
}

}  // namespace proprio::testing
