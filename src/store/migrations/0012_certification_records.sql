-- 0012_certification_records: the records the annual CPNI certification of
-- 47 CFR 64.2009(e) rests on, and the filings themselves.
--
-- training_courses: the carrier's CPNI courses (64.2009(b)), each a title and
-- version, and the policy version it teaches.
CREATE TABLE training_courses (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  title TEXT NOT NULL,
  version TEXT NOT NULL,
  policy_version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  ledger_seq BIGINT NOT NULL,
  UNIQUE (carrier_id, title, version)
);

-- compliance_records: one row per training completion, disciplinary action,
-- customer complaint, action against a data broker, or pretexter review.
-- `kind` says which; `occurred_on` is the carrier's local date the record is
-- about (completion, action, receipt, filing, review); `category` and `status`
-- carry the values the certification counts by (complaint category, broker
-- forum; open/resolved, pending/...); `details` is a JSON object of the rest.
-- Counting for a year reads the (carrier_id, kind, occurred_on) index only.
CREATE TABLE compliance_records (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  kind TEXT NOT NULL,
  occurred_on TEXT NOT NULL,
  staff_id BIGINT,
  customer_id BIGINT,
  course_id BIGINT,
  category TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}',
  recorded_at BIGINT NOT NULL,
  recorded_by TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX compliance_records_by_kind
  ON compliance_records (carrier_id, kind, occurred_on, category, status);
CREATE INDEX compliance_records_by_staff
  ON compliance_records (carrier_id, kind, staff_id, occurred_on);

-- certifications: each filing built for a carrier and year, with the ledger
-- head it rests on; at most one signed filing per carrier and year.
CREATE TABLE certifications (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  year BIGINT NOT NULL,
  state TEXT NOT NULL,
  built_at BIGINT NOT NULL,
  built_by TEXT NOT NULL,
  officer_name TEXT NOT NULL,
  officer_title TEXT NOT NULL,
  document TEXT NOT NULL,
  pdf @BLOB@ NOT NULL,
  pdf_sha256 TEXT NOT NULL,
  ledger_size BIGINT NOT NULL,
  ledger_root TEXT NOT NULL,
  signed_at BIGINT,
  signed_by TEXT NOT NULL DEFAULT '',
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX certifications_by_year ON certifications (carrier_id, year, id);
CREATE UNIQUE INDEX certifications_signed ON certifications (carrier_id, year)
  WHERE state = 'signed';
