-- Limits shared by every key of an owner. The credit columns have the names
-- (and meaning) of api_keys' so one statement spends credits on either.
CREATE TABLE owner_limits (
    owner TEXT PRIMARY KEY,
    rate_limit BIGINT,
    rate_window_secs BIGINT,
    usage_limit BIGINT,
    usage_remaining BIGINT,
    credits_refill_amount BIGINT,
    credits_refill_ms BIGINT,
    credits_period BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
