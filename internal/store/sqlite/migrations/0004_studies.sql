-- +goose Up
-- Studies (sizing searches and parameter sweeps) owned like runs. Each
-- candidate run (a candidate scenario with one seed) is a job of its own;
-- study_runs memoizes their outcomes so that a coordinator resumed after
-- its worker died replays the study without running them again. Blobs
-- other than the base scenario and the settings are gzip-compressed JSON.
-- Times are microseconds since the Unix epoch.
CREATE TABLE studies (
    id               TEXT PRIMARY KEY,
    owner_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('sizing', 'sweep')),
    scenario_id      TEXT REFERENCES scenarios (id) ON DELETE SET NULL,
    scenario_version INTEGER,
    scenario         BLOB NOT NULL,
    settings         BLOB NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    runs_done        INTEGER NOT NULL DEFAULT 0,
    runs_total       INTEGER NOT NULL CHECK (runs_total >= 1),
    error            TEXT NOT NULL DEFAULT '',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    job_id           INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER
) STRICT;
CREATE INDEX studies_created_at_id_idx ON studies (created_at DESC, id DESC);
CREATE INDEX studies_owner_created_at_idx ON studies (owner_id, created_at DESC, id DESC);
CREATE INDEX studies_status_idx ON studies (status);

CREATE TABLE study_results (
    study_id TEXT PRIMARY KEY REFERENCES studies (id) ON DELETE CASCADE,
    result   BLOB NOT NULL
) STRICT;

CREATE TABLE study_runs (
    study_id    TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    scenario    BLOB NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    result      BLOB,
    error       TEXT NOT NULL DEFAULT '',
    worker      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (study_id, key)
) STRICT;

-- +goose Down
DROP TABLE study_runs;
DROP TABLE study_results;
DROP TABLE studies;
