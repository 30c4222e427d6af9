-- Key spaces: every key belongs to one. An existing store's keys move into
-- the space `default`, whose prefix is the deployment's (key_prefix NULL),
-- so every existing key keeps verifying unchanged.
CREATE TABLE spaces (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    -- The prefix of the space's keys; NULL: the deployment's.
    key_prefix        TEXT UNIQUE,
    -- What a new key of the space gets unless its request says otherwise
    -- (JSON: environments, rate_limit, credits, max_lifetime_ms).
    defaults          TEXT NOT NULL DEFAULT '{}',
    -- 1: the space cannot be deleted, even with no live key.
    delete_protection BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
INSERT INTO spaces (id, name, key_prefix, defaults, delete_protection, created_at, updated_at)
VALUES ('default', 'Default', NULL, '{}', 0, 0, 0);

-- Roles: named sets of permissions within a space.
CREATE TABLE roles (
    space       TEXT NOT NULL REFERENCES spaces (id),
    name        TEXT NOT NULL,
    -- JSON array of permission names.
    permissions TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (space, name)
);

ALTER TABLE api_keys ADD COLUMN space TEXT NOT NULL DEFAULT 'default';
-- JSON array of the key's role names (in its space).
ALTER TABLE api_keys ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
CREATE INDEX api_keys_space ON api_keys (space, created_at, id);

-- The spaces a root key sees (JSON array); NULL: every space.
ALTER TABLE root_keys ADD COLUMN spaces TEXT;
