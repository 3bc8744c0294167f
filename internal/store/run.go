package store

import (
	"fmt"
	"time"
)

// RunStatus is the life-cycle state of a run.
type RunStatus string

// The run statuses. A run starts queued, becomes running when a worker takes
// it, and ends succeeded, failed or cancelled.
const (
	StatusQueued    RunStatus = "queued"
	StatusRunning   RunStatus = "running"
	StatusSucceeded RunStatus = "succeeded"
	StatusFailed    RunStatus = "failed"
	StatusCancelled RunStatus = "cancelled"
)

// RunStatuses lists every status in life-cycle order.
var RunStatuses = []RunStatus{StatusQueued, StatusRunning, StatusSucceeded, StatusFailed, StatusCancelled}

// Final reports whether the status is a final one.
func (s RunStatus) Final() bool {
	return s == StatusSucceeded || s == StatusFailed || s == StatusCancelled
}

// ParseRunStatus returns the status named s, or an ErrInvalid error.
func ParseRunStatus(s string) (RunStatus, error) {
	for _, st := range RunStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("status %q: must be one of queued, running, succeeded, failed, cancelled: %w", s, ErrInvalid)
}

// Run is one execution request of a scenario: one or more replications with
// a seed.
type Run struct {
	// ID is a UUID (version 7) assigned on creation.
	ID string
	// OwnerID is the user the run (and its result) belongs to; the store
	// sets it from the creating actor. Empty for rows created before
	// accounts existed (only admins see those).
	OwnerID string
	// ScenarioID is the stored scenario the run came from; nil for an
	// inline scenario or after the scenario was deleted.
	ScenarioID *string
	// ScenarioVersion is the version of ScenarioID that was run.
	ScenarioVersion *int
	// Scenario is the canonical JSON snapshot of the scenario that runs.
	Scenario []byte
	// Seed is the seed of replication 0 (fastsim.ReplicationSeed derives
	// the others).
	Seed int64
	// Replications is the number of replications, at least 1.
	Replications int
	// Status is the life-cycle state.
	Status RunStatus
	// Progress is the completed fraction, 0..1.
	Progress float64
	// Error is the message of a failed or cancelled run.
	Error string
	// CacheHit reports whether the result was taken from the cache.
	CacheHit bool
	// CacheKey identifies (canonical scenario, seed, replications, engine
	// version); runs with equal keys give equal results.
	CacheKey string
	// CancelRequested reports whether cancellation was requested.
	CancelRequested bool
	// JobID is the River job executing the run, 0 when unknown.
	JobID int64
	// CreatedAt is when the run was submitted.
	CreatedAt time.Time
	// StartedAt is when a worker first started the run.
	StartedAt *time.Time
	// FinishedAt is when the run reached a final status.
	FinishedAt *time.Time
	// Quota, when not nil, bounds the owner's runs: CreateRun and
	// CreateCachedRun check it in their transaction, before inserting, and
	// return a *QuotaError (wrapping ErrQuota) when the run would cross it.
	// It is not stored.
	Quota *RunQuota
}
