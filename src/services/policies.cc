#include "services/policies.h"

#include "ledger/sha256.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

namespace {

Result<StoredPolicy> FromRow(const store::PolicyRow& row) {
  Result<rules::Policy> p = rules::ParsePolicy(row.toml);
  if (!p.ok()) {
    return Status::FailedPrecondition("stored policy version " + std::to_string(row.version) +
                                      " of carrier " + row.carrier.ToString() +
                                      " no longer passes the floor: " + p.status().message());
  }
  StoredPolicy out;
  out.policy = std::move(*p);
  out.toml = row.toml;
  out.sha256 = row.sha256;
  out.set_at = row.set_at;
  out.actor = row.actor;
  out.ledger_seq = row.ledger_seq;
  return out;
}

StoredPolicy Floor() {
  StoredPolicy out;
  out.policy = rules::FloorPolicy();
  out.toml = rules::PolicyToToml(out.policy);
  return out;
}

}  // namespace

Result<rules::Policy> CheckPolicy(std::string_view toml_text) {
  return rules::ParsePolicy(toml_text);
}

Result<StoredPolicy> SetPolicy(store::Store& store, CarrierId carrier, const std::string& toml_text,
                               const Actor& actor) {
  ASSIGN_OR_RETURN(rules::Policy policy, CheckPolicy(toml_text));
  const std::string sha = ledger::HashHex(ledger::Sha256Of(toml_text));
  StoredPolicy out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(std::optional<store::PolicyRow> current, tx.CurrentPolicy(carrier));
    if (current && policy.version <= current->version) {
      ASSIGN_OR_RETURN(std::optional<store::PolicyRow> same, tx.GetPolicy(carrier, policy.version));
      if (same && same->sha256 == sha) {
        ASSIGN_OR_RETURN(out, FromRow(*same));
        return Status::Ok();
      }
      if (same) {
        return Status::AlreadyExists("policy version " + std::to_string(policy.version) +
                                         " is already stored with other text; give the new text "
                                         "version " + std::to_string(current->version + 1),
                                     "version");
      }
      return Status::InvalidArgument("version " + std::to_string(policy.version) +
                                         " is not above the version in force (" +
                                         std::to_string(current->version) + "); give version " +
                                         std::to_string(current->version + 1),
                                     "version");
    }
    store::LedgerEvent ev;
    ev.carrier = carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "policy.set";
    ev.subject = "policy:" + std::to_string(policy.version);
    ev.body = json{{"version", policy.version},
                   {"name", policy.name},
                   {"sha256", sha},
                   {"approval_mode", rules::ApprovalModeName(policy.approval_mode)},
                   {"third_parties", rules::ThirdPartySharingName(policy.third_parties)}}
                  .dump();
    ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
    store::PolicyRow row;
    row.carrier = carrier;
    row.version = policy.version;
    row.name = policy.name;
    row.toml = toml_text;
    row.sha256 = sha;
    row.set_at = actor.now;
    row.actor = actor.id;
    row.ledger_seq = appended.seq;
    RETURN_IF_ERROR(tx.InsertPolicy(row));
    out.policy = policy;
    out.toml = toml_text;
    out.sha256 = sha;
    out.set_at = actor.now;
    out.actor = actor.id;
    out.ledger_seq = appended.seq;
    return Status::Ok();
  }));
  return out;
}

Result<StoredPolicy> LoadCurrentPolicy(store::Tx& tx, CarrierId carrier) {
  ASSIGN_OR_RETURN(std::optional<store::PolicyRow> row, tx.CurrentPolicy(carrier));
  if (!row) return Floor();
  return FromRow(*row);
}

Result<StoredPolicy> LoadPolicyVersion(store::Tx& tx, CarrierId carrier, int64_t version) {
  if (version == 0) return Floor();
  ASSIGN_OR_RETURN(std::optional<store::PolicyRow> row, tx.GetPolicy(carrier, version));
  if (!row) {
    return Status(StatusCode::kNotFound,
                  "carrier " + carrier.ToString() + " has no policy version " +
                      std::to_string(version),
                  "version");
  }
  return FromRow(*row);
}

Result<std::vector<StoredPolicy>> LoadPolicyHistory(store::Tx& tx, CarrierId carrier) {
  ASSIGN_OR_RETURN(std::vector<store::PolicyRow> rows, tx.ListPolicies(carrier));
  std::vector<StoredPolicy> out;
  for (const store::PolicyRow& r : rows) {
    ASSIGN_OR_RETURN(StoredPolicy p, FromRow(r));
    out.push_back(std::move(p));
  }
  return out;
}

Result<store::Page<StoredPolicy>> LoadPolicyHistory(store::Tx& tx, CarrierId carrier,
                                                    int64_t after, int limit) {
  ASSIGN_OR_RETURN(store::Page<store::PolicyRow> rows, tx.ListPolicies(carrier, after, limit));
  store::Page<StoredPolicy> out;
  for (const store::PolicyRow& r : rows.items) {
    ASSIGN_OR_RETURN(StoredPolicy p, FromRow(r));
    out.items.push_back(std::move(p));
  }
  out.next = rows.next;
  return out;
}

json PolicySummaryJson(const StoredPolicy& p) {
  const rules::Policy& pol = p.policy;
  json carve_outs = json::array();
  for (int i = 0; i < rules::kPurposeCount; ++i) {
    const auto purpose = static_cast<rules::Purpose>(i);
    if (rules::kDiscretionaryCarveOuts.Has(purpose) && pol.uses_without_approval.Has(purpose)) {
      carve_outs.push_back(rules::PurposeName(purpose));
    }
  }
  json j = {{"version", pol.version},
            {"name", pol.name},
            {"floor", p.floor()},
            {"approval_mode", rules::ApprovalModeName(pol.approval_mode)},
            {"uses_without_approval", carve_outs},
            {"third_parties", rules::ThirdPartySharingName(pol.third_parties)},
            {"new_carrier_requires_written_authorization",
             pol.new_carrier_requires_written_authorization},
            {"jv_contractor_requires_confidentiality_agreement",
             pol.jv_contractor_requires_confidentiality_agreement},
            {"jv_contractor_requires_opt_in", pol.jv_contractor_requires_opt_in},
            {"agent_requires_limited_use_certification",
             pol.agent_requires_limited_use_certification},
            {"dealer_requires_limited_use_certification",
             pol.dealer_requires_limited_use_certification},
            {"phone_requires_password_for_all_cpni", pol.phone_requires_password_for_all_cpni},
            {"service_initiation_days", pol.service_initiation_days},
            {"opt_out_wait_days", pol.opt_out_wait_days}};
  if (!p.floor()) {
    j["sha256"] = p.sha256;
    j["set_at"] = p.set_at.ToRfc3339();
    j["actor"] = p.actor;
    j["ledger_seq"] = p.ledger_seq;
  }
  return j;
}

rules::BusinessCalendar CarrierRules::Calendar() const {
  return rules::BusinessCalendar(zone ? *zone : rules::TimeZone::Utc(), policy->policy.Calendar());
}

Result<CarrierRules> LoadCarrierRules(store::Tx& tx, CarrierId carrier) {
  ASSIGN_OR_RETURN(Carrier c, tx.GetCarrier(carrier));
  CarrierRules out;
  out.carrier = carrier;
  ASSIGN_OR_RETURN(out.zone, LoadTimeZone(c.time_zone));
  ASSIGN_OR_RETURN(StoredPolicy p, LoadCurrentPolicy(tx, carrier));
  out.policy = std::make_shared<const StoredPolicy>(std::move(p));
  return out;
}

}  // namespace proprio::services
