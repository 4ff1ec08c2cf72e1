// services/campaigns.h: sales and marketing campaigns that use CPNI (47 CFR
// 64.2009(c)), their supervisory review (64.2009(d)), and their audiences:
// the customers a campaign may reach, decided customer by customer.
//
// Every step (add, submit, approve, reject, revise, start, complete, attach a
// result, export the audience) is a ledger entry with who and why; the rules
// of the review are rules/s2009_campaigns.h.
//
// Audience: for each customer of the carrier, rules::Decide() on the request
// "use CPNI of these categories, from this service, to market this offering"
// at the audience's instant, with the facts from the in-memory approval index
// (DecisionService::index()); customers the index cannot answer for that
// instant (closed accounts, later events) are decided from the store. The
// walk reads the index in place, on two threads, and keeps no copy of the
// customer set: customers whose facts are alike share one decision. An export
// is one access to CPNI, recorded as one ledger entry with the CSV's SHA-256
// (not one per customer).
//
//   ASSIGN_OR_RETURN(auto audience, ComputeAudience(decisions, carrier, campaign, at, {}));
//   audience.reached; audience.excluded;  // counts by reason
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rules/decide.h"
#include "rules/s2009_campaigns.h"
#include "services/decisions.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// Channels a campaign reaches customers by, and the contact field each needs
// in an export: mail -> the address of record, telephone and sms -> the
// primary number of record, email -> the e-mail address.
inline constexpr const char* kCampaignChannels[] = {"mail", "telephone", "sms", "email"};

struct CampaignInput {
  std::string name;
  std::string description;
  std::vector<std::string> cpni;  // CPNI category names (rules vocabulary)
  std::string offering;           // what is marketed (rules Offering name)
  std::string service_category = "local";  // the service the CPNI comes from
  std::string products;           // the products and services offered, in words
  std::string channel;            // one of kCampaignChannels
  CivilDate starts_on;
  CivilDate ends_on;
  StaffId owner;                  // the author (sales personnel)
};

Result<store::CampaignRow> AddCampaign(store::Store& store, CarrierId carrier,
                                       const CampaignInput& in, const Actor& actor);

// Moves the campaign one step (rules::NextCampaignState). `by` is the staff
// member taking it: for approve and reject the reviewer (checked by
// rules::CheckCampaignReviewer against the carrier's policy); `note` says why
// (required for reject).
Result<store::CampaignRow> StepCampaign(store::Store& store, CarrierId carrier, int64_t id,
                                        rules::CampaignStep step, StaffId by,
                                        const std::string& note, const Actor& actor);

Result<store::CampaignRow> GetCampaign(store::Store& store, CarrierId carrier, int64_t id);
Result<store::Page<store::CampaignRow>> ListCampaigns(store::Store& store, CarrierId carrier,
                                                      const std::string& state, int64_t before,
                                                      int limit);
Result<std::vector<store::CampaignRecordRow>> ListCampaignRecords(store::Store& store,
                                                                  CarrierId carrier, int64_t id);

// Attaches a sales and marketing result (a JSON object: "summary" required,
// any counts the team keeps) to a running or completed campaign.
Result<store::CampaignRecordRow> AttachCampaignResult(store::Store& store, CarrierId carrier,
                                                      int64_t id, const nlohmann::json& result,
                                                      const Actor& actor);

struct AudienceReason {
  bool allowed = false;
  std::string reason;  // the decision's reason, as people read it
  std::string basis;   // its citations, "; "-separated
  int64_t customers = 0;
};

struct Audience {
  int64_t campaign = 0;
  Instant at;
  std::string rule_set;
  int64_t policy_version = 0;
  int64_t customers = 0;  // every customer considered
  int64_t reached = 0;    // allowed
  std::vector<AudienceReason> reasons;  // allowed first, then by count
  // The customers reached, one bit per customer id (only when asked for).
  std::vector<uint64_t> members;
  bool Has(CustomerId id) const {
    const auto i = static_cast<uint64_t>(id.value());
    return i / 64 < members.size() && (members[i / 64] >> (i % 64) & 1);
  }
};

struct AudienceOptions {
  bool keep_members = false;  // fill Audience::members
  int threads = 2;
};

// The audience of an approved or running campaign at `at` (FailedPrecondition
// naming "state" otherwise, citing 64.2009(d)). Reads nothing it does not
// need and writes nothing.
Result<Audience> ComputeAudience(DecisionService& decisions, CarrierId carrier,
                                 const store::CampaignRow& campaign, Instant at,
                                 const AudienceOptions& options);

struct AudienceExport {
  Audience audience;
  std::string csv;     // header row, then one row per customer reached
  std::string sha256;  // hex of csv
  store::CampaignRecordRow record;
};

// The audience as CSV (account_number, name, and the channel's contact
// fields), recorded as one export record and one ledger entry
// ("campaign.audience_exported") holding its SHA-256, count and exclusions.
Result<AudienceExport> ExportAudience(DecisionService& decisions, CarrierId carrier, int64_t id,
                                      Instant at, const Actor& actor);

// The instant an audience is computed for when none is given: the start of
// the campaign's first day in the carrier's zone, or `now` when later.
Result<Instant> DefaultAudienceInstant(store::Store& store, const store::CampaignRow& campaign,
                                       Instant now);

nlohmann::json CampaignToJson(const store::CampaignRow& c);
nlohmann::json CampaignRecordToJson(const store::CampaignRecordRow& r);
nlohmann::json AudienceToJson(const Audience& a);

}  // namespace proprio::services
