// store/tx_certification.cc: the Tx operations behind the certification
// records (migration 0012_certification_records), over both backends.
#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kCourseColumns[] =
    "id, carrier_id, title, version, policy_version, created_at, ledger_seq, topics";
constexpr char kRecordColumns[] =
    "id, carrier_id, kind, occurred_on, staff_id, customer_id, course_id, category, status, "
    "details, recorded_at, recorded_by, ledger_seq";
constexpr char kCertificationColumns[] =
    "id, carrier_id, year, state, built_at, built_by, officer_name, officer_title, document, pdf, "
    "pdf_sha256, ledger_size, ledger_root, signed_at, signed_by, ledger_seq";

// Unbounded ends of a date range: every YYYY-MM-DD sorts between them.
constexpr std::string_view kFirstDate = "0000-00-00";
constexpr std::string_view kLastDate = "9999-99-99";

std::optional<int64_t> OptInt(const Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return r.Int(col);
}
Value OptValue(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(Null{}); }

TrainingCourseRow CourseFromRow(const Row& r) {
  return {r.Int(0), CarrierId(r.Int(1)), r.Text(2), r.Text(3), r.Int(4),
          Instant::FromMicros(r.Int(5)), r.Int(6), r.Text(7)};
}

ComplianceRecordRow RecordFromRow(const Row& r) {
  ComplianceRecordRow c;
  c.id = r.Int(0);
  c.carrier = CarrierId(r.Int(1));
  c.kind = r.Text(2);
  c.occurred_on = r.Text(3);
  c.staff_id = OptInt(r, 4);
  c.customer_id = OptInt(r, 5);
  c.course_id = OptInt(r, 6);
  c.category = r.Text(7);
  c.status = r.Text(8);
  c.details = r.Text(9);
  c.recorded_at = Instant::FromMicros(r.Int(10));
  c.recorded_by = r.Text(11);
  c.ledger_seq = r.Int(12);
  return c;
}

CertificationRow CertificationFromRow(const Row& r) {
  CertificationRow c;
  c.id = r.Int(0);
  c.carrier = CarrierId(r.Int(1));
  c.year = r.Int(2);
  c.state = r.Text(3);
  c.built_at = Instant::FromMicros(r.Int(4));
  c.built_by = r.Text(5);
  c.officer_name = r.Text(6);
  c.officer_title = r.Text(7);
  c.document = r.Text(8);
  c.pdf = r.Blob(9);
  c.pdf_sha256 = r.Text(10);
  c.ledger_size = r.Int(11);
  c.ledger_root = r.Text(12);
  if (!r.IsNull(13)) c.signed_at = Instant::FromMicros(r.Int(13));
  c.signed_by = r.Text(14);
  c.ledger_seq = r.Int(15);
  return c;
}

std::string_view From(const ComplianceRecordFilter& f) {
  return f.from.empty() ? kFirstDate : std::string_view(f.from);
}
std::string_view To(const ComplianceRecordFilter& f) {
  return f.to.empty() ? kLastDate : std::string_view(f.to);
}

}  // namespace

Result<int64_t> Tx::InsertTrainingCourse(const TrainingCourseRow& c) {
  auto id = conn_.Insert(
      "INSERT INTO training_courses (carrier_id, title, version, policy_version, created_at, "
      "ledger_seq, topics) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {c.carrier.value(), c.title, c.version, c.policy_version, c.created_at.micros(),
       c.ledger_seq, c.topics});
  if (!id.ok() && id.status().IsAlreadyExists()) {
    return Status::AlreadyExists("the carrier has a course '" + c.title + "' version " + c.version,
                                 "version");
  }
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + c.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("training course not inserted");
  return **id;
}

Result<TrainingCourseRow> Tx::GetTrainingCourse(CarrierId carrier, int64_t id) {
  std::optional<TrainingCourseRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCourseColumns +
                                " FROM training_courses WHERE id = ? AND carrier_id = ?",
                            {id, carrier.value()}, [&](const Row& r) {
                              found = CourseFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) return Status(StatusCode::kNotFound, "no training course " + std::to_string(id), "course");
  return *found;
}

Result<std::vector<TrainingCourseRow>> Tx::ListTrainingCourses(CarrierId carrier) {
  std::vector<TrainingCourseRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCourseColumns +
                                " FROM training_courses WHERE carrier_id = ? ORDER BY id",
                            {carrier.value()}, [&](const Row& r) {
                              out.push_back(CourseFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<int64_t> Tx::InsertComplianceRecord(const ComplianceRecordRow& r) {
  auto id = conn_.Insert(
      "INSERT INTO compliance_records (carrier_id, kind, occurred_on, staff_id, customer_id, "
      "course_id, category, status, details, recorded_at, recorded_by, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {r.carrier.value(), r.kind, r.occurred_on, OptValue(r.staff_id), OptValue(r.customer_id),
       OptValue(r.course_id), r.category, r.status, r.details, r.recorded_at.micros(),
       r.recorded_by, r.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + r.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("compliance record not inserted");
  return **id;
}

Result<ComplianceRecordRow> Tx::GetComplianceRecord(CarrierId carrier, const std::string& kind,
                                                    int64_t id) {
  std::optional<ComplianceRecordRow> found;
  RETURN_IF_ERROR(
      conn_.Run(std::string("SELECT ") + kRecordColumns +
                    " FROM compliance_records WHERE id = ? AND carrier_id = ? AND kind = ?",
                {id, carrier.value(), kind}, [&](const Row& r) {
                  found = RecordFromRow(r);
                  return Status::Ok();
                }));
  if (!found) return Status::NotFound("no " + kind + " " + std::to_string(id) + " for this carrier");
  return *found;
}

Status Tx::UpdateComplianceRecord(const ComplianceRecordRow& r) {
  return conn_.Exec(
      "UPDATE compliance_records SET category = ?, status = ?, details = ?, ledger_seq = ? "
      "WHERE id = ? AND carrier_id = ? AND kind = ?",
      {r.category, r.status, r.details, r.ledger_seq, r.id, r.carrier.value(), r.kind});
}

Result<Page<ComplianceRecordRow>> Tx::ListComplianceRecords(const ComplianceRecordFilter& f,
                                                            int64_t after, int limit) {
  // Pages follow the id; records are entered roughly in date order, and the
  // list's readers sort a page as they show it.
  return internal::ReadPage<ComplianceRecordRow>(
      limit, RecordFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& on_row) {
        return conn_.Run(std::string("SELECT ") + kRecordColumns +
                             " FROM compliance_records WHERE carrier_id = ? AND kind = ? AND "
                             "occurred_on >= ? AND occurred_on <= ? AND id > ? ORDER BY id "
                             "LIMIT ?",
                         {f.carrier.value(), f.kind, From(f), To(f), after, fetch}, on_row);
      });
}

Result<std::vector<ComplianceCount>> Tx::CountComplianceRecords(const ComplianceRecordFilter& f) {
  std::vector<ComplianceCount> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT category, status, COUNT(*) FROM compliance_records WHERE carrier_id = ? AND "
      "kind = ? AND occurred_on >= ? AND occurred_on <= ? GROUP BY category, status "
      "ORDER BY category, status",
      {f.carrier.value(), f.kind, From(f), To(f)}, [&](const Row& r) {
        out.push_back({r.Text(0), r.Text(1), r.Int(2)});
        return Status::Ok();
      }));
  return out;
}

Result<std::map<int64_t, std::string>> Tx::LatestRecordByStaff(CarrierId carrier,
                                                               const std::string& kind) {
  std::map<int64_t, std::string> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT staff_id, MAX(occurred_on) FROM compliance_records WHERE carrier_id = ? AND "
      "kind = ? AND staff_id IS NOT NULL GROUP BY staff_id",
      {carrier.value(), kind}, [&](const Row& r) {
        out[r.Int(0)] = r.Text(1);
        return Status::Ok();
      }));
  return out;
}

Result<std::set<int64_t>> Tx::StaffTrainedOn(CarrierId carrier, const std::string& topic) {
  std::set<int64_t> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT DISTINCT r.staff_id FROM compliance_records r JOIN training_courses c ON "
      "c.id = r.course_id AND c.carrier_id = r.carrier_id WHERE r.carrier_id = ? AND "
      "r.kind = 'training_completion' AND r.staff_id IS NOT NULL AND "
      "(';' || c.topics || ';') LIKE ?",
      {carrier.value(), "%;" + topic + ";%"}, [&](const Row& r) {
        out.insert(r.Int(0));
        return Status::Ok();
      }));
  return out;
}

Result<int64_t> Tx::InsertCertification(const CertificationRow& c) {
  auto id = conn_.Insert(
      "INSERT INTO certifications (carrier_id, year, state, built_at, built_by, officer_name, "
      "officer_title, document, pdf, pdf_sha256, ledger_size, ledger_root, signed_at, signed_by, "
      "ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {c.carrier.value(), c.year, c.state, c.built_at.micros(), c.built_by, c.officer_name,
       c.officer_title, c.document, internal::Bytes{c.pdf}, c.pdf_sha256, c.ledger_size,
       c.ledger_root, c.signed_at ? Value(c.signed_at->micros()) : Value(Null{}), c.signed_by,
       c.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + c.carrier.ToString());
  }
  RETURN_IF_ERROR(id.status());
  if (!*id) return Status::Internal("certification not inserted");
  return **id;
}

Result<CertificationRow> Tx::GetCertification(CarrierId carrier, int64_t id) {
  std::optional<CertificationRow> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCertificationColumns +
                                " FROM certifications WHERE id = ? AND carrier_id = ?",
                            {id, carrier.value()}, [&](const Row& r) {
                              found = CertificationFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) {
    return Status(StatusCode::kNotFound,
                  "no certification " + std::to_string(id) + " for this carrier", "certification");
  }
  return *found;
}

Result<std::vector<CertificationRow>> Tx::ListCertifications(CarrierId carrier, int64_t year) {
  std::vector<CertificationRow> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kCertificationColumns +
                                " FROM certifications WHERE carrier_id = ? AND (? = 0 OR year = ?) "
                                "ORDER BY year DESC, id DESC",
                            {carrier.value(), year, year}, [&](const Row& r) {
                              out.push_back(CertificationFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Status Tx::SignCertification(const CertificationRow& c) {
  ASSIGN_OR_RETURN(CertificationRow stored, GetCertification(c.carrier, c.id));
  if (stored.state == "signed") {
    return Status(StatusCode::kFailedPrecondition,
                  "certification " + std::to_string(c.id) + " is already signed", "certification");
  }
  // Checked before the update: a failed statement would abort a PostgreSQL
  // transaction, and the message names the filing that is signed.
  ASSIGN_OR_RETURN(int64_t signed_id,
                   conn_.QueryInt("SELECT COALESCE(MAX(id), 0) FROM certifications WHERE "
                                  "carrier_id = ? AND year = ? AND state = 'signed'",
                                  {c.carrier.value(), stored.year}));
  if (signed_id != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  "the certification for " + std::to_string(stored.year) +
                      " is already signed (certification " + std::to_string(signed_id) + ")",
                  "certification");
  }
  if (!c.signed_at) return Status::Internal("signing without a time");
  return conn_.Exec(
      "UPDATE certifications SET state = 'signed', signed_at = ?, signed_by = ?, document = ?, "
      "pdf = ?, pdf_sha256 = ?, ledger_seq = ? WHERE id = ? AND carrier_id = ?",
      {c.signed_at->micros(), c.signed_by, c.document, internal::Bytes{c.pdf}, c.pdf_sha256,
       c.ledger_seq, c.id, c.carrier.value()});
}

Status Tx::SetCertificationLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq) {
  return conn_.Exec("UPDATE certifications SET ledger_seq = ? WHERE id = ? AND carrier_id = ?",
                    {ledger_seq, id, carrier.value()});
}

}  // namespace proprio::store
