-- 0009_customers_keyset: the keyset walk over a carrier's customers
-- (`WHERE carrier_id = ? AND id > ? ORDER BY id LIMIT ?`, Tx::CustomerFactsAfter
-- and the customer pages) reads an index in order instead of searching the
-- carrier's whole set through (carrier_id, account_number) and sorting it for
-- every batch: loading the approval index was quadratic in the customers
-- (179-196 s at 10M), and its catch-up paid a full sort on every refresh.
CREATE INDEX customers_carrier_id ON customers (carrier_id, id);
