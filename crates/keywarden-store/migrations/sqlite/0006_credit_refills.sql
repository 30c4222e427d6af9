-- Credits with refill: usage_remaining is set back to credits_refill_amount
-- at each credits_refill_ms boundary since created_at; credits_period is the
-- number of the last boundary applied.
ALTER TABLE api_keys ADD COLUMN credits_refill_amount INTEGER;
ALTER TABLE api_keys ADD COLUMN credits_refill_ms INTEGER;
ALTER TABLE api_keys ADD COLUMN credits_period INTEGER NOT NULL DEFAULT 0;
