-- 0007_ledger_blocks: sealed blocks of ledger entries (ledger/block.h).
--
-- When entry n * 64 of a carrier is appended, the 64 entries n*64-63 .. n*64
-- move from ledger_entries (one row each) into one ledger_blocks row in the
-- same transaction: reading a ledger in full then costs one row per 64
-- entries. Each entry keeps its bytes and chain hash inside the block.
-- ledger_entries keeps the open tail (and entries appended before this
-- migration).
CREATE TABLE ledger_blocks (
  carrier_id BIGINT NOT NULL REFERENCES carriers (id),
  first_seq BIGINT NOT NULL,         -- the block holds first_seq .. first_seq + 63
  entries @BLOB@ NOT NULL,           -- ledger/block.h encoding
  PRIMARY KEY (carrier_id, first_seq)
);                                   -- with a rowid: a block (~15 KiB) fits a 16 KiB page

-- A payload's entry may now sit in a block, so the foreign key to
-- ledger_entries goes; audit verify reports a missing entry whether or not
-- its payload remains.
CREATE TABLE ledger_payloads_new (
  carrier_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  body @BLOB@,                       -- NULL once erased
  retain_until BIGINT NOT NULL,      -- erasable from this instant on
  erased_at BIGINT,
  PRIMARY KEY (carrier_id, seq)
) @WITHOUT_ROWID@;
INSERT INTO ledger_payloads_new (carrier_id, seq, body, retain_until, erased_at)
  SELECT carrier_id, seq, body, retain_until, erased_at FROM ledger_payloads;
DROP TABLE ledger_payloads;
ALTER TABLE ledger_payloads_new RENAME TO ledger_payloads;
