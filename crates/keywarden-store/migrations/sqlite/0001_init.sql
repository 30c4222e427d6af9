-- keywarden schema v1 (SQLite). Times are Unix milliseconds; lists and
-- metadata are JSON text. No column ever holds a plaintext key.

CREATE TABLE api_keys (
    id                 TEXT PRIMARY KEY,
    digest             BLOB NOT NULL UNIQUE,
    pepper_version     INTEGER NOT NULL,
    hint               TEXT NOT NULL,
    prefix             TEXT NOT NULL,
    environment        TEXT NOT NULL,
    owner              TEXT,
    name               TEXT,
    scopes             TEXT NOT NULL,
    metadata           TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    expires_at         INTEGER,
    revoked_at         INTEGER,
    revoke_reason      TEXT,
    rotated_from       TEXT,
    rotated_to         TEXT,
    ip_allowlist       TEXT NOT NULL,
    rate_limit         INTEGER,
    rate_window_secs   INTEGER,
    usage_limit        INTEGER,
    usage_remaining    INTEGER,
    last_used_at       INTEGER,
    secret_ciphertext  BLOB,
    secret_wrapped_key BLOB
);
CREATE INDEX api_keys_created ON api_keys (created_at, id);
CREATE INDEX api_keys_owner ON api_keys (owner, created_at);
CREATE INDEX api_keys_environment ON api_keys (environment, created_at);
CREATE INDEX api_keys_expires ON api_keys (expires_at);

CREATE TABLE root_keys (
    id             TEXT PRIMARY KEY,
    digest         BLOB NOT NULL UNIQUE,
    pepper_version INTEGER NOT NULL,
    hint           TEXT NOT NULL,
    name           TEXT,
    permissions    TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT,
    revoked_at     INTEGER,
    last_used_at   INTEGER
);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    outcome     TEXT NOT NULL,
    client_ip   TEXT,
    details     TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target, seq);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE usage_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id     TEXT,
    at         INTEGER NOT NULL,
    code       TEXT NOT NULL,
    client_ip  TEXT,
    user_agent TEXT,
    scopes     TEXT,
    node_id    TEXT
);
CREATE INDEX usage_events_key_at ON usage_events (key_id, at);
CREATE INDEX usage_events_at ON usage_events (at);

CREATE TABLE events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    key_id  TEXT,
    details TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_key ON events (key_id, seq);
