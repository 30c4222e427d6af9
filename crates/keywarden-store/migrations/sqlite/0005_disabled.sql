-- A key can be disabled (and enabled again): refused while disabled_at is set.
ALTER TABLE api_keys ADD COLUMN disabled_at INTEGER;
