package storeutil

import (
	"context"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// CheckLease returns an ErrInvalid error for a lease that names no job or
// attempt.
func CheckLease(l store.Lease) error {
	if l.JobID <= 0 || l.Attempt <= 0 {
		return fmt.Errorf("lease of job %d attempt %d: job and attempt must be positive: %w", l.JobID, l.Attempt, store.ErrInvalid)
	}
	return nil
}

// LeaseConflict is the error of a lease operation refused by the lease's
// state (gone, reaped, replaced, or still live).
func LeaseConflict(jobID int64, attempt int) error {
	return fmt.Errorf("lease of job %d attempt %d: %w", jobID, attempt, store.ErrConflict)
}

var (
	// acquireLeaseSQL and reapLeaseSQL are upserts whose WHERE refuses a
	// stale attempt; both dialects share the ON CONFLICT syntax.
	acquireLeaseSQL = SQL(`INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES ($1, $2, $3, $4, false)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, owner = excluded.owner,
			expires_at = excluded.expires_at, reaped = false
		WHERE job_leases.attempt < excluded.attempt OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped)`)
	renewLeaseSQL   = SQL(`UPDATE job_leases SET expires_at = $3 WHERE job_id = $1 AND attempt = $2 AND NOT reaped`)
	releaseLeaseSQL = SQL(`DELETE FROM job_leases WHERE job_id = $1 AND attempt = $2`)
	listLeasesSQL   = SQL(`SELECT job_id, attempt, owner, expires_at, reaped FROM job_leases ORDER BY job_id`)
	reapLeaseSQL    = SQL(`INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES ($1, $2, '', $3, true)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, expires_at = excluded.expires_at, reaped = true
		WHERE job_leases.attempt < excluded.attempt
			OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped AND job_leases.expires_at <= excluded.expires_at)`)
	pruneLeasesSQL = SQL(`DELETE FROM job_leases WHERE expires_at < $1`)
)

// changedOne returns conflict when an Exec changed no row (n = 0).
func changedOne(n int64, conflict error) error {
	if n == 0 {
		return conflict
	}
	return nil
}

// AcquireLease implements store.Store.AcquireLease.
func (s Store) AcquireLease(ctx context.Context, l store.Lease) error {
	if err := CheckLease(l); err != nil {
		return err
	}
	n, err := s.DB.Exec(ctx, acquireLeaseSQL, l.JobID, l.Attempt, l.Owner, l.ExpiresAt)
	if err != nil {
		return fmt.Errorf("%s: acquire lease of job %d: %w", s.DB.Name(), l.JobID, err)
	}
	return changedOne(n, LeaseConflict(l.JobID, l.Attempt))
}

// RenewLease implements store.Store.RenewLease.
func (s Store) RenewLease(ctx context.Context, jobID int64, attempt int, expiresAt time.Time) error {
	n, err := s.DB.Exec(ctx, renewLeaseSQL, jobID, attempt, expiresAt)
	if err != nil {
		return fmt.Errorf("%s: renew lease of job %d: %w", s.DB.Name(), jobID, err)
	}
	return changedOne(n, LeaseConflict(jobID, attempt))
}

// ReleaseLease implements store.Store.ReleaseLease.
func (s Store) ReleaseLease(ctx context.Context, jobID int64, attempt int) error {
	if _, err := s.DB.Exec(ctx, releaseLeaseSQL, jobID, attempt); err != nil {
		return fmt.Errorf("%s: release lease of job %d: %w", s.DB.Name(), jobID, err)
	}
	return nil
}

// ListLeases implements store.Store.ListLeases.
func (s Store) ListLeases(ctx context.Context) ([]store.Lease, error) {
	rows, err := s.DB.Query(ctx, listLeasesSQL)
	if err != nil {
		return nil, fmt.Errorf("%s: list leases: %w", s.DB.Name(), err)
	}
	leases, err := CollectRows(rows, func(row Row) (store.Lease, error) {
		var l store.Lease
		err := row.Scan(&l.JobID, &l.Attempt, &l.Owner, &l.ExpiresAt, &l.Reaped)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: list leases: %w", s.DB.Name(), err)
	}
	return leases, nil
}

// ReapLease implements store.Store.ReapLease.
func (s Store) ReapLease(ctx context.Context, jobID int64, attempt int, now time.Time) error {
	n, err := s.DB.Exec(ctx, reapLeaseSQL, jobID, attempt, now)
	if err != nil {
		return fmt.Errorf("%s: reap lease of job %d: %w", s.DB.Name(), jobID, err)
	}
	return changedOne(n, LeaseConflict(jobID, attempt))
}

// PruneLeases implements store.Store.PruneLeases.
func (s Store) PruneLeases(ctx context.Context, before time.Time) (int, error) {
	n, err := s.DB.Exec(ctx, pruneLeasesSQL, before)
	if err != nil {
		return 0, fmt.Errorf("%s: prune leases: %w", s.DB.Name(), err)
	}
	return int(n), nil
}
