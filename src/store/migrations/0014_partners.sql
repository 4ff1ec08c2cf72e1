-- 0014_partners: the parties a carrier discloses CPNI to or lets reach it
-- (47 CFR 64.2007(b)), with what each has signed, and the customers' express
-- written authorizations to give CPNI to a new carrier (47 U.S.C. 222(c)(2);
-- the seed policy's clause 5).
--
-- partners: one row per partner, in its current state; every change is also
-- a ledger entry (`ledger_seq` is the last, and the HTTP ETag). `kind` is a
-- rules::PartnerKind name. The confidentiality agreement of 64.2007(b)(2)
-- (joint venturers, independent contractors): its document reference, dates
-- (YYYY-MM-DD, the carrier's calendar; expires_on '' = none) and the terms
-- attested present (`agreement_terms`, ','-separated: use_only_for_purpose,
-- no_further_disclosure, safeguards); agreement_document '' = none on record.
-- The limited-use certification the carrier's policy asks of agents and
-- dealers likewise (certification_document '' = none).
CREATE TABLE partners (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  contact TEXT NOT NULL DEFAULT '',
  agreement_document TEXT NOT NULL DEFAULT '',
  agreement_effective_on TEXT NOT NULL DEFAULT '',
  agreement_expires_on TEXT NOT NULL DEFAULT '',
  agreement_terms TEXT NOT NULL DEFAULT '',
  certification_document TEXT NOT NULL DEFAULT '',
  certification_signed_on TEXT NOT NULL DEFAULT '',
  certification_expires_on TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE UNIQUE INDEX partners_by_name ON partners (carrier_id, name);

-- new_carrier_authorizations: a customer's express written authorization to
-- give its CPNI to the carrier it moves to, as evidence: the document's
-- reference (unique per customer), the new carrier named, the day signed.
-- Decisions to a new carrier are allowed only on one recorded at or before
-- the decision's instant (`recorded_at`).
CREATE TABLE new_carrier_authorizations (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  new_carrier TEXT NOT NULL,
  document_id TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  recorded_by TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE UNIQUE INDEX new_carrier_authorizations_by_document
  ON new_carrier_authorizations (carrier_id, customer_id, document_id);
