package store

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Backend is a Store whose database also holds River's job tables. The
// dialect packages (postgres, sqlite) implement it: each owns its River
// driver, so the job package knows no database and a new dialect touches
// one package.
type Backend interface {
	Store
	// NewQueue returns a River client over the store's own connections,
	// configured by cfg.
	NewQueue(cfg *river.Config) (Queue, error)
}

// Queue is a River client without its transaction type parameter: the part
// of River that the job package uses. Transactions are the store's own
// (Tx), from Store.Tx or the EnqueueFunc of Store.CreateRun.
type Queue interface {
	// InsertTx inserts one job inside tx and returns its id.
	InsertTx(ctx context.Context, tx Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error)
	// InsertManyTx inserts jobs inside tx.
	InsertManyTx(ctx context.Context, tx Tx, args []river.JobArgs, opts *river.InsertOpts) error
	// JobCancel cancels a job (see river.Client.JobCancel).
	JobCancel(ctx context.Context, jobID int64) error
	// JobList lists jobs (see river.Client.JobList).
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	// RescueJobs hands running jobs whose worker died back to the queue, or
	// ends them, in one statement per job; a job that is no longer running
	// is left alone.
	RescueJobs(ctx context.Context, rescues []JobRescue) error
	// Start starts the client's workers and maintenance.
	Start(ctx context.Context) error
	// Stop stops fetching jobs and waits for running ones until ctx is done.
	Stop(ctx context.Context) error
	// StopAndCancel cancels running jobs and waits for them until ctx is
	// done.
	StopAndCancel(ctx context.Context) error
}

// JobRescue says how to hand on one running job whose worker died.
type JobRescue struct {
	// JobID is the job.
	JobID int64
	// State is its new state: rivertype.JobStateAvailable to run it
	// again, rivertype.JobStateDiscarded to end it.
	State rivertype.JobState
	// Error is appended to the job's errors.
	Error rivertype.AttemptError
	// At is when the job becomes available again, and its finalisation
	// time when discarded.
	At time.Time
}
