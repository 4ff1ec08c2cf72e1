// Customer authentication (47 CFR 64.2010) and account-change notifications
// from the command line. Secrets are read from standard input, never from
// arguments (which other users can see in the process list):
//
//   proprio auth password set --carrier C --customer N (--session S | --at-service-initiation |
//                             --reset-code-stdin) --password-stdin
//   proprio auth backup set   --carrier C --customer N --question Q (--session S | ...)
//                             --answer-stdin
//   proprio auth secrets      --carrier C --customer N
//   proprio auth call open    --carrier C --customer N [--calling-number E164] [--call-id ID]
//   proprio auth call password|backup --carrier C --session S    (the secret on stdin)
//   proprio auth call detail  --carrier C --session S --stated TEXT
//   proprio auth call callback --carrier C --session S --number E164 [--no-answer]
//   proprio auth call send    --carrier C --session S --to postal|email
//   proprio auth store open   --carrier C --customer N
//   proprio auth store id     --carrier C --session S --id-type T --issuer I --last4 NNNN
//                             --expires YYYY-MM-DD --matches [--checked-by STAFF]
//   proprio auth business     --carrier C --session S --contract REF --method TEXT
//   proprio auth session show|close|context --carrier C --session S
//   proprio auth online create --carrier C --customer N --login L --session S
//   proprio auth online signin --carrier C --login L            (password on stdin)
//   proprio auth online reset-request --carrier C --login L --via text|mail
//   proprio auth online reset --carrier C --login L (--code-stdin | --backup-answer-stdin)
//                             (stdin: the code or answer, then the new password)
//   proprio auth flags list --carrier C [--state open|reviewed]
//   proprio auth flags review --carrier C --flag F --note TEXT
//   proprio auth flags summary --carrier C --year Y
//   proprio notifications pending|list|show|deliver|retry|configure ...
// Every auth command takes --staff ID: the staff member acting (recorded as
// "staff:ID" in the ledger and counted by the pretexting checks). The command
// line has no sign-in: whoever can open the database acts at operator level.
// With --staff, --at-service-initiation checks that staff member's roles
// (services::kServiceInitiationRoles); without it, the operator acts for the
// carrier and no role is checked.
//
// Exit codes: 0 done (a step PASSED); 3 denied: a step NOT PASSED (failed,
// refused by the rules, no answer) or a lockout; 7 not permitted (a wrong
// login or code; the service-initiation path refused, 47 CFR 64.2010(e));
// otherwise as README's table.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <map>

#include "services/webhook_client.h"
#include "cli/common.h"
#include "cli/secret_input.h"
#include "core/text.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/notifications.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct AuthArgs {
  int64_t carrier = 0;
  int64_t customer = 0;
  int64_t session = 0;
  int64_t staff = 0;
  std::string account;
  std::string calling_number;
  std::string call_id;
  std::string question;
  std::string stated;
  std::string number;
  std::string to = "postal";
  std::string id_type, issuer, last4, expires;
  int64_t checked_by = 0;
  bool matches = false;
  bool no_answer = false;
  bool at_service_initiation = false;
  bool reset_code_stdin = false;
  bool password_stdin = false;
  bool answer_stdin = false;
  bool code_stdin = false;
  bool backup_answer_stdin = false;
  std::string contract, method;
  std::string login;
  std::string via = "text";
  std::string state;
  int64_t flag = 0;
  std::string note;
  int year = 0;
  // notifications
  int64_t id = 0;
  std::string letters_dir;
  int64_t timeout_ms = 5000;
  std::string webhook;
  std::string channels;
  int64_t bound = 0, max_attempts = 0, backoff_base_ms = 0, backoff_max_ms = 0;
  std::string callback_phone;
  bool all = false;
  int64_t limit = 100;
};

// The secrets named by `wanted` (prompt, field), one line each from standard
// input: prompted without echo on a terminal, one line apiece from a pipe
// (cli/secret_input.h).
Result<std::vector<std::string>> ReadSecrets(
    std::initializer_list<std::pair<const char*, const char*>> wanted) {
  std::vector<std::string> out;
  for (const auto& [prompt, field] : wanted) {
    ASSIGN_OR_RETURN(std::string line, ReadSecretLine(prompt, field));
    out.push_back(std::move(line));
  }
  return out;
}

services::Actor ActorOf(const Context& ctx, const AuthArgs& a) {
  services::Actor actor = ctx.actor();
  if (a.staff > 0) actor.id = "staff:" + std::to_string(a.staff);
  return actor;
}

// Runs `fn` with an open store; prints its JSON (or `text` of it).
using Body = std::function<Result<json>(store::Store&, const services::Actor&)>;
using Text = std::function<std::string(const json&)>;

// Exit codes, as `decide` has them: a verification step the rules do not
// pass (failed, refused, no answer) prints NOT PASSED and exits 3 (denied);
// a lockout or limit (ResourceExhausted: retry later) is denied too, not an
// internal error.
constexpr int kDeniedExit = 3;

int Run(Context& ctx, const AuthArgs& a, const Body& fn, const Text& text) {
  auto store = ctx.OpenStore();
  if (!store.ok()) return Fail(ctx, store.status());
  Result<json> out = fn(**store, ActorOf(ctx, a));
  if (!out.ok()) {
    const int code = Fail(ctx, out.status());
    return out.status().code() == StatusCode::kResourceExhausted ? kDeniedExit : code;
  }
  if (ctx.global.json) {
    PrintJson(*out);
  } else {
    std::cout << text(*out);
  }
  const json* passed = out->is_object() && out->contains("passed") ? &(*out)["passed"] : nullptr;
  if (passed != nullptr && passed->is_boolean() && !passed->get<bool>()) return kDeniedExit;
  return 0;
}

CLI::App* Leaf(CLI::App* parent, Context& ctx, const std::shared_ptr<AuthArgs>& a,
               const std::string& name, const std::string& help, std::function<int()> action) {
  CLI::App* cmd = AddCommand(*parent, name, help);
  cmd->add_option("--carrier", a->carrier, "carrier id")->required();
  cmd->add_option("--staff", a->staff, "the staff member acting (recorded in the ledger)");
  cmd->callback([&ctx, action] { ctx.action = action; });
  return cmd;
}

std::string StepText(const json& r) {
  std::string out = std::string(r["passed"].get<bool>() ? "PASSED" : "NOT PASSED") + " (" +
                    r["outcome"].get<std::string>() + "): " + r["reason"].get<std::string>();
  if (!r["basis"].get<std::string>().empty()) out += " [" + r["basis"].get<std::string>() + "]";
  out += "\n";
  const json& s = r["session"];
  out += "session " + std::to_string(s["id"].get<int64_t>()) + ": " +
         (s["authenticated"].get<bool>() ? "authenticated" : "not authenticated") + "; flags " +
         s["flags"].dump(-1, ' ', false, json::error_handler_t::replace) + "; decision context " + s["context"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (!r["pretexting_flags"].empty()) {
    out += "PRETEXTING FLAG raised for the security role: " + r["pretexting_flags"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
  return out;
}

std::string SessionText(const json& s) {
  std::string out =
      "session " + std::to_string(s["id"].get<int64_t>()) + " (" + s["channel"].get<std::string>() +
      ", customer " + std::to_string(s["customer"].get<int64_t>()) +
      "): " + (s["open"].get<bool>() ? "open" : "closed") + ", " +
      (s["authenticated"].get<bool>() ? "authenticated" : "not authenticated") +
      "\n  flags: " + s["flags"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n  decision context: " + s["context"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (!s["backup_question"].get<std::string>().empty()) {
    out += "  back-up question: " + s["backup_question"].get<std::string>() + "\n";
  }
  for (const json& st : s["steps"]) {
    out += "  step " + std::to_string(st["id"].get<int64_t>()) + " " + st["at"].get<std::string>() +
           " " + st["kind"].get<std::string>() + ": " + st["outcome"].get<std::string>() + "\n";
  }
  return out;
}

services::SecretAuthorization AuthFrom(const AuthArgs& a, std::string reset_code) {
  services::SecretAuthorization auth;
  auth.session_id = a.session;
  auth.at_service_initiation = a.at_service_initiation;
  auth.reset_code = std::move(reset_code);
  return auth;
}

// The carrier's IANA zone name ("" when it cannot be read: times then show in
// UTC as RFC 3339).
std::string CarrierZoneName(store::Store& s, CarrierId carrier) {
  std::string zone;
  (void)s.Read([&](store::Tx& tx) -> Status {
    auto c = tx.GetCarrier(carrier);
    if (c.ok()) zone = c->time_zone;
    return Status::Ok();
  });
  return zone;
}

// `zone`: the carrier's IANA zone, in which the due instant is shown.
std::string NotificationLine(const json& n, const std::string& zone) {
  std::string line =
      "notice " + std::to_string(n["id"].get<int64_t>()) + "  customer " +
      std::to_string(n["customer"].get<int64_t>()) + "  " + n["change_kind"].get<std::string>() +
      " " + n["change_event"].get<std::string>() + "  via " + n["channel"].get<std::string>() +
      "  " + n["state"].get<std::string>() + " (attempts " +
      std::to_string(n["attempts"].get<int64_t>()) + ")  due " +
      (Instant::Parse(n["due_by"].get<std::string>()).ok()
           ? LocalTimeText(*Instant::Parse(n["due_by"].get<std::string>()), zone)
           : n["due_by"].get<std::string>());
  if (!n["last_error"].get<std::string>().empty()) {
    line += "  last error: " + n["last_error"].get<std::string>();
  }
  if (n["overdue"].get<bool>()) line = "ALERT overdue: " + line;
  return line + "\n";
}

}  // namespace

void RegisterAuth(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AuthArgs>();
  const services::CustomerAuthPolicy policy;
  CLI::App* auth =
      AddCommand(app, "auth", "Customer authentication before CPNI is released (47 CFR 64.2010)");
  auth->require_subcommand(1);

  // ---- secrets ----
  CLI::App* password = AddCommand(*auth, "password", "The customer's CPNI password");
  password->require_subcommand(1);
  CLI::App* pset = Leaf(
      password, ctx, a, "set",
      "Set or change the CPNI password (read from stdin); queues the "
      "account-change notice (64.2010(f))",
      [&ctx, a, policy] {
        if (!a->password_stdin) {
          return Fail(ctx, Status::InvalidArgument("the password is read from stdin: give "
                                                   "--password-stdin",
                                                   "password-stdin"));
        }
        std::string code;
        if (a->reset_code_stdin) {
          auto read = ReadSecretLine("One-time code: ", "code");
          if (!read.ok()) return Fail(ctx, read.status());
          code = *read;
        }
        auto read_pw = ReadSecretLine("CPNI password: ", "password");
        if (!read_pw.ok()) return Fail(ctx, read_pw.status());
        const std::string pw = *read_pw;
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(auto r, services::SetCpniPassword(
                                           s, CarrierId(a->carrier), CustomerId(a->customer), pw,
                                           AuthFrom(*a, code), policy, actor));
              return services::SecretSetToJson(r);
            },
            [](const json& r) {
              return std::string("password ") + (r["created"].get<bool>() ? "set" : "changed") +
                     " (" + r["setup_path"].get<std::string>() +
                     "); notices queued: " + r["notifications"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
            });
      });
  pset->add_option("--customer", a->customer, "customer id")->required();
  pset->add_option("--session", a->session,
                   "the verification session that authenticated the customer");
  pset->add_flag("--at-service-initiation", a->at_service_initiation,
                 "the first password, set when service is initiated");
  pset->add_flag("--reset-code-stdin", a->reset_code_stdin,
                 "the first stdin line is a one-time code sent to the number/address of record");
  pset->add_flag("--password-stdin", a->password_stdin, "read the password from stdin");

  CLI::App* backup =
      AddCommand(*auth, "backup", "The back-up authentication (question and answer)");
  backup->require_subcommand(1);
  CLI::App* bset = Leaf(
      backup, ctx, a, "set", "Set or change the back-up question and answer (answer on stdin)",
      [&ctx, a, policy] {
        if (!a->answer_stdin) {
          return Fail(ctx,
                      Status::InvalidArgument("the answer is read from stdin: give --answer-stdin",
                                              "answer-stdin"));
        }
        std::string code;
        if (a->reset_code_stdin) {
          auto read = ReadSecretLine("One-time code: ", "code");
          if (!read.ok()) return Fail(ctx, read.status());
          code = *read;
        }
        auto read_answer = ReadSecretLine("Back-up answer: ", "answer");
        if (!read_answer.ok()) return Fail(ctx, read_answer.status());
        const std::string answer = *read_answer;
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(auto r, services::SetBackupAuthentication(
                                           s, CarrierId(a->carrier), CustomerId(a->customer),
                                           a->question, answer, AuthFrom(*a, code), policy, actor));
              return services::SecretSetToJson(r);
            },
            [](const json& r) {
              return std::string("back-up authentication ") +
                     (r["created"].get<bool>() ? "set" : "changed") + " (" +
                     r["setup_path"].get<std::string>() +
                     "); notices queued: " + r["notifications"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
            });
      });
  bset->add_option("--customer", a->customer, "customer id")->required();
  bset->add_option("--question", a->question, "the question the CSR will ask")->required();
  bset->add_option("--session", a->session,
                   "the verification session that authenticated the customer");
  bset->add_flag("--at-service-initiation", a->at_service_initiation, "set at service initiation");
  bset->add_flag("--reset-code-stdin", a->reset_code_stdin,
                 "the first stdin line is a one-time code");
  bset->add_flag("--answer-stdin", a->answer_stdin, "read the answer from stdin");

  CLI::App* secrets =
      Leaf(auth, ctx, a, "secrets", "What is set for a customer (never the secrets themselves)",
           [&ctx, a] {
             return Run(
                 ctx, *a,
                 [&](store::Store& s, const services::Actor&) -> Result<json> {
                   ASSIGN_OR_RETURN(auto r, services::GetSecretsStatus(s, CarrierId(a->carrier),
                                                                       CustomerId(a->customer)));
                   return services::SecretsStatusToJson(r);
                 },
                 [](const json& r) { return r.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; });
           });
  secrets->add_option("--customer", a->customer, "customer id")->required();

  // ---- telephone ----
  CLI::App* call = AddCommand(*auth, "call", "A customer-initiated call (64.2010(b))");
  call->require_subcommand(1);
  auto session_cmd = [&](CLI::App* parent, const std::string& name, const std::string& help,
                         std::function<Result<json>(store::Store&, const services::Actor&)> body,
                         bool step) {
    CLI::App* cmd = Leaf(parent, ctx, a, name, help, [&ctx, a, body, step] {
      return Run(ctx, *a, body, step ? Text(StepText) : Text(SessionText));
    });
    cmd->add_option("--session", a->session, "verification session id")->required();
    return cmd;
  };
  CLI::App* open =
      Leaf(call, ctx, a, "open", "Open a verification session for a call", [&ctx, a, policy] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              services::OpenVerificationRequest req;
              req.carrier = CarrierId(a->carrier);
              req.customer = CustomerId(a->customer);
              if (!a->account.empty()) {
                std::optional<Customer> c;
                RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
                  ASSIGN_OR_RETURN(c, tx.FindCustomerByAccount(req.carrier, a->account));
                  return Status::Ok();
                }));
                if (!c) return Status::NotFound("no account " + a->account);
                req.customer = c->id;
              }
              req.channel = services::VerificationChannel::kPhone;
              req.calling_number = a->calling_number;
              req.call_id = a->call_id;
              ASSIGN_OR_RETURN(auto v, services::OpenVerification(s, req, policy, actor));
              return services::SessionToJson(v);
            },
            SessionText);
      });
  open->add_option("--customer", a->customer, "customer id");
  open->add_option("--account", a->account, "or the account number the caller gives");
  open->add_option("--calling-number", a->calling_number, "the caller's number (ANI)");
  open->add_option("--call-id", a->call_id, "the telephony call id");

  session_cmd(
      call, "password", "The caller gives the password (read from stdin)",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(const std::string given,
                         ReadSecretLine("Caller's password: ", "password"));
        ASSIGN_OR_RETURN(auto r, services::VerifyCallerPassword(s, CarrierId(a->carrier),
                                                                a->session, given, policy, actor));
        return services::StepResultToJson(r);
      },
      true);
  session_cmd(
      call, "backup", "The caller answers the back-up question (answer on stdin)",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(const std::string answer,
                         ReadSecretLine("Caller's back-up answer: ", "answer"));
        ASSIGN_OR_RETURN(auto r, services::VerifyBackupAnswer(s, CarrierId(a->carrier),
                                                              a->session, answer, policy, actor));
        return services::StepResultToJson(r);
      },
      true);
  session_cmd(
      call, "detail", "The caller stated call detail unaided: discuss only that",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(
            auto r, services::RecordCallerStatedCallDetail(s, CarrierId(a->carrier), a->session,
                                                           a->stated, policy, actor));
        return services::StepResultToJson(r);
      },
      true)
      ->add_option("--stated", a->stated, "what the caller stated")
      ->required();
  CLI::App* cb = session_cmd(
      call, "callback", "The CSR called back a telephone number of record",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(auto r, services::RecordCallBack(s, CarrierId(a->carrier), a->session,
                                                          a->number, !a->no_answer, policy, actor));
        return services::StepResultToJson(r);
      },
      true);
  cb->add_option("--number", a->number, "the number called")->required();
  cb->add_flag("--no-answer", a->no_answer, "the customer was not reached");
  session_cmd(
      call, "send", "Release call detail by sending it to the address of record",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        if (a->to != "postal" && a->to != "email") {
          return Status::InvalidArgument("--to must be postal or email", "to");
        }
        ASSIGN_OR_RETURN(auto r, services::ReleaseToAddressOfRecord(
                                     s, CarrierId(a->carrier), a->session,
                                     a->to == "postal" ? services::AddressKind::kPostal
                                                       : services::AddressKind::kEmail,
                                     policy, actor));
        json j = services::StepResultToJson(r.step);
        j["destination"] = r.destination;
        j["on_file_since"] = r.on_file_since.Valid() ? r.on_file_since.ToString() : "";
        return j;
      },
      true)
      ->add_option("--to", a->to, "postal or email")
      ->capture_default_str();

  // ---- in store ----
  CLI::App* shop = AddCommand(*auth, "store", "An in-store visit (64.2010(d))");
  shop->require_subcommand(1);
  CLI::App* sopen =
      Leaf(shop, ctx, a, "open", "Open a verification session for a visit", [&ctx, a, policy] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              services::OpenVerificationRequest req;
              req.carrier = CarrierId(a->carrier);
              req.customer = CustomerId(a->customer);
              req.channel = services::VerificationChannel::kInStore;
              ASSIGN_OR_RETURN(auto v, services::OpenVerification(s, req, policy, actor));
              return services::SessionToJson(v);
            },
            SessionText);
      });
  sopen->add_option("--customer", a->customer, "customer id")->required();
  CLI::App* sid = session_cmd(
      shop, "id", "Record the valid photo ID checked",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        services::PhotoId id;
        id.type = a->id_type;
        id.issuer = a->issuer;
        id.last4 = a->last4;
        if (!a->expires.empty()) {
          auto d = CivilDate::Parse(a->expires);
          if (!d.ok()) return Status::InvalidArgument("--expires must be YYYY-MM-DD", "expires_on");
          id.expires_on = *d;
        }
        id.matches_account_holder = a->matches;
        id.staff = StaffId(a->checked_by);
        ASSIGN_OR_RETURN(auto r, services::RecordPhotoId(s, CarrierId(a->carrier), a->session, id,
                                                         policy, actor));
        return services::StepResultToJson(r);
      },
      true);
  sid->add_option("--id-type", a->id_type, "drivers_license, passport, state_id, ...")->required();
  sid->add_option("--issuer", a->issuer, "issuing state or agency")->required();
  sid->add_option("--last4", a->last4, "last 4 characters of the ID number")->required();
  sid->add_option("--expires", a->expires, "expiry date YYYY-MM-DD")->required();
  sid->add_flag("--matches", a->matches, "the photo and name match the account holder");
  sid->add_option("--checked-by", a->checked_by, "staff id of who checked it (default --staff)");

  // ---- business ----
  CLI::App* biz = session_cmd(
      auth, "business", "A business customer's contract authentication (64.2010(g))",
      [a, policy](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(
            auto r, services::RecordBusinessAlternative(s, CarrierId(a->carrier), a->session,
                                                        a->contract, a->method, policy, actor));
        return services::StepResultToJson(r);
      },
      true);
  biz->add_option("--contract", a->contract, "the CPNI contract reference")->required();
  biz->add_option("--method", a->method, "the contract's procedure that was followed")->required();

  // ---- sessions ----
  CLI::App* session = AddCommand(*auth, "session", "Verification sessions");
  session->require_subcommand(1);
  session_cmd(
      session, "show", "Show a session, its steps and its decision context",
      [a](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(
            auto v, services::GetVerification(s, CarrierId(a->carrier), a->session, actor.now));
        return services::SessionToJson(v);
      },
      false);
  session_cmd(
      session, "close", "Close a session (the call ended)",
      [a](store::Store& s, const services::Actor& actor) -> Result<json> {
        RETURN_IF_ERROR(services::CloseVerification(s, CarrierId(a->carrier), a->session, actor));
        ASSIGN_OR_RETURN(
            auto v, services::GetVerification(s, CarrierId(a->carrier), a->session, actor.now));
        return services::SessionToJson(v);
      },
      false);
  CLI::App* context = session_cmd(
      session, "context", "The decision-request context the session gives",
      [a](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(auto c, services::DecisionContextForSession(
                                     s, CarrierId(a->carrier), a->session, CustomerId(a->customer),
                                     actor.now, a->to == "address_of_record"));
        return services::DecisionContextToJson(c);
      },
      false);
  context->add_option("--customer", a->customer, "the customer the decision is about");
  context->add_option("--to", a->to, "address_of_record: the mail release channel");
  context->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor& actor) -> Result<json> {
            ASSIGN_OR_RETURN(
                auto c, services::DecisionContextForSession(s, CarrierId(a->carrier), a->session,
                                                            CustomerId(a->customer), actor.now,
                                                            a->to == "address_of_record"));
            return services::DecisionContextToJson(c);
          },
          [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; });
    };
  });

  // ---- online ----
  CLI::App* online = AddCommand(*auth, "online", "Online accounts (64.2010(c))");
  online->require_subcommand(1);
  CLI::App* ocreate =
      Leaf(online, ctx, a, "create", "Create or rename the online account", [&ctx, a, policy] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(auto r, services::SetOnlineAccount(s, CarrierId(a->carrier),
                                                                  CustomerId(a->customer), a->login,
                                                                  AuthFrom(*a, ""), policy, actor));
              return services::SecretSetToJson(r);
            },
            [](const json& r) {
              return std::string("online account ") +
                     (r["created"].get<bool>() ? "created" : "changed") +
                     "; notices queued: " + r["notifications"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
            });
      });
  ocreate->add_option("--customer", a->customer, "customer id")->required();
  ocreate->add_option("--login", a->login, "the online login")->required();
  ocreate->add_option("--session", a->session,
                      "the verification session that authenticated the customer");
  ocreate->add_flag("--at-service-initiation", a->at_service_initiation, "at service initiation");
  CLI::App* osign =
      Leaf(online, ctx, a, "signin", "Sign in with the password (stdin)", [&ctx, a, policy] {
        auto given = ReadSecretLine("Password: ", "password");
        if (!given.ok()) return Fail(ctx, given.status());
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              int64_t retry = 0;
              auto r = services::OnlineSignIn(s, CarrierId(a->carrier), a->login, *given,
                                              policy, actor, &retry);
              if (!r.ok()) return r.status();
              return services::SessionToJson(r->session);
            },
            SessionText);
      });
  osign->add_option("--login", a->login, "the online login")->required();
  CLI::App* oreq = Leaf(
      online, ctx, a, "reset-request",
      "Send a one-time reset code to the number (text) or address (mail) of record",
      [&ctx, a, policy] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              if (a->via != "text" && a->via != "mail") {
                return Status::InvalidArgument("--via must be text or mail", "via");
              }
              RETURN_IF_ERROR(services::RequestPasswordReset(
                  s, CarrierId(a->carrier), a->login,
                  a->via == "mail" ? services::ResetChannel::kMail : services::ResetChannel::kText,
                  policy, actor));
              return json{{"requested", true}};
            },
            [](const json&) {
              return std::string(
                  "if the login exists, a one-time code is on its way to the "
                  "telephone number or address of record\n");
            });
      });
  oreq->add_option("--login", a->login, "the online login")->required();
  oreq->add_option("--via", a->via, "text or mail")->capture_default_str();
  CLI::App* oreset = Leaf(
      online, ctx, a, "reset",
      "Reset the password with the code or the back-up answer (stdin: that, then the new password)",
      [&ctx, a, policy] {
        auto lines = ReadSecrets({{a->code_stdin ? "One-time code: " : "Back-up answer: ",
                                   a->code_stdin ? "code" : "answer"},
                                  {"New password: ", "password"}});
        if (!lines.ok()) return Fail(ctx, lines.status());
        const std::string first = (*lines)[0];
        const std::string pw = (*lines)[1];
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              if (a->code_stdin == a->backup_answer_stdin) {
                return Status::InvalidArgument("give --code-stdin or --backup-answer-stdin",
                                               "code");
              }
              ASSIGN_OR_RETURN(auto r,
                               services::ResetPasswordOnline(
                                   s, CarrierId(a->carrier), a->login, a->code_stdin ? first : "",
                                   a->backup_answer_stdin ? first : "", pw, policy, actor));
              return services::SecretSetToJson(r);
            },
            [](const json& r) {
              return "password reset (" + r["setup_path"].get<std::string>() +
                     "); notices queued: " + r["notifications"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
            });
      });
  oreset->add_option("--login", a->login, "the online login")->required();
  oreset->add_flag("--code-stdin", a->code_stdin, "the first stdin line is the one-time code");
  oreset->add_flag("--backup-answer-stdin", a->backup_answer_stdin,
                   "the first stdin line is the back-up answer");

  // ---- pretexting flags ----
  CLI::App* flags =
      AddCommand(*auth, "flags", "Suspected pretexting flagged for the security role (64.2010(a))");
  flags->require_subcommand(1);
  CLI::App* flag_list = Leaf(flags, ctx, a, "list", "The flags, with their evidence", [&ctx, a] {
    return Run(
        ctx, *a,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto list,
                           services::ListPretextingFlags(s, CarrierId(a->carrier), a->state,
                                                         Instant(), Instant()));
          json out = json::array();
          for (const auto& f : list) out.push_back(services::PretextingFlagToJson(f));
          return json{{"flags", out}};
        },
        [](const json& j) {
          std::string out;
          for (const json& f : j["flags"]) {
            out += "flag " + std::to_string(f["id"].get<int64_t>()) + " [" +
                   f["state"].get<std::string>() + "] " + f["kind"].get<std::string>() + " " +
                   f["key"].get<std::string>() + ": " +
                   std::to_string(f["failures"].get<int64_t>()) + " failed verifications on " +
                   std::to_string(f["accounts"].get<int64_t>()) + " accounts; evidence steps " +
                   f["evidence"]["steps"].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
          }
          if (out.empty()) out = "no pretexting flags\n";
          return out;
        });
  });
  flag_list->add_option("--state", a->state, "open or reviewed");
  CLI::App* review =
      Leaf(flags, ctx, a, "review", "Record the security role's review of a flag", [&ctx, a] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(auto f, services::ReviewPretextingFlag(s, CarrierId(a->carrier),
                                                                      a->flag, a->note, actor));
              return services::PretextingFlagToJson(f);
            },
            [](const json& f) {
              return "flag " + std::to_string(f["id"].get<int64_t>()) + " reviewed\n";
            });
      });
  review->add_option("--flag", a->flag, "flag id")->required();
  review->add_option("--note", a->note, "what the review found")->required();
  CLI::App* summary =
      Leaf(flags, ctx, a, "summary", "The year's figures for the annual certification", [&ctx, a] {
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor&) -> Result<json> {
              ASSIGN_OR_RETURN(auto sum,
                               services::SummarizePretexting(s, CarrierId(a->carrier), a->year));
              return services::PretextingSummaryToJson(sum);
            },
            [](const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; });
      });
  summary->add_option("--year", a->year, "calendar year")->required();

  // ---- notifications ----
  CLI::App* notes = AddCommand(app, "notifications",
                               "Account-change notifications (64.2010(f)) and their outbox");
  notes->require_subcommand(1);
  auto list_cmd = [&](const std::string& name, const std::string& help, bool pending) {
    CLI::App* cmd = AddCommand(*notes, name, help);
    cmd->add_option("--carrier", a->carrier, "carrier id (default: every carrier)");
    cmd->add_option("--customer", a->customer, "only this customer");
    cmd->add_option("--limit", a->limit, "at most this many")->capture_default_str();
    cmd->callback([&ctx, a, pending] {
      ctx.action = [&ctx, a, pending] {
        // Each carrier's zone, for the human output's local due times.
        auto zones = std::make_shared<std::map<int64_t, std::string>>();
        return Run(
            ctx, *a,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              std::vector<CarrierId> carriers;
              RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
                ASSIGN_OR_RETURN(std::vector<Carrier> all, tx.ListCarriers());
                for (const Carrier& c : all) {
                  (*zones)[c.id.value()] = c.time_zone;
                  if (a->carrier <= 0) carriers.push_back(c.id);
                }
                return Status::Ok();
              }));
              if (a->carrier > 0) carriers.push_back(CarrierId(a->carrier));
              json items = json::array();
              store::NotificationFilter f;
              f.pending_only = pending;
              f.customer = CustomerId(a->customer);
              f.limit = static_cast<int>(a->limit);
              for (CarrierId c : carriers) {
                ASSIGN_OR_RETURN(auto list, services::ListNotifications(s, c, f));
                for (const auto& n : list) {
                  json j = services::NotificationToJson(n, actor.now);
                  j["carrier"] = c.value();
                  items.push_back(j);
                }
              }
              ASSIGN_OR_RETURN(
                  auto backlog,
                  services::NotificationBacklog(
                      s, a->carrier > 0 ? CarrierId(a->carrier) : CarrierId(), actor.now));
              return json{{"notifications", items}, {"backlog", services::BacklogToJson(backlog)}};
            },
            [zones](const json& j) {
              std::string out;
              for (const json& n : j["notifications"]) {
                out += NotificationLine(n, (*zones)[n["carrier"].get<int64_t>()]);
              }
              const json& b = j["backlog"];
              out += std::to_string(b["pending"].get<int64_t>()) + " pending, " +
                     std::to_string(b["overdue"].get<int64_t>()) + " overdue, " +
                     std::to_string(b["failed"].get<int64_t>()) + " failed\n";
              if (b["alert"].get<bool>()) {
                out +=
                    "ALERT: account-change notices are overdue (47 CFR 64.2010(f) requires "
                    "immediate notice)\n";
              }
              return out;
            });
      };
    });
  };
  list_cmd("pending", "Notices not yet delivered; overdue ones raise an ALERT", true);
  list_cmd("list", "Every notice, delivered or not", false);

  CLI::App* show = AddCommand(*notes, "show", "One notice and its state");
  show->add_option("--carrier", a->carrier, "carrier id")->required();
  show->add_option("--id", a->id, "notification id")->required();
  show->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      auto zone = std::make_shared<std::string>();
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor& actor) -> Result<json> {
            ASSIGN_OR_RETURN(auto n, services::GetNotification(s, CarrierId(a->carrier), a->id));
            *zone = CarrierZoneName(s, CarrierId(a->carrier));
            json j = services::NotificationToJson(n, actor.now);
            j["message"] = n.change_kind == "reset_code" ? "(one-time code withheld)" : n.message;
            return j;
          },
          [zone](const json& j) {
            return NotificationLine(j, *zone) + "  message: " + j["message"].get<std::string>() +
                   "\n";
          });
    };
  });

  CLI::App* key_cmd = AddCommand(
      *notes, "webhook-key",
      "Print the key a carrier's webhook receiver checks Proprio-Signature with (derived from "
      "the installation key in $PROPRIO_WEBHOOK_KEY_FILE; hand it to that carrier only)");
  key_cmd->add_option("--carrier", a->carrier, "carrier id")->required();
  key_cmd->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor&) -> Result<json> {
            RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
              return tx.GetCarrier(CarrierId(a->carrier)).status();
            }));
            ASSIGN_OR_RETURN(std::string installation, services::LoadWebhookKey());
            if (installation.empty()) {
              return Status::FailedPrecondition(
                  std::string("no installation webhook key: set ") + services::kWebhookKeyFileEnv +
                  " to a file of at least 32 random bytes (head -c 32 /dev/urandom | base64 > "
                  "FILE), for proprio serve and here");
            }
            return json{{"carrier", a->carrier},
                        {"key", ToHex(services::CarrierWebhookKey(installation,
                                                                  CarrierId(a->carrier)))},
                        {"signature", "Proprio-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256("
                                      "key, \"<t>.<body>\")>"}};
          },
          [](const json& j) {
            return j["key"].get<std::string>() + "\n";
          });
    };
  });

  CLI::App* deliver = AddCommand(
      *notes, "deliver", "Deliver due notices now: texts through the webhook, letters as PDF");
  deliver->add_option("--carrier", a->carrier, "carrier id (default: every carrier)");
  deliver->add_option("--letters-dir", a->letters_dir, "write letters for mail here");
  deliver->add_option("--timeout-ms", a->timeout_ms, "webhook timeout")->capture_default_str();
  deliver->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor& actor) -> Result<json> {
            services::WebhookClientOptions wo;
            wo.timeout = std::chrono::milliseconds(a->timeout_ms);
            services::WebhookClient client(wo);
            services::DeliveryOptions options;
            options.transport = &client;
            ASSIGN_OR_RETURN(options.webhook_key, services::LoadWebhookKey());
            options.letters_dir = a->letters_dir;
            // Each failed attempt on standard error, as `serve` logs it (no
            // message, destination or URL).
            options.on_failure = [](const services::DeliveryFailure& f) {
              std::cerr << "proprio: notice " << f.notification << " (carrier "
                        << f.carrier.value() << ") attempt " << f.attempts << " failed ("
                        << (f.http_status == 0 ? std::string("no HTTP answer")
                                               : "HTTP " + std::to_string(f.http_status))
                        << ")"
                        << (f.final ? "; no further attempts"
                                    : "; next attempt at " + f.next_attempt_at.ToRfc3339())
                        << "\n";
            };
            services::Actor system = actor;
            if (system.id == "cli") system.id = "cli:notifications";
            ASSIGN_OR_RETURN(auto r, services::DeliverDueNotifications(
                                         s, a->carrier > 0 ? CarrierId(a->carrier) : CarrierId(),
                                         options, system));
            return services::DeliveryReportToJson(r);
          },
          [](const json& r) {
            std::string out = std::to_string(r["attempted"].get<int64_t>()) + " sent, " +
                              std::to_string(r["delivered"].get<int64_t>()) + " delivered, " +
                              std::to_string(r["retrying"].get<int64_t>()) + " to retry, " +
                              std::to_string(r["failed"].get<int64_t>()) + " failed, " +
                              std::to_string(r["printed"].get<int64_t>()) + " letters\n";
            for (const json& l : r["letters"]) out += "  " + l.get<std::string>() + "\n";
            return out;
          });
    };
  });

  CLI::App* retry = AddCommand(*notes, "retry", "Requeue a failed notice");
  retry->add_option("--carrier", a->carrier, "carrier id")->required();
  retry->add_option("--id", a->id, "notification id")->required();
  retry->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      auto zone = std::make_shared<std::string>();
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor& actor) -> Result<json> {
            ASSIGN_OR_RETURN(auto n,
                             services::RetryNotification(s, CarrierId(a->carrier), a->id, actor));
            *zone = CarrierZoneName(s, CarrierId(a->carrier));
            return services::NotificationToJson(n, actor.now);
          },
          [zone](const json& j) { return NotificationLine(j, *zone); });
    };
  });

  CLI::App* configure =
      AddCommand(*notes, "configure", "The carrier's webhook, channels and bound");
  configure->add_option("--carrier", a->carrier, "carrier id")->required();
  configure->add_option("--webhook", a->webhook, "http(s) URL of the messaging system");
  configure->add_option("--channels", a->channels, "text;voicemail;mail;email (';' or ',')");
  configure->add_option("--bound", a->bound,
                        "seconds before an undelivered notice raises an alert");
  configure->add_option("--max-attempts", a->max_attempts, "webhook attempts before failing");
  configure->add_option("--backoff-base-ms", a->backoff_base_ms, "first retry delay");
  configure->add_option("--backoff-max-ms", a->backoff_max_ms, "longest retry delay");
  configure->add_option("--callback-phone", a->callback_phone, "the number customers call back");
  configure->callback([&ctx, a, configure] {
    ctx.action = [&ctx, a, configure] {
      return Run(
          ctx, *a,
          [&](store::Store& s, const services::Actor& actor) -> Result<json> {
            ASSIGN_OR_RETURN(auto cur, services::GetNotificationSettings(s, CarrierId(a->carrier)));
            if (configure->count("--webhook")) cur.webhook_url = a->webhook;
            if (configure->count("--channels")) {
              std::string c = a->channels;
              std::replace(c.begin(), c.end(), ',', ';');
              cur.channels = c;
            }
            if (configure->count("--bound")) cur.bound_seconds = a->bound;
            if (configure->count("--max-attempts")) cur.max_attempts = a->max_attempts;
            if (configure->count("--backoff-base-ms")) cur.backoff_base_ms = a->backoff_base_ms;
            if (configure->count("--backoff-max-ms")) cur.backoff_max_ms = a->backoff_max_ms;
            if (configure->count("--callback-phone")) cur.callback_phone = a->callback_phone;
            cur.carrier = CarrierId(a->carrier);
            RETURN_IF_ERROR(services::PutNotificationSettings(s, cur, actor));
            ASSIGN_OR_RETURN(auto now, services::GetNotificationSettings(s, CarrierId(a->carrier)));
            return services::NotificationSettingsToJson(now);
          },
          [](const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; });
    };
  });
}

}  // namespace proprio::cli
