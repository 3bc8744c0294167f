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

// CreateRun implements store.Store.CreateRun: it inserts a queued run and
// calls enqueue (if not nil) in the same transaction.
func (s Store) CreateRun(ctx context.Context, actor store.Actor, run store.Run, enqueue store.EnqueueFunc) (store.Run, error) {
	run, err := NewRun(actor, run, s.Now)
	if err != nil {
		return store.Run{}, err
	}
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		if err := s.insertRun(ctx, tx, actor, run); err != nil {
			return err
		}
		if enqueue == nil {
			return nil
		}
		if err := enqueue(ctx, tx, run); err != nil {
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
func (s Store) CreateCachedRun(ctx context.Context, actor store.Actor, run store.Run, res store.RunResult) (store.Run, error) {
	run, err := NewCachedRun(actor, run, res, s.Now)
	if err != nil {
		return store.Run{}, err
	}
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		if err := s.insertRun(ctx, tx, actor, run); err != nil {
			return err
		}
		return SaveResult(ctx, tx, run.ID, res)
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
	return stateError(ctx, c, runStatusSQL, "run", actor, id, op)
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

// runColumns are the columns scanRun reads.
const runColumns = `id, coalesce(owner_id::text, ''), scenario_id, scenario_version, scenario, seed, replications, status, progress, error,
	cache_hit, cache_key, cancel_requested, job_id, created_at, started_at, finished_at`

var (
	// scenarioOfRunSQL takes a share lock on the scenario in PostgreSQL
	// (FOR SHARE), which keeps DeleteScenario from deleting it until the
	// run's transaction ends; SQLite transactions of these stores begin
	// IMMEDIATE and hold the database's single write lock instead.
	scenarioOfRunSQL = SQLPer(`SELECT latest_version FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid) FOR SHARE`,
		`SELECT latest_version FROM scenarios WHERE id = ?1 AND (?2 OR owner_id = ?3)`)
	insertRunSQL = SQL(`INSERT INTO runs (id, scenario_id, scenario_version, scenario, seed, replications, status,
		progress, error, cache_hit, cache_key, created_at, started_at, finished_at, owner_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`)
	getRunSQL = SQL(`SELECT ` + runColumns + ` FROM runs WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`)
	// listRunsSQL filters on a list of statuses ($1): a text[] in
	// PostgreSQL, a JSON array in SQLite, which has no arrays (the SQLite
	// Conn passes a []string argument as JSON).
	listRunsSQL = SQLPer(`SELECT `+runColumns+` FROM runs
		WHERE (cardinality($1::text[]) = 0 OR status = ANY($1))
		  AND ($2::uuid IS NULL OR scenario_id = $2)
		  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
		  AND ($6::boolean OR owner_id = $7::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $5`,
		`SELECT `+SQL(runColumns).SQLite()+` FROM runs
		WHERE (json_array_length(?1) = 0 OR status IN (SELECT value FROM json_each(?1)))
		  AND (?2 IS NULL OR scenario_id = ?2)
		  AND (?3 IS NULL OR (created_at, id) < (?3, ?4))
		  AND (?6 OR owner_id = ?7)
		ORDER BY created_at DESC, id DESC LIMIT ?5`)
	countRunsSQL   = SQL(`SELECT status, count(*) FROM runs GROUP BY status`)
	markRunningSQL = SQL(`UPDATE runs SET status = 'running', started_at = COALESCE(started_at, $2)
		WHERE id = $1 AND status IN ('queued', 'running') RETURNING ` + runColumns)
	upsertProgressSQL = SQL(`INSERT INTO run_replications (run_id, idx, progress) VALUES ($1, $2, $3)
		ON CONFLICT (run_id, idx) DO UPDATE SET progress = excluded.progress`)
	finishRunSQL = SQL(`UPDATE runs SET status = $2, error = $3, finished_at = $4,
		progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END
		WHERE id = $1 AND status IN ('queued', 'running') RETURNING ` + runColumns)
	deleteReplicationsSQL = SQL(`DELETE FROM run_replications WHERE run_id = $1`)
	requestCancelSQL      = SQL(`UPDATE runs SET cancel_requested = true,
		status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
		error = CASE WHEN status = 'queued' THEN $3 ELSE error END,
		finished_at = CASE WHEN status = 'queued' THEN $2 ELSE finished_at END
		WHERE id = $1 AND status IN ('queued', 'running') AND ($4::boolean OR owner_id = $5::uuid) RETURNING ` + runColumns)
	setJobIDSQL   = SQL(`UPDATE runs SET job_id = $2 WHERE id = $1`)
	byCacheKeySQL = SQL(`SELECT ` + runColumns + ` FROM runs
		WHERE cache_key = $1 AND status = 'succeeded' ORDER BY created_at DESC, id DESC LIMIT 1`)
)

// scanRun reads the runColumns of row.
func scanRun(row Row) (store.Run, error) {
	var r store.Run
	var status string
	err := row.Scan(&r.ID, &r.OwnerID, &r.ScenarioID, &r.ScenarioVersion, &r.Scenario, &r.Seed, &r.Replications, &status,
		&r.Progress, &r.Error, &r.CacheHit, &r.CacheKey, &r.CancelRequested, &r.JobID, &r.CreatedAt, &r.StartedAt, &r.FinishedAt)
	if err != nil {
		return store.Run{}, err
	}
	r.Status = store.RunStatus(status)
	return r, nil
}

// insertRun checks the quota and the scenario reference, and inserts run
// (ID, Status and CreatedAt already set) in tx.
func (s Store) insertRun(ctx context.Context, tx Conn, actor store.Actor, run store.Run) error {
	if err := s.checkQuota(ctx, tx, run); err != nil {
		return err
	}
	if err := checkScenarioRef(ctx, tx, actor, run.ScenarioID, run.ScenarioVersion); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, insertRunSQL,
		run.ID, run.ScenarioID, run.ScenarioVersion, run.Scenario, run.Seed, run.Replications, string(run.Status),
		run.Progress, run.Error, run.CacheHit, run.CacheKey, run.CreatedAt, run.StartedAt, run.FinishedAt, run.OwnerID)
	if err != nil {
		return fmt.Errorf("%s: insert run: %w", tx.Name(), err)
	}
	return nil
}

// GetRun implements store.Store.GetRun.
func (s Store) GetRun(ctx context.Context, actor store.Actor, id string) (store.Run, error) {
	return runRecords.get(ctx, s.DB, getRunSQL, actor, id)
}

// ListRuns implements store.Store.ListRuns.
func (s Store) ListRuns(ctx context.Context, actor store.Actor, p store.ListRunsParams) (store.Page[store.Run], error) {
	limit, cur, hasCur, err := Paging("list runs", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Run]{}, err
	}
	statuses, err := CheckStatuses(p.Status)
	if err != nil {
		return store.Page[store.Run]{}, err
	}
	if p.ScenarioID != "" && !ValidID(p.ScenarioID) {
		return store.Page[store.Run]{}, nil
	}
	var scenarioID *string
	if p.ScenarioID != "" {
		scenarioID = &p.ScenarioID
	}
	curAt, curID := CursorArgs(cur, hasCur)
	return runRecords.list(ctx, s.DB, "runs", limit, RunKey,
		listRunsSQL, statuses, scenarioID, curAt, curID, limit+1, actor.Admin, OwnerArg(actor))
}

// CountRuns implements store.Store.CountRuns.
func (s Store) CountRuns(ctx context.Context) (map[store.RunStatus]int, error) {
	return countByStatus(ctx, s.DB, countRunsSQL, "runs")
}

// MarkRunning implements store.Store.MarkRunning.
func (s Store) MarkRunning(ctx context.Context, id string) (store.Run, error) {
	if !ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	return runRecords.update(ctx, s.DB, store.System(), "start", id, markRunningSQL, Now(s.Now))
}

// UpdateProgress implements store.Store.UpdateProgress.
func (s Store) UpdateProgress(ctx context.Context, runID string, index int, progress float64) error {
	if !ValidID(runID) {
		return fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	return s.DB.InTx(ctx, func(tx TxConn) error {
		replications, err := runningReplications(ctx, tx, runID, "update progress of")
		if err != nil {
			return err
		}
		if index < 0 || index >= replications {
			return fmt.Errorf("update progress: replication %d: must be in 0..%d: %w", index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.Exec(ctx, upsertProgressSQL, runID, index, Clamp(progress)); err != nil {
			return fmt.Errorf("%s: update progress: %w", tx.Name(), err)
		}
		if _, err := tx.Exec(ctx, updateRunProgressSQL, runID); err != nil {
			return fmt.Errorf("%s: update progress: %w", tx.Name(), err)
		}
		return nil
	})
}

// FinishRun implements store.Store.FinishRun.
func (s Store) FinishRun(ctx context.Context, id string, f store.Finish) (store.Run, error) {
	if err := CheckFinish(f); err != nil {
		return store.Run{}, err
	}
	if !ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	var r store.Run
	err := s.DB.InTx(ctx, func(tx TxConn) error {
		var err error
		r, err = runRecords.update(ctx, tx, store.System(), "finish", id, finishRunSQL, string(f.Status), f.Error, Now(s.Now))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, deleteReplicationsSQL, id); err != nil {
			return fmt.Errorf("%s: finish run %q: %w", tx.Name(), id, err)
		}
		if f.Result == nil {
			return nil
		}
		return SaveResult(ctx, tx, id, *f.Result)
	})
	if err != nil {
		return store.Run{}, err
	}
	return r, nil
}

// RequestCancel implements store.Store.RequestCancel.
func (s Store) RequestCancel(ctx context.Context, actor store.Actor, id string) (store.Run, error) {
	if !ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	return runRecords.update(ctx, s.DB, actor, "cancel", id, requestCancelSQL, Now(s.Now), CancelMessage, actor.Admin, OwnerArg(actor))
}

// SetRunJobID implements store.Store.SetRunJobID.
func (s Store) SetRunJobID(ctx context.Context, id string, jobID int64) error {
	return setJobID(ctx, s.DB, setJobIDSQL, "run", id, jobID)
}

// FindSucceededRunByCacheKey implements store.Store.FindSucceededRunByCacheKey.
func (s Store) FindSucceededRunByCacheKey(ctx context.Context, cacheKey string) (store.Run, error) {
	if cacheKey == "" {
		return store.Run{}, fmt.Errorf("run with empty cache key: %w", store.ErrNotFound)
	}
	r, err := scanRun(s.DB.QueryRow(ctx, byCacheKeySQL, cacheKey))
	if err != nil {
		return store.Run{}, NotFound(s.DB, err, "succeeded run with cache key", cacheKey)
	}
	return r, nil
}
