// store/certification_records.h: the rows of migration 0012 (training
// courses, compliance records, certifications) as tx_certification.cc reads
// and writes them. services/certification.h gives them meaning; the store
// knows nothing of the rules: kinds, categories and states are plain text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct TrainingCourseRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string title;
  std::string version;
  int64_t policy_version = 0;
  Instant created_at;
  int64_t ledger_seq = 0;
  std::string topics = "cpni";  // ';'-separated: cpni, sim_change (migration 0016)
};

// kind: "training_completion" | "disciplinary_action" | "complaint" |
// "broker_action" | "pretexter_review".
struct ComplianceRecordRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string kind;
  std::string occurred_on;  // YYYY-MM-DD, the carrier's date
  std::optional<int64_t> staff_id;
  std::optional<int64_t> customer_id;
  std::optional<int64_t> course_id;
  std::string category;
  std::string status;
  std::string details = "{}";  // JSON object
  Instant recorded_at;
  std::string recorded_by;
  int64_t ledger_seq = 0;
};

// Which records a list or count reads: one carrier, one kind, dates
// [from, to] inclusive ("" = unbounded).
struct ComplianceRecordFilter {
  CarrierId carrier;
  std::string kind;
  std::string from;
  std::string to;
};

// A count of records with one (category, status).
struct ComplianceCount {
  std::string category;
  std::string status;
  int64_t count = 0;
};

struct CertificationRow {
  int64_t id = 0;
  CarrierId carrier;
  int64_t year = 0;
  std::string state = "built";  // "built" | "signed"
  Instant built_at;
  std::string built_by;
  std::string officer_name;
  std::string officer_title;
  std::string document;  // the filing as JSON
  std::string pdf;       // the filing as PDF bytes
  std::string pdf_sha256;
  int64_t ledger_size = 0;
  std::string ledger_root;  // hex
  std::optional<Instant> signed_at;
  std::string signed_by;
  int64_t ledger_seq = 0;
};

}  // namespace proprio::store
