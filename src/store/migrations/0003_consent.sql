-- 0003_consent: CPNI approval events, notice templates and notices sent,
-- carrier policies (versioned), and the decision log.
--
-- Every row of approval_events, notice_templates, notice_sends and
-- carrier_policies is written in the same transaction as the ledger entry
-- that records the change (ledger_seq); these tables are projections of the
-- ledger kept for fast reading. Enumerations are stored as the index of the
-- rules/ enumerators (rules/vocabulary.h, rules/approval.h); scope and flag
-- sets as their bit masks. Personal data (evidence references, call ids) is
-- also in the ledger entry's payload, never in its body.

-- Approval events (rules/approval.h ApprovalEvent): the customer's approval
-- status is a fold of these, in order of event_at (then id).
CREATE TABLE approval_events (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  kind SMALLINT NOT NULL,            -- rules::ApprovalEventKind
  event_at BIGINT NOT NULL,          -- when it happened (sent, mailed, received, given, ended)
  scopes BIGINT NOT NULL,            -- bit mask of rules::ApprovalScope
  notice_id BIGINT NOT NULL,         -- notice_sends.id for opt-out notices, else 0
  notice_channel SMALLINT NOT NULL,  -- rules::NoticeChannel
  email_consent SMALLINT NOT NULL,   -- 64.2008(d)(3)(i) consent to e-mail on file
  evidence_channel SMALLINT NOT NULL, -- rules::ConsentChannel
  document_id TEXT NOT NULL,         -- 64.2007(a)(1) evidence: written/electronic record
  recording_id TEXT NOT NULL,        -- 64.2007(a)(1) evidence: oral approval recording
  staff_id BIGINT NOT NULL,          -- the staff member who took it (0: none)
  call_id TEXT NOT NULL,             -- one-time consent and call end
  call_end BIGINT,                   -- one-time consent: when the call ends (NULL: not known)
  recorded_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX approval_events_customer ON approval_events (carrier_id, customer_id, event_at, id);
CREATE INDEX approval_events_seq ON approval_events (carrier_id, ledger_seq);

-- Notice templates, stored only once they pass the 64.2008(c)-(f) check
-- against the carrier's policy in force.
CREATE TABLE notice_templates (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  name TEXT NOT NULL,
  kind SMALLINT NOT NULL,            -- rules::NoticeKind
  channel SMALLINT NOT NULL,         -- rules::NoticeChannel
  checklist TEXT NOT NULL,           -- JSON: the reviewed items of rules::NoticeTemplate
  document_ref TEXT NOT NULL,        -- where the text is (document id, file name)
  policy_version BIGINT NOT NULL,    -- the carrier policy it was checked against
  created_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL,
  UNIQUE (carrier_id, name)
);

-- One sending of a template to some customers (64.2008(a)(2): kept at least
-- a year). Opt-out notices also add an approval event per customer.
CREATE TABLE notice_sends (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  template_id BIGINT NOT NULL REFERENCES notice_templates (id),
  channel SMALLINT NOT NULL,
  scopes BIGINT NOT NULL,            -- what approval the notice solicits
  sent_at BIGINT NOT NULL,           -- sent (electronic) or mailed (mail)
  customers BIGINT NOT NULL,         -- how many received it
  recorded_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);

CREATE TABLE notice_recipients (
  notice_id BIGINT NOT NULL REFERENCES notice_sends (id),
  customer_id BIGINT NOT NULL,
  ledger_seq BIGINT NOT NULL,
  PRIMARY KEY (notice_id, customer_id)
) @WITHOUT_ROWID@;

-- Carrier policies (rules/policy.h TOML), every version kept; the highest
-- version is in force. No row: the FCC floor (version 0).
CREATE TABLE carrier_policies (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  toml TEXT NOT NULL,                -- as submitted
  sha256 TEXT NOT NULL,              -- of toml, hex
  set_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL,
  PRIMARY KEY (carrier_id, version)
);

-- The decision log: every decision taken through a service, with the id
-- returned to the caller. Written in batches (group commit); not a change of
-- compliance state, so not in the ledger. No personal data: ids and codes.
-- Append-only by id and deliberately without a secondary index: an index on
-- the customer turns each group commit into writes scattered over the whole
-- index (measured: it halved HTTP decision throughput); audits by customer
-- scan, or add an index to a copy.
CREATE TABLE decisions (
  id @ID@,
  carrier_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  asked_at BIGINT NOT NULL,          -- the instant the request asked about
  decided_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action SMALLINT NOT NULL,          -- rules::Action
  purpose SMALLINT NOT NULL,         -- rules::Purpose
  recipient_kind SMALLINT NOT NULL,  -- rules::RecipientKind
  recipient_id BIGINT NOT NULL,
  cpni BIGINT NOT NULL,              -- bit mask of rules::CpniCategory
  service_category SMALLINT NOT NULL,
  offering SMALLINT NOT NULL,        -- rules::Offering
  context_flags BIGINT NOT NULL,     -- bit mask of rules::ContextFlag
  channel SMALLINT NOT NULL,         -- rules::AccessChannel
  allowed SMALLINT NOT NULL,
  rule_set TEXT NOT NULL,
  what_if SMALLINT NOT NULL,         -- 1: the rule set was chosen by the caller
  policy_version BIGINT NOT NULL,
  basis TEXT NOT NULL,               -- citations, '|'-separated
  requires TEXT NOT NULL,            -- requirement names, ','-separated
  reason TEXT NOT NULL
);
