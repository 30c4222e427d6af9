-- Console sessions, shared by every node. `digest` is the HMAC of the
-- cookie token under the pepper: the token itself is never stored. A
-- session is live while its root key is unrevoked, `last_seen_at` is within
-- session_idle and `created_at` within session_max. `notice` is the one-time
-- message shown on the next page after a redirect.
CREATE TABLE console_sessions (
    digest       BLOB PRIMARY KEY,
    root_key_id  TEXT NOT NULL REFERENCES root_keys (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    notice       TEXT
);
CREATE INDEX console_sessions_root_key ON console_sessions (root_key_id);
CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen_at);
