package job

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/store"
)

// Client submits runs and, when it has workers, executes them. It wraps the
// River client that the store's dialect builds over its own connections.
type Client struct {
	cfg     Config
	store   store.Store
	queue   store.Queue
	metrics *Metrics
	// stopLoops ends the reconcile and reap loops of a started client,
	// and loops is done when they have returned.
	stopLoops context.CancelFunc
	loops     sync.WaitGroup
}

// NewClient returns a client over st, sharing its connections with River.
// Workers are not started until Start. It returns an error for an invalid
// config.
func NewClient(st store.Backend, cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer, st)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, store: st, metrics: m}
	if c.queue, err = st.NewQueue(c.riverConfig()); err != nil {
		return nil, fmt.Errorf("job: %w", err)
	}
	return c, nil
}

// riverConfig builds River's configuration. The job timeout is the run
// timeout plus a margin, so that the worker's own deadline (which fails the
// run with a clear message) always fires first. A job whose worker died is
// handed on by the lease reaper (see reap.go) within seconds; River's own
// rescuer, which cannot tell a slow job from a dead one, only backs it up
// after a further margin, so it never rescues a live job.
func (c *Client) riverConfig() *river.Config {
	rc := &river.Config{
		ID:                   riverID(c.cfg.Owner),
		JobTimeout:           c.jobTimeout(),
		RescueStuckJobsAfter: max(c.jobTimeout(), c.studyJobTimeout()) + 10*time.Second,
		MaxAttempts:          c.cfg.MaxAttempts,
		Logger:               c.cfg.Logger,
		FetchPollInterval:    c.cfg.FetchPollInterval,
		FetchCooldown:        min(c.cfg.FetchPollInterval, 100*time.Millisecond),
	}
	if c.cfg.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &simulateWorker{c: c})
		river.AddWorker(workers, &replicationWorker{c: c})
		river.AddWorker(workers, &studyWorker{c: c})
		river.AddWorker(workers, &studyRunWorker{c: c})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: c.cfg.Workers},
			QueueStudies:       {MaxWorkers: c.cfg.StudyWorkers},
		}
	}
	return rc
}

func (c *Client) jobTimeout() time.Duration { return c.cfg.RunTimeout + 5*time.Second }

// studyJobTimeout is the job timeout of a study's coordinator: the study
// timeout plus a margin.
func (c *Client) studyJobTimeout() time.Duration { return c.cfg.StudyTimeout + 5*time.Second }

// riverID is River's client id for a process named owner: the owner, so
// that River's job rows (attempted_by) name the worker that ran each job
// as leases and logs do; River's default when it is too long for River.
func riverID(owner string) string {
	if len(owner) > 100 {
		return ""
	}
	return owner
}

// Metrics returns the client's metrics (also registered with
// Config.Registerer when set).
func (c *Client) Metrics() *Metrics { return c.metrics }

// Start starts the workers; it does nothing for an insert-only client
// (Workers = 0). It returns River's start error.
func (c *Client) Start(ctx context.Context) error {
	if c.cfg.Workers == 0 {
		return nil
	}
	if err := c.queue.Start(ctx); err != nil {
		return fmt.Errorf("job: start workers: %w", err)
	}
	lctx, cancel := context.WithCancel(ctx)
	c.stopLoops = cancel
	c.loops.Add(2)
	go func() {
		defer c.loops.Done()
		c.reconcileLoop(lctx)
	}()
	go func() {
		defer c.loops.Done()
		c.reapLoop(lctx)
	}()
	return nil
}

// Stop stops fetching new jobs and waits for running ones until ctx is
// done; then it cancels them, and River hands them back (they are retried
// later, by this or another worker). It does nothing for an insert-only
// client.
func (c *Client) Stop(ctx context.Context) error {
	if c.cfg.Workers == 0 {
		return nil
	}
	if c.stopLoops != nil {
		c.stopLoops()
		c.loops.Wait()
	}
	if err := c.stop(ctx); err != nil {
		return fmt.Errorf("job: stop workers: %w", err)
	}
	return nil
}

// Enqueue inserts the "simulate" job of run inside tx, a transaction of the
// client's store. It is a store.EnqueueFunc, for callers that create runs
// with store.Store.CreateRun themselves; Submit does both.
func (c *Client) Enqueue(ctx context.Context, tx store.Tx, run store.Run) error {
	_, err := c.enqueue(ctx, tx, run)
	return err
}

// enqueue inserts the job of run in tx and returns its id.
func (c *Client) enqueue(ctx context.Context, tx store.Tx, run store.Run) (int64, error) {
	id, err := c.queue.InsertTx(ctx, tx, SimulateArgs{RunID: run.ID}, uniqueOpts())
	if err != nil {
		return 0, fmt.Errorf("job: enqueue run %s: %w", run.ID, err)
	}
	return id, nil
}

// Submit stores run as queued and enqueues its job in one transaction, then
// records the job id in the run. See store.Store.CreateRun for the fields
// it reads and the errors; once it returns a run, the run will be executed.
func (c *Client) Submit(ctx context.Context, actor store.Actor, run store.Run) (store.Run, error) {
	var jobID int64
	created, err := c.store.CreateRun(ctx, actor, run, func(ctx context.Context, tx store.Tx, r store.Run) error {
		var err error
		jobID, err = c.enqueue(ctx, tx, r)
		return err
	})
	if err != nil {
		return store.Run{}, err
	}
	// The run and its job are committed: a failure to record the job id
	// only costs Cancel the chance to remove a queued job early (the
	// worker then sees the cancelled run and does nothing).
	if err := c.store.SetRunJobID(ctx, created.ID, jobID); err != nil {
		c.cfg.Logger.WarnContext(ctx, "record job id of run", "run_id", created.ID, "job_id", jobID, "error", err)
	} else {
		created.JobID = jobID
	}
	c.metrics.submitted.Inc()
	return created, nil
}

// Cancel cancels a run at once: a queued run's job is removed from the
// queue, and a running run becomes cancelled immediately, even when its
// worker died (an orphan); a live worker notices within
// Config.CancelPollInterval and stops simulating. It returns the run after
// the change, store.ErrNotFound, or store.ErrConflict when the run is
// finished.
func (c *Client) Cancel(ctx context.Context, actor store.Actor, runID string) (store.Run, error) {
	run, err := c.store.RequestCancel(ctx, actor, runID)
	if err != nil {
		return store.Run{}, err
	}
	if run.Status == store.StatusRunning {
		// The worker only stops simulating: the run is final from now on,
		// so an orphan does not wait for the reaper and frees its quota.
		finished, err := c.store.FinishRun(ctx, runID, store.Finish{Status: store.StatusCancelled, Error: errCancelled.Error()})
		switch {
		case errors.Is(err, store.ErrConflict):
			// Finished meanwhile (by its worker): report that.
			return c.store.GetRun(ctx, actor, runID)
		case err != nil:
			return store.Run{}, fmt.Errorf("job: cancel running run %s: %w", runID, err)
		}
		c.metrics.runFinished(store.StatusCancelled)
		return finished, nil
	}
	if run.Status == store.StatusCancelled && run.JobID != 0 {
		// The job has not started: cancel it in River so that no worker
		// fetches it. Losing this race is harmless: the worker sees the
		// final status and returns at once.
		if err := c.queue.JobCancel(ctx, run.JobID); err != nil && !errors.Is(err, rivertype.ErrNotFound) {
			c.cfg.Logger.WarnContext(ctx, "cancel queued job", "run_id", runID, "job_id", run.JobID, "error", err)
		}
	}
	return run, nil
}

func uniqueOpts() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// stop waits for running jobs until ctx is done, then cancels them; River
// hands cancelled jobs back to the queue as retryable.
func (c *Client) stop(ctx context.Context) error {
	err := c.queue.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return c.queue.StopAndCancel(cctx)
}
