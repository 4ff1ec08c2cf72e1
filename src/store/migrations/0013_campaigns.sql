-- 0013_campaigns: the sales and marketing campaigns that use CPNI (47 CFR
-- 64.2009(c)) and their supervisory review (64.2009(d)).
--
-- campaigns: one row per campaign, in its current state (draft, submitted,
-- approved, rejected, running, completed); every step is also a ledger entry.
-- `cpni_categories` is a comma-separated list of CPNI category names,
-- `offering` and `service_category` the decision vocabulary's names, and
-- `products` the products and services offered in words.
CREATE TABLE campaigns (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  cpni_categories TEXT NOT NULL,
  offering TEXT NOT NULL,
  service_category TEXT NOT NULL,
  products TEXT NOT NULL,
  channel TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  owner_staff_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  reviewer_staff_id BIGINT,
  review_note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  completed_on TEXT NOT NULL DEFAULT '',
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX campaigns_by_state ON campaigns (carrier_id, state, id);

-- campaign_records: what happened to a campaign beyond its state: each
-- audience export (its count, SHA-256 and exclusions by reason) and each
-- sales and marketing result attached to it. `details` is a JSON object.
CREATE TABLE campaign_records (
  id @ID@,
  carrier_id BIGINT NOT NULL REFERENCES carriers(id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  kind TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  recorded_at BIGINT NOT NULL,
  recorded_by TEXT NOT NULL,
  ledger_seq BIGINT NOT NULL
);
CREATE INDEX campaign_records_by_campaign ON campaign_records (carrier_id, campaign_id, id);
