-- +goose Up
-- Accounts (users, sessions, API keys) and the owner of every scenario and
-- run. Rows created before this migration keep owner_id NULL: only admins
-- see them. Secrets are stored only as SHA-256 hashes, passwords only as
-- argon2id PHC strings.
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    email_key     text NOT NULL UNIQUE, -- lower-cased email, for case-insensitive uniqueness
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('user', 'admin')),
    plan          text NOT NULL CHECK (plan IN ('free', 'expert', 'pro', 'enterprise')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL UNIQUE,
    hash         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at DESC);

ALTER TABLE scenarios ADD COLUMN owner_id uuid REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX scenarios_owner_created_at_idx ON scenarios (owner_id, created_at DESC, id DESC);
ALTER TABLE runs ADD COLUMN owner_id uuid REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX runs_owner_created_at_idx ON runs (owner_id, created_at DESC, id DESC);

-- +goose Down
ALTER TABLE runs DROP COLUMN owner_id;
ALTER TABLE scenarios DROP COLUMN owner_id;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
