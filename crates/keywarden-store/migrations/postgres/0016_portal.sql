-- The customer portal. A link is minted by a provider's backend for one
-- owner of one space; it is stored by the HMAC of its one-time code (never
-- the code), and opening it marks it used in the statement that reads it,
-- so it opens at most once on any number of nodes.
CREATE TABLE portal_links (
    digest      BYTEA PRIMARY KEY,
    owner       TEXT NOT NULL,
    space       TEXT NOT NULL,
    -- JSON array of the grants (keys:read, keys:create, ...).
    grants      TEXT NOT NULL,
    return_url  TEXT,
    -- The root key that minted it: a link or session is read with it, and
    -- neither opens nor works once it is revoked.
    created_by  TEXT NOT NULL REFERENCES root_keys (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX portal_links_expires ON portal_links (expires_at);

-- A customer's portal session, by the HMAC of its cookie token; `id` (ps_…)
-- names it in the audit log.
CREATE TABLE portal_sessions (
    digest      BYTEA PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    owner       TEXT NOT NULL,
    space       TEXT NOT NULL,
    grants      TEXT NOT NULL,
    return_url  TEXT,
    created_by  TEXT NOT NULL REFERENCES root_keys (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

-- A key made in the portal under require_approval waits (refused with
-- PENDING_APPROVAL) from pending_at until an operator approves it.
ALTER TABLE api_keys ADD COLUMN pending_at BIGINT;
-- The Pending page lists the few keys waiting, oldest last.
CREATE INDEX api_keys_pending ON api_keys (pending_at) WHERE pending_at IS NOT NULL;
-- Whether any key was imported (read at start-up and on every `*`
-- change notice) without walking the table.
CREATE INDEX api_keys_imported ON api_keys (imported_at) WHERE imported_at IS NOT NULL;
