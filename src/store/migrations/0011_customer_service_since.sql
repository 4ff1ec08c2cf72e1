-- 0011_customer_service_since: the day the customer's service began.
-- 'YYYY-MM-DD', or '' when not known: customers stored before this migration,
-- and customers imported without the column, are existing customers, never
-- new ones, so the service-initiation path of 47 CFR 64.2010(e) (a first
-- password set without authentication) is closed for them. Set once, when the
-- record is created; an update does not change it.
ALTER TABLE customers ADD COLUMN service_since TEXT NOT NULL DEFAULT '';
