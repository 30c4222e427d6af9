-- Several named rate limits per key (JSON list of {name, limit, window_seconds}).
ALTER TABLE api_keys ADD COLUMN rate_limits TEXT NOT NULL DEFAULT '[]';
