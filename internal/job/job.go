package job

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
)

// Config configures a Client. The zero value is usable after WithDefaults.
type Config struct {
	// Workers is the number of simulation jobs this process executes at
	// once. 0 makes an insert-only client (an API-only replica): Start and
	// Stop do nothing and runs are executed by other processes. Negative
	// means runtime.GOMAXPROCS(0). Defaults to 0.
	Workers int
	// RunTimeout is the wall-clock limit of one run (all its replications);
	// a run that exceeds it fails with a message saying so. Defaults to 10
	// minutes.
	RunTimeout time.Duration
	// ProgressInterval is the minimum time between two progress writes to
	// the run row. Defaults to 250 ms.
	ProgressInterval time.Duration
	// CancelPollInterval is how often a running job checks whether its run
	// was cancelled. Defaults to 200 ms.
	CancelPollInterval time.Duration
	// FetchPollInterval is how often idle workers poll for new jobs (River
	// also wakes them on insert notifications on PostgreSQL). Defaults to
	// 200 ms.
	FetchPollInterval time.Duration
	// MaxAttempts is how many times a job that fails (a database error,
	// its worker killed) is tried before the run is failed for good.
	// Defaults to 10.
	MaxAttempts int
	// ReconcileInterval is how often a started client looks for runs that
	// no job will finish (see Client.Reconcile) and fails them. Every
	// worker process does it; it is idempotent. Defaults to 30 s.
	ReconcileInterval time.Duration
	// MaxEvents and MaxInFlight are the run-time limits of every
	// replication (engine.Options.MaxEvents and MaxInFlight), whatever
	// its owner's plan; a replication that crosses one fails its run with
	// the engine's message. Defaults to 0: the engine's defaults.
	MaxEvents, MaxInFlight int64
	// Plans, when not nil, lowers those limits to the run owner's plan
	// (quota.Plan.RunLimits); admins and runs without an owner keep the
	// server's. Defaults to nil.
	Plans quota.Plans
	// Logger receives the client's logs. Defaults to a discarding logger.
	Logger *slog.Logger
	// Registerer, when set, receives the job metrics (see Metrics).
	// Defaults to none.
	Registerer prometheus.Registerer
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Workers < 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.RunTimeout == 0 {
		c.RunTimeout = 10 * time.Minute
	}
	if c.ProgressInterval == 0 {
		c.ProgressInterval = 250 * time.Millisecond
	}
	if c.CancelPollInterval == 0 {
		c.CancelPollInterval = 200 * time.Millisecond
	}
	if c.FetchPollInterval == 0 {
		c.FetchPollInterval = 200 * time.Millisecond
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 10
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Validate reports the first invalid field, naming it and the rule.
func (c Config) Validate() error {
	switch {
	case c.RunTimeout < time.Second:
		return fmt.Errorf("job config: RunTimeout %s: must be at least 1s", c.RunTimeout)
	case c.ProgressInterval < 0:
		return fmt.Errorf("job config: ProgressInterval %s: must not be negative", c.ProgressInterval)
	case c.CancelPollInterval <= 0 || c.CancelPollInterval > time.Second:
		return fmt.Errorf("job config: CancelPollInterval %s: must be in (0, 1s]", c.CancelPollInterval)
	case c.MaxAttempts < 1:
		return fmt.Errorf("job config: MaxAttempts %d: must be at least 1", c.MaxAttempts)
	case c.ReconcileInterval < 10*time.Millisecond:
		return fmt.Errorf("job config: ReconcileInterval %s: must be at least 10ms", c.ReconcileInterval)
	case c.FetchPollInterval < time.Millisecond:
		return fmt.Errorf("job config: FetchPollInterval %s: must be at least 1ms", c.FetchPollInterval)
	}
	return nil
}

// Runner is the part of Client the API uses: submit and cancel runs, and
// run workers. *Client implements it; handler tests may fake it.
type Runner interface {
	// Submit stores run as queued, owned by actor, and enqueues its job in
	// one transaction
	// (see store.Store.CreateRun for the fields and errors).
	Submit(ctx context.Context, actor store.Actor, run store.Run) (store.Run, error)
	// Cancel requests cancellation of a run (see store.Store.RequestCancel
	// for the errors); a queued run is cancelled at once, a running one
	// stops within about a second.
	Cancel(ctx context.Context, actor store.Actor, runID string) (store.Run, error)
}

var _ Runner = (*Client)(nil)
