-- 0006_customer_pages: customers listed page by page per carrier, in id
-- order, without sorting the carrier's whole table for every page.
CREATE INDEX customers_by_carrier_id ON customers (carrier_id, id);
