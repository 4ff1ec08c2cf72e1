-- 0004_breach: CPNI breach cases (47 CFR 64.2011), the customers they affect,
-- and their timeline of actions.
--
-- Projections of the ledger: every row is written in the same transaction as
-- the ledger entry recording it (ledger_seq). Entry bodies carry no personal
-- data; the free text (description, how it was discovered, reasons, notes) is
-- in the entries' payloads too, kept at least the retention period
-- (retain_until) and erased with them afterwards (erased_at; the text columns
-- are then blanked).

CREATE TABLE breach_cases (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  opened_at BIGINT NOT NULL,
  opened_by TEXT NOT NULL,             -- the actor
  discovered_at BIGINT NOT NULL,
  discovered_how TEXT NOT NULL,
  determined_at BIGINT NOT NULL,       -- reasonable determination: the clock starts
  description TEXT NOT NULL,
  method TEXT NOT NULL,                -- method of compromise ('' = not known yet)
  started_on TEXT NOT NULL,            -- date range of the breach ('' = unknown)
  ended_on TEXT NOT NULL,
  cpni TEXT NOT NULL,                  -- ';'-separated rules::CpniCategory names
  other_data TEXT NOT NULL,            -- ';'-separated names of other data involved
  intentional SMALLINT NOT NULL,
  affected_count BIGINT,               -- NULL: the number cannot be determined
  estimated_loss_cents BIGINT,         -- NULL: not estimated
  contact TEXT NOT NULL,               -- who the agencies and customers reach
  rule_set TEXT NOT NULL,              -- "fcc-2007" | "fcc-2024", at determination
  breach_regime TEXT NOT NULL,         -- "2007" | "2024": the 64.2011 in force
  breach_2024_effective TEXT NOT NULL, -- the configured date ('' = not set)
  policy_version BIGINT NOT NULL,      -- the carrier policy in force (0 = floor)
  policy_toml TEXT NOT NULL,           -- its text, so the clocks never change
  harm TEXT NOT NULL,                  -- rules::HarmFinding name
  state TEXT NOT NULL,                 -- 'open' | 'closed'
  closed_at BIGINT,
  retain_until BIGINT,                 -- set on closing: closed_at + retention years
  erased_at BIGINT,
  ledger_seq BIGINT NOT NULL           -- the breach.opened entry
);
CREATE INDEX breach_cases_carrier ON breach_cases (carrier_id, state, id);

CREATE TABLE breach_affected (
  case_id BIGINT NOT NULL REFERENCES breach_cases (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  carrier_id BIGINT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (case_id, customer_id)
);

-- The timeline: one row per recorded step (kind: agency_notified,
-- delay_requested, delay_extended, urgent_determined, harm_determined,
-- no_harm_determined, customer_notified, affected_updated,
-- annual_summary_filed, closed, records_erased).
CREATE TABLE breach_actions (
  id @ID@,
  case_id BIGINT NOT NULL REFERENCES breach_cases (id),
  carrier_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,                  -- when it happened
  recorded_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  customer_id BIGINT,                  -- customer_notified: the customer, if one
  details TEXT NOT NULL,               -- JSON object (services/breach.h)
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX breach_actions_case ON breach_actions (case_id, id);
