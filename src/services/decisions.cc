#include "services/decisions.h"

#include <future>

#include "services/internal/json_object.h"
#include "services/partners.h"
#include "services/policies.h"

namespace proprio::services {

using internal::BadField;
using internal::JsonObject;
using nlohmann::json;

namespace {

std::string Prefix(bool batch, size_t i) {
  return batch ? "requests[" + std::to_string(i) + "]." : std::string();
}

Status WithPrefix(const Status& s, const std::string& prefix) {
  if (s.ok() || prefix.empty()) return s;
  return Status(s.code(), prefix + s.message(), s.field().empty() ? std::string() : prefix + s.field());
}

Status UnknownCustomer(CustomerId id, const std::string& prefix) {
  return Status(StatusCode::kNotFound,
                prefix + "customer: no customer " + id.ToString() + " for this carrier",
                prefix + "customer");
}

// The floor itself when the carrier has no policy: Decide() then skips its
// re-check under the floor (which would give the same answer).
const rules::Policy& PolicyOf(const CarrierRules& cr) {
  return cr.policy->floor() ? rules::FloorPolicy() : cr.policy->policy;
}

Result<rules::RuleSet> RuleSetOf(const DecideOptions& o, Instant at, const rules::RuleConfig& c) {
  if (o.rule_set.empty()) return rules::RuleSetFor(at, c);
  return rules::RuleSetByName(o.rule_set, at, c);
}

Status CheckRuleSetName(const DecideOptions& o) {
  if (o.rule_set.empty()) return Status::Ok();
  return rules::RuleSetByName(o.rule_set, Instant::FromSeconds(1), {}).status();
}

std::string JoinBasis(const rules::Decision& d) {
  std::string out;
  for (std::string_view b : d.basis) {
    if (!out.empty()) out += '|';
    out += b;
  }
  return out;
}

std::string RequirementText(const rules::Requirement& r) {
  std::string s(rules::RequirementKindName(r.kind));
  if (r.has_scope) s += ":" + std::string(rules::ApprovalScopeName(r.scope));
  if (r.any_of_group) s += "/" + std::to_string(r.any_of_group);
  return s;
}

std::string JoinRequires(const rules::Decision& d) {
  std::string out;
  for (const rules::Requirement& r : d.requirements) {
    if (!out.empty()) out += ',';
    out += RequirementText(r);
  }
  return out;
}

store::DecisionRow RowFor(CarrierId carrier, const rules::DecisionRequest& r,
                          const rules::Decision& d, bool what_if, const Actor& actor) {
  store::DecisionRow row;
  row.carrier = carrier;
  row.customer = r.customer;
  row.at = r.at;
  row.decided_at = actor.now;
  row.actor = actor.id;
  row.action = static_cast<int>(r.action);
  row.purpose = static_cast<int>(r.purpose);
  row.recipient_kind = static_cast<int>(r.recipient.kind);
  row.recipient_id = r.recipient.id;
  row.cpni = r.cpni.bits();
  row.service_category = static_cast<int>(r.service_category);
  row.offering = static_cast<int>(r.offering);
  row.context_flags = r.context.flags.bits();
  row.channel = static_cast<int>(r.context.channel);
  row.allowed = d.allowed;
  row.rule_set = std::string(d.rule_set);
  row.what_if = what_if;
  row.policy_version = d.policy_version;
  row.basis = JoinBasis(d);
  row.requires_ = JoinRequires(d);
  row.reason = rules::ReasonText(d);
  return row;
}

json RequirementToJson(const rules::Requirement& r) {
  json j = {{"kind", rules::RequirementKindName(r.kind)}};
  if (r.has_scope) j["scope"] = rules::ApprovalScopeName(r.scope);
  if (r.any_of_group) j["any_of"] = r.any_of_group;
  return j;
}

// Facts of one customer from the store, at `at`.
Result<rules::CustomerFacts> FactsFromStore(store::Tx& tx, const CarrierRules& cr,
                                            CustomerId customer, Instant at,
                                            const rules::RuleConfig& config,
                                            const std::string& prefix) {
  ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> row,
                   tx.GetCustomerFacts(cr.carrier, customer));
  if (!row) return UnknownCustomer(customer, prefix);
  ASSIGN_OR_RETURN(std::vector<store::ApprovalEventRow> events,
                   tx.ListApprovalEvents(cr.carrier, customer));
  rules::CustomerFacts f;
  f.customer = customer;
  f.services = ServiceSet(row->services);
  f.type = row->customer_type == 1 ? CustomerType::kBusiness : CustomerType::kResidential;
  f.business_cpni_contract = row->business_cpni_contract;
  // 64.2003(f): closed at or before `at`: a former customer.
  f.former_customer = row->closed_at && *row->closed_at <= at;
  f.approval = FoldApprovalStatus(events, at, cr, config);
  return f;
}

}  // namespace

// ---- JSON ----

Result<rules::DecisionRequest> DecisionRequestFromJson(const json& j, const std::string& prefix) {
  JsonObject o(j, prefix);
  rules::DecisionRequest r;
  auto parse = [&](auto result, auto& into) {
    if (!result.ok()) o.Fail(result.status());
    else into = *result;
  };
  if (auto c = o.Int("customer", 1, INT64_MAX, true)) r.customer = CustomerId(*c);
  if (auto a = o.String("action", 64, true)) parse(rules::ParseAction(*a, prefix + "action"), r.action);
  if (auto p = o.String("purpose", 64, true)) {
    parse(rules::ParsePurpose(*p, prefix + "purpose"), r.purpose);
  }
  if (const json* rec = o.Object("recipient", false)) {
    JsonObject ro(*rec, prefix + "recipient.");
    if (auto k = ro.String("kind", 64, true)) {
      parse(rules::ParseRecipientKind(*k, prefix + "recipient.kind"), r.recipient.kind);
    }
    if (auto id = ro.Int("id", 0, INT64_MAX, false)) r.recipient.id = *id;
    o.Fail(ro.Finish());
  }
  if (const json* cpni = o.Array("cpni", rules::kCpniCategoryCount * 2, true)) {
    for (size_t i = 0; i < cpni->size() && !o.failed(); ++i) {
      const std::string field = prefix + "cpni[" + std::to_string(i) + "]";
      const json& v = (*cpni)[i];
      if (!v.is_string()) {
        o.Fail(BadField(field, "must be a CPNI category name"));
        break;
      }
      rules::CpniCategory c{};
      parse(rules::ParseCpniCategory(v.get_ref<const std::string&>(), field), c);
      if (!o.failed()) r.cpni.Add(c);
    }
  }
  if (auto s = o.String("service_category", 64, true)) {
    parse(rules::ParseRequestServiceCategory(*s, prefix + "service_category"), r.service_category);
  }
  if (auto off = o.String("offering", 64, false)) {
    parse(rules::ParseOffering(*off, prefix + "offering"), r.offering);
  }
  if (const json* ctx = o.Object("context", false)) {
    for (auto it = ctx->begin(); it != ctx->end() && !o.failed(); ++it) {
      const std::string field = prefix + "context." + it.key();
      if (it.key() == "channel") {
        if (!it->is_string()) {
          o.Fail(BadField(field, "must be an access channel name"));
          break;
        }
        parse(rules::ParseAccessChannel(it->get_ref<const std::string&>(), field),
              r.context.channel);
      } else if (it.key() == "written_request_document") {
        if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
            it->get_ref<const std::string&>().size() > rules::kMaxDocumentId) {
          o.Fail(BadField(field, "must be a document id of 1 to 64 bytes"));
          break;
        }
        r.context.written_request_document = it->get<std::string>();
      } else if (it.key() == "call_id") {
        if (!it->is_string() || it->get_ref<const std::string&>().size() > 200) {
          o.Fail(BadField(field, "must be a string of at most 200 bytes"));
          break;
        }
        r.context.call_id = it->get<std::string>();
      } else {
        rules::ContextFlag flag{};
        parse(rules::ParseContextFlag(it.key(), field), flag);
        if (o.failed()) break;
        if (!it->is_boolean()) {
          o.Fail(BadField(field, "must be true or false"));
          break;
        }
        if (it->get<bool>()) r.context.flags.Add(flag);
      }
    }
  }
  if (auto at = o.Time("at", true)) r.at = *at;
  RETURN_IF_ERROR(o.Finish());
  RETURN_IF_ERROR(WithPrefix(rules::ValidateRequest(r), prefix));
  return r;
}

Result<std::vector<rules::DecisionRequest>> DecisionRequestsFromJson(const json& body,
                                                                     bool* batch) {
  *batch = body.is_object() && body.contains("requests");
  std::vector<rules::DecisionRequest> out;
  if (!*batch) {
    ASSIGN_OR_RETURN(rules::DecisionRequest r, DecisionRequestFromJson(body));
    out.push_back(std::move(r));
    return out;
  }
  JsonObject o(body, "");
  const json* list = o.Array("requests", kMaxDecisionBatch, true);
  RETURN_IF_ERROR(o.Finish());
  if (list->empty()) return BadField("requests", "give at least one request");
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(rules::DecisionRequest r, DecisionRequestFromJson((*list)[i], Prefix(true, i)));
    out.push_back(std::move(r));
  }
  return out;
}

json WithDefaultInstant(json body, Instant now) {
  auto fill = [&](json& r) {
    if (r.is_object() && !r.contains("at")) r["at"] = now.ToRfc3339();
  };
  if (body.is_object() && body.contains("requests") && body["requests"].is_array()) {
    for (json& r : body["requests"]) fill(r);
  } else {
    fill(body);
  }
  return body;
}

json DecisionToJson(const rules::Decision& d) {
  json basis = json::array();
  for (std::string_view b : d.basis) basis.push_back(b);
  json req = json::array();
  for (const rules::Requirement& r : d.requirements) req.push_back(RequirementToJson(r));
  json j = {{"allowed", d.allowed},
             {"basis", basis},
             {"reason", rules::ReasonText(d)},
             {"requires", req},
             {"rule_set", d.rule_set},
             {"policy_version", d.policy_version},
             {"decision_id", d.decision_id},
             {"legal_category", rules::PurposeName(d.legal_category)},
             {"label_overridden", d.label_overridden}};
  // Issue 14: the facts overrode the caller's marketing_* label; say so.
  if (d.label_overridden) j["note"] = rules::LabelNote(d);
  return j;
}

json DecisionRequestToJson(const rules::DecisionRequest& r) {
  json cpni = json::array();
  for (int i = 0; i < rules::kCpniCategoryCount; ++i) {
    const auto c = static_cast<rules::CpniCategory>(i);
    if (r.cpni.Has(c)) cpni.push_back(rules::CpniCategoryName(c));
  }
  json context = json::object();
  for (int i = 0; i < rules::kContextFlagCount; ++i) {
    const auto f = static_cast<rules::ContextFlag>(i);
    if (r.context.flags.Has(f)) context[std::string(rules::ContextFlagName(f))] = true;
  }
  if (r.context.channel != rules::AccessChannel::kNone) {
    context["channel"] = rules::AccessChannelName(r.context.channel);
  }
  if (!r.context.call_id.empty()) context["call_id"] = r.context.call_id;
  if (!r.context.written_request_document.empty()) {
    context["written_request_document"] = r.context.written_request_document;
  }
  json j = {{"customer", r.customer.value()},
            {"action", rules::ActionName(r.action)},
            {"purpose", rules::PurposeName(r.purpose)},
            {"recipient", {{"kind", rules::RecipientKindName(r.recipient.kind)}}},
            {"cpni", cpni},
            {"service_category", ServiceCategoryName(r.service_category)},
            {"at", r.at.ToRfc3339()}};
  if (r.recipient.id) j["recipient"]["id"] = r.recipient.id;
  if (r.offering != rules::Offering::kUnspecified) j["offering"] = rules::OfferingName(r.offering);
  if (!context.empty()) j["context"] = context;
  return j;
}

json DecisionRowToJson(const store::DecisionRow& row) {
  rules::DecisionRequest r;
  r.customer = row.customer;
  r.action = static_cast<rules::Action>(row.action);
  r.purpose = static_cast<rules::Purpose>(row.purpose);
  r.recipient = {static_cast<rules::RecipientKind>(row.recipient_kind), row.recipient_id};
  r.cpni = rules::CpniSet::FromBits(row.cpni);
  r.service_category = static_cast<ServiceCategory>(row.service_category);
  r.offering = static_cast<rules::Offering>(row.offering);
  r.context.flags = rules::ContextFlags::FromBits(row.context_flags);
  r.context.channel = static_cast<rules::AccessChannel>(row.channel);
  r.at = row.at;
  json basis = json::array();
  for (size_t start = 0; start < row.basis.size();) {
    const size_t bar = std::min(row.basis.find('|', start), row.basis.size());
    basis.push_back(row.basis.substr(start, bar - start));
    start = bar + 1;
  }
  json req = json::array();
  for (size_t start = 0; start < row.requires_.size();) {
    const size_t comma = std::min(row.requires_.find(',', start), row.requires_.size());
    std::string item = row.requires_.substr(start, comma - start);
    json r_item;
    const size_t slash = item.find('/');
    if (slash != std::string::npos) {
      r_item["any_of"] = std::atoi(item.c_str() + slash + 1);
      item.resize(slash);
    }
    const size_t colon = item.find(':');
    if (colon != std::string::npos) {
      r_item["scope"] = item.substr(colon + 1);
      item.resize(colon);
    }
    r_item["kind"] = item;
    req.push_back(r_item);
    start = comma + 1;
  }
  return {{"decision_id", row.id},
          {"allowed", row.allowed},
          {"basis", basis},
          {"reason", row.reason},
          {"requires", req},
          {"rule_set", row.rule_set},
          {"what_if", row.what_if},
          {"policy_version", row.policy_version},
          {"decided_at", row.decided_at.ToRfc3339()},
          {"actor", row.actor},
          {"request", DecisionRequestToJson(r)}};
}

rules::ApprovalStatus FoldApprovalStatus(const std::vector<store::ApprovalEventRow>& events,
                                         Instant at, const CarrierRules& cr,
                                         const rules::RuleConfig& config) {
  rules::ApprovalRecord record;
  for (const store::ApprovalEventRow& row : events) {
    if (row.at > at) continue;
    (void)record.Apply(ApprovalEventFromRow(row), rules::RuleSetFor(row.at, config),
                       cr.policy->policy, *cr.zone);
  }
  return record.StatusAt(at, *cr.zone);
}

// ---- without the index ----

Result<std::vector<rules::Decision>> DecideOnce(store::Store& store, CarrierId carrier,
                                                std::span<const rules::DecisionRequest> requests,
                                                const DecideOptions& options,
                                                const rules::RuleConfig& config,
                                                const Actor& actor, bool batch) {
  RETURN_IF_ERROR(CheckRuleSetName(options));
  std::vector<rules::Decision> out(requests.size());
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    for (size_t i = 0; i < requests.size(); ++i) {
      const rules::DecisionRequest& r = requests[i];
      const std::string prefix = Prefix(batch, i);
      RETURN_IF_ERROR(WithPrefix(rules::ValidateRequest(r), prefix));
      ASSIGN_OR_RETURN(rules::CustomerFacts facts,
                       FactsFromStore(tx, cr, r.customer, r.at, config, prefix));
      if (NeedsRegistryFacts(r)) {
        RETURN_IF_ERROR(FillRegistryFacts(tx, carrier, r, cr.zone->LocalDate(r.at), &facts));
      }
      ASSIGN_OR_RETURN(rules::RuleSet rs, RuleSetOf(options, r.at, config));
      out[i] = rules::Decide(r, facts, rs, PolicyOf(cr));
      ASSIGN_OR_RETURN(out[i].decision_id,
                       tx.InsertDecision(RowFor(carrier, r, out[i], !options.rule_set.empty(), actor)));
    }
    return Status::Ok();
  }));
  return out;
}

// ---- the service ----

DecisionService::DecisionService(store::Store& store, DecisionServiceOptions options)
    : store_(store),
      options_(std::move(options)),
      index_(options_.rules),
      committer_(store, options_.log) {}

DecisionService::~DecisionService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status DecisionService::LoadIndex() {
  RETURN_IF_ERROR(index_.Load(store_));
  ready_.store(true, std::memory_order_release);
  return Status::Ok();
}

void DecisionService::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void DecisionService::Loop() {
  if (!ready_.load()) (void)LoadIndex();  // on failure decisions keep reading the store
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (options_.refresh.count() <= 0) {
      cv_.wait(lock, [&] { return stopping_; });
      break;
    }
    if (cv_.wait_for(lock, options_.refresh, [&] { return stopping_; })) break;
    lock.unlock();
    if (!ready_.load()) {
      (void)LoadIndex();
    } else {
      (void)index_.CatchUpAll(store_);
    }
    lock.lock();
  }
}

Status DecisionService::Changed(CarrierId carrier) {
  if (!ready_.load(std::memory_order_acquire)) return Status::Ok();
  return index_.CatchUp(store_, carrier);
}

Status DecisionService::Evaluate(CarrierId carrier,
                                 std::span<const rules::DecisionRequest> requests,
                                 const DecideOptions& options, rules::Decision* out, bool batch) {
  RETURN_IF_ERROR(CheckRuleSetName(options));
  std::vector<size_t> rest;  // requests the index could not answer
  bool caught_up = false;
  if (ready_.load(std::memory_order_acquire)) {
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<size_t> undecided;
      if (pass == 0) {
        undecided.resize(requests.size());
        for (size_t i = 0; i < requests.size(); ++i) undecided[i] = i;
      } else {
        undecided.swap(rest);
      }
      rest.clear();
      bool missing_customer = false;
      {
        ApprovalIndex::Reader reader(index_);
        const CarrierRules* cr = reader.Carrier(carrier);
        if (cr) {
          rules::CustomerFacts facts;
          for (size_t i : undecided) {
            const rules::DecisionRequest& r = requests[i];
            // The partner registry and the written authorizations on record
            // are read from the store (services/partners.h).
            if (NeedsRegistryFacts(r)) {
              rest.push_back(i);
              continue;
            }
            switch (reader.Facts(carrier, r.customer, r.at, &facts)) {
              case ApprovalIndex::Found::kYes: {
                Result<rules::RuleSet> rs = RuleSetOf(options, r.at, options_.rules);
                if (!rs.ok()) return rs.status();
                out[i] = rules::Decide(r, facts, *rs, PolicyOf(*cr));
                break;
              }
              case ApprovalIndex::Found::kNoCustomer:
              case ApprovalIndex::Found::kNoCarrier:
                missing_customer = true;
                rest.push_back(i);
                break;
              case ApprovalIndex::Found::kPast:
                rest.push_back(i);
                break;
            }
          }
        } else {
          missing_customer = true;
          rest = undecided;
        }
      }
      // A customer (or carrier) the index does not hold may have been added
      // since it last looked: catch up once, then ask again.
      if (!missing_customer || caught_up) break;
      caught_up = true;
      RETURN_IF_ERROR(index_.CatchUp(store_, carrier));
    }
  } else {
    rest.resize(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) rest[i] = i;
  }
  if (rest.empty()) return Status::Ok();
  return EvaluateFromStore(carrier, requests, rest, options, out, batch);
}

Status DecisionService::EvaluateFromStore(CarrierId carrier,
                                          std::span<const rules::DecisionRequest> requests,
                                          std::span<const size_t> which,
                                          const DecideOptions& options, rules::Decision* out,
                                          bool batch) {
  return store_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    for (size_t i : which) {
      const rules::DecisionRequest& r = requests[i];
      ASSIGN_OR_RETURN(rules::CustomerFacts facts,
                       FactsFromStore(tx, cr, r.customer, r.at, options_.rules, Prefix(batch, i)));
      if (NeedsRegistryFacts(r)) {
        RETURN_IF_ERROR(FillRegistryFacts(tx, carrier, r, cr.zone->LocalDate(r.at), &facts));
      }
      ASSIGN_OR_RETURN(rules::RuleSet rs, RuleSetOf(options, r.at, options_.rules));
      out[i] = rules::Decide(r, facts, rs, PolicyOf(cr));
    }
    return Status::Ok();
  });
}

void DecisionService::DecideAsync(CarrierId carrier, std::vector<rules::DecisionRequest> requests,
                                  const DecideOptions& options, const Actor& actor, bool batch,
                                  std::function<void(Result<std::vector<rules::Decision>>)> done,
                                  const std::function<void(const std::vector<rules::Decision>&)>&
                                      prepare) {
  for (size_t i = 0; i < requests.size(); ++i) {
    Status valid = WithPrefix(rules::ValidateRequest(requests[i]), Prefix(batch, i));
    if (!valid.ok()) return done(valid);
  }
  auto decisions = std::make_shared<std::vector<rules::Decision>>(requests.size());
  Status st = Evaluate(carrier, requests, options, decisions->data(), batch);
  if (!st.ok()) return done(st);
  if (prepare) prepare(*decisions);
  auto rows = std::make_shared<std::vector<store::DecisionRow>>();
  rows->reserve(requests.size());
  const bool what_if = !options.rule_set.empty();
  for (size_t i = 0; i < requests.size(); ++i) {
    rows->push_back(RowFor(carrier, requests[i], (*decisions)[i], what_if, actor));
  }
  committer_.SubmitWithCallback(
      [rows, decisions](store::Tx& tx) -> Status {
        for (size_t i = 0; i < rows->size(); ++i) {
          ASSIGN_OR_RETURN((*decisions)[i].decision_id, tx.InsertDecision((*rows)[i]));
        }
        return Status::Ok();
      },
      [decisions, done = std::move(done)](Status logged) {
        if (!logged.ok()) {
          return done(Status::Unavailable("the decisions could not be logged: " +
                                          logged.message()));
        }
        done(std::move(*decisions));
      });
}

Result<std::vector<rules::Decision>> DecisionService::Decide(
    CarrierId carrier, std::span<const rules::DecisionRequest> requests,
    const DecideOptions& options, const Actor& actor, bool batch) {
  std::promise<Result<std::vector<rules::Decision>>> promise;
  auto future = promise.get_future();
  DecideAsync(carrier, std::vector<rules::DecisionRequest>(requests.begin(), requests.end()),
              options, actor, batch,
              [&promise](Result<std::vector<rules::Decision>> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace proprio::services
