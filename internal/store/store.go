package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned (wrapped) when a scenario, scenario version, run or
// result does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) when an operation is refused because of
// the current state, e.g. deleting a scenario while one of its runs is queued
// or running, or cancelling a run that has already finished.
var ErrConflict = errors.New("conflict")

// ErrLastAdmin is returned (wrapped) when an update or a deletion would
// leave no admin: the only admin cannot be demoted or deleted, by anyone,
// themselves included, until another user is made admin.
var ErrLastAdmin = errors.New("the only admin cannot be demoted or deleted; make another user admin first")

// ErrInvalid is returned (wrapped) when a parameter is malformed, e.g. an
// unparsable pagination cursor or a negative limit.
var ErrInvalid = errors.New("invalid parameter")

// Scenario is a named scenario. Its content lives in immutable versions;
// LatestVersion is the newest one.
type Scenario struct {
	// ID is a UUID (version 7) assigned on creation.
	ID string
	// OwnerID is the user the scenario belongs to; empty for rows created
	// before accounts existed (only admins see those).
	OwnerID string
	// Name is the user-given name.
	Name string
	// LatestVersion is the number of the newest version, starting at 1.
	LatestVersion int
	// CreatedAt is when the scenario was created (UTC, microsecond precision).
	CreatedAt time.Time
	// UpdatedAt is when the latest version was created.
	UpdatedAt time.Time
}

// ScenarioVersion is one immutable version of a scenario.
type ScenarioVersion struct {
	// ScenarioID is the ID of the scenario the version belongs to.
	ScenarioID string
	// Version is the version number, 1 for the first.
	Version int
	// Name is the scenario name at the time of this version.
	Name string
	// Body is the scenario document as canonical JSON (scenario.Canonical).
	Body []byte
	// CreatedAt is when the version was created.
	CreatedAt time.Time
}

// Page is one page of a list, newest first.
type Page[T any] struct {
	// Items are the records of this page.
	Items []T
	// NextCursor is the cursor of the next page, empty on the last page.
	NextCursor string
}

// ListScenariosParams select a page of scenarios.
type ListScenariosParams struct {
	// NameContains keeps scenarios whose name contains it (case-insensitive).
	// Defaults to no filter.
	NameContains string
	// Limit is the page size, 1..1000. Defaults to 50 when 0.
	Limit int
	// Cursor is NextCursor of the previous page. Defaults to the first page.
	Cursor string
}

// ListRunsParams select a page of runs.
type ListRunsParams struct {
	// Status keeps runs with one of these statuses. Defaults to all.
	Status []RunStatus
	// ScenarioID keeps runs of this scenario. Defaults to all.
	ScenarioID string
	// Limit is the page size, 1..1000. Defaults to 50 when 0.
	Limit int
	// Cursor is NextCursor of the previous page. Defaults to the first page.
	Cursor string
}

// EnqueueFunc inserts the job(s) that will execute run inside tx, the
// transaction that inserts the run row (see Queue.InsertTx). An error rolls
// the run row back. job.Client.Enqueue is the production implementation.
type EnqueueFunc func(ctx context.Context, tx Tx, run Run) error

// TxFunc runs inside a store transaction.
type TxFunc func(ctx context.Context, tx Tx) error

// Tx is an open transaction of a Store, handed to TxFunc and EnqueueFunc so
// that jobs are inserted atomically with the rows that need them. Only the
// store's own dialect looks inside it (through its Queue).
type Tx interface {
	// Unwrap returns the database driver's transaction: a pgx.Tx for
	// PostgreSQL stores, a *sql.Tx for SQLite stores.
	Unwrap() any
}

// Store persists users, scenarios, runs and results. Implementations are
// safe for concurrent use. Every method wraps its errors with context;
// errors not listed are database failures.
//
// Tenancy is enforced here: every method that reads or changes owned rows
// (scenarios, versions, runs, results) takes the Actor it acts for, and a
// row the actor may not see is ErrNotFound. Rows are created owned by
// actor.UserID. Methods without an actor (MarkRunning, UpdateProgress,
// FinishRun, SaveReplication, ...) are the job worker's, which acts for the
// run's owner; they address a run by its id only.
type Store interface {
	UserStore
	LeaseStore
	StudyStore

	// CreateScenario stores a new scenario owned by actor.UserID with
	// version 1 holding body. It returns ErrInvalid when name is empty,
	// body is empty or the actor has no UserID.
	CreateScenario(ctx context.Context, actor Actor, name string, body []byte) (Scenario, ScenarioVersion, error)
	// ListScenarios returns a page of scenarios, newest first.
	// It returns ErrInvalid for a bad limit or cursor.
	ListScenarios(ctx context.Context, actor Actor, p ListScenariosParams) (Page[Scenario], error)
	// GetScenario returns one scenario, or ErrNotFound.
	GetScenario(ctx context.Context, actor Actor, id string) (Scenario, error)
	// GetScenarioVersion returns one version of a scenario; version 0 means
	// the latest. It returns ErrNotFound when the scenario or version does
	// not exist.
	GetScenarioVersion(ctx context.Context, actor Actor, id string, version int) (ScenarioVersion, error)
	// ListScenarioVersions returns every version of a scenario, oldest
	// first, or ErrNotFound.
	ListScenarioVersions(ctx context.Context, actor Actor, id string) ([]ScenarioVersion, error)
	// UpdateScenario stores body as a new immutable version of the scenario
	// (and renames it when name is not empty). It returns ErrNotFound or
	// ErrInvalid (empty body).
	UpdateScenario(ctx context.Context, actor Actor, id, name string, body []byte) (Scenario, ScenarioVersion, error)
	// DeleteScenario deletes a scenario and its versions; finished runs of it
	// keep their scenario snapshot and lose the link. It returns ErrNotFound,
	// or ErrConflict while a run of the scenario is queued or running.
	DeleteScenario(ctx context.Context, actor Actor, id string) error

	// CreateRun inserts a queued run and calls enqueue inside the same
	// transaction, so a run row never exists without its job. The store
	// assigns ID, Status (queued), CreatedAt and zeroes progress fields; the
	// caller sets Scenario, Seed, Replications, CacheKey and the optional
	// ScenarioID/ScenarioVersion; the run is owned by actor.UserID, and
	// ScenarioID must be visible to actor. It returns ErrInvalid (empty
	// scenario, replications < 1, actor without UserID), ErrNotFound (ScenarioID/ScenarioVersion that does
	// not exist), or enqueue's error (wrapped), in which case nothing is
	// stored.
	CreateRun(ctx context.Context, actor Actor, run Run, enqueue EnqueueFunc) (Run, error)
	// CreateCachedRun inserts a run that is already succeeded, with
	// CacheHit set, and its result, in one transaction. Same errors as
	// CreateRun.
	CreateCachedRun(ctx context.Context, actor Actor, run Run, res RunResult) (Run, error)
	// GetRun returns one run, or ErrNotFound.
	GetRun(ctx context.Context, actor Actor, id string) (Run, error)
	// ListRuns returns a page of runs, newest first. It returns ErrInvalid
	// for a bad limit, cursor or status.
	ListRuns(ctx context.Context, actor Actor, p ListRunsParams) (Page[Run], error)
	// CountRuns returns the number of runs of all users per status
	// (absent: zero), for metrics.
	CountRuns(ctx context.Context) (map[RunStatus]int, error)
	// MarkRunning moves a queued or running run to running (a retried job
	// finds it running), sets StartedAt on the first call, and returns it.
	// It returns ErrNotFound, or ErrConflict when the run is finished.
	MarkRunning(ctx context.Context, id string) (Run, error)
	// UpdateProgress sets the progress (clamped to 0..1) of replication
	// index of a running run, and the run's progress to the mean over its
	// replications (replications not started count 0). It returns
	// ErrNotFound, or ErrConflict when the run is not running.
	UpdateProgress(ctx context.Context, runID string, index int, progress float64) error
	// FinishRun moves a queued or running run to a final status, with an
	// error message for failed/cancelled runs and the result for succeeded
	// ones (required then), in one transaction. It returns ErrNotFound,
	// ErrInvalid (non-final status, succeeded without result) or
	// ErrConflict when the run is already finished.
	FinishRun(ctx context.Context, id string, f Finish) (Run, error)
	// RequestCancel records that the run should stop. A queued run is
	// cancelled at once; a running run keeps running until its worker
	// notices. It returns the run after the change, ErrNotFound, or
	// ErrConflict when the run is already finished.
	RequestCancel(ctx context.Context, actor Actor, id string) (Run, error)
	// SetRunJobID records the River job that executes the run.
	// It returns ErrNotFound.
	SetRunJobID(ctx context.Context, id string, jobID int64) error
	// FindSucceededRunByCacheKey returns the newest succeeded run with this
	// cache key, whoever owns it, or ErrNotFound. Equal keys mean equal
	// result bytes, so the caller may copy that result (read with System())
	// into a new cached run owned by the requester; it must never hand out
	// the found run itself.
	FindSucceededRunByCacheKey(ctx context.Context, cacheKey string) (Run, error)

	// GetResult returns the result of a succeeded run without its series,
	// or ErrNotFound when the run or its result does not exist.
	GetResult(ctx context.Context, actor Actor, runID string) (RunResult, error)
	// GetSeries returns the sampled series JSON of a succeeded run, or
	// ErrNotFound when the run has no result or no series.
	GetSeries(ctx context.Context, actor Actor, runID string) ([]byte, error)

	// SaveReplication stores (or overwrites: jobs are idempotent) the
	// result of one replication of a run, sets its progress to 1, and
	// returns how many distinct replications of the run have a result. It
	// returns ErrNotFound, or ErrInvalid (index out of range, empty result).
	SaveReplication(ctx context.Context, runID string, rep Replication) (int, error)
	// ListReplications returns the replications of a run that have a
	// result, ordered by index (empty when none).
	ListReplications(ctx context.Context, runID string) ([]Replication, error)

	// Tx runs fn in a transaction, committing when it returns nil.
	Tx(ctx context.Context, fn TxFunc) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Migrate applies every pending migration of the application schema and
	// of River's tables.
	Migrate(ctx context.Context) error
	// MigrationStatus reports applied and pending migrations of both.
	MigrationStatus(ctx context.Context) (MigrationStatus, error)
	// Dialect names the database: "postgres" or "sqlite".
	Dialect() string
	// Close releases the database connections.
	Close() error
}

// Replication is the stored result of one replication of a run.
type Replication struct {
	// Index is the replication number, 0-based.
	Index int
	// Result is the result JSON (spec §8, with the latency sketch, no series).
	Result []byte
	// Series is the sampled series JSON, nil when the replication kept none
	// (only replication 0 keeps them).
	Series []byte
}

// Finish describes how a run ends.
type Finish struct {
	// Status is the final status: succeeded, failed or cancelled.
	Status RunStatus
	// Error is the message of a failed or cancelled run.
	Error string
	// Result is the result of a succeeded run.
	Result *RunResult
}

// RunResult is the stored result of a run. The summary and the series are
// stored separately (and compressed) so that reading the summary never
// loads the series.
type RunResult struct {
	// RunID is the run the result belongs to.
	RunID string
	// Result is the result JSON of spec §8 without series; for several
	// replications, the merged result.
	Result []byte
	// Series is the JSON of the sampled series (result.Series), nil when the
	// run kept none.
	Series []byte
	// Replications is a JSON array of the per-replication results (without
	// series), nil for a single replication.
	Replications []byte
	// Statistics is the JSON of analysis.Summarize over the replications
	// (mean and 95 % confidence half-width), nil for a single replication.
	Statistics []byte
}

// MigrationStatus reports the migrations of the application schema and of
// River's tables.
type MigrationStatus struct {
	// App lists the application schema migrations.
	App []Migration
	// River lists River's migrations.
	River []Migration
}

// AtHead reports whether every migration is applied.
func (s MigrationStatus) AtHead() bool {
	for _, m := range append(append([]Migration(nil), s.App...), s.River...) {
		if !m.Applied {
			return false
		}
	}
	return len(s.App) > 0
}

// Migration is one migration and whether it is applied.
type Migration struct {
	// Version is the migration number.
	Version int64
	// Name is the migration name (file name without extension).
	Name string
	// Applied reports whether the migration is applied.
	Applied bool
}
