package storeutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// NewRun validates a run to create and fills its store-assigned fields:
// a new id, the actor as owner, status queued, and the creation time.
func NewRun(actor store.Actor, run store.Run, now func() time.Time) (store.Run, error) {
	if err := CheckNewRun(actor, run); err != nil {
		return store.Run{}, err
	}
	id, err := NewID()
	if err != nil {
		return store.Run{}, err
	}
	run.ID, run.OwnerID, run.Status, run.CreatedAt = id, actor.UserID, store.StatusQueued, Now(now)
	run.Progress, run.Error, run.CacheHit, run.CancelRequested, run.JobID = 0, "", false, false, 0
	run.StartedAt, run.FinishedAt = nil, nil
	return run, nil
}

// NewCachedRun is NewRun for a run answered from the result cache: it is
// created succeeded, complete, started and finished at its creation.
func NewCachedRun(actor store.Actor, run store.Run, res store.RunResult, now func() time.Time) (store.Run, error) {
	run, err := NewRun(actor, run, now)
	if err != nil {
		return store.Run{}, err
	}
	if len(res.Result) == 0 {
		return store.Run{}, fmt.Errorf("create cached run: result: must not be empty: %w", store.ErrInvalid)
	}
	at := run.CreatedAt
	run.Status, run.CacheHit, run.Progress, run.StartedAt, run.FinishedAt = store.StatusSucceeded, true, 1, &at, &at
	return run, nil
}

// RunWriter is a dialect's part of creating runs: its transaction and the
// statements run inside it. CreateRun and CreateCachedRun hold the steps
// both dialects share.
type RunWriter[TX any] struct {
	// InTx runs fn in one transaction, committed if fn returns nil and
	// rolled back otherwise.
	InTx func(ctx context.Context, fn func(tx TX) error) error
	// CheckQuota enforces run.Quota in tx, before the insert.
	CheckQuota func(ctx context.Context, tx TX, run store.Run) error
	// Insert checks the run's scenario reference and inserts the run in tx.
	Insert func(ctx context.Context, tx TX, actor store.Actor, run store.Run) error
	// SaveResult stores (compressed) the result of run runID in tx.
	SaveResult func(ctx context.Context, tx TX, runID string, res store.RunResult) error
	// Now is the store's clock.
	Now func() time.Time
}

// insert checks the quota and inserts run in tx.
func (w RunWriter[TX]) insert(ctx context.Context, tx TX, actor store.Actor, run store.Run) error {
	if err := w.CheckQuota(ctx, tx, run); err != nil {
		return err
	}
	return w.Insert(ctx, tx, actor, run)
}

// CreateRun implements store.Store.CreateRun: it inserts a queued run and
// calls enqueue (if not nil) in the same transaction.
func (w RunWriter[TX]) CreateRun(ctx context.Context, actor store.Actor, run store.Run, enqueue store.EnqueueFunc) (store.Run, error) {
	run, err := NewRun(actor, run, w.Now)
	if err != nil {
		return store.Run{}, err
	}
	err = w.InTx(ctx, func(tx TX) error {
		if err := w.insert(ctx, tx, actor, run); err != nil {
			return err
		}
		if enqueue == nil {
			return nil
		}
		if err := enqueue(ctx, Tx[TX]{Tx: tx}, run); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.Run{}, fmt.Errorf("create run: %w", err)
	}
	return run, nil
}

// CreateCachedRun implements store.Store.CreateCachedRun: it inserts a
// succeeded cache-hit run and its result in one transaction.
func (w RunWriter[TX]) CreateCachedRun(ctx context.Context, actor store.Actor, run store.Run, res store.RunResult) (store.Run, error) {
	run, err := NewCachedRun(actor, run, res, w.Now)
	if err != nil {
		return store.Run{}, err
	}
	err = w.InTx(ctx, func(tx TX) error {
		if err := w.insert(ctx, tx, actor, run); err != nil {
			return err
		}
		return w.SaveResult(ctx, tx, run.ID, res)
	})
	if err != nil {
		return store.Run{}, fmt.Errorf("create cached run: %w", err)
	}
	return run, nil
}

// CheckStatuses validates the status filter of a run list and returns it
// as strings.
func CheckStatuses(statuses []store.RunStatus) ([]string, error) {
	out := make([]string, 0, len(statuses))
	for _, st := range statuses {
		if _, err := store.ParseRunStatus(string(st)); err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, string(st))
	}
	return out, nil
}

var (
	// runningReplicationsSQL locks the run in PostgreSQL (FOR UPDATE), so
	// progress and replication writes of one run are serialised; SQLite
	// transactions of these stores begin IMMEDIATE and already hold the
	// database's single write lock.
	runningReplicationsSQL = SQLPer(`SELECT replications FROM runs WHERE id = $1 AND status = 'running' FOR UPDATE`,
		`SELECT replications FROM runs WHERE id = ?1 AND status = 'running'`)
	updateRunProgressSQL = SQL(`UPDATE runs SET progress = LEAST(1, (SELECT COALESCE(sum(progress), 0) FROM run_replications
		WHERE run_id = $1) / replications) WHERE id = $1`)
	runStatusSQL = SQL(`SELECT status FROM runs WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`)
)

// StateError explains why a conditional update of run id matched no row:
// ErrNotFound when the run does not exist (for actor), ErrConflict
// otherwise.
func StateError(ctx context.Context, c Conn, actor store.Actor, id, op string) error {
	var status string
	if err := c.QueryRow(ctx, runStatusSQL, id, actor.Admin, OwnerArg(actor)).Scan(&status); err != nil {
		return NotFound(c, err, "run", id)
	}
	return fmt.Errorf("%s run %q: run is %s: %w", op, id, status, store.ErrConflict)
}

// runningReplications returns the replication count of a running run,
// locked in tx, or ErrNotFound/ErrConflict.
func runningReplications(ctx context.Context, tx Conn, runID, op string) (int, error) {
	var replications int
	err := tx.QueryRow(ctx, runningReplicationsSQL, runID).Scan(&replications)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, StateError(ctx, tx, store.System(), runID, op)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %s run %q: %w", tx.Name(), op, runID, err)
	}
	return replications, nil
}
