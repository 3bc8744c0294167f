package job

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/store"
)

// PgxPooler is implemented by stores backed by PostgreSQL
// (store/postgres.Store); River uses the same pool.
type PgxPooler interface {
	// PgxPool returns the store's connection pool.
	PgxPool() *pgxpool.Pool
}

// SQLDBer is implemented by stores backed by SQLite (store/sqlite.Store);
// River uses the same database handle.
type SQLDBer interface {
	// SQLDB returns the store's database handle.
	SQLDB() *sql.DB
}

// Client submits runs and, when it has workers, executes them. It wraps a
// River client for whichever database the store uses.
type Client struct {
	cfg     Config
	store   store.Store
	queue   queue
	metrics *Metrics
	// stopReconcile ends the reconcile loop of a started client, and
	// reconciled is closed when it has returned.
	stopReconcile context.CancelFunc
	reconciled    chan struct{}
}

// NewClient returns a client over st, which must be a store/postgres or
// store/sqlite store (it shares their connections with River). Workers are
// not started until Start. It returns an error for an invalid config or an
// unsupported store.
func NewClient(st store.Store, cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer, st)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, store: st, metrics: m}
	rcfg := c.riverConfig()
	switch s := st.(type) {
	case PgxPooler:
		c.queue, err = newRiverQueue[pgx.Tx](riverpgxv5.New(s.PgxPool()), rcfg)
	case SQLDBer:
		c.queue, err = newRiverQueue[*sql.Tx](riversqlite.New(s.SQLDB()), rcfg)
	default:
		return nil, fmt.Errorf("job: store %T: must be a postgres or sqlite store", st)
	}
	if err != nil {
		return nil, fmt.Errorf("job: new river client: %w", err)
	}
	return c, nil
}

// riverConfig builds River's configuration. The job timeout is the run
// timeout plus a margin, so that the worker's own deadline (which fails the
// run with a clear message) always fires first; stuck jobs are rescued only
// after a further margin, so a live job is never rescued while a job whose
// worker died (kill -9) is retried by another worker.
func (c *Client) riverConfig() *river.Config {
	rc := &river.Config{
		JobTimeout:           c.jobTimeout(),
		RescueStuckJobsAfter: c.jobTimeout() + 10*time.Second,
		MaxAttempts:          c.cfg.MaxAttempts,
		Logger:               c.cfg.Logger,
		FetchPollInterval:    c.cfg.FetchPollInterval,
		FetchCooldown:        min(c.cfg.FetchPollInterval, 100*time.Millisecond),
	}
	if c.cfg.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &simulateWorker{c: c})
		river.AddWorker(workers, &replicationWorker{c: c})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.cfg.Workers}}
	}
	return rc
}

func (c *Client) jobTimeout() time.Duration { return c.cfg.RunTimeout + 5*time.Second }

// Metrics returns the client's metrics (also registered with
// Config.Registerer when set).
func (c *Client) Metrics() *Metrics { return c.metrics }

// Start starts the workers; it does nothing for an insert-only client
// (Workers = 0). It returns River's start error.
func (c *Client) Start(ctx context.Context) error {
	if c.cfg.Workers == 0 {
		return nil
	}
	if err := c.queue.start(ctx); err != nil {
		return fmt.Errorf("job: start workers: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	c.stopReconcile, c.reconciled = cancel, make(chan struct{})
	go func() {
		defer close(c.reconciled)
		c.reconcileLoop(rctx)
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
	if c.stopReconcile != nil {
		c.stopReconcile()
		<-c.reconciled
	}
	if err := c.queue.stop(ctx); err != nil {
		return fmt.Errorf("job: stop workers: %w", err)
	}
	return nil
}

// Enqueue inserts the "simulate" job of run inside tx (a pgx.Tx or *sql.Tx
// matching the store). It is a store.EnqueueFunc, for callers that create
// runs with store.Store.CreateRun themselves; Submit does both.
func (c *Client) Enqueue(ctx context.Context, tx any, run store.Run) error {
	_, err := c.enqueue(ctx, tx, run)
	return err
}

// enqueue inserts the job of run in tx and returns its id.
func (c *Client) enqueue(ctx context.Context, tx any, run store.Run) (int64, error) {
	id, err := c.queue.insertTx(ctx, tx, SimulateArgs{RunID: run.ID}, uniqueOpts())
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
	created, err := c.store.CreateRun(ctx, actor, run, func(ctx context.Context, tx any, r store.Run) error {
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

// Cancel requests cancellation of a run: a queued run is cancelled at once
// (and its job removed from the queue), a running run stops within about a
// second, when its worker polls the flag. It returns the run after the
// change, store.ErrNotFound, or store.ErrConflict when the run is finished.
func (c *Client) Cancel(ctx context.Context, actor store.Actor, runID string) (store.Run, error) {
	run, err := c.store.RequestCancel(ctx, actor, runID)
	if err != nil {
		return store.Run{}, err
	}
	if run.Status == store.StatusCancelled && run.JobID != 0 {
		// The job has not started: cancel it in River so that no worker
		// fetches it. Losing this race is harmless: the worker sees the
		// final status and returns at once.
		if err := c.queue.cancel(ctx, run.JobID); err != nil && !errors.Is(err, rivertype.ErrNotFound) {
			c.cfg.Logger.WarnContext(ctx, "cancel queued job", "run_id", runID, "job_id", run.JobID, "error", err)
		}
	}
	return run, nil
}

func uniqueOpts() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// queue is the part of a River client the job package uses, without its
// transaction type parameter.
type queue interface {
	insertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) (int64, error)
	insertManyTx(ctx context.Context, tx any, args []river.JobArgs, opts *river.InsertOpts) error
	cancel(ctx context.Context, jobID int64) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	unfinishedJobs(ctx context.Context) ([]*rivertype.JobRow, error)
}

type riverQueue[TTx any] struct {
	client *river.Client[TTx]
}

func newRiverQueue[TTx any](driver riverdriver.Driver[TTx], cfg *river.Config) (*riverQueue[TTx], error) {
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, err
	}
	return &riverQueue[TTx]{client: client}, nil
}

func (q *riverQueue[TTx]) tx(tx any) (TTx, error) {
	t, ok := tx.(TTx)
	if !ok {
		var zero TTx
		return zero, fmt.Errorf("job: transaction %T: want %T", tx, zero)
	}
	return t, nil
}

func (q *riverQueue[TTx]) insertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
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

func (q *riverQueue[TTx]) insertManyTx(ctx context.Context, tx any, args []river.JobArgs, opts *river.InsertOpts) error {
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

func (q *riverQueue[TTx]) cancel(ctx context.Context, jobID int64) error {
	_, err := q.client.JobCancel(ctx, jobID)
	return err
}

func (q *riverQueue[TTx]) start(ctx context.Context) error { return q.client.Start(ctx) }

// stop waits for running jobs until ctx is done, then cancels them; River
// hands cancelled jobs back to the queue as retryable.
func (q *riverQueue[TTx]) stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return q.client.StopAndCancel(cctx)
}
