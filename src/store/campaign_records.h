// store/campaign_records.h: the rows of migration 0013 (campaigns and their
// records) as tx_campaigns.cc reads and writes them. services/campaigns.h
// gives them meaning; the store knows nothing of the rules: states, channels
// and categories are plain text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct CampaignRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string name;
  std::string description;
  std::string cpni_categories;  // comma-separated CPNI category names
  std::string offering;
  std::string service_category;
  std::string products;
  std::string channel;
  std::string starts_on;  // YYYY-MM-DD, the carrier's dates
  std::string ends_on;
  int64_t owner_staff_id = 0;
  std::string state;
  std::optional<int64_t> reviewer_staff_id;
  std::string review_note;
  Instant created_at;
  Instant updated_at;
  std::string completed_on;  // "" until completed
  int64_t ledger_seq = 0;
};

// kind: "export" | "result".
struct CampaignRecordRow {
  int64_t id = 0;
  CarrierId carrier;
  int64_t campaign_id = 0;
  std::string kind;
  std::string details = "{}";  // JSON object
  Instant recorded_at;
  std::string recorded_by;
  int64_t ledger_seq = 0;
};

}  // namespace proprio::store
