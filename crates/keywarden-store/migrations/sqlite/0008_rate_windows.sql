-- Cluster rate limits: requests granted per key and fixed window, leased
-- by nodes in batches. (SQLite serves one node; the table exists so both
-- backends have one schema.)
CREATE TABLE rate_windows (
    key_id TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (key_id, window_start)
);
