-- +goose Up
-- Studies (sizing searches and parameter sweeps) owned like runs. Each
-- candidate run (a candidate scenario with one seed) is a job of its own;
-- study_runs memoizes their outcomes so that a coordinator resumed after
-- its worker died replays the study without running them again. Blobs
-- other than the base scenario and the settings are gzip-compressed JSON.
CREATE TABLE studies (
    id               uuid PRIMARY KEY,
    owner_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('sizing', 'sweep')),
    scenario_id      uuid REFERENCES scenarios (id) ON DELETE SET NULL,
    scenario_version integer,
    scenario         bytea NOT NULL,
    settings         bytea NOT NULL,
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    runs_done        integer NOT NULL DEFAULT 0,
    runs_total       integer NOT NULL CHECK (runs_total >= 1),
    error            text NOT NULL DEFAULT '',
    cancel_requested boolean NOT NULL DEFAULT false,
    job_id           bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE INDEX studies_created_at_id_idx ON studies (created_at DESC, id DESC);
CREATE INDEX studies_owner_created_at_idx ON studies (owner_id, created_at DESC, id DESC);
CREATE INDEX studies_status_idx ON studies (status);

CREATE TABLE study_results (
    study_id uuid PRIMARY KEY REFERENCES studies (id) ON DELETE CASCADE,
    result   bytea NOT NULL
);

CREATE TABLE study_runs (
    study_id    uuid NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    key         text NOT NULL,
    seed        bigint NOT NULL,
    scenario    bytea NOT NULL,
    status      text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    result      bytea,
    error       text NOT NULL DEFAULT '',
    worker      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    finished_at timestamptz,
    PRIMARY KEY (study_id, key)
);

-- +goose Down
DROP TABLE study_runs;
DROP TABLE study_results;
DROP TABLE studies;
