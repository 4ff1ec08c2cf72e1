-- 0002_access: who may sign in to proprio serve, for which carriers, with
-- which tokens; and the answers kept for Idempotency-Key retries.
-- Secrets are never stored: passwords as argon2id encodings, tokens as the
-- SHA-256 of the token.

-- A principal that can authenticate: a staff member (staff_id set), or a
-- platform administrator made by `proprio init --admin-name` (staff_id NULL),
-- who acts for the carriers of its memberships.
CREATE TABLE accounts (
  id @ID@,
  login TEXT UNIQUE,                 -- the sign-in name; NULL: API tokens only
  staff_id BIGINT UNIQUE REFERENCES staff (id),
  name TEXT NOT NULL,                -- display name (the staff name, or the admin's)
  password_hash TEXT,                -- argon2id encoded ("$argon2id$v=19$m=..."); NULL: none
  failed_attempts BIGINT NOT NULL,   -- consecutive failed sign-ins
  locked_until BIGINT NOT NULL,      -- no sign-in before this instant (0: not locked)
  active SMALLINT NOT NULL,
  created_at BIGINT NOT NULL
);

-- The carriers an account may act for besides a staff member's own carrier
-- (compliance firms serve several carriers).
CREATE TABLE account_carriers (
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, carrier_id)
);

-- Session tokens (kind 0, expiring) and API tokens (kind 1, for systems).
CREATE TABLE auth_tokens (
  id @ID@,
  token_hash @BLOB@ NOT NULL UNIQUE, -- SHA-256 of the token's text
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  kind SMALLINT NOT NULL,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,        -- 0: does not expire
  revoked_at BIGINT                  -- NULL: not revoked
);
CREATE INDEX auth_tokens_account ON auth_tokens (account_id);

-- The first answer to a POST with an Idempotency-Key, per carrier (0 for
-- routes outside a carrier) and account.
CREATE TABLE idempotency_keys (
  carrier_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash @BLOB@ NOT NULL,      -- SHA-256 of method, target and body
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body @BLOB@ NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (carrier_id, account_id, idem_key)
);
