-- A usage row may stand for several identical verifications within one
-- second (same key, outcome, address, user agent, scopes and node): the
-- writer folds them into one row with their number.
ALTER TABLE usage_events ADD COLUMN hits BIGINT NOT NULL DEFAULT 1;
