-- 0005_authentication: customer authentication before CPNI is released and
-- account-change notifications (47 CFR 64.2010).
--
-- Secrets are never stored: the CPNI password and the back-up answer are
-- argon2id encodings. Every row here is written in the same transaction as
-- the ledger entry that records it (ledger_seq); entry bodies carry no
-- personal data (calling numbers, destinations, ID details and stated call
-- detail are in the entries' payloads, and in these projection tables, which
-- the carrier needs to do its job).

-- The CPNI password (kind 0) and the back-up authentication (kind 1: a
-- question and the argon2id encoding of its normalised answer).
CREATE TABLE customer_secrets (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  kind SMALLINT NOT NULL,
  question TEXT NOT NULL,              -- back-up prompt ('' for the password)
  secret_hash TEXT NOT NULL,           -- argon2id encoded
  set_at BIGINT NOT NULL,
  set_by TEXT NOT NULL,                -- the actor
  setup_path TEXT NOT NULL,            -- how the customer was authenticated first (64.2010(e))
  ledger_seq BIGINT NOT NULL,
  PRIMARY KEY (carrier_id, customer_id, kind)
);

-- Per customer: consecutive failed verifications (telephone and online),
-- the online lockout, and when the e-mail address of record was set (the
-- postal one is customers.address_since).
CREATE TABLE customer_auth_state (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  phone_failures BIGINT NOT NULL,      -- consecutive failed password/back-up answers by telephone
  phone_locked_until BIGINT NOT NULL,  -- 0: not locked
  online_failures BIGINT NOT NULL,
  online_locked_until BIGINT NOT NULL,
  postal_since TEXT NOT NULL,          -- YYYY-MM-DD the postal address last changed ('' = never)
  email_since TEXT NOT NULL,           -- YYYY-MM-DD, '' = since the customer was created
  previous_street TEXT NOT NULL,       -- the postal address of record before the last change
  previous_city TEXT NOT NULL,
  previous_state TEXT NOT NULL,
  previous_postal_code TEXT NOT NULL,
  previous_country TEXT NOT NULL,
  previous_email TEXT NOT NULL,
  PRIMARY KEY (carrier_id, customer_id)
);

-- Online accounts (64.2010(c)): access only with the CPNI password.
CREATE TABLE online_accounts (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_sign_in BIGINT NOT NULL,        -- 0: never
  ledger_seq BIGINT NOT NULL,
  PRIMARY KEY (carrier_id, customer_id),
  UNIQUE (carrier_id, login)
);

-- One authentication attempt: a call (channel phone), an online sign-in, an
-- in-store visit. `flags` is the bit set of what has been established
-- (services/customer_auth.h SessionFlag).
CREATE TABLE verification_sessions (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  channel TEXT NOT NULL,               -- phone | online | in_store
  calling_number TEXT NOT NULL,        -- E.164 of the caller ('' = withheld or not a call)
  call_id TEXT NOT NULL,
  actor TEXT NOT NULL,                 -- the CSR or system that opened it
  staff_id BIGINT NOT NULL,            -- 0: not a staff member
  opened_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL,           -- 0: open
  flags BIGINT NOT NULL,
  failures BIGINT NOT NULL,            -- failed steps in this session
  stated_call_detail TEXT NOT NULL,    -- what the caller stated unaided (64.2010(b))
  token_hash @BLOB@,                   -- online sessions: SHA-256 of the session token
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX verification_sessions_customer ON verification_sessions (carrier_id, customer_id);

-- Every step of every session, with its outcome; failed steps feed the
-- pretexting checks by account, calling number and staff member.
CREATE TABLE verification_steps (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  session_id BIGINT NOT NULL,          -- 0: outside a session (online sign-in with a bad login)
  customer_id BIGINT NOT NULL,
  calling_number TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,                  -- password | backup_answer | caller_call_detail | ...
  outcome TEXT NOT NULL,               -- passed | failed | refused
  detail TEXT NOT NULL,                -- JSON without secrets or personal data
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX verification_steps_customer ON verification_steps (carrier_id, customer_id, at);
CREATE INDEX verification_steps_number ON verification_steps (carrier_id, calling_number, at);
CREATE INDEX verification_steps_actor ON verification_steps (carrier_id, actor, at);

-- One-time codes for a password reset, sent to the telephone number or the
-- address of record (64.2010(e)); only their SHA-256 is kept.
CREATE TABLE auth_reset_codes (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  code_hash @BLOB@ NOT NULL,
  channel TEXT NOT NULL,               -- text | mail
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL,             -- 0: unused
  attempts BIGINT NOT NULL
);
CREATE INDEX auth_reset_codes_customer ON auth_reset_codes (carrier_id, customer_id);

-- Suspected pretexting (64.2010(a)): repeated failed verifications from one
-- calling number, by one staff member, or against one account.
CREATE TABLE pretexting_flags (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  kind TEXT NOT NULL,                  -- calling_number | staff | account
  flag_key TEXT NOT NULL,              -- the number, the actor, or the customer id
  raised_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  accounts BIGINT NOT NULL,            -- distinct accounts among the failures
  evidence TEXT NOT NULL,              -- JSON: step ids, sessions, window
  state TEXT NOT NULL,                 -- open | reviewed
  reviewed_by TEXT NOT NULL,
  reviewed_at BIGINT NOT NULL,
  review_note TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX pretexting_flags_key ON pretexting_flags (carrier_id, kind, flag_key, state);

-- How a carrier's account-change notifications leave: the webhook of its
-- messaging system, the channels, and the bound on delivery.
CREATE TABLE notification_settings (
  carrier_id BIGINT PRIMARY KEY REFERENCES carriers (id),
  webhook_url TEXT NOT NULL,           -- '' = none (texts wait)
  channels TEXT NOT NULL,              -- ';'-separated: text, voicemail, mail
  bound_seconds BIGINT NOT NULL,       -- a notice not delivered by then raises an alert
  max_attempts BIGINT NOT NULL,
  backoff_base_ms BIGINT NOT NULL,
  backoff_max_ms BIGINT NOT NULL,
  callback_phone TEXT NOT NULL,        -- the carrier's number customers call back
  updated_at BIGINT NOT NULL
);

-- The outbox (64.2010(f)): one row per notice and channel.
CREATE TABLE account_notifications (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  change_kind TEXT NOT NULL,           -- password | backup | online_account | address_of_record
  change_event TEXT NOT NULL,          -- created | changed | reset
  channel TEXT NOT NULL,               -- text | voicemail | mail
  destination TEXT NOT NULL,           -- E.164, or the postal address on one line
  recipient_name TEXT NOT NULL,
  message TEXT NOT NULL,               -- never the changed data
  idempotency_key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,                 -- queued | sending | retrying | delivered | printed | failed
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  due_by BIGINT NOT NULL,              -- created_at + the carrier's bound
  delivered_at BIGINT NOT NULL,        -- 0: not yet
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX account_notifications_state ON account_notifications (carrier_id, state, next_attempt_at);
CREATE INDEX account_notifications_customer ON account_notifications (carrier_id, customer_id);
