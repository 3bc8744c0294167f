package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// AcquireLease stores l as the lease of its job.
func (s *Store) AcquireLease(ctx context.Context, l store.Lease) error {
	if err := storeutil.CheckLease(l); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES (?1, ?2, ?3, ?4, 0)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, owner = excluded.owner,
			expires_at = excluded.expires_at, reaped = 0
		WHERE job_leases.attempt < excluded.attempt OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped)`,
		l.JobID, l.Attempt, l.Owner, micros(l.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlite: acquire lease of job %d: %w", l.JobID, err)
	}
	return changedOne(res, storeutil.LeaseConflict(l.JobID, l.Attempt))
}

// RenewLease moves the expiry of a live lease.
func (s *Store) RenewLease(ctx context.Context, jobID int64, attempt int, expiresAt time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE job_leases SET expires_at = ?3 WHERE job_id = ?1 AND attempt = ?2 AND NOT reaped`,
		jobID, attempt, micros(expiresAt))
	if err != nil {
		return fmt.Errorf("sqlite: renew lease of job %d: %w", jobID, err)
	}
	return changedOne(res, storeutil.LeaseConflict(jobID, attempt))
}

// ReleaseLease deletes the lease of an attempt that ended.
func (s *Store) ReleaseLease(ctx context.Context, jobID int64, attempt int) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM job_leases WHERE job_id = ?1 AND attempt = ?2`, jobID, attempt); err != nil {
		return fmt.Errorf("sqlite: release lease of job %d: %w", jobID, err)
	}
	return nil
}

// ListLeases returns every lease in job id order.
func (s *Store) ListLeases(ctx context.Context) ([]store.Lease, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT job_id, attempt, owner, expires_at, reaped FROM job_leases ORDER BY job_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list leases: %w", err)
	}
	leases, err := appendRows(nil, rows, func(row scanner) (store.Lease, error) {
		var l store.Lease
		var expires int64
		err := row.Scan(&l.JobID, &l.Attempt, &l.Owner, &expires, &l.Reaped)
		l.ExpiresAt = fromMicros(expires)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list leases: %w", err)
	}
	return leases, nil
}

// ReapLease claims a dead attempt for the calling reaper.
func (s *Store) ReapLease(ctx context.Context, jobID int64, attempt int, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO job_leases (job_id, attempt, owner, expires_at, reaped)
		VALUES (?1, ?2, '', ?3, 1)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, expires_at = excluded.expires_at, reaped = 1
		WHERE job_leases.attempt < excluded.attempt
			OR (job_leases.attempt = excluded.attempt AND NOT job_leases.reaped AND job_leases.expires_at <= excluded.expires_at)`,
		jobID, attempt, micros(now))
	if err != nil {
		return fmt.Errorf("sqlite: reap lease of job %d: %w", jobID, err)
	}
	return changedOne(res, storeutil.LeaseConflict(jobID, attempt))
}

// PruneLeases deletes leases that expired before before.
func (s *Store) PruneLeases(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM job_leases WHERE expires_at < ?1`, micros(before))
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune leases: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune leases: %w", err)
	}
	return int(n), nil
}

// changedOne returns conflict when res changed no row.
func changedOne(res sql.Result, conflict error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: rows affected: %w", err)
	}
	if n == 0 {
		return conflict
	}
	return nil
}
