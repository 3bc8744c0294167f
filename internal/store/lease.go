package store

import (
	"context"
	"time"
)

// Lease is a worker's claim on one attempt of a job: the worker renews it
// (ExpiresAt moves forward) every few seconds while the attempt runs, and
// a lease that expired means the worker died. The job package keeps one
// lease per River job (keyed by JobID); see job.Config.LeaseTTL.
type Lease struct {
	// JobID is the River job the lease covers.
	JobID int64
	// Attempt is the River attempt number the lease covers (1 for the
	// first); a newer attempt replaces the lease of an older one.
	Attempt int
	// Owner names the worker process holding the lease, for logs.
	Owner string
	// ExpiresAt is when the lease lapses unless renewed (UTC, microsecond
	// precision).
	ExpiresAt time.Time
	// Reaped reports that a reaper claimed the expired lease to hand its
	// job to another worker: it can no longer be renewed.
	Reaped bool
}

// LeaseStore keeps the leases of running jobs. Every method wraps its
// errors with context.
type LeaseStore interface {
	// AcquireLease stores l (not reaped) as the lease of its job,
	// replacing the lease of an earlier attempt. It returns ErrConflict
	// when the job already has a lease of a later attempt, ErrInvalid
	// when JobID or Attempt is not positive.
	AcquireLease(ctx context.Context, l Lease) error
	// RenewLease moves the expiry of the lease of (jobID, attempt) to
	// expiresAt. It returns ErrConflict when that lease is gone, reaped or
	// replaced: the worker must then stop the attempt.
	RenewLease(ctx context.Context, jobID int64, attempt int, expiresAt time.Time) error
	// ReleaseLease deletes the lease of (jobID, attempt), if any: the
	// attempt ended.
	ReleaseLease(ctx context.Context, jobID int64, attempt int) error
	// ListLeases returns every lease, in job id order.
	ListLeases(ctx context.Context) ([]Lease, error)
	// ReapLease claims attempt of job jobID for the reaper that calls it,
	// at time now: it succeeds when the job has no lease, a lease of an
	// earlier attempt, or an unreaped lease of this attempt that expired
	// at or before now, and leaves a reaped lease of attempt behind. It
	// returns ErrConflict otherwise (a live lease, or another reaper won),
	// so exactly one of several concurrent reapers hands the job on.
	ReapLease(ctx context.Context, jobID int64, attempt int, now time.Time) error
	// PruneLeases deletes the leases that expired before before, and
	// returns how many.
	PruneLeases(ctx context.Context, before time.Time) (int, error)
}
