package storeutil

import (
	"fmt"

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
