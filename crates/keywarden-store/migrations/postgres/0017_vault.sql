-- The vault: secrets a team holds (third parties' keys, database
-- passwords), per space and environment. A secret's row holds its
-- metadata; each write is a new row of secret_versions, sealed with
-- AES-256-GCM under its own data key, which is sealed under the master key
-- (associated data: space, environment, name, secret id and version, so a
-- row moved elsewhere does not open). No value is ever stored in plaintext.
CREATE TABLE secrets (
    id                   TEXT NOT NULL UNIQUE,
    space                TEXT NOT NULL,
    environment          TEXT NOT NULL,
    name                 TEXT NOT NULL,
    -- The current version (versions count from 1, never reused).
    version              BIGINT NOT NULL,
    note                 TEXT,
    -- Milliseconds; a secret older than this raises secret.rotation_due.
    rotate_every         BIGINT,
    created_at           BIGINT NOT NULL,
    -- When its value last changed: rotation is due from here.
    updated_at           BIGINT NOT NULL,
    last_read_at         BIGINT,
    rotation_noticed_at  BIGINT,
    PRIMARY KEY (space, environment, name)
);
CREATE INDEX secrets_rotation ON secrets (updated_at) WHERE rotate_every IS NOT NULL;

CREATE TABLE secret_versions (
    secret_id    TEXT NOT NULL,
    version      BIGINT NOT NULL,
    ciphertext   BYTEA NOT NULL,
    wrapped_key  BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (secret_id, version)
);

-- A root key can be limited to environments (the vault's secrets of those
-- only); NULL: every environment. A JSON array.
ALTER TABLE root_keys ADD COLUMN environments TEXT;
