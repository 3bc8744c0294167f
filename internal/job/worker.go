package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// errCancelled and errTimeout are the causes of a simulation context that
// was cancelled on request or hit the run timeout; errLeaseLost, of a job
// context whose lease a reaper took (the worker missed its heartbeats).
var (
	errCancelled = errors.New("run cancelled on request")
	errTimeout   = errors.New("run timeout")
	errLeaseLost = errors.New("lease lost: the job was handed to another worker")
)

// simulateWorker executes "simulate" jobs.
type simulateWorker struct {
	river.WorkerDefaults[SimulateArgs]
	c *Client
}

// Timeout returns the job timeout: the run timeout plus a margin.
func (w *simulateWorker) Timeout(*river.Job[SimulateArgs]) time.Duration { return w.c.jobTimeout() }

// Work executes the run or, for several replications, fans it out.
func (w *simulateWorker) Work(ctx context.Context, j *river.Job[SimulateArgs]) error {
	return w.c.attempt(ctx, j.JobRow, target{runID: j.Args.RunID}, func(ctx context.Context) error {
		return w.c.workSimulate(ctx, j.Args.RunID)
	})
}

// replicationWorker executes "simulate_replication" jobs.
type replicationWorker struct {
	river.WorkerDefaults[ReplicationArgs]
	c *Client
}

// Timeout returns the job timeout: the run timeout plus a margin.
func (w *replicationWorker) Timeout(*river.Job[ReplicationArgs]) time.Duration {
	return w.c.jobTimeout()
}

// Work executes one replication and merges when it is the last one.
func (w *replicationWorker) Work(ctx context.Context, j *river.Job[ReplicationArgs]) error {
	return w.c.attempt(ctx, j.JobRow, target{runID: j.Args.RunID}, func(ctx context.Context) error {
		return w.c.workReplication(ctx, j.Args.RunID, j.Args.Index)
	})
}

// attempt runs one attempt of a job under a lease that a heartbeat renews
// every Config.HeartbeatInterval, so that the reaper of any client hands
// the job on when this process dies (see Client.Reap). If a reaper takes
// the lease anyway (heartbeats failed for Config.LeaseTTL), work's context
// is cancelled: the job now belongs to another worker.
func (c *Client) attempt(ctx context.Context, row *rivertype.JobRow, t target, work func(context.Context) error) error {
	runID := t.String()
	l := store.Lease{JobID: row.ID, Attempt: row.Attempt, Owner: c.cfg.Owner, ExpiresAt: time.Now().Add(c.cfg.LeaseTTL)}
	if err := c.store.AcquireLease(ctx, l); err != nil {
		return c.giveUp(ctx, t, row, fmt.Errorf("job: take the lease of job %d: %w", row.ID, err))
	}
	lctx, cancel := context.WithCancelCause(ctx)
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		c.heartbeat(lctx, l, cancel)
	}()
	err := work(lctx)
	cancel(nil)
	<-beat
	// River records the attempt's outcome after Work returns, so the job
	// stays running a little longer: the lease must cover that, or a
	// reaper would take the job for one whose worker died before taking a
	// lease (and count a death). It is renewed one last LeaseTTL instead
	// of deleted; it then lapses, and reapers prune it LeaseTTL later. If
	// this process dies before River records the outcome, the job is
	// handed on when the lease lapses, as after any death.
	rerr := c.store.RenewLease(context.WithoutCancel(ctx), row.ID, row.Attempt, time.Now().Add(c.cfg.LeaseTTL))
	if rerr != nil && !errors.Is(rerr, store.ErrConflict) { // a conflict: a reaper already has the job
		c.cfg.Logger.WarnContext(ctx, "extend the lease of an ended attempt", "run_id", runID, "job_id", row.ID, "error", rerr.Error())
	}
	switch {
	case err == nil:
	case errors.Is(context.Cause(lctx), errLeaseLost):
		err = fmt.Errorf("job: %s: %w", runID, errLeaseLost)
	case errors.Is(ctx.Err(), context.Canceled):
		// A shutdown interrupted the attempt (River cancels running jobs
		// on StopAndCancel; its job timeout would be a deadline): hand the
		// job back at once without spending an attempt, so restarts never
		// fail a run.
		return river.JobSnooze(0)
	}
	return c.giveUp(ctx, t, row, err)
}

// heartbeat renews lease l every Config.HeartbeatInterval until ctx is
// done; when a reaper took it, it cancels ctx with errLeaseLost. Other
// errors are logged and retried at the next beat: the lease outlives
// two missed beats.
func (c *Client) heartbeat(ctx context.Context, l store.Lease, lost context.CancelCauseFunc) {
	every(ctx, c.cfg.HeartbeatInterval, func() bool {
		err := c.store.RenewLease(ctx, l.JobID, l.Attempt, time.Now().Add(c.cfg.LeaseTTL))
		switch {
		case errors.Is(err, store.ErrConflict):
			c.cfg.Logger.WarnContext(ctx, "lost the lease of a running job; stopping it", "job_id", l.JobID, "attempt", l.Attempt)
			lost(errLeaseLost)
			return false
		case err != nil && ctx.Err() == nil:
			c.cfg.Logger.WarnContext(ctx, "renew lease", "job_id", l.JobID, "attempt", l.Attempt, "error", err.Error())
		}
		return true
	})
}

// every calls f every interval until ctx is done or f returns false.
func every(ctx context.Context, interval time.Duration, f func() bool) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !f() {
			return
		}
	}
}

// giveUp fails the job's target (its run, study or candidate run) when
// the job's last attempt ends in an error (River will not retry it), so
// that nothing stays running forever.
func (c *Client) giveUp(ctx context.Context, t target, row *rivertype.JobRow, err error) error {
	var cancel *river.JobCancelError
	if err == nil || row.Attempt < row.MaxAttempts || errors.As(err, &cancel) {
		return err
	}
	msg := fmt.Sprintf("gave up after %d attempts: %v", row.Attempt, err)
	if ferr := c.failTarget(context.WithoutCancel(ctx), t, msg); ferr != nil {
		c.cfg.Logger.ErrorContext(ctx, "fail the job's target after the last attempt", "target", t.String(), "error", ferr)
	}
	return err
}

// loadRun returns the run to work on, or ok=false when there is nothing to
// do (gone, final, or cancelled here). The worker acts for the run's owner:
// it reads the run by the id in its job args as store.System(), and writes
// only through the worker methods, which address that one run by id.
func (c *Client) loadRun(ctx context.Context, runID string) (store.Run, bool, error) {
	run, err := c.store.GetRun(ctx, store.System(), runID)
	if errors.Is(err, store.ErrNotFound) {
		// The run row is gone; retrying cannot help.
		return store.Run{}, false, river.JobCancel(err)
	}
	if err != nil {
		return store.Run{}, false, err
	}
	if run.Status.Final() {
		return run, false, nil
	}
	if run.CancelRequested {
		return run, false, c.finish(ctx, run.ID, store.Finish{Status: store.StatusCancelled, Error: errCancelled.Error()})
	}
	return run, true, nil
}

func (c *Client) workSimulate(ctx context.Context, runID string) error {
	run, ok, err := c.loadRun(ctx, runID)
	if !ok || err != nil {
		return err
	}
	run, err = c.store.MarkRunning(ctx, runID)
	if errors.Is(err, store.ErrConflict) {
		return nil // finished meanwhile
	}
	if err != nil {
		return err
	}
	if run.Replications > 1 {
		return c.fanOut(ctx, run)
	}
	c.metrics.jobStarted()
	defer c.metrics.jobEnded()
	r, err := c.simulate(ctx, run, 0)
	if err != nil {
		return c.simulationFailed(ctx, run, err)
	}
	res, series, err := splitSeries(r, c.storedSeriesValues(ctx, run))
	if err != nil {
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusFailed, Error: err.Error()})
	}
	return c.finish(ctx, run.ID, store.Finish{
		Status: store.StatusSucceeded,
		Result: &store.RunResult{RunID: run.ID, Result: res, Series: series},
	})
}

// fanOut inserts one replication job per replication, in one transaction.
// The jobs are unique by arguments, so a retried parent inserts none twice.
func (c *Client) fanOut(ctx context.Context, run store.Run) error {
	args := make([]river.JobArgs, run.Replications)
	for i := range args {
		args[i] = ReplicationArgs{RunID: run.ID, Index: i}
	}
	err := c.store.Tx(ctx, func(ctx context.Context, tx store.Tx) error {
		return c.queue.InsertManyTx(ctx, tx, args, uniqueOpts())
	})
	if err != nil {
		return fmt.Errorf("job: insert %d replication jobs of run %s: %w", run.Replications, run.ID, err)
	}
	return nil
}

func (c *Client) workReplication(ctx context.Context, runID string, index int) error {
	run, ok, err := c.loadRun(ctx, runID)
	if !ok || err != nil {
		return err
	}
	c.metrics.jobStarted()
	defer c.metrics.jobEnded()
	r, err := c.simulate(ctx, run, index)
	if err != nil {
		return c.simulationFailed(ctx, run, err)
	}
	res, series, err := splitSeries(r, c.storedSeriesValues(ctx, run))
	if err != nil {
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusFailed, Error: err.Error()})
	}
	n, err := c.store.SaveReplication(ctx, run.ID, store.Replication{Index: index, Result: res, Series: series})
	if err != nil {
		return err
	}
	if n < run.Replications {
		return nil
	}
	return c.merge(ctx, run)
}

// merge combines every replication of run and finishes it.
func (c *Client) merge(ctx context.Context, run store.Run) error {
	reps, err := c.store.ListReplications(ctx, run.ID)
	if err != nil {
		return err
	}
	rs := make([]*result.Result, len(reps))
	raw := make([]json.RawMessage, len(reps))
	for i, rep := range reps {
		rs[i] = new(result.Result)
		if err := json.Unmarshal(rep.Result, rs[i]); err != nil {
			return fmt.Errorf("job: decode replication %d of run %s: %w", rep.Index, run.ID, err)
		}
		raw[i] = rep.Result
	}
	merged, err := result.Merge(rs)
	if err != nil {
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusFailed, Error: fmt.Sprintf("merge replications: %v", err)})
	}
	merged.Series = nil
	out := store.RunResult{RunID: run.ID, Series: reps[0].Series}
	if out.Result, err = json.Marshal(merged); err != nil {
		return fmt.Errorf("job: encode merged result of run %s: %w", run.ID, err)
	}
	if out.Replications, err = json.Marshal(raw); err != nil {
		return fmt.Errorf("job: encode replications of run %s: %w", run.ID, err)
	}
	if out.Statistics, err = json.Marshal(analysis.Summarize(rs)); err != nil {
		return fmt.Errorf("job: encode statistics of run %s: %w", run.ID, err)
	}
	return c.finish(ctx, run.ID, store.Finish{Status: store.StatusSucceeded, Result: &out})
}

// simulate runs replication index of run, watching the cancel flag and the
// run timeout, and reporting progress.
func (c *Client) simulate(ctx context.Context, run store.Run, index int) (*result.Result, error) {
	sc, err := scenario.Decode(run.Scenario, scenario.FormatJSON)
	if err != nil {
		return nil, fmt.Errorf("decode the run's scenario: %w", err)
	}
	// The timeout counts from the start of this attempt: a job retried
	// after its worker died gets the whole budget again.
	simCtx, cancelTimeout := context.WithTimeoutCause(ctx, c.cfg.RunTimeout, errTimeout)
	defer cancelTimeout()
	simCtx, cancel := context.WithCancelCause(simCtx)
	defer cancel(nil)
	go c.watchCancel(simCtx, run.ID, cancel)

	var lastWrite time.Time
	progress := func(p fastsim.Progress) {
		if now := time.Now(); now.Sub(lastWrite) >= c.cfg.ProgressInterval && p.Horizon > 0 {
			lastWrite = now
			err := c.store.UpdateProgress(simCtx, run.ID, index, p.SimTime/p.Horizon)
			switch {
			case errors.Is(err, store.ErrConflict):
				cancel(errCancelled) // the run was finished elsewhere
			case err != nil && simCtx.Err() == nil:
				c.cfg.Logger.WarnContext(ctx, "write progress", "run_id", run.ID, "error", err)
			}
		}
	}
	opts := []fastsim.Option{fastsim.WithSeed(fastsim.ReplicationSeed(run.Seed, index))}
	if index == 0 {
		// Only replication 0 keeps its full series: they are large, and
		// they serve GET /runs/{id}/series.
		opts = append(opts, fastsim.WithSeries())
	}
	return c.runScenario(ctx, simCtx, run, sc, progress, opts...)
}

// runScenario runs sc under simCtx with opts and the run-time limits of
// run's owner (see runLimits), counting its events in the metrics and
// calling onProgress, if not nil, on each progress report. A simulation
// that simCtx stopped returns its cause, errCancelled or errTimeout; one
// that crossed a limit says whose limit it is.
func (c *Client) runScenario(ctx, simCtx context.Context, run store.Run, sc *scenario.Scenario, onProgress func(fastsim.Progress), opts ...fastsim.Option) (*result.Result, error) {
	maxEvents, maxInFlight, setBy, err := c.runLimits(ctx, run)
	if err != nil {
		return nil, err
	}
	var lastEvents int64
	progress := func(p fastsim.Progress) {
		c.metrics.addEvents(p.Events - lastEvents)
		lastEvents = p.Events
		if onProgress != nil {
			onProgress(p)
		}
	}
	opts = append(opts, fastsim.WithProgress(progress), fastsim.WithMaxEvents(maxEvents), fastsim.WithMaxInFlight(maxInFlight))
	r, err := fastsim.Run(simCtx, sc, opts...)
	if err != nil {
		if cause := context.Cause(simCtx); cause == errCancelled || cause == errTimeout {
			return nil, cause
		}
		if errors.Is(err, fastsim.ErrLimitExceeded) {
			return nil, fmt.Errorf("%w; the limit is that of %s", err, setBy)
		}
		return nil, err
	}
	c.metrics.addEvents(r.Counts.Events - lastEvents)
	return r, nil
}

// runLimits returns the run-time limits of each replication of run: the
// server's, lowered by its owner's plan unless the owner is an admin, and
// who sets them, for the message of a run that crosses one.
func (c *Client) runLimits(ctx context.Context, run store.Run) (maxEvents, maxInFlight int64, setBy string, err error) {
	maxEvents, maxInFlight = c.cfg.MaxEvents, c.cfg.MaxInFlight
	setBy = "the server (--max-events, --max-in-flight)"
	if c.cfg.Plans == nil || run.OwnerID == "" {
		return maxEvents, maxInFlight, setBy, nil
	}
	u, err := c.store.GetUser(ctx, run.OwnerID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		u = store.User{Plan: store.PlanFree} // the owner is gone: the most restrictive plan
	case err != nil:
		return 0, 0, "", fmt.Errorf("job: read the owner of run %s for its plan's limits: %w", run.ID, err)
	case u.Role == store.RoleAdmin:
		return maxEvents, maxInFlight, setBy, nil
	}
	maxEvents, maxInFlight = c.cfg.Plans.For(u.Plan).RunLimits(maxEvents, maxInFlight)
	return maxEvents, maxInFlight, fmt.Sprintf("the %s plan (or the server's, when lower); a larger plan allows more", u.Plan), nil
}

// storedSeriesValues returns the largest number of sampled values run may
// store at full resolution (see splitSeries): its owner's plan's
// MaxSeriesValues, the free plan's when the owner cannot be read, and -1
// (always downsampled) when no plan applies (no plans, or an admin's run):
// the full resolution is a plan's allowance.
func (c *Client) storedSeriesValues(ctx context.Context, run store.Run) int64 {
	if c.cfg.Plans == nil || run.OwnerID == "" {
		return -1
	}
	u, err := c.store.GetUser(ctx, run.OwnerID)
	switch {
	case err != nil:
		u = store.User{Plan: store.PlanFree}
	case u.Role == store.RoleAdmin:
		return -1
	}
	return c.cfg.Plans.For(u.Plan).MaxSeriesValues
}

// watchCancel polls the run's cancel flag until ctx is done and cancels
// with errCancelled when it is set or the run was finished elsewhere.
func (c *Client) watchCancel(ctx context.Context, runID string, cancel context.CancelCauseFunc) {
	every(ctx, c.cfg.CancelPollInterval, func() bool {
		run, err := c.store.GetRun(ctx, store.System(), runID)
		if err != nil {
			return true // transient; the next tick retries
		}
		if run.CancelRequested || run.Status.Final() {
			cancel(errCancelled)
			return false
		}
		return true
	})
}

// simulationFailed ends run according to err: cancelled on request, failed
// on timeout or a simulation error. When the job's own context is done
// (shutdown), it returns the error so that River retries the job later.
func (c *Client) simulationFailed(ctx context.Context, run store.Run, err error) error {
	switch {
	case errors.Is(err, errCancelled):
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusCancelled, Error: errCancelled.Error()})
	case errors.Is(err, errTimeout):
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusFailed, Error: fmt.Sprintf(
			"run exceeded the wall-clock timeout of %s; raise --run-timeout (FASTSIM_RUN_TIMEOUT) or shorten the scenario", c.cfg.RunTimeout)})
	case ctx.Err() != nil:
		return fmt.Errorf("job: run %s interrupted: %w", run.ID, err)
	default:
		return c.finish(ctx, run.ID, store.Finish{Status: store.StatusFailed, Error: err.Error()})
	}
}

// finish ends a run; a run already final (another worker won) is fine.
func (c *Client) finish(ctx context.Context, runID string, f store.Finish) error {
	_, err := c.store.FinishRun(ctx, runID, f)
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	if err != nil {
		return err
	}
	c.metrics.runFinished(f.Status)
	return nil
}

// splitSeries encodes r without its series, and the series alone (nil when
// the run kept none): at full resolution when they hold at most maxValues
// values (0: no limit), else (or when maxValues is negative) downsampled
// to result.StoredSeriesPoints per series, what charts and people can use,
// bounded whatever the horizon.
func splitSeries(r *result.Result, maxValues int64) (res, series []byte, err error) {
	s := r.Series
	if maxValues < 0 || (maxValues > 0 && s.Values() > maxValues) {
		s = s.Downsample(result.StoredSeriesPoints)
	}
	cp := *r
	cp.Series = nil
	if res, err = json.Marshal(&cp); err != nil {
		return nil, nil, fmt.Errorf("encode result: %w", err)
	}
	if s != nil {
		if series, err = json.Marshal(s); err != nil {
			return nil, nil, fmt.Errorf("encode series: %w", err)
		}
	}
	return res, series, nil
}
