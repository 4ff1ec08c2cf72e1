// proprio init | carrier add|list|show | customer add|show|update|list|close | staff add|list
#include <iostream>

#include "cli/common.h"
#include "services/auth_json.h"
#include "services/customer_update.h"
#include "services/json_codec.h"
#include "services/notifications.h"

namespace proprio::cli {
namespace {

Result<Officer> ParseOfficer(const std::string& text, bool signatory) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("--officer takes \"Name:Title\", got '" + text + "'", "officer");
  }
  return Officer{text.substr(0, colon), text.substr(colon + 1), signatory};
}

void PrintCarrier(const Carrier& c) {
  std::cout << "carrier " << c.id.value() << ": " << c.legal_name << "\n"
            << "  Form 499 Filer ID: " << c.filer_id_499 << "\n"
            << "  address:           " << c.address.OneLine() << "\n"
            << "  time zone:         " << c.time_zone << "\n";
  for (const Officer& o : c.officers) {
    std::cout << "  officer:           " << o.name << ", " << o.title
              << (o.signatory ? " (certification signatory)" : "") << "\n";
  }
}

void PrintCustomer(const Customer& c) {
  std::cout << "customer " << c.id.value() << " (carrier " << c.carrier.value() << ")\n"
            << "  account number:    " << c.account_number << "\n"
            << "  type:              " << CustomerTypeName(c.type) << "\n"
            << "  name:              " << c.name << "\n"
            << "  numbers of record: ";
  for (size_t i = 0; i < c.phones_of_record.size(); ++i) {
    std::cout << (i ? ", " : "") << c.phones_of_record[i];
  }
  std::cout << "\n  address of record: " << c.address_of_record.OneLine() << " (since "
            << c.address_since.ToString() << ")\n"
            << "  e-mail:            " << (c.email.empty() ? "-" : c.email) << "\n"
            << "  services:          " << (c.services.empty() ? "-" : c.services.ToString())
            << "\n"
            << "  service since:     "
            << (c.service_since.Valid() ? c.service_since.ToString()
                                        : std::string("not known (an existing customer)"))
            << "\n";
  if (c.type == CustomerType::kBusiness) {
    std::cout << "  account rep:       "
              << (c.account_representative.empty() ? "-" : c.account_representative) << "\n"
              << "  CPNI contract:     " << (c.cpni_contract_ref.empty() ? "-" : c.cpni_contract_ref)
              << "\n";
  }
}

}  // namespace

void RegisterInit(CLI::App& app, Context& ctx) {
  CLI::App* cmd = AddCommand(app, "init", "Create the database or bring its schema up to date");
  cmd->callback([&ctx] {
    ctx.action = [&ctx] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const std::string where = ctx.global.postgres.empty() ? ctx.global.db : "PostgreSQL";
      if (ctx.global.json) {
        PrintJson({{"backend", (*store)->backend_name()},
                   {"schema_version", (*store)->schema_version()}});
      } else {
        std::cout << "database ready: " << (*store)->backend_name() << " (" << where
                  << "), schema version " << (*store)->schema_version() << "\n";
      }
      return 0;
    };
  });
}

void RegisterCarrier(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(app, "carrier", "Carriers (tenants): add, list, show");
  group->require_subcommand(1);

  struct AddArgs {
    Carrier c;
    std::vector<std::string> officers;
    std::string signatory;
  };
  auto args = std::make_shared<AddArgs>();
  args->c.address.country = "US";
  CLI::App* add = AddCommand(*group, "add", "Add a carrier");
  add->add_option("--name", args->c.legal_name, "legal name")->required();
  add->add_option("--filer-id", args->c.filer_id_499, "FCC Form 499 Filer ID")->required();
  add->add_option("--time-zone", args->c.time_zone, "IANA time zone, e.g. America/New_York")
      ->required();
  add->add_option("--street", args->c.address.street, "street address");
  add->add_option("--city", args->c.address.city, "city");
  add->add_option("--state", args->c.address.state, "two-letter state code");
  add->add_option("--zip", args->c.address.postal_code, "ZIP code");
  add->add_option("--signatory", args->signatory,
                  "the officer who signs the annual certification, \"Name:Title\"");
  add->add_option("--officer", args->officers, "another officer, \"Name:Title\" (repeatable)");
  add->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      Carrier c = args->c;
      if (!args->signatory.empty()) {
        auto o = ParseOfficer(args->signatory, true);
        if (!o.ok()) return Fail(ctx, o.status());
        c.officers.push_back(*o);
      }
      for (const std::string& text : args->officers) {
        auto o = ParseOfficer(text, false);
        if (!o.ok()) return Fail(ctx, o.status());
        c.officers.push_back(*o);
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto added = services::AddCarrier(**store, c, ctx.actor());
      if (!added.ok()) return Fail(ctx, added.status());
      if (ctx.global.json) {
        PrintJson(services::CarrierToJson(*added));
      } else {
        std::cout << "added ";
        PrintCarrier(*added);
      }
      return 0;
    };
  });

  CLI::App* list = AddCommand(*group, "list", "List carriers");
  list->callback([&ctx] {
    ctx.action = [&ctx] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::vector<Carrier> carriers;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(carriers, tx.ListCarriers());
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (ctx.global.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const Carrier& c : carriers) out.push_back(services::CarrierToJson(c));
        PrintJson({{"carriers", out}});
      } else if (carriers.empty()) {
        std::cout << "no carriers yet: add one with 'proprio carrier add' or try 'proprio demo'\n";
      } else {
        std::printf("%-6s %-10s %-20s %s\n", "ID", "FILER ID", "TIME ZONE", "LEGAL NAME");
        for (const Carrier& c : carriers) {
          std::printf("%-6lld %-10s %-20s %s\n", static_cast<long long>(c.id.value()),
                      c.filer_id_499.c_str(), c.time_zone.c_str(), c.legal_name.c_str());
        }
      }
      return 0;
    };
  });

  auto show_id = std::make_shared<int64_t>(0);
  CLI::App* show = AddCommand(*group, "show", "Show one carrier");
  show->add_option("id", *show_id, "carrier id")->required();
  show->callback([&ctx, show_id] {
    ctx.action = [&ctx, show_id] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      Carrier c;
      int64_t customers = 0;
      ledger::Head head;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(c, tx.GetCarrier(CarrierId(*show_id)));
        ASSIGN_OR_RETURN(customers, tx.CountCustomers(c.id));
        ASSIGN_OR_RETURN(head, tx.LedgerHead(c.id));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (ctx.global.json) {
        nlohmann::json j = services::CarrierToJson(c);
        j["customers"] = customers;
        j["ledger"] = {{"entries", head.size}, {"root", ledger::HashHex(head.root)}};
        PrintJson(j);
      } else {
        PrintCarrier(c);
        std::cout << "  customers:         " << customers << "\n"
                  << "  ledger:            " << head.size << " entries, root "
                  << ledger::HashHex(head.root) << "\n";
      }
      return 0;
    };
  });
}

void RegisterCustomer(CLI::App& app, Context& ctx) {
  CLI::App* group =
      AddCommand(app, "customer", "Customers of a carrier: add, show, update, list, close");
  group->require_subcommand(1);

  struct AddArgs {
    int64_t carrier = 0;
    Customer c;
    std::string type = "residential";
    std::string services;
    std::string since;
    std::string service_since;
  };
  auto args = std::make_shared<AddArgs>();
  CLI::App* add = AddCommand(*group, "add", "Add a customer");
  add->add_option("--carrier", args->carrier, "carrier id")->required();
  add->add_option("--account", args->c.account_number, "account number")->required();
  add->add_option("--type", args->type, "residential or business")->capture_default_str();
  add->add_option("--name", args->c.name, "customer name")->required();
  add->add_option("--phone", args->c.phones_of_record,
                  "telephone number of record (repeatable; the first is primary)")
      ->required();
  add->add_option("--street", args->c.address_of_record.street, "address of record: street")
      ->required();
  add->add_option("--city", args->c.address_of_record.city, "address of record: city")->required();
  add->add_option("--state", args->c.address_of_record.state, "address of record: state code")
      ->required();
  add->add_option("--zip", args->c.address_of_record.postal_code, "address of record: ZIP code")
      ->required();
  add->add_option("--address-since", args->since,
                  "the date the address of record was set, YYYY-MM-DD (default: today)");
  add->add_option("--service-since", args->service_since,
                  "the day the customer's service began, YYYY-MM-DD (default: today, the "
                  "carrier's date: adding an account opens it)");
  add->add_option("--email", args->c.email, "e-mail address");
  add->add_option("--services", args->services,
                  "services subscribed, ';'-separated: local, interexchange, cmrs, "
                  "interconnected_voip, internet_access, voice_messaging, cpe");
  add->add_option("--account-rep", args->c.account_representative,
                  "business only: the dedicated account representative");
  add->add_option("--cpni-contract", args->c.cpni_contract_ref,
                  "business only: the contract that addresses CPNI protection");
  add->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      Customer c = args->c;
      c.carrier = CarrierId(args->carrier);
      c.address_of_record.country = "US";
      auto type = ParseCustomerType(args->type);
      if (!type.ok()) return Fail(ctx, type.status());
      c.type = *type;
      auto services = ServiceSet::Parse(args->services);
      if (!services.ok()) return Fail(ctx, services.status());
      c.services = *services;
      if (!args->since.empty()) {
        auto since = CivilDate::Parse(args->since);
        if (!since.ok()) return Fail(ctx, Status::InvalidArgument(since.status().message(), "address_since"));
        c.address_since = *since;
      } else {
        c.address_since = CivilDate{};  // today, set by the service
      }
      if (!args->service_since.empty()) {
        auto began = CivilDate::Parse(args->service_since);
        if (!began.ok()) {
          return Fail(ctx, Status::InvalidArgument(began.status().message(), "service_since"));
        }
        c.service_since = *began;
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto added = services::AddCustomer(**store, c, ctx.actor());
      if (!added.ok()) return Fail(ctx, added.status());
      if (ctx.global.json) {
        PrintJson(services::CustomerToJson(*added));
      } else {
        std::cout << "added customer " << added->id.value() << " (account "
                  << added->account_number << ")\n";
      }
      return 0;
    };
  });

  struct ShowArgs {
    int64_t carrier = 0;
    int64_t id = 0;
    std::string account;
    std::string purpose = "customer_service";
  };
  auto sargs = std::make_shared<ShowArgs>();
  CLI::App* show = AddCommand(*group, "show",
                              "Show a customer's record (CPNI); the access is written to the "
                              "carrier's ledger");
  show->add_option("--carrier", sargs->carrier, "carrier id")->required();
  auto* id_opt = show->add_option("id", sargs->id, "customer id");
  auto* acct_opt = show->add_option("--account", sargs->account, "find by account number instead");
  id_opt->excludes(acct_opt);
  show->add_option("--purpose", sargs->purpose, "why the record is read (recorded in the ledger)")
      ->capture_default_str();
  show->callback([&ctx, sargs] {
    ctx.action = [&ctx, sargs] {
      if (sargs->id == 0 && sargs->account.empty()) {
        return Fail(ctx, Status::InvalidArgument("give a customer id or --account", "id"));
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const CarrierId carrier(sargs->carrier);
      auto c = sargs->account.empty()
                   ? services::ShowCustomer(**store, carrier, CustomerId(sargs->id),
                                            sargs->purpose, ctx.actor())
                   : services::ShowCustomerByAccount(**store, carrier, sargs->account,
                                                     sargs->purpose, ctx.actor());
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.global.json) {
        PrintJson(services::CustomerToJson(*c));
      } else {
        PrintCustomer(*c);
      }
      return 0;
    };
  });

  // 64.2003(f): a former customer. Everything about the customer is kept.
  struct CloseArgs {
    int64_t carrier = 0;
    int64_t id = 0;
    std::string at;
    std::string reason;
  };
  auto cargs = std::make_shared<CloseArgs>();
  CLI::App* close_cmd = AddCommand(
      *group, "close",
      "Close a customer's account: from then on a former customer (47 CFR 64.2003(f)); the "
      "records are kept, and decisions follow the rules for former customers");
  close_cmd->add_option("--carrier", cargs->carrier, "carrier id")->required();
  close_cmd->add_option("id", cargs->id, "customer id")->required();
  close_cmd->add_option("--at", cargs->at, "when the account closed, RFC 3339 (default: now)");
  close_cmd->add_option("--reason", cargs->reason, "why (kept in the ledger entry's payload)");
  close_cmd->callback([&ctx, cargs] {
    ctx.action = [&ctx, cargs] {
      std::optional<Instant> at;
      if (!cargs->at.empty()) {
        auto t = Instant::Parse(cargs->at);
        if (!t.ok()) {
          return Fail(ctx, Status::InvalidArgument("--at must be an RFC 3339 instant", "closed_at"));
        }
        at = *t;
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto closed = services::CloseCustomer(**store, CarrierId(cargs->carrier),
                                            CustomerId(cargs->id), at, cargs->reason, ctx.actor());
      if (!closed.ok()) return Fail(ctx, closed.status());
      if (ctx.global.json) {
        PrintJson(services::CustomerToJson(*closed));
      } else {
        std::cout << "closed customer " << closed->id.value() << " at "
                  << closed->closed_at->ToRfc3339() << " (a former customer)\n";
      }
      return 0;
    };
  });

  // ---- update: the rules of HTTP PATCH, through the same service ----
  struct UpdateArgs {
    int64_t carrier = 0;
    int64_t id = 0;
    std::string if_match;
    std::string name, street, city, state, zip, email;
    std::vector<std::string> phones;
    // Which options were given (an empty --email clears the address).
    bool has_name = false, has_street = false, has_city = false, has_state = false,
         has_zip = false, has_email = false;
    bool address() const { return has_street || has_city || has_state || has_zip; }
  };
  auto uargs = std::make_shared<UpdateArgs>();
  CLI::App* update = AddCommand(
      *group, "update",
      "Change a customer's name, address of record, e-mail or telephone numbers of record, as "
      "HTTP PATCH does (services/customer_update): customer.updated in the ledger; a changed "
      "address, e-mail or number of record is an account change notified at once to the "
      "existing contact (47 CFR 64.2010(f)); a new address is not an address of record for 30 "
      "days (47 CFR 64.2003, 64.2010(b))");
  update->add_option("--carrier", uargs->carrier, "carrier id")->required();
  update->add_option("id", uargs->id, "customer id")->required();
  update->add_option("--if-match", uargs->if_match,
                     "the version read (customer update prints it; HTTP: the ETag without "
                     "quotes): refused, exit 6, when the record changed since");
  update->add_option("--name", uargs->name, "customer name");
  update->add_option("--street", uargs->street, "address of record: street");
  update->add_option("--city", uargs->city, "address of record: city");
  update->add_option("--state", uargs->state, "address of record: state code");
  update->add_option("--zip", uargs->zip, "address of record: ZIP code");
  update->add_option("--email", uargs->email, "e-mail address (\"\" clears it)");
  update->add_option("--phone", uargs->phones,
                     "telephone numbers of record, replacing the list (repeatable; the first "
                     "is primary)");
  update->callback([&ctx, uargs, update] {
    uargs->has_name = update->count("--name") > 0;
    uargs->has_street = update->count("--street") > 0;
    uargs->has_city = update->count("--city") > 0;
    uargs->has_state = update->count("--state") > 0;
    uargs->has_zip = update->count("--zip") > 0;
    uargs->has_email = update->count("--email") > 0;
    ctx.action = [&ctx, uargs] {
      const UpdateArgs& u = *uargs;
      if (!u.has_name && !u.address() && !u.has_email && u.phones.empty()) {
        return Fail(ctx, Status::InvalidArgument(
                             "name a field to change: --name, --street, --city, --state, --zip, "
                             "--email or --phone",
                             "customer"));
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const CarrierId carrier(u.carrier);
      const services::Actor actor = ctx.actor();
      std::optional<std::string> expected;
      if (!u.if_match.empty()) {
        std::string v = u.if_match;
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        expected = v;
      }
      // The same service as PATCH: version check, normalisation, the ledger
      // entry, the 64.2010(f) notices and the new address's date.
      auto updated = services::UpdateCustomer(
          **store, carrier, CustomerId(u.id), expected,
          [&u](Customer& c) {
            if (u.has_name) c.name = u.name;
            if (u.has_street) c.address_of_record.street = u.street;
            if (u.has_city) c.address_of_record.city = u.city;
            if (u.has_state) c.address_of_record.state = u.state;
            if (u.has_zip) c.address_of_record.postal_code = u.zip;
            // The service dates a changed address (unchanged: keeps its date).
            if (u.address()) c.address_since = CivilDate{};
            if (u.has_email) c.email = u.email;
            if (!u.phones.empty()) c.phones_of_record = u.phones;
            return Status::Ok();
          },
          actor);
      if (!updated.ok()) {
        const Status& st = updated.status();
        // A stale version is a failed precondition on the command line (exit 6).
        if (st.code() == StatusCode::kAborted) {
          return Fail(ctx, Status(StatusCode::kFailedPrecondition, st.message(), "if_match"));
        }
        return Fail(ctx, st);
      }
      // The notices this change queued (64.2010(f)).
      store::NotificationFilter f;
      f.customer = updated->id;
      f.limit = 1000;
      nlohmann::json notices = nlohmann::json::array();
      auto listed = services::ListNotifications(**store, carrier, f);
      if (!listed.ok()) return Fail(ctx, listed.status());
      for (const store::NotificationRow& n : *listed) {
        if (n.created_at >= actor.now) notices.push_back(services::NotificationToJson(n, actor.now));
      }
      const std::string version = services::CustomerVersion(*updated);
      if (ctx.global.json) {
        PrintJson({{"customer", services::CustomerToJson(*updated)},
                   {"version", version},
                   {"notifications", notices}});
      } else {
        PrintCustomer(*updated);
        std::cout << "  version:   " << version << "\n";
        if (u.address()) {
          std::cout << "  address of record since " << updated->address_since.ToString()
                    << ": a new address is not an address of record for 30 days (47 CFR "
                       "64.2003, 64.2010(b))\n";
        }
        std::cout << "  notices queued (47 CFR 64.2010(f)): " << notices.size() << "\n";
        for (const auto& n : notices) {
          std::cout << "    " << n["id"].get<int64_t>() << " " << n["channel"].get<std::string>()
                    << " (" << n["change_kind"].get<std::string>() << ")\n";
        }
      }
      return 0;
    };
  });

  struct ListArgs {
    int64_t carrier = 0;
    int64_t after = 0;
    int limit = 50;
  };
  auto largs = std::make_shared<ListArgs>();
  CLI::App* list = AddCommand(*group, "list", "List a carrier's customers, a page at a time");
  list->add_option("--carrier", largs->carrier, "carrier id")->required();
  // --cursor, the API's word (GET .../customers?cursor=): the next_cursor of
  // the previous page. --after, its old name, is kept as a hidden alias (not
  // in --help; both at once is a usage error).
  list->add_option("--cursor", largs->after,
                   "the next_cursor of the previous page (absent: the first page)");
  list->add_option("--after", largs->after, "old name of --cursor")->group("");
  list->add_option("--limit", largs->limit, "page size, 1 to 1000")->capture_default_str();
  list->callback([&ctx, largs, list] {
    ctx.action = [&ctx, largs, list] {
      if (list->count("--cursor") > 0 && list->count("--after") > 0) {
        return Fail(ctx, Status::InvalidArgument(
                             "give --cursor only (--after is its old name)", "cursor"));
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      store::CustomerPage page;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetCarrier(CarrierId(largs->carrier)).status());
        ASSIGN_OR_RETURN(page, tx.ListCustomers(CarrierId(largs->carrier),
                                                CustomerId(largs->after), largs->limit));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (ctx.global.json) {
        // The list carries no CPNI (no services): reading it is not a CPNI access.
        nlohmann::json items = nlohmann::json::array();
        for (const Customer& c : page.customers) {
          items.push_back({{"id", c.id.value()}, {"account_number", c.account_number},
                           {"customer_type", CustomerTypeName(c.type)}, {"name", c.name}});
        }
        nlohmann::json out = {{"customers", items}};
        // next_cursor as the API has it (a string, null on the last page);
        // "next", the number, kept for scripts written before.
        out["next_cursor"] =
            page.next ? nlohmann::json(page.next->ToString()) : nlohmann::json(nullptr);
        out["next"] = page.next ? nlohmann::json(page.next->value()) : nlohmann::json(nullptr);
        PrintJson(out);
      } else {
        std::printf("%-8s %-14s %-12s %s\n", "ID", "ACCOUNT", "TYPE", "NAME");
        for (const Customer& c : page.customers) {
          std::printf("%-8lld %-14s %-12s %s\n", static_cast<long long>(c.id.value()),
                      c.account_number.c_str(), CustomerTypeName(c.type), c.name.c_str());
        }
        if (page.next) {
          std::printf("more: proprio customer list --carrier %lld --cursor %lld\n",
                      static_cast<long long>(largs->carrier),
                      static_cast<long long>(page.next->value()));
        }
      }
      return 0;
    };
  });
}

void RegisterStaff(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(app, "staff", "Staff members of a carrier and their roles");
  group->require_subcommand(1);
  struct AddArgs {
    int64_t carrier = 0;
    Staff s;
    std::vector<std::string> roles;
  };
  auto args = std::make_shared<AddArgs>();
  CLI::App* add = AddCommand(*group, "add", "Add a staff member");
  add->add_option("--carrier", args->carrier, "carrier id")->required();
  add->add_option("--name", args->s.name, "full name")->required();
  add->add_option("--email", args->s.email, "work e-mail");
  add->add_option("--role", args->roles,
                  "role (repeatable): admin, compliance_officer, general_counsel, supervisor, "
                  "csr, marketing, security, auditor, system")
      ->required();
  add->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      Staff s = args->s;
      s.carrier = CarrierId(args->carrier);
      s.hired_on = CivilDate{};  // today, set by the service
      for (const std::string& r : args->roles) {
        auto role = ParseRole(r);
        if (!role.ok()) return Fail(ctx, role.status());
        s.roles.push_back(*role);
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto added = services::AddStaff(**store, s, ctx.actor());
      if (!added.ok()) return Fail(ctx, added.status());
      if (ctx.global.json) {
        PrintJson(services::StaffToJson(*added));
      } else {
        std::cout << "added staff member " << added->id.value() << " (" << added->name << ")\n";
      }
      return 0;
    };
  });
  auto list_carrier = std::make_shared<int64_t>(0);
  CLI::App* list = AddCommand(*group, "list", "List a carrier's staff");
  list->add_option("--carrier", *list_carrier, "carrier id")->required();
  list->callback([&ctx, list_carrier] {
    ctx.action = [&ctx, list_carrier] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::vector<Staff> staff;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetCarrier(CarrierId(*list_carrier)).status());
        ASSIGN_OR_RETURN(staff, tx.ListStaff(CarrierId(*list_carrier)));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (ctx.global.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const Staff& s : staff) out.push_back(services::StaffToJson(s));
        PrintJson({{"staff", out}});
      } else {
        std::printf("%-6s %-24s %s\n", "ID", "NAME", "ROLES");
        for (const Staff& s : staff) {
          std::string roles;
          for (Role r : s.roles) roles += (roles.empty() ? "" : ",") + std::string(RoleName(r));
          std::printf("%-6lld %-24s %s\n", static_cast<long long>(s.id.value()), s.name.c_str(),
                      roles.c_str());
        }
      }
      return 0;
    };
  });
}

}  // namespace proprio::cli
