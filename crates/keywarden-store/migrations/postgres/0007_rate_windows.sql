-- Cluster rate limits: requests granted per key and fixed window, leased
-- by nodes in batches.
CREATE TABLE rate_windows (
    key_id TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (key_id, window_start)
);
