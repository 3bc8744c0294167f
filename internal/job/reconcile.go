package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/store"
)

// liveStates are the River job states from which a job can still run.
var liveStates = map[rivertype.JobState]bool{
	rivertype.JobStateAvailable: true,
	rivertype.JobStatePending:   true,
	rivertype.JobStateRetryable: true,
	rivertype.JobStateRunning:   true,
	rivertype.JobStateScheduled: true,
}

// runJobs is what the reconciler learned about the River jobs of one run.
type runJobs struct {
	live      bool
	discarded int // highest attempt of a discarded job; 0 when none
	cancelled bool
}

// Reconcile fails the runs that no job will ever finish: runs queued or
// running whose River jobs are all discarded (the worker was killed on
// every attempt, so River gave up without the worker failing the run),
// cancelled in the queue, or gone. It returns how many runs it finished.
//
// A run is finished before its last job completes, and FinishRun only
// moves a run that is not final, so a run that finishes while Reconcile
// looks at it is left alone; Reconcile is idempotent and safe to run on
// every worker at once. Started clients call it every
// Config.ReconcileInterval.
func (c *Client) Reconcile(ctx context.Context) (int, error) {
	// Runs first, jobs second: a job disappears from the unfinished
	// states only after its run is final, so a run listed here whose jobs
	// are then missing is abandoned or already final (FinishRun refuses).
	runs, err := c.unfinishedRuns(ctx)
	if err != nil || len(runs) == 0 {
		return 0, err
	}
	jobs, err := c.tallyJobs(ctx, func(row *rivertype.JobRow) string {
		var args struct {
			RunID string `json:"run_id"`
		}
		if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
			return "" // not one of ours
		}
		return args.RunID
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, run := range runs {
		j := jobs[run.ID]
		if j.live {
			continue
		}
		f := abandoned(run, j)
		_, err := c.store.FinishRun(ctx, run.ID, f)
		switch {
		case errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound):
			continue // finished or deleted meanwhile
		case err != nil:
			return n, fmt.Errorf("job: reconcile run %s: %w", run.ID, err)
		}
		n++
		c.metrics.runFinished(f.Status)
		c.cfg.Logger.WarnContext(ctx, "finished an abandoned run", "run_id", run.ID, "status", string(f.Status), "error", f.Error)
	}
	return n, nil
}

// abandoned returns how to finish a run none of whose jobs can run.
func abandoned(run store.Run, j runJobs) store.Finish {
	switch {
	case run.CancelRequested:
		return store.Finish{Status: store.StatusCancelled, Error: errCancelled.Error()}
	case j.discarded > 0:
		return store.Finish{Status: store.StatusFailed, Error: fmt.Sprintf(
			"the job was abandoned after %d attempts (worker crashes?): its worker stopped without finishing it every time, "+
				"for example killed for lack of memory; check the workers' logs and memory, then submit the run again", j.discarded)}
	case j.cancelled:
		return store.Finish{Status: store.StatusFailed, Error: "the job was cancelled in the queue before the run finished; submit the run again"}
	default:
		return store.Finish{Status: store.StatusFailed, Error: "no job of the run is left in the queue (deleted, or ended without finishing the run); submit the run again"}
	}
}

// unfinishedRuns lists every queued or running run, of every user.
func (c *Client) unfinishedRuns(ctx context.Context) ([]store.Run, error) {
	runs, err := allPages(func(cursor string) (store.Page[store.Run], error) {
		p := store.ListRunsParams{Status: []store.RunStatus{store.StatusQueued, store.StatusRunning}, Limit: 1000, Cursor: cursor}
		return c.store.ListRuns(ctx, store.System(), p)
	})
	if err != nil {
		return nil, fmt.Errorf("job: reconcile: list unfinished runs: %w", err)
	}
	return runs, nil
}

// unfinishedStudies lists every queued or running study, of every user.
func (c *Client) unfinishedStudies(ctx context.Context) ([]store.Study, error) {
	studies, err := allPages(func(cursor string) (store.Page[store.Study], error) {
		p := store.ListStudiesParams{Status: []store.RunStatus{store.StatusQueued, store.StatusRunning}, Limit: 1000, Cursor: cursor}
		return c.store.ListStudies(ctx, store.System(), p)
	})
	if err != nil {
		return nil, fmt.Errorf("job: reconcile: list unfinished studies: %w", err)
	}
	return studies, nil
}

// allPages returns the items of every page that list returns, from the
// first (cursor "") to the last.
func allPages[T any](list func(cursor string) (store.Page[T], error)) ([]T, error) {
	var items []T
	cursor := ""
	for {
		page, err := list(cursor)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if page.NextCursor == "" {
			return items, nil
		}
		cursor = page.NextCursor
	}
}

// tallyJobs lists the River jobs that are live, discarded or cancelled and
// tallies them by the run or study that key names for each (a job whose
// key is "" is left out).
func (c *Client) tallyJobs(ctx context.Context, key func(*rivertype.JobRow) string) (map[string]runJobs, error) {
	rows, err := c.listJobs(ctx, rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		return nil, fmt.Errorf("job: reconcile: list jobs: %w", err)
	}
	jobs := map[string]runJobs{}
	for _, row := range rows {
		k := key(row)
		if k == "" {
			continue
		}
		j := jobs[k]
		switch {
		case liveStates[row.State]:
			j.live = true
		case row.State == rivertype.JobStateDiscarded:
			j.discarded = max(j.discarded, row.Attempt)
		case row.State == rivertype.JobStateCancelled:
			j.cancelled = true
		}
		jobs[k] = j
	}
	return jobs, nil
}

// reconcileLoop calls Reconcile every Config.ReconcileInterval until ctx
// is done.
func (c *Client) reconcileLoop(ctx context.Context) {
	every(ctx, c.cfg.ReconcileInterval, func() bool {
		if _, err := c.Reconcile(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.WarnContext(ctx, "reconcile abandoned runs", "error", err.Error())
		}
		if _, err := c.ReconcileStudies(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.WarnContext(ctx, "reconcile abandoned studies", "error", err.Error())
		}
		return true
	})
}

// listJobs returns every job of this package (runs and studies) in one of
// states, in id order.
func (c *Client) listJobs(ctx context.Context, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
	const page = 1000
	params := river.NewJobListParams().
		Kinds(KindSimulate, KindSimulateReplication, KindStudy, KindStudyRun).
		States(states...).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).
		First(page)
	var rows []*rivertype.JobRow
	for {
		res, err := c.queue.JobList(ctx, params)
		if err != nil {
			return nil, err
		}
		rows = append(rows, res.Jobs...)
		if len(res.Jobs) < page {
			return rows, nil
		}
		params = params.After(res.LastCursor)
	}
}
