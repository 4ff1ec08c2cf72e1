// Sign-in for proprio serve from the command line:
//   proprio init --admin-name N [--admin-login L] --admin-password-stdin
//   proprio staff add ... --login L [--password-stdin]
//   proprio staff password --staff ID [--login L] --password-stdin
//   proprio staff grant --staff ID --carrier C
//   proprio staff token --staff ID [--label L]        (prints the token once)
//   proprio staff revoke-token --token ID
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "cli/secret_input.h"
#include "services/json_codec.h"
#include "services/staff_auth.h"

namespace proprio::cli {

namespace {

// The password on standard input (cli/secret_input.h: prompted without echo
// on a terminal, one line from a pipe).
Result<std::string> ReadPassword() { return ReadSecretLine("Password: ", "password"); }

Result<store::AccountRecord> AccountOfStaff(store::Store& store, StaffId staff) {
  std::optional<store::AccountRecord> account;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetStaff(staff).status());
    ASSIGN_OR_RETURN(account, tx.FindAccountByStaff(staff));
    return Status::Ok();
  }));
  if (!account) {
    return Status::FailedPrecondition("staff member " + staff.ToString() +
                                      " has no sign-in yet: give a login with 'proprio staff "
                                      "password' or an API token with 'proprio staff token'");
  }
  return *account;
}

template <typename T>
T OptionValue(CLI::App* cmd, const std::string& name) {
  return cmd->get_option(name)->as<T>();
}

}  // namespace

void RegisterAccess(CLI::App& app, Context& ctx) {
  // ---- init --admin-name ----
  CLI::App* init = app.get_subcommand("init");
  struct AdminArgs {
    std::string name;
    std::string login = "admin";
    bool password_stdin = false;
  };
  auto admin = std::make_shared<AdminArgs>();
  init->add_option("--admin-name", admin->name,
                   "create the first administrator (may add carriers and staff through the API)");
  init->add_option("--admin-login", admin->login, "the administrator's sign-in name")
      ->capture_default_str();
  init->add_flag("--admin-password-stdin", admin->password_stdin,
                 "read the administrator's password from standard input");
  ctx.finalize.push_back([&ctx, init, admin] {
    if (!init->parsed() || admin->name.empty() || !ctx.action) return;
    ctx.action = [&ctx, admin, inner = ctx.action] {
      const int rc = inner();
      if (rc != 0) return rc;
      if (!admin->password_stdin) {
        return Fail(ctx, Status::InvalidArgument("--admin-name needs --admin-password-stdin",
                                                 "admin-password-stdin"));
      }
      auto read = ReadPassword();
      if (!read.ok()) return Fail(ctx, read.status());
      const std::string password = *read;
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::optional<store::AccountRecord> existing;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(existing, tx.FindAccountByLogin(admin->login));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (existing) {
        if (!ctx.global.json) {
          std::cout << "administrator '" << admin->login << "' already exists (unchanged)\n";
        }
        return 0;
      }
      auto created = services::CreatePlatformAdmin(**store, admin->name, admin->login, password,
                                                   services::PasswordCost::FromEnvironment(),
                                                   ctx.actor());
      if (!created.ok()) return Fail(ctx, created.status());
      if (!ctx.global.json) {
        std::cout << "administrator '" << admin->login << "' (" << admin->name
                  << ") created: sign in with POST /v1/sessions\n";
      }
      return 0;
    };
  });

  // ---- staff add --login --password-stdin ----
  CLI::App* staff = app.get_subcommand("staff");
  CLI::App* add = staff->get_subcommand("add");
  struct LoginArgs {
    std::string login;
    bool password_stdin = false;
  };
  auto login_args = std::make_shared<LoginArgs>();
  add->add_option("--login", login_args->login, "sign-in name for proprio serve");
  add->add_flag("--password-stdin", login_args->password_stdin,
                "read the staff member's password from standard input (needs --login)");
  ctx.finalize.push_back([&ctx, add, login = login_args] {
    if (!add->parsed() || (login->login.empty() && !login->password_stdin)) return;
    // Replaces the plain 'staff add' with one that also sets the sign-in.
    ctx.action = [&ctx, add, login] {
      if (login->login.empty()) {
        return Fail(ctx, Status::InvalidArgument("--password-stdin needs --login", "login"));
      }
      Staff s;
      s.carrier = CarrierId(OptionValue<int64_t>(add, "--carrier"));
      s.name = OptionValue<std::string>(add, "--name");
      if (add->count("--email")) s.email = OptionValue<std::string>(add, "--email");
      for (const std::string& r : OptionValue<std::vector<std::string>>(add, "--role")) {
        auto role = ParseRole(r);
        if (!role.ok()) return Fail(ctx, role.status());
        s.roles.push_back(*role);
      }
      std::string password;
      if (login->password_stdin) {
        auto read = ReadPassword();
        if (!read.ok()) return Fail(ctx, read.status());
        password = *read;
      }
      if (login->password_stdin && password.size() < services::kMinPasswordBytes) {
        return Fail(ctx, Status::InvalidArgument(
                             "the password must be at least " +
                                 std::to_string(services::kMinPasswordBytes) + " bytes long",
                             "password"));
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto added = services::AddStaff(**store, s, ctx.actor());
      if (!added.ok()) return Fail(ctx, added.status());
      auto account = services::SetStaffCredentials(**store, added->id, login->login, password,
                                                    services::PasswordCost::FromEnvironment(),
                                                    ctx.actor());
      if (!account.ok()) return Fail(ctx, account.status());
      if (ctx.global.json) {
        nlohmann::json j = services::StaffToJson(*added);
        j["login"] = login->login;
        PrintJson(j);
      } else {
        std::cout << "added staff member " << added->id.value() << " (" << added->name
                  << "), login '" << login->login << "'\n";
      }
      return 0;
    };
  });

  // ---- staff password ----
  struct PasswordArgs {
    int64_t staff = 0;
    std::string login;
  };
  auto pargs = std::make_shared<PasswordArgs>();
  CLI::App* password = AddCommand(*staff, "password",
                                  "Set (or reset, which also unlocks) a staff member's sign-in "
                                  "password, read from standard input");
  password->add_option("--staff", pargs->staff, "staff id")->required();
  password->add_option("--login", pargs->login, "sign-in name (default: keep the current one)");
  password->callback([&ctx, pargs] {
    ctx.action = [&ctx, pargs] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::string login = pargs->login;
      if (login.empty()) {
        auto account = AccountOfStaff(**store, StaffId(pargs->staff));
        if (account.ok() && account->login) login = *account->login;
      }
      if (login.empty()) {
        return Fail(ctx, Status::InvalidArgument("give the staff member a --login", "login"));
      }
      auto read = ReadPassword();
      if (!read.ok()) return Fail(ctx, read.status());
      const std::string pw = *read;
      if (pw.empty()) {
        return Fail(ctx, Status::InvalidArgument("no password on standard input", "password"));
      }
      auto account = services::SetStaffCredentials(**store, StaffId(pargs->staff), login, pw,
                                                    services::PasswordCost::FromEnvironment(),
                                                    ctx.actor());
      if (!account.ok()) return Fail(ctx, account.status());
      if (!ctx.global.json) std::cout << "password set for login '" << login << "'\n";
      return 0;
    };
  });

  // ---- staff grant ----
  struct GrantArgs {
    int64_t staff = 0;
    int64_t carrier = 0;
  };
  auto gargs = std::make_shared<GrantArgs>();
  CLI::App* grant = AddCommand(*staff, "grant",
                               "Let a staff member act for another carrier too (compliance "
                               "firms serving several carriers)");
  grant->add_option("--staff", gargs->staff, "staff id")->required();
  grant->add_option("--carrier", gargs->carrier, "the carrier to act for")->required();
  grant->callback([&ctx, gargs] {
    ctx.action = [&ctx, gargs] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto account = AccountOfStaff(**store, StaffId(gargs->staff));
      if (!account.ok()) return Fail(ctx, account.status());
      Status st = services::GrantCarrier(**store, account->id, CarrierId(gargs->carrier),
                                         ctx.actor());
      if (!st.ok()) return Fail(ctx, st);
      if (!ctx.global.json) {
        std::cout << "staff member " << gargs->staff << " may now act for carrier "
                  << gargs->carrier << "\n";
      }
      return 0;
    };
  });

  // ---- staff token ----
  struct TokenArgs {
    int64_t staff = 0;
    std::string label = "api";
  };
  auto targs = std::make_shared<TokenArgs>();
  CLI::App* token = AddCommand(*staff, "token",
                               "Issue an API token for a staff member (a system such as "
                               "billing); printed once, stored only as a hash");
  token->add_option("--staff", targs->staff, "staff id")->required();
  token->add_option("--label", targs->label, "what the token is for")->capture_default_str();
  token->callback([&ctx, targs] {
    ctx.action = [&ctx, targs] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto issued = services::IssueApiToken(**store, StaffId(targs->staff), targs->label,
                                            ctx.actor());
      if (!issued.ok()) return Fail(ctx, issued.status());
      if (ctx.global.json) {
        PrintJson({{"id", issued->record.id}, {"token", issued->token},
                   {"label", issued->record.label}});
      } else {
        std::cout << "API token " << issued->record.id << " (" << issued->record.label
                  << "): " << issued->token << "\n"
                  << "it is shown only now; revoke it with: proprio staff revoke-token --token "
                  << issued->record.id << "\n";
      }
      return 0;
    };
  });

  // ---- staff revoke-token ----
  auto revoke_id = std::make_shared<int64_t>(0);
  CLI::App* revoke = AddCommand(*staff, "revoke-token", "Revoke a session or API token");
  revoke->add_option("--token", *revoke_id, "token id")->required();
  revoke->callback([&ctx, revoke_id] {
    ctx.action = [&ctx, revoke_id] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::optional<CarrierId> carrier;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto t, tx.GetToken(*revoke_id));
        if (!t) return Status::NotFound("no token " + std::to_string(*revoke_id));
        ASSIGN_OR_RETURN(auto a, tx.GetAccount(t->account));
        if (a.staff) {
          ASSIGN_OR_RETURN(Staff s, tx.GetStaff(*a.staff));
          carrier = s.carrier;
        }
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      st = services::RevokeToken(**store, *revoke_id, std::nullopt, carrier, ctx.actor());
      if (!st.ok()) return Fail(ctx, st);
      if (!ctx.global.json) std::cout << "token " << *revoke_id << " revoked\n";
      return 0;
    };
  });
}

}  // namespace proprio::cli
