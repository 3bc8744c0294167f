package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const runColumns = `id, coalesce(owner_id, ''), scenario_id, scenario_version, scenario, seed, replications, status, progress, error,
	cache_hit, cache_key, cancel_requested, job_id, created_at, started_at, finished_at`

func scanRun(row scanner) (store.Run, error) {
	var r store.Run
	var status string
	var scenarioID sql.NullString
	var version sql.NullInt64
	var created int64
	var started, finished sql.NullInt64
	err := row.Scan(&r.ID, &r.OwnerID, &scenarioID, &version, &r.Scenario, &r.Seed, &r.Replications, &status,
		&r.Progress, &r.Error, &r.CacheHit, &r.CacheKey, &r.CancelRequested, &r.JobID, &created, &started, &finished)
	if err != nil {
		return store.Run{}, err
	}
	if scenarioID.Valid {
		r.ScenarioID = &scenarioID.String
	}
	if version.Valid {
		v := int(version.Int64)
		r.ScenarioVersion = &v
	}
	r.Status = store.RunStatus(status)
	r.CreatedAt, r.StartedAt, r.FinishedAt = fromMicros(created), fromNullMicros(started), fromNullMicros(finished)
	return r, nil
}

// insertRun checks the scenario reference and inserts run in tx.
func insertRun(ctx context.Context, tx *sql.Tx, actor store.Actor, run store.Run) error {
	if run.ScenarioID != nil {
		var latest int
		err := tx.QueryRowContext(ctx, `SELECT latest_version FROM scenarios WHERE id = ?1 AND (?2 OR owner_id = ?3)`,
			*run.ScenarioID, actor.Admin, actor.UserID).Scan(&latest)
		if err != nil {
			return notFound(err, "scenario", *run.ScenarioID)
		}
		if run.ScenarioVersion != nil && (*run.ScenarioVersion < 1 || *run.ScenarioVersion > latest) {
			return fmt.Errorf("scenario %q version %d: %w", *run.ScenarioID, *run.ScenarioVersion, store.ErrNotFound)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO runs (id, scenario_id, scenario_version, scenario, seed, replications, status,
		progress, error, cache_hit, cache_key, created_at, started_at, finished_at, owner_id)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`,
		run.ID, run.ScenarioID, run.ScenarioVersion, run.Scenario, run.Seed, run.Replications, string(run.Status),
		run.Progress, run.Error, run.CacheHit, run.CacheKey, micros(run.CreatedAt), nullMicros(run.StartedAt), nullMicros(run.FinishedAt), run.OwnerID)
	if err != nil {
		return fmt.Errorf("sqlite: insert run: %w", err)
	}
	return nil
}

// runWriter is this store's part of creating runs.
func (s *Store) runWriter() storeutil.RunWriter[*sql.Tx] {
	return storeutil.RunWriter[*sql.Tx]{
		InTx:       s.tx,
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
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?1 AND (?2 OR owner_id = ?3)`, id, actor.Admin, actor.UserID))
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
	where := []string{"(? OR owner_id = ?)"}
	args := []any{actor.Admin, actor.UserID}
	statuses, err := storeutil.CheckStatuses(p.Status)
	if err != nil {
		return store.Page[store.Run]{}, err
	}
	if len(statuses) > 0 {
		marks := make([]string, len(statuses))
		for i, st := range statuses {
			marks[i] = "?"
			args = append(args, st)
		}
		where = append(where, "status IN ("+strings.Join(marks, ", ")+")")
	}
	if p.ScenarioID != "" {
		where = append(where, "scenario_id = ?")
		args = append(args, p.ScenarioID)
	}
	if hasCur {
		where = append(where, "(created_at, id) < (?, ?)")
		args = append(args, micros(cur.CreatedAt), cur.ID)
	}
	q := `SELECT ` + runColumns + ` FROM runs WHERE ` + strings.Join(where, " AND ")
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return store.Page[store.Run]{}, fmt.Errorf("sqlite: list runs: %w", err)
	}
	items, err := appendRows[store.Run](nil, rows, scanRun)
	if err != nil {
		return store.Page[store.Run]{}, fmt.Errorf("sqlite: list runs: %w", err)
	}
	return storeutil.NewPage(items, limit, storeutil.RunKey), nil
}

// CountRuns returns the number of runs per status.
func (s *Store) CountRuns(ctx context.Context) (map[store.RunStatus]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM runs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: count runs: %w", err)
	}
	defer rows.Close()
	out := map[store.RunStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("sqlite: count runs: %w", err)
		}
		out[store.RunStatus(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: count runs: %w", err)
	}
	return out, nil
}

// stateError explains why a conditional update of run id matched no row.
func stateError(ctx context.Context, q queryRower, actor store.Actor, id, op string) error {
	var status string
	if err := q.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?1 AND (?2 OR owner_id = ?3)`,
		id, actor.Admin, actor.UserID).Scan(&status); err != nil {
		return notFound(err, "run", id)
	}
	return fmt.Errorf("%s run %q: run is %s: %w", op, id, status, store.ErrConflict)
}

// MarkRunning moves a queued or running run to running.
func (s *Store) MarkRunning(ctx context.Context, id string) (store.Run, error) {
	if !storeutil.ValidID(id) {
		return store.Run{}, fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	r, err := scanRun(s.db.QueryRowContext(ctx, `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?2)
		WHERE id = ?1 AND status IN ('queued', 'running') RETURNING `+runColumns, id, micros(storeutil.Now(s.now))))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, stateError(ctx, s.db, store.System(), id, "start")
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("sqlite: start run %q: %w", id, err)
	}
	return r, nil
}

// runningReplications returns the replication count of a running run in
// tx, or ErrNotFound/ErrConflict.
func runningReplications(ctx context.Context, tx *sql.Tx, runID, op string) (int, error) {
	var replications int
	err := tx.QueryRowContext(ctx, `SELECT replications FROM runs WHERE id = ?1 AND status = 'running'`, runID).Scan(&replications)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, stateError(ctx, tx, store.System(), runID, op)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: %s run %q: %w", op, runID, err)
	}
	return replications, nil
}

const updateRunProgress = `UPDATE runs SET progress = min(1, (SELECT coalesce(sum(progress), 0) FROM run_replications
	WHERE run_id = ?1) / replications) WHERE id = ?1`

// UpdateProgress sets a replication's progress and the run's mean.
func (s *Store) UpdateProgress(ctx context.Context, runID string, index int, progress float64) error {
	if !storeutil.ValidID(runID) {
		return fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		replications, err := runningReplications(ctx, tx, runID, "update progress of")
		if err != nil {
			return err
		}
		if index < 0 || index >= replications {
			return fmt.Errorf("update progress: replication %d: must be in 0..%d: %w", index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_replications (run_id, idx, progress) VALUES (?1, ?2, ?3)
			ON CONFLICT (run_id, idx) DO UPDATE SET progress = excluded.progress`, runID, index, storeutil.Clamp(progress)); err != nil {
			return fmt.Errorf("sqlite: update progress: %w", err)
		}
		if _, err := tx.ExecContext(ctx, updateRunProgress, runID); err != nil {
			return fmt.Errorf("sqlite: update progress: %w", err)
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
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRun(tx.QueryRowContext(ctx, `UPDATE runs SET status = ?2, error = ?3, finished_at = ?4,
			progress = CASE WHEN ?2 = 'succeeded' THEN 1 ELSE progress END
			WHERE id = ?1 AND status IN ('queued', 'running') RETURNING `+runColumns,
			id, string(f.Status), f.Error, micros(storeutil.Now(s.now))))
		if errors.Is(err, sql.ErrNoRows) {
			return stateError(ctx, tx, store.System(), id, "finish")
		}
		if err != nil {
			return fmt.Errorf("sqlite: finish run %q: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM run_replications WHERE run_id = ?1`, id); err != nil {
			return fmt.Errorf("sqlite: finish run %q: %w", id, err)
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
	r, err := scanRun(s.db.QueryRowContext(ctx, `UPDATE runs SET cancel_requested = 1,
		status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
		error = CASE WHEN status = 'queued' THEN ?3 ELSE error END,
		finished_at = CASE WHEN status = 'queued' THEN ?2 ELSE finished_at END
		WHERE id = ?1 AND status IN ('queued', 'running') AND (?4 OR owner_id = ?5) RETURNING `+runColumns,
		id, micros(storeutil.Now(s.now)), storeutil.CancelMessage, actor.Admin, actor.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, stateError(ctx, s.db, actor, id, "cancel")
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("sqlite: cancel run %q: %w", id, err)
	}
	return r, nil
}

// SetRunJobID records the River job of a run.
func (s *Store) SetRunJobID(ctx context.Context, id string, jobID int64) error {
	if !storeutil.ValidID(id) {
		return fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET job_id = ?2 WHERE id = ?1`, id, jobID)
	if err != nil {
		return fmt.Errorf("sqlite: set job id of run %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("run %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// FindSucceededRunByCacheKey returns the newest succeeded run with the key.
func (s *Store) FindSucceededRunByCacheKey(ctx context.Context, cacheKey string) (store.Run, error) {
	if cacheKey == "" {
		return store.Run{}, fmt.Errorf("run with empty cache key: %w", store.ErrNotFound)
	}
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE cache_key = ?1 AND status = 'succeeded' ORDER BY created_at DESC, id DESC LIMIT 1`, cacheKey))
	if err != nil {
		return store.Run{}, notFound(err, "succeeded run with cache key", cacheKey)
	}
	return r, nil
}
