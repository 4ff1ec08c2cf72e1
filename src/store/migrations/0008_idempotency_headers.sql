-- 0008_idempotency_headers: a replayed answer carries the headers of the
-- first one (Location, ETag, Content-Disposition), not only its status, type
-- and body. `headers` is the handler's headers as a JSON array of
-- [name, value] pairs; '' for answers kept before this migration.
ALTER TABLE idempotency_keys ADD COLUMN headers TEXT NOT NULL DEFAULT '';
