-- +goose Up
-- The lease of each running job: its worker renews expires_at every few
-- seconds, and a lease that expired means the worker died, so its job is
-- handed to another worker (see internal/job). reaped marks a lease a
-- reaper claimed; it can no longer be renewed. Times are microseconds
-- since the Unix epoch.
CREATE TABLE job_leases (
    job_id     INTEGER PRIMARY KEY CHECK (job_id > 0),
    attempt    INTEGER NOT NULL CHECK (attempt > 0),
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    reaped     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- +goose Down
DROP TABLE job_leases;
