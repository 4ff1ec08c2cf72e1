-- 0015_sim_requests: SIM change and port-out requests and the customer's
-- account lock against them (47 CFR 64.2010(h), 52.37; FCC 23-95, 2023).
-- (0014 is another change's number: the runner applies the files in order
-- and tolerates the gap until it is merged.)
--
-- sim_requests: one row per request, allowed or refused, kept until
-- `retain_until` (64.2010(h)(5): 3 years believed, or the policy's longer
-- period). `kind` sim_change | port_out; `channel` the verification
-- session's (phone | online | in_store); `methods` the session's passed
-- methods, comma-separated (password, call_back, photo_id ...); `outcome`
-- allowed | refused_not_authenticated | refused_locked |
-- refused_failed_attempts | refused_no_contact | not_applicable; `basis` the
-- citations, `;`-separated; `in_force` 1 when the configured compliance date
-- had come; `notifications` the ids of the notices queued (64.2010(h)(3)),
-- comma-separated. No CPNI and no secret is stored here.
CREATE TABLE sim_requests (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  staff_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  session_id BIGINT NOT NULL,
  methods TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  basis TEXT NOT NULL,
  in_force BIGINT NOT NULL,
  failed_attempt BIGINT NOT NULL,
  notifications TEXT NOT NULL,
  rule_set TEXT NOT NULL,
  policy_version BIGINT NOT NULL,
  retain_until BIGINT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX sim_requests_by_customer ON sim_requests (carrier_id, customer_id, id);
CREATE INDEX sim_requests_failed ON sim_requests (carrier_id, customer_id, failed_attempt, requested_at);
CREATE INDEX sim_requests_by_session ON sim_requests (carrier_id, session_id);

-- sim_locks: the customer's lock against SIM changes and port-outs
-- (64.2010(h)(4)), at no cost; one row per customer, its last change. Every
-- change is also a ledger entry (sim.lock_set, sim.lock_cleared).
CREATE TABLE sim_locks (
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  locked BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  changed_by TEXT NOT NULL,
  session_id BIGINT NOT NULL,
  ledger_seq BIGINT NOT NULL,
  PRIMARY KEY (carrier_id, customer_id)
);
