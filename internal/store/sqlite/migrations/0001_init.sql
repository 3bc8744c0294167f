-- +goose Up
-- Times are INTEGER microseconds since the Unix epoch (UTC); ids are UUID
-- text; blobs are gzip-compressed JSON except scenario bodies.
CREATE TABLE scenarios (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    latest_version INTEGER NOT NULL CHECK (latest_version >= 1),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX scenarios_created_at_id_idx ON scenarios (created_at DESC, id DESC);

CREATE TABLE scenario_versions (
    scenario_id TEXT NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT NOT NULL,
    body        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (scenario_id, version)
) STRICT;

CREATE TABLE runs (
    id               TEXT PRIMARY KEY,
    scenario_id      TEXT REFERENCES scenarios (id) ON DELETE SET NULL,
    scenario_version INTEGER,
    scenario         BLOB NOT NULL,
    seed             INTEGER NOT NULL,
    replications     INTEGER NOT NULL CHECK (replications >= 1),
    status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress         REAL NOT NULL DEFAULT 0,
    error            TEXT NOT NULL DEFAULT '',
    cache_hit        INTEGER NOT NULL DEFAULT 0,
    cache_key        TEXT NOT NULL DEFAULT '',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    job_id           INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER
) STRICT;
CREATE INDEX runs_created_at_id_idx ON runs (created_at DESC, id DESC);
CREATE INDEX runs_status_created_at_idx ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_scenario_id_idx ON runs (scenario_id);
CREATE INDEX runs_cache_key_idx ON runs (cache_key, created_at DESC) WHERE status = 'succeeded';

CREATE TABLE run_results (
    run_id       TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    result       BLOB NOT NULL,
    replications BLOB,
    statistics   BLOB
) STRICT;

CREATE TABLE run_series (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    series BLOB NOT NULL
) STRICT;

CREATE TABLE run_replications (
    run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL CHECK (idx >= 0),
    progress REAL NOT NULL DEFAULT 0,
    result   BLOB,
    series   BLOB,
    PRIMARY KEY (run_id, idx)
) STRICT;

-- +goose Down
DROP TABLE run_replications;
DROP TABLE run_series;
DROP TABLE run_results;
DROP TABLE runs;
DROP TABLE scenario_versions;
DROP TABLE scenarios;
