package store

import (
	"errors"
	"fmt"
	"time"
)

// ErrQuota is returned (wrapped, as a *QuotaError) when creating a run
// would cross one of its owner's quotas.
var ErrQuota = errors.New("quota exceeded")

// The quota limits a store checks.
const (
	// LimitConcurrentRuns counts the owner's queued and running runs (an
	// active study counts as one).
	LimitConcurrentRuns = "concurrent_runs"
	// LimitRunsPerDay counts the owner's runs created since RunQuota.Since
	// (a study counts its candidate runs).
	LimitRunsPerDay = "runs_per_day"
)

// RunQuota bounds the runs of the owner of a run being created. CreateRun
// and CreateCachedRun check it inside their transaction, after serialising
// on the owner (PostgreSQL: a transaction-scoped advisory lock on the
// owner; SQLite: the single writer), so concurrent submissions cannot
// exceed it. A zero field means no limit of that kind.
type RunQuota struct {
	// MaxActive is the largest number of the owner's queued and running
	// runs, the new one included. Not checked for cached runs (they are
	// finished when created).
	MaxActive int
	// MaxPerDay is the largest number of the owner's runs created since
	// Since, the new one included.
	MaxPerDay int
	// Since is the start of the current day (UTC) for MaxPerDay.
	Since time.Time
}

// QuotaError says which limit a run would cross and the owner's usage
// before it. It wraps ErrQuota.
type QuotaError struct {
	// Limit is LimitConcurrentRuns or LimitRunsPerDay.
	Limit string
	// Max is the limit's value.
	Max int
	// Current is the owner's usage, without the refused run.
	Current int
	// Requested is how many runs the refused request needed: 1 for a
	// run, a study's candidate runs for a study.
	Requested int
}

// Error describes the limit and the usage.
func (e *QuotaError) Error() string {
	return fmt.Sprintf("%s: %d of %d used", e.Limit, e.Current, e.Max)
}

// Unwrap returns ErrQuota.
func (e *QuotaError) Unwrap() error { return ErrQuota }

// Check returns a *QuotaError when a new run (active tells whether it
// will be queued) would cross q, given the owner's current counts.
func (q *RunQuota) Check(active bool, activeRuns, runsToday int) error {
	return q.CheckN(active, 1, activeRuns, runsToday)
}

// CheckN is Check for a request that counts as one active run (a study)
// but as n runs of the day (its candidate runs).
func (q *RunQuota) CheckN(active bool, n, activeRuns, runsToday int) error {
	if q == nil {
		return nil
	}
	if active && q.MaxActive > 0 && activeRuns >= q.MaxActive {
		return &QuotaError{Limit: LimitConcurrentRuns, Max: q.MaxActive, Current: activeRuns, Requested: 1}
	}
	if q.MaxPerDay > 0 && runsToday+n > q.MaxPerDay {
		return &QuotaError{Limit: LimitRunsPerDay, Max: q.MaxPerDay, Current: runsToday, Requested: n}
	}
	return nil
}
