package storeutil

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/store"
)

// Queue implements store.Queue over a River client whose transactions are
// TTx; the dialects build it from their own River driver.
type Queue[TTx any] struct {
	client *river.Client[TTx]
}

// NewQueue returns a River client over driver, configured by cfg.
func NewQueue[TTx any](driver riverdriver.Driver[TTx], cfg *river.Config) (*Queue[TTx], error) {
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("new river client: %w", err)
	}
	return &Queue[TTx]{client: client}, nil
}

// tx returns the driver transaction inside tx; a transaction of another
// dialect is a programming error, reported as an error.
func (q *Queue[TTx]) tx(tx store.Tx) (TTx, error) {
	t, ok := tx.Unwrap().(TTx)
	if !ok {
		var zero TTx
		return zero, fmt.Errorf("transaction %T: want %T", tx.Unwrap(), zero)
	}
	return t, nil
}

// InsertTx implements store.Queue.
func (q *Queue[TTx]) InsertTx(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	t, err := q.tx(tx)
	if err != nil {
		return 0, err
	}
	res, err := q.client.InsertTx(ctx, t, args, opts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// InsertManyTx implements store.Queue.
func (q *Queue[TTx]) InsertManyTx(ctx context.Context, tx store.Tx, args []river.JobArgs, opts *river.InsertOpts) error {
	t, err := q.tx(tx)
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a, InsertOpts: opts}
	}
	_, err = q.client.InsertManyTx(ctx, t, params)
	return err
}

// JobCancel implements store.Queue.
func (q *Queue[TTx]) JobCancel(ctx context.Context, jobID int64) error {
	_, err := q.client.JobCancel(ctx, jobID)
	return err
}

// JobList implements store.Queue.
func (q *Queue[TTx]) JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error) {
	return q.client.JobList(ctx, params)
}

// RescueJobs implements store.Queue with the driver's own rescue
// statement (the one River's rescuer uses), which changes only jobs still
// running.
func (q *Queue[TTx]) RescueJobs(ctx context.Context, rescues []store.JobRescue) error {
	if len(rescues) == 0 {
		return nil
	}
	p := &riverdriver.JobRescueManyParams{
		// Every running job qualifies: the caller decided they are dead.
		StuckHorizon: time.Now().Add(time.Hour).UTC(),
	}
	for _, r := range rescues {
		e, err := json.Marshal(r.Error)
		if err != nil {
			return fmt.Errorf("encode error of job %d: %w", r.JobID, err)
		}
		var finalized *time.Time
		if r.State == rivertype.JobStateDiscarded {
			at := r.At.UTC()
			finalized = &at
		}
		p.ID = append(p.ID, r.JobID)
		p.Error = append(p.Error, e)
		p.FinalizedAt = append(p.FinalizedAt, finalized)
		p.ScheduledAt = append(p.ScheduledAt, r.At.UTC())
		p.State = append(p.State, string(r.State))
	}
	if _, err := q.client.Driver().GetExecutor().JobRescueMany(ctx, p); err != nil {
		return fmt.Errorf("rescue jobs: %w", err)
	}
	return nil
}

// Start implements store.Queue.
func (q *Queue[TTx]) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop implements store.Queue.
func (q *Queue[TTx]) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// StopAndCancel implements store.Queue.
func (q *Queue[TTx]) StopAndCancel(ctx context.Context) error { return q.client.StopAndCancel(ctx) }
