package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const runColumns = `id, coalesce(owner_id::text, ''), scenario_id, scenario_version, scenario, seed, replications, status, progress, error,
	cache_hit, cache_key, cancel_requested, job_id, created_at, started_at, finished_at`

func scanRun(row pgx.Row) (store.Run, error) {
	var r store.Run
	var status string
	err := row.Scan(&r.ID, &r.OwnerID, &r.ScenarioID, &r.ScenarioVersion, &r.Scenario, &r.Seed, &r.Replications, &status,
		&r.Progress, &r.Error, &r.CacheHit, &r.CacheKey, &r.CancelRequested, &r.JobID, &r.CreatedAt, &r.StartedAt, &r.FinishedAt)
	if err != nil {
		return store.Run{}, err
	}
	r.Status = store.RunStatus(status)
	r.CreatedAt = r.CreatedAt.UTC()
	for _, t := range []**time.Time{&r.StartedAt, &r.FinishedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return r, nil
}

// insertRun checks the scenario reference and inserts run (ID, Status and
// CreatedAt already set) in tx.
func insertRun(ctx context.Context, tx pgx.Tx, actor store.Actor, run store.Run) error {
	if run.ScenarioID != nil {
		// The share lock keeps DeleteScenario from deleting the scenario
		// until this transaction ends.
		var latest int
		err := tx.QueryRow(ctx, `SELECT latest_version FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid) FOR SHARE`,
			*run.ScenarioID, actor.Admin, storeutil.OwnerArg(actor)).Scan(&latest)
		if err != nil {
			return notFound(err, "scenario", *run.ScenarioID)
		}
		if run.ScenarioVersion != nil && (*run.ScenarioVersion < 1 || *run.ScenarioVersion > latest) {
			return fmt.Errorf("scenario %q version %d: %w", *run.ScenarioID, *run.ScenarioVersion, store.ErrNotFound)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO runs (id, scenario_id, scenario_version, scenario, seed, replications, status,
		progress, error, cache_hit, cache_key, created_at, started_at, finished_at, owner_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		run.ID, run.ScenarioID, run.ScenarioVersion, run.Scenario, run.Seed, run.Replications, string(run.Status),
		run.Progress, run.Error, run.CacheHit, run.CacheKey, run.CreatedAt, run.StartedAt, run.FinishedAt, run.OwnerID)
	if err != nil {
		return fmt.Errorf("postgres: insert run: %w", err)
	}
	return nil
}

// runWriter is this store's part of creating runs.
func (s *Store) runWriter() storeutil.RunWriter[pgx.Tx] {
	return storeutil.RunWriter[pgx.Tx]{
		InTx:       func(ctx context.Context, fn func(pgx.Tx) error) error { return pgx.BeginFunc(ctx, s.pool, fn) },
		CheckQuota: checkQuota,
		Insert:     insertRun,
		SaveResult: saveResult,
		Now:        s.now,
	}
}

// CreateRun inserts a queued run and enqueues its job in one transaction.
func (s *Store) CreateRun(ctx context.Context, actor store.Actor, run store.Run, enqueue store.EnqueueFunc) (store.Run, error) {
	return s.runWriter().CreateRun(ctx, actor, run, enqueue)
}

// CreateCachedRun inserts a succeeded cache-hit run with its result.
func (s *Store) CreateCachedRun(ctx context.Context, actor store.Actor, run store.Run, res store.RunResult) (store.Run, error) {
	return s.runWriter().CreateCachedRun(ctx, actor, run, res)
}

// GetRun returns one run.
func (s *Store) GetRun(ctx context.Context, actor store.Actor, id string) (store.Run, error) {
	if !storeutil.ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	r, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`,
		id, actor.Admin, storeutil.OwnerArg(actor)))
	if err != nil {
		return store.Run{}, notFound(err, "run", id)
	}
	return r, nil
}

// ListRuns returns a page of runs, newest first.
func (s *Store) ListRuns(ctx context.Context, actor store.Actor, p store.ListRunsParams) (store.Page[store.Run], error) {
	limit, cur, hasCur, err := storeutil.Paging("list runs", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Run]{}, err
	}
	statuses, err := storeutil.CheckStatuses(p.Status)
	if err != nil {
		return store.Page[store.Run]{}, err
	}
	if p.ScenarioID != "" && !storeutil.ValidID(p.ScenarioID) {
		return store.Page[store.Run]{}, nil
	}
	var curAt *time.Time
	var curID, scenarioID *string
	if hasCur {
		curAt, curID = &cur.CreatedAt, &cur.ID
	}
	if p.ScenarioID != "" {
		scenarioID = &p.ScenarioID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM runs
		WHERE (cardinality($1::text[]) = 0 OR status = ANY($1))
		  AND ($2::uuid IS NULL OR scenario_id = $2)
		  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
		  AND ($6::boolean OR owner_id = $7::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $5`, statuses, scenarioID, curAt, curID, limit+1, actor.Admin, storeutil.OwnerArg(actor))
	if err != nil {
		return store.Page[store.Run]{}, fmt.Errorf("postgres: list runs: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Run, error) { return scanRun(r) })
	if err != nil {
		return store.Page[store.Run]{}, fmt.Errorf("postgres: list runs: %w", err)
	}
	return storeutil.NewPage(items, limit, storeutil.RunKey), nil
}

// CountRuns returns the number of runs per status.
func (s *Store) CountRuns(ctx context.Context) (map[store.RunStatus]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM runs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("postgres: count runs: %w", err)
	}
	out := map[store.RunStatus]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		out[store.RunStatus(st)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: count runs: %w", err)
	}
	return out, nil
}

// stateError explains why a conditional update of run id matched no row:
// ErrNotFound when the run does not exist, ErrConflict otherwise.
func (s *Store) stateError(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, actor store.Actor, id, op string) error {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM runs WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`,
		id, actor.Admin, storeutil.OwnerArg(actor)).Scan(&status)
	if err != nil {
		return notFound(err, "run", id)
	}
	return fmt.Errorf("%s run %q: run is %s: %w", op, id, status, store.ErrConflict)
}

// MarkRunning moves a queued or running run to running.
func (s *Store) MarkRunning(ctx context.Context, id string) (store.Run, error) {
	if !storeutil.ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	r, err := scanRun(s.pool.QueryRow(ctx, `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, $2)
		WHERE id = $1 AND status IN ('queued', 'running') RETURNING `+runColumns, id, storeutil.Now(s.now)))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Run{}, s.stateError(ctx, s.pool, store.System(), id, "start")
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("postgres: start run %q: %w", id, err)
	}
	return r, nil
}

// UpdateProgress sets a replication's progress and the run's mean.
func (s *Store) UpdateProgress(ctx context.Context, runID string, index int, progress float64) error {
	if !storeutil.ValidID(runID) {
		return fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var replications int
		err := tx.QueryRow(ctx, `SELECT replications FROM runs WHERE id = $1 AND status = 'running' FOR UPDATE`, runID).Scan(&replications)
		if errors.Is(err, pgx.ErrNoRows) {
			return s.stateError(ctx, tx, store.System(), runID, "update progress of")
		}
		if err != nil {
			return fmt.Errorf("postgres: update progress: %w", err)
		}
		if index < 0 || index >= replications {
			return fmt.Errorf("update progress: replication %d: must be in 0..%d: %w", index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO run_replications (run_id, idx, progress) VALUES ($1, $2, $3)
			ON CONFLICT (run_id, idx) DO UPDATE SET progress = excluded.progress`, runID, index, storeutil.Clamp(progress)); err != nil {
			return fmt.Errorf("postgres: update progress: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET progress = LEAST(1, (SELECT COALESCE(sum(progress), 0) FROM run_replications
			WHERE run_id = $1) / replications) WHERE id = $1`, runID)
		if err != nil {
			return fmt.Errorf("postgres: update progress: %w", err)
		}
		return nil
	})
}

// FinishRun moves a run to a final status, with its result.
func (s *Store) FinishRun(ctx context.Context, id string, f store.Finish) (store.Run, error) {
	if err := storeutil.CheckFinish(f); err != nil {
		return store.Run{}, err
	}
	if !storeutil.ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	var r store.Run
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		r, err = scanRun(tx.QueryRow(ctx, `UPDATE runs SET status = $2, error = $3, finished_at = $4,
			progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END
			WHERE id = $1 AND status IN ('queued', 'running') RETURNING `+runColumns,
			id, string(f.Status), f.Error, storeutil.Now(s.now)))
		if errors.Is(err, pgx.ErrNoRows) {
			return s.stateError(ctx, tx, store.System(), id, "finish")
		}
		if err != nil {
			return fmt.Errorf("postgres: finish run %q: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM run_replications WHERE run_id = $1`, id); err != nil {
			return fmt.Errorf("postgres: finish run %q: %w", id, err)
		}
		if f.Result == nil {
			return nil
		}
		return saveResult(ctx, tx, id, *f.Result)
	})
	if err != nil {
		return store.Run{}, err
	}
	return r, nil
}

// RequestCancel flags a run for cancellation; a queued one ends at once.
func (s *Store) RequestCancel(ctx context.Context, actor store.Actor, id string) (store.Run, error) {
	if !storeutil.ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	r, err := scanRun(s.pool.QueryRow(ctx, `UPDATE runs SET cancel_requested = true,
		status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
		error = CASE WHEN status = 'queued' THEN $3 ELSE error END,
		finished_at = CASE WHEN status = 'queued' THEN $2 ELSE finished_at END
		WHERE id = $1 AND status IN ('queued', 'running') AND ($4::boolean OR owner_id = $5::uuid) RETURNING `+runColumns,
		id, storeutil.Now(s.now), storeutil.CancelMessage, actor.Admin, storeutil.OwnerArg(actor)))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Run{}, s.stateError(ctx, s.pool, actor, id, "cancel")
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("postgres: cancel run %q: %w", id, err)
	}
	return r, nil
}

// SetRunJobID records the River job of a run.
func (s *Store) SetRunJobID(ctx context.Context, id string, jobID int64) error {
	if !storeutil.ValidID(id) {
		return fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE runs SET job_id = $2 WHERE id = $1`, id, jobID)
	if err != nil {
		return fmt.Errorf("postgres: set job id of run %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// FindSucceededRunByCacheKey returns the newest succeeded run with the key.
func (s *Store) FindSucceededRunByCacheKey(ctx context.Context, cacheKey string) (store.Run, error) {
	if cacheKey == "" {
		return store.Run{}, fmt.Errorf("run with empty cache key: %w", store.ErrNotFound)
	}
	r, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM runs
		WHERE cache_key = $1 AND status = 'succeeded' ORDER BY created_at DESC, id DESC LIMIT 1`, cacheKey))
	if err != nil {
		return store.Run{}, notFound(err, "succeeded run with cache key", cacheKey)
	}
	return r, nil
}
