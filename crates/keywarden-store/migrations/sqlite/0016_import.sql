-- Keys imported from another system. `external_id` names a key in that
-- system (unique: a second import of it adds nothing); `imported_at` marks
-- an imported key.
ALTER TABLE api_keys ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX api_keys_external_id ON api_keys (external_id);
ALTER TABLE api_keys ADD COLUMN imported_at INTEGER;

-- The old system's unkeyed hash of an imported key, kept only until the key
-- is first presented: it is then digested under the pepper (its row in
-- api_keys gets its real digest) and this row is deleted. Until then the
-- key's api_keys digest is random (pepper_version 0) and matches nothing.
CREATE TABLE foreign_hashes (
    key_id    TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    hash      BLOB NOT NULL
);
CREATE UNIQUE INDEX foreign_hashes_hash ON foreign_hashes (algorithm, hash);
