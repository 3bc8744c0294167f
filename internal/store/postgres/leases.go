package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// AcquireLease stores l as the lease of its job.
func (s *Store) AcquireLease(ctx context.Context, l store.Lease) error {
	if err := storeutil.CheckLease(l); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES ($1, $2, $3, $4, false)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, owner = excluded.owner,
			expires_at = excluded.expires_at, reaped = false
		WHERE job_leases.attempt < excluded.attempt OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped)`,
		l.JobID, l.Attempt, l.Owner, l.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("postgres: acquire lease of job %d: %w", l.JobID, err)
	}
	if tag.RowsAffected() == 0 {
		return storeutil.LeaseConflict(l.JobID, l.Attempt)
	}
	return nil
}

// RenewLease moves the expiry of a live lease.
func (s *Store) RenewLease(ctx context.Context, jobID int64, attempt int, expiresAt time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE job_leases SET expires_at = $3 WHERE job_id = $1 AND attempt = $2 AND NOT reaped`,
		jobID, attempt, expiresAt.UTC())
	if err != nil {
		return fmt.Errorf("postgres: renew lease of job %d: %w", jobID, err)
	}
	if tag.RowsAffected() == 0 {
		return storeutil.LeaseConflict(jobID, attempt)
	}
	return nil
}

// ReleaseLease deletes the lease of an attempt that ended.
func (s *Store) ReleaseLease(ctx context.Context, jobID int64, attempt int) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM job_leases WHERE job_id = $1 AND attempt = $2`, jobID, attempt); err != nil {
		return fmt.Errorf("postgres: release lease of job %d: %w", jobID, err)
	}
	return nil
}

// ListLeases returns every lease in job id order.
func (s *Store) ListLeases(ctx context.Context) ([]store.Lease, error) {
	rows, err := s.pool.Query(ctx, `SELECT job_id, attempt, owner, expires_at, reaped FROM job_leases ORDER BY job_id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list leases: %w", err)
	}
	leases, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Lease, error) {
		var l store.Lease
		err := row.Scan(&l.JobID, &l.Attempt, &l.Owner, &l.ExpiresAt, &l.Reaped)
		l.ExpiresAt = l.ExpiresAt.UTC()
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list leases: %w", err)
	}
	return leases, nil
}

// ReapLease claims a dead attempt for the calling reaper.
func (s *Store) ReapLease(ctx context.Context, jobID int64, attempt int, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES ($1, $2, '', $3, true)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, expires_at = excluded.expires_at, reaped = true
		WHERE job_leases.attempt < excluded.attempt
			OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped AND job_leases.expires_at <= excluded.expires_at)`,
		jobID, attempt, now.UTC())
	if err != nil {
		return fmt.Errorf("postgres: reap lease of job %d: %w", jobID, err)
	}
	if tag.RowsAffected() == 0 {
		return storeutil.LeaseConflict(jobID, attempt)
	}
	return nil
}

// PruneLeases deletes leases that expired before before.
func (s *Store) PruneLeases(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM job_leases WHERE expires_at < $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("postgres: prune leases: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
