-- The usage log is append-only and pruned by time: it needs no
-- AUTOINCREMENT guarantee (ids never reused), whose bookkeeping in
-- sqlite_sequence costs every insert. A plain INTEGER PRIMARY KEY is the rowid.
CREATE TABLE usage_events_new (
    id         INTEGER PRIMARY KEY,
    key_id     TEXT,
    at         INTEGER NOT NULL,
    code       TEXT NOT NULL,
    client_ip  TEXT,
    user_agent TEXT,
    scopes     TEXT,
    node_id    TEXT
);
INSERT INTO usage_events_new (id, key_id, at, code, client_ip, user_agent, scopes, node_id)
    SELECT id, key_id, at, code, client_ip, user_agent, scopes, node_id FROM usage_events;
DROP TABLE usage_events;
ALTER TABLE usage_events_new RENAME TO usage_events;
CREATE INDEX usage_events_key_at ON usage_events (key_id, at);
CREATE INDEX usage_events_at ON usage_events (at);
