-- One row that readiness checks rewrite to prove the store takes writes.
CREATE TABLE store_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL
);
INSERT INTO store_probe (id, at) VALUES (1, 0);

-- The head of the audit chain (last sequence number and hash), HMAC'd with
-- a key derived from the pepper and rewritten in the same transaction as
-- every append: removing entries from the end of the log no longer goes
-- unnoticed.
CREATE TABLE audit_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    key_version INTEGER NOT NULL,
    mac         BLOB NOT NULL
);
