-- +goose Up
CREATE TABLE scenarios (
    id             uuid PRIMARY KEY,
    name           text NOT NULL,
    latest_version integer NOT NULL CHECK (latest_version >= 1),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX scenarios_created_at_id_idx ON scenarios (created_at DESC, id DESC);

-- Bodies are canonical JSON kept byte for byte (bytea, not jsonb, which
-- would reorder keys and change the cache key).
CREATE TABLE scenario_versions (
    scenario_id uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    version     integer NOT NULL CHECK (version >= 1),
    name        text NOT NULL,
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (scenario_id, version)
);

CREATE TABLE runs (
    id               uuid PRIMARY KEY,
    scenario_id      uuid REFERENCES scenarios (id) ON DELETE SET NULL,
    scenario_version integer,
    scenario         bytea NOT NULL,
    seed             bigint NOT NULL,
    replications     integer NOT NULL CHECK (replications >= 1),
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress         double precision NOT NULL DEFAULT 0,
    error            text NOT NULL DEFAULT '',
    cache_hit        boolean NOT NULL DEFAULT false,
    cache_key        text NOT NULL DEFAULT '',
    cancel_requested boolean NOT NULL DEFAULT false,
    job_id           bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE INDEX runs_created_at_id_idx ON runs (created_at DESC, id DESC);
CREATE INDEX runs_status_created_at_idx ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_scenario_id_idx ON runs (scenario_id);
CREATE INDEX runs_cache_key_idx ON runs (cache_key, created_at DESC) WHERE status = 'succeeded';

-- Results are gzip-compressed JSON; the series (large) are apart from the
-- summary so that reading a result never loads them.
CREATE TABLE run_results (
    run_id       uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    result       bytea NOT NULL,
    replications bytea,
    statistics   bytea
);

CREATE TABLE run_series (
    run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    series bytea NOT NULL
);

-- One row per replication of a running run: its progress, then its result.
CREATE TABLE run_replications (
    run_id   uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx      integer NOT NULL CHECK (idx >= 0),
    progress double precision NOT NULL DEFAULT 0,
    result   bytea,
    series   bytea,
    PRIMARY KEY (run_id, idx)
);

-- +goose Down
DROP TABLE run_replications;
DROP TABLE run_series;
DROP TABLE run_results;
DROP TABLE runs;
DROP TABLE scenario_versions;
DROP TABLE scenarios;
