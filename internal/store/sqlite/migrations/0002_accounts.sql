-- +goose Up
-- Accounts (users, sessions, API keys) and the owner of every scenario and
-- run. Rows created before this migration keep owner_id NULL: only admins
-- see them. Secrets are stored only as SHA-256 hashes, passwords only as
-- argon2id PHC strings.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE, -- lower-cased email, for case-insensitive uniqueness
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    plan          TEXT NOT NULL CHECK (plan IN ('free', 'expert', 'pro', 'enterprise')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL UNIQUE,
    hash         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at DESC);

ALTER TABLE scenarios ADD COLUMN owner_id TEXT REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX scenarios_owner_created_at_idx ON scenarios (owner_id, created_at DESC, id DESC);
ALTER TABLE runs ADD COLUMN owner_id TEXT REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX runs_owner_created_at_idx ON runs (owner_id, created_at DESC, id DESC);

-- +goose Down
DROP INDEX runs_owner_created_at_idx;
ALTER TABLE runs DROP COLUMN owner_id;
DROP INDEX scenarios_owner_created_at_idx;
ALTER TABLE scenarios DROP COLUMN owner_id;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
