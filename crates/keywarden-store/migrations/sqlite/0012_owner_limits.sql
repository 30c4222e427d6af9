-- Limits shared by every key of an owner. The credit columns have the names
-- (and meaning) of api_keys' so one statement spends credits on either.
CREATE TABLE owner_limits (
    owner TEXT PRIMARY KEY,
    rate_limit INTEGER,
    rate_window_secs INTEGER,
    usage_limit INTEGER,
    usage_remaining INTEGER,
    credits_refill_amount INTEGER,
    credits_refill_ms INTEGER,
    credits_period INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
