-- +goose Up
-- The lease of each running job: its worker renews expires_at every few
-- seconds, and a lease that expired means the worker died, so its job is
-- handed to another worker (see internal/job). reaped marks a lease a
-- reaper claimed; it can no longer be renewed.
CREATE TABLE job_leases (
    job_id     bigint PRIMARY KEY CHECK (job_id > 0),
    attempt    integer NOT NULL CHECK (attempt > 0),
    owner      text NOT NULL,
    expires_at timestamptz NOT NULL,
    reaped     boolean NOT NULL DEFAULT false
);

-- +goose Down
DROP TABLE job_leases;
