-- 0001_initial: carriers, customers, staff and the ledger.
-- Tokens replaced per backend: @ID@ (auto-assigned 64-bit primary key),
-- @BLOB@ (byte string), @WITHOUT_ROWID@ (SQLite: the table is its primary-key
-- B-tree; PostgreSQL: nothing). Instants are BIGINT microseconds since the Unix
-- epoch, UTC; dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE carriers (
  id @ID@,
  legal_name TEXT NOT NULL,
  filer_id_499 TEXT NOT NULL UNIQUE,
  street TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  officers TEXT NOT NULL,            -- JSON array of {name, title, signatory}
  created_at BIGINT NOT NULL
);

CREATE TABLE customers (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  account_number TEXT NOT NULL,
  customer_type SMALLINT NOT NULL,   -- 0 residential, 1 business
  name TEXT NOT NULL,
  street TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  telephone_numbers TEXT NOT NULL,   -- numbers of record, E.164, ';'-separated, primary first
  address_since TEXT NOT NULL,       -- the day the address of record was set
  email TEXT NOT NULL,
  services BIGINT NOT NULL,          -- bit mask of core/domain.h ServiceCategory
  account_representative TEXT NOT NULL,
  cpni_contract_ref TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (carrier_id, account_number)
);

-- Who has this number of record? (caller verification, pretexting checks)
-- The number is held as the integer of its E.164 digits (+14075550100 is
-- 14075550100): compact keys that compare fast.
CREATE TABLE customer_phones (
  carrier_id BIGINT NOT NULL,
  e164 BIGINT NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  PRIMARY KEY (carrier_id, e164, customer_id)
) @WITHOUT_ROWID@;

CREATE TABLE staff (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  roles TEXT NOT NULL,               -- comma-separated role names
  hired_on TEXT NOT NULL,
  active SMALLINT NOT NULL,
  created_at BIGINT NOT NULL
);

-- The append-only ledger: one chain per carrier (ledger/entry.h).
CREATE TABLE ledger_entries (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  seq BIGINT NOT NULL,
  entry @BLOB@ NOT NULL,             -- canonical encoding
  hash @BLOB@ NOT NULL,              -- chain hash of entry (ledger/entry.h)
  PRIMARY KEY (carrier_id, seq)
) @WITHOUT_ROWID@;                   -- read in key order without a second lookup

-- Payloads with personal data, beside the chain, referenced by hash.
CREATE TABLE ledger_payloads (
  carrier_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  body @BLOB@,                       -- NULL once erased
  retain_until BIGINT NOT NULL,      -- erasable from this instant on
  erased_at BIGINT,
  PRIMARY KEY (carrier_id, seq),
  FOREIGN KEY (carrier_id, seq) REFERENCES ledger_entries (carrier_id, seq)
) @WITHOUT_ROWID@;

-- Updated with every append, in the same transaction.
CREATE TABLE ledger_heads (
  carrier_id BIGINT PRIMARY KEY REFERENCES carriers (id),
  size BIGINT NOT NULL,
  last_hash @BLOB@ NOT NULL,
  compact_tree @BLOB@ NOT NULL       -- ledger/merkle.h CompactTree
);
