-- When a key's coming expiry was announced (key.expiring), once per key.
ALTER TABLE api_keys ADD COLUMN expiry_noticed_at BIGINT;
