-- Credits with refill: usage_remaining is set back to credits_refill_amount
-- at each credits_refill_ms boundary since created_at; credits_period is the
-- number of the last boundary applied.
ALTER TABLE api_keys ADD COLUMN credits_refill_amount BIGINT;
ALTER TABLE api_keys ADD COLUMN credits_refill_ms BIGINT;
ALTER TABLE api_keys ADD COLUMN credits_period BIGINT NOT NULL DEFAULT 0;
