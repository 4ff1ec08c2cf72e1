// The partner registry (47 CFR 64.2007(b)) and the customers' written
// authorizations for a new carrier (47 U.S.C. 222(c)(2)), from the command
// line, over services/partners.h:
//
//   proprio partner add     --carrier C --name N --kind K [--contact TEXT]
//   proprio partner update  --carrier C --partner ID [--name N] [--kind K] [--contact TEXT]
//   proprio partner agreement --carrier C --partner ID --document REF --effective DATE
//                           [--expires DATE] --terms use_only_for_purpose,no_further_disclosure,safeguards
//   proprio partner certify --carrier C --partner ID --document REF --signed DATE [--expires DATE]
//   proprio partner show    --carrier C --partner ID
//   proprio partner list    --carrier C [--kind K]
//   proprio partner authorize-new-carrier --carrier C --customer N --new-carrier NAME
//                           --document REF --signed DATE
//
// Kinds: affiliate, agent, joint_venturer, independent_contractor, dealer.
// `agreement` records the confidentiality agreement of 64.2007(b)(2) (joint
// venturers and independent contractors), each of the three terms attested
// by name; `certify` the limited-use certification the carrier's policy asks
// of agents and dealers. Each change is one ledger entry.
#include <iostream>
#include <sstream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "services/partners.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct PartnerArgs {
  int64_t carrier = 0;
  int64_t partner = 0;
  int64_t customer = 0;
  std::string name, kind, contact, document, effective, expires, terms, signed_on, new_carrier;
  CLI::App* update = nullptr;
};

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string PartnerLine(const json& p) {
  return "partner " + std::to_string(p["id"].get<int64_t>()) + " '" + p["name"].get<std::string>() +
         "' (" + p["kind"].get<std::string>() + ", ledger entry " +
         std::to_string(p["ledger_seq"].get<int64_t>()) + ")\n";
}

std::string Until(const json& v) { return v.is_null() ? "until terminated" : "to " + v.get<std::string>(); }

std::string PartnerText(const json& p) {
  std::ostringstream out;
  out << "partner " << p["id"].get<int64_t>() << ": " << p["name"].get<std::string>() << "\n"
      << "  kind:          " << p["kind"].get<std::string>() << "\n"
      << "  contact:       " << Dash(p["contact"]) << "\n";
  const json& a = p["agreement"];
  if (a.is_null()) {
    out << "  agreement:     none on record\n";
  } else {
    std::string terms;
    for (const auto& t : a["terms"]) terms += (terms.empty() ? "" : ", ") + t.get<std::string>();
    out << "  agreement:     " << a["document"].get<std::string>() << ", from "
        << a["effective_on"].get<std::string>() << " " << Until(a["expires_on"]) << " (" << terms
        << "; 47 CFR 64.2007(b)(2))\n";
  }
  const json& c = p["certification"];
  if (c.is_null()) {
    out << "  certification: none on record\n";
  } else {
    out << "  certification: " << c["document"].get<std::string>() << ", signed "
        << c["signed_on"].get<std::string>() << " " << Until(c["expires_on"]) << "\n";
  }
  out << "  version:       " << p["ledger_seq"].get<int64_t>() << "\n";
  return out.str();
}

void Carrier(CLI::App* cmd, PartnerArgs& a, bool partner) {
  cmd->add_option("--carrier", a.carrier, "carrier id")->required();
  if (partner) cmd->add_option("--partner", a.partner, "partner id")->required();
}

int Change(Context& ctx, const PartnerArgs& a,
           const std::function<Result<services::PartnerChange>()>& make) {
  return Run(
      ctx,
      [&](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(services::PartnerChange in, make());
        ASSIGN_OR_RETURN(auto row,
                         services::UpdatePartner(s, CarrierId(a.carrier), a.partner, in, 0, actor));
        return services::PartnerToJson(row);
      },
      PartnerLine);
}

}  // namespace

void RegisterPartner(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<PartnerArgs>();
  CLI::App* group = AddCommand(app, "partner",
                               "Partners CPNI may reach: affiliates, agents, joint venturers, "
                               "independent contractors, dealers (47 CFR 64.2007(b))");

  CLI::App* add = Leaf(group, ctx, "add", "Register a partner", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor& actor) -> Result<json> {
          services::PartnerChange in;
          in.name = a->name;
          in.kind = a->kind;
          in.contact = a->contact;
          ASSIGN_OR_RETURN(auto row, services::AddPartner(s, CarrierId(a->carrier), in, actor));
          return services::PartnerToJson(row);
        },
        PartnerLine);
  });
  Carrier(add, *a, false);
  add->add_option("--name", a->name, "the partner's name (unique for the carrier)")->required();
  add->add_option("--kind", a->kind,
                  "affiliate, agent, joint_venturer, independent_contractor or dealer")
      ->required();
  add->add_option("--contact", a->contact, "who to reach there");

  a->update = Leaf(group, ctx, "update", "Change a partner's name, kind or contact", [&ctx, a] {
    return Change(ctx, *a, [a]() -> Result<services::PartnerChange> {
      services::PartnerChange in;
      if (a->update->count("--name")) in.name = a->name;
      if (a->update->count("--kind")) in.kind = a->kind;
      if (a->update->count("--contact")) in.contact = a->contact;
      return in;
    });
  });
  Carrier(a->update, *a, true);
  a->update->add_option("--name", a->name, "new name");
  a->update->add_option("--kind", a->kind, "new kind");
  a->update->add_option("--contact", a->contact, "new contact");

  CLI::App* agreement = Leaf(
      group, ctx, "agreement",
      "Record a joint venturer's or independent contractor's confidentiality agreement "
      "(47 CFR 64.2007(b)(2))",
      [&ctx, a] {
        return Change(ctx, *a, [a]() -> Result<services::PartnerChange> {
          services::AgreementInput in;
          in.document = a->document;
          ASSIGN_OR_RETURN(in.effective_on, DateOption(a->effective, "agreement.effective_on"));
          if (!a->expires.empty()) {
            ASSIGN_OR_RETURN(CivilDate until, DateOption(a->expires, "agreement.expires_on"));
            in.expires_on = until;
          }
          in.terms = SplitList(a->terms);
          services::PartnerChange change;
          change.agreement = std::move(in);
          return change;
        });
      });
  Carrier(agreement, *a, true);
  agreement->add_option("--document", a->document, "the signed agreement's reference")->required();
  agreement->add_option("--effective", a->effective, "first day in force (YYYY-MM-DD)")->required();
  agreement->add_option("--expires", a->expires, "last day in force (YYYY-MM-DD; none: until terminated)");
  agreement->add_option("--terms", a->terms,
                        "the terms the signed text holds, comma-separated: use_only_for_purpose, "
                        "no_further_disclosure, safeguards (all three required)")
      ->required();

  CLI::App* certify = Leaf(
      group, ctx, "certify",
      "Record an agent's or dealer's signed certification of limited use (carrier policy)",
      [&ctx, a] {
        return Change(ctx, *a, [a]() -> Result<services::PartnerChange> {
          services::CertificationInput in;
          in.document = a->document;
          ASSIGN_OR_RETURN(in.signed_on, DateOption(a->signed_on, "certification.signed_on"));
          if (!a->expires.empty()) {
            ASSIGN_OR_RETURN(CivilDate until, DateOption(a->expires, "certification.expires_on"));
            in.expires_on = until;
          }
          services::PartnerChange change;
          change.certification = std::move(in);
          return change;
        });
      });
  Carrier(certify, *a, true);
  certify->add_option("--document", a->document, "the signed certification's reference")->required();
  certify->add_option("--signed", a->signed_on, "the day signed (YYYY-MM-DD)")->required();
  certify->add_option("--expires", a->expires, "last day in force (YYYY-MM-DD)");

  CLI::App* show = Leaf(group, ctx, "show", "A partner and what it has signed", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto row, services::GetPartner(s, CarrierId(a->carrier), a->partner));
          return services::PartnerToJson(row);
        },
        PartnerText);
  });
  Carrier(show, *a, true);

  CLI::App* list = Leaf(group, ctx, "list", "The carrier's partners", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          json items = json::array();
          for (int64_t after = 0;;) {
            ASSIGN_OR_RETURN(auto page,
                             services::ListPartners(s, CarrierId(a->carrier), a->kind, after, 1000));
            for (const auto& p : page.items) items.push_back(services::PartnerToJson(p));
            if (!page.next) break;
            after = *page.next;
          }
          return json{{"partners", items}};
        },
        [](const json& j) -> std::string {
          if (j["partners"].empty()) return "no partners\n";
          std::vector<std::vector<std::string>> rows;
          for (const auto& p : j["partners"]) {
            const json& ag = p["agreement"];
            const json& ce = p["certification"];
            std::string signed_what = "-";
            if (!ag.is_null()) {
              signed_what = "agreement " + ag["document"].get<std::string>() + " " +
                            ag["effective_on"].get<std::string>() + " " + Until(ag["expires_on"]);
            } else if (!ce.is_null()) {
              signed_what = "certification " + ce["document"].get<std::string>() + " " +
                            ce["signed_on"].get<std::string>();
            }
            rows.push_back({std::to_string(p["id"].get<int64_t>()), p["kind"].get<std::string>(),
                            p["name"].get<std::string>(), signed_what});
          }
          return Table({"ID", "KIND", "NAME", "SIGNED"}, rows);
        });
  });
  Carrier(list, *a, false);
  list->add_option("--kind", a->kind, "only partners of this kind");

  CLI::App* authorize = Leaf(
      group, ctx, "authorize-new-carrier",
      "Record a customer's express written authorization to give its CPNI to a new carrier "
      "(47 U.S.C. 222(c)(2)); decisions name it by --document",
      [&ctx, a] {
        return Run(
            ctx,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(CivilDate on, DateOption(a->signed_on, "signed_on"));
              ASSIGN_OR_RETURN(auto row, services::RecordNewCarrierAuthorization(
                                             s, CarrierId(a->carrier), CustomerId(a->customer),
                                             a->new_carrier, a->document, on, actor));
              return services::NewCarrierAuthorizationToJson(row);
            },
            [](const json& r) {
              return "written authorization " + r["document"].get<std::string>() +
                     " of customer " + std::to_string(r["customer"].get<int64_t>()) + " for " +
                     r["new_carrier"].get<std::string>() + " recorded (ledger entry " +
                     std::to_string(r["ledger_seq"].get<int64_t>()) + ")\n";
            });
      });
  Carrier(authorize, *a, false);
  authorize->add_option("--customer", a->customer, "customer id")->required();
  authorize->add_option("--new-carrier", a->new_carrier, "the carrier the customer moves to")
      ->required();
  authorize->add_option("--document", a->document, "the signed authorization's reference")
      ->required();
  authorize->add_option("--signed", a->signed_on, "the day the customer signed (YYYY-MM-DD)")
      ->required();
}

}  // namespace proprio::cli
