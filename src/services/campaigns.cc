#include "services/campaigns.h"

#include <algorithm>
#include <map>
#include <thread>
#include <unordered_map>

#include "core/csv.h"
#include "core/text.h"
#include "ledger/sha256.h"
#include "rules/vocabulary.h"
#include "services/policies.h"

namespace proprio::services {

using nlohmann::json;

namespace {

constexpr size_t kMaxText = 4000;
// Distinct facts one audience walk remembers decisions for: beyond it (a
// carrier whose customers' approval instants all differ) it decides anew.
constexpr size_t kMaxMemo = 1 << 16;
constexpr int kExportPage = 1000;

Status CheckText(const std::string& value, const char* field, size_t max) {
  if (value.empty()) return Status::InvalidArgument(std::string(field) + " is required", field);
  if (value.size() > max) {
    return Status::InvalidArgument(
        std::string(field) + " is longer than " + std::to_string(max) + " bytes", field);
  }
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

bool KnownChannel(std::string_view channel) {
  return std::any_of(std::begin(kCampaignChannels), std::end(kCampaignChannels),
                     [&](const char* c) { return channel == c; });
}

// The question a campaign asks of every customer: may the carrier use this
// CPNI, from this service, to market this offering (64.2005, 64.2007(b))?
Result<rules::DecisionRequest> CampaignRequest(const store::CampaignRow& c, Instant at) {
  rules::DecisionRequest r;
  r.customer = CustomerId(1);
  r.action = rules::Action::kUse;
  r.purpose = rules::Purpose::kMarketing;
  for (const std::string& name : SplitList(c.cpni_categories, ',')) {
    ASSIGN_OR_RETURN(rules::CpniCategory cat, rules::ParseCpniCategory(name, "cpni"));
    r.cpni.Add(cat);
  }
  ASSIGN_OR_RETURN(r.offering, rules::ParseOffering(c.offering, "offering"));
  ASSIGN_OR_RETURN(r.service_category,
                   rules::ParseRequestServiceCategory(c.service_category, "service_category"));
  r.at = at;
  RETURN_IF_ERROR(rules::ValidateRequest(r));
  return r;
}

Result<Staff> StaffOf(store::Tx& tx, CarrierId carrier, StaffId id, const char* field) {
  auto s = tx.GetStaff(id);
  if (!s.ok() || s->carrier != carrier) {
    return Status(StatusCode::kNotFound, "no staff member " + id.ToString() + " for this carrier",
                  field);
  }
  if (!s->active) {
    return Status(StatusCode::kFailedPrecondition,
                  "staff member " + id.ToString() + " is no longer active", field);
  }
  return *s;
}

std::string Subject(int64_t id) { return "campaign:" + std::to_string(id); }

// The facts a decision depends on, without the customer's id: customers
// whose facts are alike get the same decision.
struct FactsKey {
  uint32_t services = 0;
  uint8_t type = 0;
  bool contract = false;
  bool former = false;
  rules::ApprovalStatus approval;
  friend bool operator==(const FactsKey&, const FactsKey&) = default;
};

struct FactsKeyHash {
  size_t operator()(const FactsKey& k) const {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
    const rules::ApprovalStatus& a = k.approval;
    mix(k.services | uint64_t{k.type} << 32 | uint64_t{k.contract} << 40 | uint64_t{k.former} << 41);
    mix(a.opt_in.bits() | uint64_t{a.opt_out.bits()} << 32);
    mix(a.opt_out_pending.bits() | uint64_t{a.disapproved.bits()} << 32);
    mix(a.opt_out_lapsed.bits());
    mix(a.opt_out_assumed_from ? static_cast<uint64_t>(a.opt_out_assumed_from->micros()) : 1);
    mix(a.opt_out_lapses_at ? static_cast<uint64_t>(a.opt_out_lapses_at->micros()) : 1);
    mix(a.opt_out_lapsed_at ? static_cast<uint64_t>(a.opt_out_lapsed_at->micros()) : 1);
    mix(a.one_time_call);
    return static_cast<size_t>(h);
  }
};

// One walker's tally: each distinct decision once, with its count.
struct Tally {
  std::vector<rules::Decision> outcomes;
  std::vector<int64_t> counts;
  std::vector<CustomerId> from_store;  // customers the index cannot answer at `at`
  int64_t customers = 0;
};

int OutcomeOf(Tally& t, const rules::Decision& d) {
  for (size_t i = 0; i < t.outcomes.size(); ++i) {
    const rules::Decision& o = t.outcomes[i];
    if (o.allowed == d.allowed && o.reason == d.reason &&
        std::equal(o.basis.begin(), o.basis.end(), d.basis.begin(), d.basis.end()) &&
        o.opt_out_lapsed_on == d.opt_out_lapsed_on) {
      return static_cast<int>(i);
    }
  }
  t.outcomes.push_back(d);
  t.counts.push_back(0);
  return static_cast<int>(t.outcomes.size() - 1);
}

void Mark(std::vector<uint64_t>& members, CustomerId id) {
  const auto i = static_cast<uint64_t>(id.value());
  members[i / 64] |= uint64_t{1} << (i % 64);
}

// Decides for customer ids [first, last) of `carrier` from the index.
void Walk(const ApprovalIndex& index, CarrierId carrier, rules::DecisionRequest request,
          const rules::RuleSet& rule_set, int64_t first, int64_t last, Tally& tally,
          std::vector<uint64_t>* members) {
  ApprovalIndex::Reader reader(index);
  const CarrierRules* cr = reader.Carrier(carrier);
  if (!cr) return;
  const rules::Policy& policy =
      cr->policy->floor() ? rules::FloorPolicy() : cr->policy->policy;
  std::unordered_map<FactsKey, int, FactsKeyHash> memo;
  rules::CustomerFacts facts;
  for (int64_t id = first; id < last; ++id) {
    const CustomerId customer(id);
    switch (reader.Facts(carrier, customer, request.at, &facts)) {
      case ApprovalIndex::Found::kNoCustomer:
      case ApprovalIndex::Found::kNoCarrier:
        continue;
      case ApprovalIndex::Found::kPast:
        ++tally.customers;
        tally.from_store.push_back(customer);
        continue;
      case ApprovalIndex::Found::kYes:
        break;
    }
    ++tally.customers;
    FactsKey key{facts.services.bits(), static_cast<uint8_t>(facts.type),
                 facts.business_cpni_contract, facts.former_customer, facts.approval};
    int outcome;
    auto it = memo.find(key);
    if (it != memo.end()) {
      outcome = it->second;
    } else {
      request.customer = customer;
      outcome = OutcomeOf(tally, rules::Decide(request, facts, rule_set, policy));
      if (memo.size() < kMaxMemo) memo.emplace(key, outcome);
    }
    ++tally.counts[static_cast<size_t>(outcome)];
    if (members && tally.outcomes[static_cast<size_t>(outcome)].allowed) Mark(*members, customer);
  }
}

std::string BasisText(const rules::Decision& d) {
  std::string out;
  for (std::string_view b : d.basis) out += (out.empty() ? "" : "; ") + std::string(b);
  return out;
}

void AddReason(std::vector<AudienceReason>& reasons, const rules::Decision& d, int64_t n) {
  if (n == 0) return;
  AudienceReason r{d.allowed, rules::ReasonText(d), BasisText(d), n};
  for (AudienceReason& have : reasons) {
    if (have.allowed == r.allowed && have.reason == r.reason && have.basis == r.basis) {
      have.customers += n;
      return;
    }
  }
  reasons.push_back(std::move(r));
}

// The contact fields a channel needs, for the export's header and rows.
std::vector<std::string> ContactColumns(const std::string& channel) {
  if (channel == "mail") return {"street", "city", "state", "postal_code", "country"};
  if (channel == "email") return {"email"};
  return {"telephone"};
}

std::vector<std::string> ContactFields(const std::string& channel, const Customer& c) {
  if (channel == "mail") {
    const PostalAddress& a = c.address_of_record;
    return {a.street, a.city, a.state, a.postal_code, a.country};
  }
  if (channel == "email") return {c.email};
  return {c.phones_of_record.empty() ? std::string() : c.phones_of_record.front()};
}

// A field as a spreadsheet will not run as a formula. A number of record
// (E.164: '+' and digits) is no formula and stays as it is, so that the
// telephone and sms exports can be dialled from.
std::string SafeField(const std::string& s) {
  const bool e164 = s.size() > 1 && s[0] == '+' &&
                    std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!s.empty() && !e164 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
    return CsvField("'" + s);
  }
  return CsvField(s);
}

}  // namespace

Result<store::CampaignRow> AddCampaign(store::Store& store, CarrierId carrier,
                                       const CampaignInput& in, const Actor& actor) {
  RETURN_IF_ERROR(CheckText(in.name, "name", kMaxNameBytes));
  RETURN_IF_ERROR(CheckText(in.description, "description", kMaxText));
  RETURN_IF_ERROR(CheckText(in.products, "products", kMaxText));
  if (in.cpni.empty()) {
    return Status::InvalidArgument(
        "cpni is required: the specific CPNI the campaign uses (47 CFR 64.2009(c))", "cpni");
  }
  if (in.offering.empty()) {
    return Status::InvalidArgument("offering is required: what the campaign markets", "offering");
  }
  if (!KnownChannel(in.channel)) {
    return Status::InvalidArgument(
        "channel must be one of mail, telephone, sms, email (got '" + in.channel + "')", "channel");
  }
  RETURN_IF_ERROR(rules::CheckCampaignDates(in.starts_on, in.ends_on));
  store::CampaignRow row;
  row.carrier = carrier;
  row.name = in.name;
  row.description = in.description;
  row.cpni_categories = Join(in.cpni);
  row.offering = in.offering;
  row.service_category = in.service_category;
  row.products = in.products;
  row.channel = in.channel;
  row.starts_on = in.starts_on.ToString();
  row.ends_on = in.ends_on.ToString();
  row.owner_staff_id = in.owner.value();
  row.state = rules::CampaignStateName(rules::CampaignState::kDraft);
  row.created_at = row.updated_at = actor.now;
  RETURN_IF_ERROR(CampaignRequest(row, actor.now).status());
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    RETURN_IF_ERROR(StaffOf(tx, carrier, in.owner, "owner").status());
    ASSIGN_OR_RETURN(row.id, tx.InsertCampaign(row));
    ASSIGN_OR_RETURN(
        auto appended,
        tx.Append(MakeEvent(actor, carrier, "campaign.added", Subject(row.id),
                            {{"id", row.id},
                             {"name", row.name},
                             {"description", row.description},
                             {"cpni", in.cpni},
                             {"offering", row.offering},
                             {"service_category", row.service_category},
                             {"products", row.products},
                             {"channel", row.channel},
                             {"starts_on", row.starts_on},
                             {"ends_on", row.ends_on},
                             {"owner", row.owner_staff_id},
                             {"citation", rules::kCampaignRecordCitation}})));
    row.ledger_seq = appended.seq;
    return tx.UpdateCampaign(row);
  }));
  return row;
}

Result<store::CampaignRow> StepCampaign(store::Store& store, CarrierId carrier, int64_t id,
                                        rules::CampaignStep step, StaffId by,
                                        const std::string& note, const Actor& actor) {
  if (note.size() > kMaxText) {
    return Status::InvalidArgument("note is longer than " + std::to_string(kMaxText) + " bytes",
                                   "note");
  }
  if (step == rules::CampaignStep::kReject && note.empty()) {
    return Status::InvalidArgument("a rejection says why: note is required", "note");
  }
  store::CampaignRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetCampaign(carrier, id));
    ASSIGN_OR_RETURN(rules::CampaignState from, rules::ParseCampaignState(row.state));
    ASSIGN_OR_RETURN(rules::CampaignState to, rules::NextCampaignState(from, step));
    ASSIGN_OR_RETURN(Staff who, StaffOf(tx, carrier, by, "staff"));
    const bool review = step == rules::CampaignStep::kApprove || step == rules::CampaignStep::kReject;
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    if (review) {
      RETURN_IF_ERROR(rules::CheckCampaignReviewer(rules.policy->policy, who,
                                                   StaffId(row.owner_staff_id)));
      row.reviewer_staff_id = by.value();
      row.review_note = note;
    }
    const CivilDate today = rules.zone->LocalDate(actor.now);
    if (step == rules::CampaignStep::kStart) {
      const CivilDate ends = CivilDate::Parse(row.ends_on).value_or(CivilDate{});
      if (today > ends) {
        return Status(StatusCode::kFailedPrecondition,
                      "the campaign was planned to end on " + row.ends_on +
                          "; revise its dates before starting it",
                      "ends_on");
      }
    }
    if (step == rules::CampaignStep::kRevise) {
      row.reviewer_staff_id.reset();
      row.review_note.clear();
    }
    if (step == rules::CampaignStep::kComplete) row.completed_on = today.ToString();
    row.state = rules::CampaignStateName(to);
    row.updated_at = actor.now;
    json body = {{"id", row.id},
                 {"step", rules::CampaignStepName(step)},
                 {"from", rules::CampaignStateName(from)},
                 {"state", row.state},
                 {"by", by.value()},
                 {"citation", review || step == rules::CampaignStep::kStart
                                  ? rules::kSupervisoryReviewCitation
                                  : rules::kCampaignRecordCitation}};
    if (!note.empty()) body["note"] = note;
    if (step == rules::CampaignStep::kComplete) {
      const CivilDate done = CivilDate::Parse(row.completed_on).value_or(today);
      body["keep_records_until"] =
          rules::CampaignRecordsKeptUntil(rules.policy->policy, done).ToString();
    }
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier,
                                         std::string("campaign.") + rules::CampaignStepName(step),
                                         Subject(row.id), body)));
    row.ledger_seq = appended.seq;
    return tx.UpdateCampaign(row);
  }));
  return row;
}

Result<store::CampaignRow> GetCampaign(store::Store& store, CarrierId carrier, int64_t id) {
  store::CampaignRow row;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetCampaign(carrier, id));
    return Status::Ok();
  }));
  return row;
}

Result<store::Page<store::CampaignRow>> ListCampaigns(store::Store& store, CarrierId carrier,
                                                      const std::string& state, int64_t before,
                                                      int limit) {
  if (!state.empty()) RETURN_IF_ERROR(rules::ParseCampaignState(state).status());
  store::Page<store::CampaignRow> page;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(page, tx.ListCampaigns(carrier, state, before, limit));
    return Status::Ok();
  }));
  return page;
}

Result<std::vector<store::CampaignRecordRow>> ListCampaignRecords(store::Store& store,
                                                                  CarrierId carrier, int64_t id) {
  std::vector<store::CampaignRecordRow> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCampaign(carrier, id).status());
    ASSIGN_OR_RETURN(out, tx.ListCampaignRecords(carrier, id));
    return Status::Ok();
  }));
  return out;
}

Result<store::CampaignRecordRow> AttachCampaignResult(store::Store& store, CarrierId carrier,
                                                      int64_t id, const json& result,
                                                      const Actor& actor) {
  if (!result.is_object()) return Status::InvalidArgument("a result is a JSON object", "result");
  if (!result.contains("summary") || !result["summary"].is_string() ||
      result["summary"].get<std::string>().empty()) {
    return Status::InvalidArgument("result.summary is required (text)", "result.summary");
  }
  const std::string details = result.dump();
  if (details.size() > kMaxText) {
    return Status::InvalidArgument("result is longer than " + std::to_string(kMaxText) + " bytes",
                                   "result");
  }
  store::CampaignRecordRow rec;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::CampaignRow c, tx.GetCampaign(carrier, id));
    if (c.state != "running" && c.state != "completed") {
      return Status(StatusCode::kFailedPrecondition,
                    "results are attached to a running or completed campaign; campaign " +
                        std::to_string(id) + " is " + c.state,
                    "state");
    }
    rec = {0, carrier, id, "result", details, actor.now, actor.id, 0};
    ASSIGN_OR_RETURN(rec.id, tx.InsertCampaignRecord(rec));
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "campaign.result_attached", Subject(id),
                                         {{"id", id}, {"record", rec.id}, {"result", result}})));
    rec.ledger_seq = appended.seq;
    return tx.SetCampaignRecordLedgerSeq(carrier, rec.id, rec.ledger_seq);
  }));
  return rec;
}

Result<Instant> DefaultAudienceInstant(store::Store& store, const store::CampaignRow& campaign,
                                       Instant now) {
  Instant start;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, campaign.carrier));
    ASSIGN_OR_RETURN(CivilDate day, CivilDate::Parse(campaign.starts_on));
    start = rules.zone->StartOfDay(day);
    return Status::Ok();
  }));
  return std::max(start, now);
}

Result<Audience> ComputeAudience(DecisionService& decisions, CarrierId carrier,
                                 const store::CampaignRow& campaign, Instant at,
                                 const AudienceOptions& options) {
  ASSIGN_OR_RETURN(rules::CampaignState state, rules::ParseCampaignState(campaign.state));
  if (!rules::CampaignMayReachCustomers(state)) {
    return Status(StatusCode::kFailedPrecondition,
                  "campaign " + std::to_string(campaign.id) + " is " + campaign.state +
                      ": only an approved or running campaign has an audience (" +
                      std::string(rules::kSupervisoryReviewCitation) + ")",
                  "state");
  }
  ASSIGN_OR_RETURN(rules::DecisionRequest request, CampaignRequest(campaign, at));
  if (!decisions.index_ready()) RETURN_IF_ERROR(decisions.LoadIndex());
  RETURN_IF_ERROR(decisions.index().CatchUp(decisions.store(), carrier));
  const rules::RuleSet rule_set = rules::RuleSetFor(at, decisions.rule_config());

  Audience audience;
  audience.campaign = campaign.id;
  audience.at = at;
  audience.rule_set = std::string(rule_set.name);
  int64_t max_id = 0;
  {
    ApprovalIndex::Reader reader(decisions.index());
    max_id = reader.MaxCustomer(carrier).value();
    if (const CarrierRules* cr = reader.Carrier(carrier)) {
      audience.policy_version = cr->policy->policy.version;
    }
  }
  if (options.keep_members) audience.members.assign(static_cast<size_t>(max_id / 64 + 1), 0);
  std::vector<uint64_t>* members = options.keep_members ? &audience.members : nullptr;

  // Halves split on a word of the member bitmap, so threads never share one.
  const int threads = std::clamp(options.threads, 1, 8);
  std::vector<Tally> tallies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const int64_t span = ((max_id + 1) / threads + 63) / 64 * 64;
  for (int t = 0; t < threads; ++t) {
    const int64_t first = std::max<int64_t>(1, t * span);
    const int64_t last = t == threads - 1 ? max_id + 1 : std::min(max_id + 1, (t + 1) * span);
    if (first >= last) continue;
    auto run = [&, t, first, last] {
      Walk(decisions.index(), carrier, request, rule_set, first, last,
           tallies[static_cast<size_t>(t)], members);
    };
    if (t == threads - 1) {
      run();
    } else {
      workers.emplace_back(run);
    }
  }
  for (auto& w : workers) w.join();

  std::vector<CustomerId> from_store;
  for (Tally& t : tallies) {
    audience.customers += t.customers;
    for (size_t i = 0; i < t.outcomes.size(); ++i) AddReason(audience.reasons, t.outcomes[i], t.counts[i]);
    from_store.insert(from_store.end(), t.from_store.begin(), t.from_store.end());
  }
  // Customers the index cannot answer at `at` (closed accounts, events after
  // it): the store folds their events to the instant.
  for (size_t done = 0; done < from_store.size(); done += kMaxDecisionBatch) {
    const size_t n = std::min(kMaxDecisionBatch, from_store.size() - done);
    std::vector<rules::DecisionRequest> batch(n, request);
    for (size_t i = 0; i < n; ++i) batch[i].customer = from_store[done + i];
    std::vector<rules::Decision> out(n);
    RETURN_IF_ERROR(decisions.Evaluate(carrier, batch, {}, out.data()));
    for (size_t i = 0; i < n; ++i) {
      AddReason(audience.reasons, out[i], 1);
      if (members && out[i].allowed) Mark(*members, batch[i].customer);
    }
  }
  for (const AudienceReason& r : audience.reasons) {
    if (r.allowed) audience.reached += r.customers;
  }
  std::stable_sort(audience.reasons.begin(), audience.reasons.end(),
                   [](const AudienceReason& a, const AudienceReason& b) {
                     if (a.allowed != b.allowed) return a.allowed;
                     return a.customers > b.customers;
                   });
  return audience;
}

Result<AudienceExport> ExportAudience(DecisionService& decisions, CarrierId carrier, int64_t id,
                                      Instant at, const Actor& actor) {
  store::Store& store = decisions.store();
  ASSIGN_OR_RETURN(store::CampaignRow campaign, GetCampaign(store, carrier, id));
  {
    // Within the campaign's dates: an audience after its last day is no
    // campaign's audience.
    Instant end;
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
      ASSIGN_OR_RETURN(CivilDate ends, CivilDate::Parse(campaign.ends_on));
      end = rules.zone->StartOfDay(ends.AddDays(1));
      return Status::Ok();
    }));
    if (at >= end) {
      return Status::InvalidArgument("at " + at.ToRfc3339() + " is after the campaign's last day " +
                                         campaign.ends_on,
                                     "at");
    }
  }
  AudienceOptions options;
  options.keep_members = true;
  AudienceExport out;
  ASSIGN_OR_RETURN(out.audience, ComputeAudience(decisions, carrier, campaign, at, options));

  std::vector<std::string> header = {"customer", "account_number", "name"};
  for (auto& c : ContactColumns(campaign.channel)) header.push_back(c);
  for (size_t i = 0; i < header.size(); ++i) out.csv += (i ? "," : "") + header[i];
  out.csv += "\n";
  int64_t written = 0;
  for (CustomerId after(0);;) {
    store::CustomerPage page;
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(page, tx.ListCustomers(carrier, after, kExportPage));
      return Status::Ok();
    }));
    for (const Customer& c : page.customers) {
      if (!out.audience.Has(c.id)) continue;
      out.csv += std::to_string(c.id.value()) + "," + SafeField(c.account_number) + "," +
                 SafeField(c.name);
      for (const auto& f : ContactFields(campaign.channel, c)) out.csv += "," + SafeField(f);
      out.csv += "\n";
      ++written;
    }
    if (!page.next) break;
    after = *page.next;
  }
  if (written != out.audience.reached) {
    // A customer added between the walk and the export is not in the bitmap;
    // one removed would be missing: say so rather than export a different set.
    return Status(StatusCode::kAborted,
                  "the customers changed during the export (" + std::to_string(written) + " of " +
                      std::to_string(out.audience.reached) + " written); export again");
  }
  out.sha256 = ledger::HashHex(ledger::Sha256Of(out.csv));
  json excluded = json::array();
  for (const AudienceReason& r : out.audience.reasons) {
    if (!r.allowed) excluded.push_back({{"reason", r.reason}, {"basis", r.basis}, {"customers", r.customers}});
  }
  json details = {{"at", at.ToRfc3339()},
                  {"customers", out.audience.customers},
                  {"reached", out.audience.reached},
                  {"excluded", excluded},
                  {"sha256", out.sha256},
                  {"channel", campaign.channel},
                  {"rule_set", out.audience.rule_set},
                  {"policy_version", out.audience.policy_version}};
  out.record = {0, carrier, id, "export", details.dump(), actor.now, actor.id, 0};
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::CampaignRow now, tx.GetCampaign(carrier, id));
    if (now.state != campaign.state) {
      return Status(StatusCode::kAborted, "campaign " + std::to_string(id) +
                                              " changed state during the export; export again");
    }
    ASSIGN_OR_RETURN(out.record.id, tx.InsertCampaignRecord(out.record));
    json body = details;
    body["id"] = id;
    body["record"] = out.record.id;
    body["citation"] = rules::kCampaignRecordCitation;
    ASSIGN_OR_RETURN(auto appended, tx.Append(MakeEvent(actor, carrier, "campaign.audience_exported",
                                                        Subject(id), body)));
    out.record.ledger_seq = appended.seq;
    return tx.SetCampaignRecordLedgerSeq(carrier, out.record.id, out.record.ledger_seq);
  }));
  return out;
}

json CampaignToJson(const store::CampaignRow& c) {
  json j = {{"id", c.id},
            {"carrier", c.carrier.value()},
            {"name", c.name},
            {"description", c.description},
            {"cpni", SplitList(c.cpni_categories, ',')},
            {"offering", c.offering},
            {"service_category", c.service_category},
            {"products", c.products},
            {"channel", c.channel},
            {"starts_on", c.starts_on},
            {"ends_on", c.ends_on},
            {"owner", c.owner_staff_id},
            {"state", c.state},
            {"reviewer", c.reviewer_staff_id ? json(*c.reviewer_staff_id) : json(nullptr)},
            {"review_note", c.review_note},
            {"created_at", c.created_at.ToRfc3339()},
            {"updated_at", c.updated_at.ToRfc3339()},
            {"completed_on", c.completed_on.empty() ? json(nullptr) : json(c.completed_on)},
            {"ledger_seq", c.ledger_seq}};
  return j;
}

json CampaignRecordToJson(const store::CampaignRecordRow& r) {
  return {{"id", r.id},
          {"campaign", r.campaign_id},
          {"kind", r.kind},
          {"details", json::parse(r.details, nullptr, false)},
          {"recorded_at", r.recorded_at.ToRfc3339()},
          {"recorded_by", r.recorded_by},
          {"ledger_seq", r.ledger_seq}};
}

json AudienceToJson(const Audience& a) {
  json reasons = json::array();
  for (const AudienceReason& r : a.reasons) {
    reasons.push_back({{"allowed", r.allowed},
                       {"reason", r.reason},
                       {"basis", r.basis},
                       {"customers", r.customers}});
  }
  return {{"campaign", a.campaign},
          {"at", a.at.ToRfc3339()},
          {"rule_set", a.rule_set},
          {"policy_version", a.policy_version},
          {"customers", a.customers},
          {"reached", a.reached},
          {"excluded", a.customers - a.reached},
          {"reasons", reasons}};
}

}  // namespace proprio::services
