package job

import (
	"context"
	"crypto/rand"
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
	// MaxAttempts is how many times a job is tried when an attempt fails
	// for a reason that may pass (a database error, its worker killed)
	// before the run is failed for good; River waits about 1 s and then
	// 16 s between attempts. A shutdown does not spend an attempt. A simulation error (an invalid
	// scenario, a run limit, the run timeout) is final at the first
	// attempt, and a worker that dies twice on the same job ends it at the
	// second death whatever MaxAttempts says. Defaults to 3.
	MaxAttempts int
	// HeartbeatInterval is how often a worker renews the lease of each job
	// it runs, and how often every started client looks for jobs whose
	// lease expired (see Client.Reap). Defaults to 2 s.
	HeartbeatInterval time.Duration
	// LeaseTTL is how long a lease lasts without renewal. A job whose
	// worker died (kill -9, out of memory, a lost machine) is handed to
	// another worker, or to the same one after a restart, between LeaseTTL
	// and LeaseTTL + HeartbeatInterval after its last heartbeat (plus
	// FetchPollInterval for a worker to take it). It must be at least three
	// heartbeats, so that a live worker that misses two (a slow database)
	// keeps its job. Defaults to 10 s.
	LeaseTTL time.Duration
	// Owner names this process in leases and logs (e.g. host/pid/nonce).
	// Defaults to "worker-" and a random suffix.
	Owner string
	// OwnerDead, when set, reports whether the process that holds a lease
	// (its Owner) is known to be dead, such as an earlier process of this
	// host that no longer exists: the reaper then hands its jobs on at
	// once instead of waiting for the lease to expire, so a restarted
	// single-node service resumes its orphans at start-up. It must never
	// report a live process dead. Defaults to nil: only expiry counts.
	OwnerDead func(owner string) bool
	// ReconcileInterval is how often a started client looks for runs that
	// no job will finish (see Client.Reconcile) and fails them. Every
	// worker process does it; it is idempotent. Defaults to 30 s.
	ReconcileInterval time.Duration
	// StudyWorkers is the number of study coordinators this process runs
	// at once, in their own queue (QueueStudies): a coordinator mostly
	// waits for its candidate runs, which take the Workers slots. Only a
	// process with Workers > 0 runs them. Defaults to 4.
	StudyWorkers int
	// StudyTimeout is the wall-clock limit of one study (all its
	// candidate runs; each candidate run has RunTimeout); a study that
	// exceeds it fails with a message saying so. Defaults to 1 hour.
	StudyTimeout time.Duration
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
		c.MaxAttempts = 3
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = 2 * time.Second
	}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = 10 * time.Second
	}
	if c.Owner == "" {
		c.Owner = "worker-" + rand.Text()[:8]
	}
	if c.StudyWorkers == 0 {
		c.StudyWorkers = 4
	}
	if c.StudyTimeout == 0 {
		c.StudyTimeout = time.Hour
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
	case c.StudyWorkers < 1:
		return fmt.Errorf("job config: StudyWorkers %d: must be at least 1", c.StudyWorkers)
	case c.StudyTimeout < time.Second:
		return fmt.Errorf("job config: StudyTimeout %s: must be at least 1s", c.StudyTimeout)
	case c.MaxAttempts < 1:
		return fmt.Errorf("job config: MaxAttempts %d: must be at least 1", c.MaxAttempts)
	case c.ReconcileInterval < 10*time.Millisecond:
		return fmt.Errorf("job config: ReconcileInterval %s: must be at least 10ms", c.ReconcileInterval)
	case c.FetchPollInterval < time.Millisecond:
		return fmt.Errorf("job config: FetchPollInterval %s: must be at least 1ms", c.FetchPollInterval)
	case c.HeartbeatInterval < 10*time.Millisecond:
		return fmt.Errorf("job config: HeartbeatInterval %s: must be at least 10ms", c.HeartbeatInterval)
	case c.LeaseTTL < 3*c.HeartbeatInterval:
		return fmt.Errorf("job config: LeaseTTL %s: must be at least 3 × HeartbeatInterval (%s), so that a live worker missing two heartbeats keeps its job",
			c.LeaseTTL, 3*c.HeartbeatInterval)
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
	// Cancel cancels a run at once (see store.Store.RequestCancel for the
	// errors); the worker of a running one stops within about a second.
	Cancel(ctx context.Context, actor store.Actor, runID string) (store.Run, error)
	// SubmitStudy stores st as queued, owned by actor, and enqueues its
	// coordinator in one transaction (see store.Store.CreateStudy).
	SubmitStudy(ctx context.Context, actor store.Actor, st store.Study) (store.Study, error)
	// CancelStudy cancels a study at once (see
	// store.Store.RequestStudyCancel for the errors); its coordinator and
	// candidate runs stop within about a second.
	CancelStudy(ctx context.Context, actor store.Actor, id string) (store.Study, error)
}

var _ Runner = (*Client)(nil)
