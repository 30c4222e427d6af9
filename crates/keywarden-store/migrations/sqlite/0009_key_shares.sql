-- One-time share links: a new key sealed under a secret only the link's
-- fragment holds. Deleted when opened, pruned when expired.
CREATE TABLE key_shares (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
