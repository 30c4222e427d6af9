-- Share links open only with the proof of holding the link's fragment:
-- the SHA-256 of that proof. Links made before have none and keep the old
-- rule until they expire (at most 7 days).
ALTER TABLE key_shares ADD COLUMN proof_hash BLOB;

-- A rolled key spends the credits and rate limits of the key it was rolled
-- to (the newest of its chain): during the grace period both keys share one
-- balance.
ALTER TABLE api_keys ADD COLUMN limits_key TEXT;

-- Rate windows are pruned when they end (named limits allow 30 days), not
-- two days after they start.
ALTER TABLE rate_windows ADD COLUMN window_end INTEGER;
CREATE INDEX rate_windows_end ON rate_windows (window_end);
