-- 0010_customer_closed: former customers. 47 CFR 64.2003(f) calls a customer
-- one to whom the carrier is CURRENTLY providing service; a closed account is
-- a former customer, whose records are kept (nothing is deleted: the ledger,
-- approvals, notices and breach records stay under their retention) and whose
-- decisions follow rules/decide.h (CustomerFacts::former_customer).
-- `closed_at`: when the account was closed (microseconds, UTC); NULL: a
-- current customer.
ALTER TABLE customers ADD COLUMN closed_at BIGINT;
