package storeutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// NewStudy validates a study to create and fills its store-assigned
// fields: a new id, the actor as owner, status queued, the creation time.
func NewStudy(actor store.Actor, st store.Study, now func() time.Time) (store.Study, error) {
	switch {
	case actor.UserID == "":
		return store.Study{}, fmt.Errorf("create study: actor: must be a user: %w", store.ErrInvalid)
	case len(st.Scenario) == 0:
		return store.Study{}, fmt.Errorf("create study: scenario: must not be empty: %w", store.ErrInvalid)
	case len(st.Settings) == 0:
		return store.Study{}, fmt.Errorf("create study: settings: must not be empty: %w", store.ErrInvalid)
	case st.RunsTotal < 1:
		return store.Study{}, fmt.Errorf("create study: runs total %d: must be at least 1: %w", st.RunsTotal, store.ErrInvalid)
	case st.ScenarioVersion != nil && st.ScenarioID == nil:
		return store.Study{}, fmt.Errorf("create study: scenario version without scenario id: %w", store.ErrInvalid)
	case st.ScenarioID != nil && !ValidID(*st.ScenarioID):
		return store.Study{}, fmt.Errorf("create study: scenario %q: %w", *st.ScenarioID, store.ErrNotFound)
	}
	if _, err := store.ParseStudyKind(string(st.Kind)); err != nil {
		return store.Study{}, fmt.Errorf("create study: %w", err)
	}
	id, err := NewID()
	if err != nil {
		return store.Study{}, err
	}
	st.ID, st.OwnerID, st.Status, st.CreatedAt = id, actor.UserID, store.StatusQueued, Now(now)
	st.RunsDone, st.Error, st.CancelRequested, st.JobID, st.StartedAt, st.FinishedAt = 0, "", false, 0, nil, nil
	return st, nil
}

// studyColumns are the columns scanStudy reads.
const studyColumns = `id, coalesce(owner_id::text, ''), kind, scenario_id, scenario_version, scenario, settings, status,
	runs_done, runs_total, error, cancel_requested, job_id, created_at, started_at, finished_at`

var (
	insertStudySQL = SQL(`INSERT INTO studies (id, owner_id, kind, scenario_id, scenario_version, scenario, settings, status,
		runs_total, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)
	getStudySQL = SQL(`SELECT ` + studyColumns + ` FROM studies WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`)
	// listStudiesSQL filters on a list of statuses ($1): a text[] in
	// PostgreSQL, a JSON array in SQLite (as listRunsSQL).
	listStudiesSQL = SQLPer(`SELECT `+studyColumns+` FROM studies
		WHERE (cardinality($1::text[]) = 0 OR status = ANY($1))
		  AND ($2::text = '' OR kind = $2)
		  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
		  AND ($6::boolean OR owner_id = $7::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $5`,
		`SELECT `+SQL(studyColumns).SQLite()+` FROM studies
		WHERE (json_array_length(?1) = 0 OR status IN (SELECT value FROM json_each(?1)))
		  AND (?2 = '' OR kind = ?2)
		  AND (?3 IS NULL OR (created_at, id) < (?3, ?4))
		  AND (?6 OR owner_id = ?7)
		ORDER BY created_at DESC, id DESC LIMIT ?5`)
	studyStatusSQL = SQL(`SELECT status FROM studies WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`)
	deleteStudySQL = SQL(`DELETE FROM studies WHERE id = $1 AND status NOT IN ('queued', 'running') AND ($2::boolean OR owner_id = $3::uuid)`)
	cancelStudySQL = SQL(`UPDATE studies SET cancel_requested = true,
		status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
		error = CASE WHEN status = 'queued' THEN $3 ELSE error END,
		finished_at = CASE WHEN status = 'queued' THEN $2 ELSE finished_at END
		WHERE id = $1 AND status IN ('queued', 'running') AND ($4::boolean OR owner_id = $5::uuid) RETURNING ` + studyColumns)
	setStudyJobIDSQL    = SQL(`UPDATE studies SET job_id = $2 WHERE id = $1`)
	markStudyRunningSQL = SQL(`UPDATE studies SET status = 'running', started_at = COALESCE(started_at, $2)
		WHERE id = $1 AND status IN ('queued', 'running') RETURNING ` + studyColumns)
	finishStudySQL = SQL(`UPDATE studies SET status = $2, error = $3, finished_at = $4,
		runs_total = CASE WHEN $5::integer > 0 THEN $5::integer ELSE runs_total END
		WHERE id = $1 AND status IN ('queued', 'running') RETURNING ` + studyColumns)
	saveStudyResultSQL = SQL(`INSERT INTO study_results (study_id, result) VALUES ($1, $2)
		ON CONFLICT (study_id) DO UPDATE SET result = excluded.result`)
	getStudyResultSQL = SQL(`SELECT sr.result FROM study_results sr JOIN studies s ON s.id = sr.study_id
		WHERE sr.study_id = $1 AND ($2::boolean OR s.owner_id = $3::uuid)`)
	countStudiesSQL = SQL(`SELECT status, count(*) FROM studies GROUP BY status`)

	// studyForRunSQL locks the study in PostgreSQL (FOR UPDATE) while a
	// candidate run is added or finished, so RunsDone is recounted in
	// order; SQLite transactions of these stores begin IMMEDIATE and
	// already hold the database's single write lock.
	studyForRunSQL = SQLPer(`SELECT status FROM studies WHERE id = $1 FOR UPDATE`,
		`SELECT status FROM studies WHERE id = ?1`)
	insertStudyRunSQL = SQL(`INSERT INTO study_runs (study_id, key, seed, scenario, status, created_at)
		VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT (study_id, key) DO NOTHING`)
	getStudyRunSQL = SQL(`SELECT study_id, key, seed, scenario, status, result, error, worker FROM study_runs
		WHERE study_id = $1 AND key = $2`)
	listStudyRunStatesSQL = SQL(`SELECT key, status, error FROM study_runs WHERE study_id = $1 ORDER BY key`)
	finishStudyRunSQL     = SQL(`UPDATE study_runs SET status = $3, result = $4, error = $5, worker = $6, finished_at = $7
		WHERE study_id = $1 AND key = $2`)
	recountStudySQL = SQL(`UPDATE studies SET runs_done = (SELECT count(*) FROM study_runs
		WHERE study_id = $1 AND status <> 'pending') WHERE id = $1`)
)

// scanStudy reads the studyColumns of row.
func scanStudy(row Row) (store.Study, error) {
	var st store.Study
	var kind, status string
	err := row.Scan(&st.ID, &st.OwnerID, &kind, &st.ScenarioID, &st.ScenarioVersion, &st.Scenario, &st.Settings, &status,
		&st.RunsDone, &st.RunsTotal, &st.Error, &st.CancelRequested, &st.JobID, &st.CreatedAt, &st.StartedAt, &st.FinishedAt)
	if err != nil {
		return store.Study{}, err
	}
	st.Kind, st.Status = store.StudyKind(kind), store.RunStatus(status)
	return st, nil
}

// StudyKey is the keyset position of a study.
func StudyKey(st store.Study) Cursor { return Cursor{CreatedAt: st.CreatedAt, ID: st.ID} }

// studyStateError explains why a conditional update of study id matched
// no row: ErrNotFound when it does not exist (for actor), ErrConflict
// otherwise.
func studyStateError(ctx context.Context, c Conn, actor store.Actor, id, op string) error {
	return stateError(ctx, c, studyStatusSQL, "study", actor, id, op)
}

// CreateStudy implements store.Store.CreateStudy.
func (s Store) CreateStudy(ctx context.Context, actor store.Actor, st store.Study, enqueue store.StudyEnqueueFunc) (store.Study, error) {
	st, err := NewStudy(actor, st, s.Now)
	if err != nil {
		return store.Study{}, err
	}
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		if err := s.checkStudyQuota(ctx, tx, st); err != nil {
			return err
		}
		if err := checkScenarioRef(ctx, tx, actor, st.ScenarioID, st.ScenarioVersion); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertStudySQL, st.ID, st.OwnerID, string(st.Kind), st.ScenarioID, st.ScenarioVersion,
			st.Scenario, st.Settings, string(st.Status), st.RunsTotal, st.CreatedAt)
		if err != nil {
			return fmt.Errorf("%s: insert study: %w", tx.Name(), err)
		}
		if enqueue == nil {
			return nil
		}
		if err := enqueue(ctx, tx, st); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.Study{}, fmt.Errorf("create study: %w", err)
	}
	return st, nil
}

// GetStudy implements store.Store.GetStudy.
func (s Store) GetStudy(ctx context.Context, actor store.Actor, id string) (store.Study, error) {
	return studyRecords.get(ctx, s.DB, getStudySQL, actor, id)
}

// ListStudies implements store.Store.ListStudies.
func (s Store) ListStudies(ctx context.Context, actor store.Actor, p store.ListStudiesParams) (store.Page[store.Study], error) {
	limit, cur, hasCur, err := Paging("list studies", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Study]{}, err
	}
	statuses, err := CheckStatuses(p.Status)
	if err != nil {
		return store.Page[store.Study]{}, err
	}
	if p.Kind != "" {
		if _, err := store.ParseStudyKind(string(p.Kind)); err != nil {
			return store.Page[store.Study]{}, fmt.Errorf("list studies: %w", err)
		}
	}
	curAt, curID := CursorArgs(cur, hasCur)
	return studyRecords.list(ctx, s.DB, "studies", limit, StudyKey,
		listStudiesSQL, statuses, string(p.Kind), curAt, curID, limit+1, actor.Admin, OwnerArg(actor))
}

// DeleteStudy implements store.Store.DeleteStudy.
func (s Store) DeleteStudy(ctx context.Context, actor store.Actor, id string) error {
	if !ValidID(id) {
		return fmt.Errorf("study %q: %w", id, store.ErrNotFound)
	}
	return s.DB.InTx(ctx, func(tx TxConn) error {
		n, err := tx.Exec(ctx, deleteStudySQL, id, actor.Admin, OwnerArg(actor))
		if err != nil {
			return fmt.Errorf("%s: delete study %q: %w", tx.Name(), id, err)
		}
		if n == 0 {
			err := studyStateError(ctx, tx, actor, id, "delete")
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w; cancel it first", err)
			}
			return err
		}
		return nil
	})
}

// RequestStudyCancel implements store.Store.RequestStudyCancel.
func (s Store) RequestStudyCancel(ctx context.Context, actor store.Actor, id string) (store.Study, error) {
	if !ValidID(id) {
		return store.Study{}, fmt.Errorf("study %q: %w", id, store.ErrNotFound)
	}
	return studyRecords.update(ctx, s.DB, actor, "cancel", id, cancelStudySQL, Now(s.Now), StudyCancelMessage, actor.Admin, OwnerArg(actor))
}

// StudyCancelMessage is the error message of a study cancelled on request.
const StudyCancelMessage = "study cancelled on request"

// SetStudyJobID implements store.Store.SetStudyJobID.
func (s Store) SetStudyJobID(ctx context.Context, id string, jobID int64) error {
	return setJobID(ctx, s.DB, setStudyJobIDSQL, "study", id, jobID)
}

// MarkStudyRunning implements store.Store.MarkStudyRunning.
func (s Store) MarkStudyRunning(ctx context.Context, id string) (store.Study, error) {
	if !ValidID(id) {
		return store.Study{}, fmt.Errorf("study %q: %w", id, store.ErrNotFound)
	}
	return studyRecords.update(ctx, s.DB, store.System(), "start", id, markStudyRunningSQL, Now(s.Now))
}

// FinishStudy implements store.Store.FinishStudy.
func (s Store) FinishStudy(ctx context.Context, id string, f store.StudyFinish) (store.Study, error) {
	if !f.Status.Final() {
		return store.Study{}, fmt.Errorf("finish study: status %q: must be succeeded, failed or cancelled: %w", f.Status, store.ErrInvalid)
	}
	if f.Status == store.StatusSucceeded && len(f.Result) == 0 {
		return store.Study{}, fmt.Errorf("finish study: a succeeded study needs a result: %w", store.ErrInvalid)
	}
	if !ValidID(id) {
		return store.Study{}, fmt.Errorf("study %q: %w", id, store.ErrNotFound)
	}
	blob, err := Compress(f.Result)
	if err != nil {
		return store.Study{}, fmt.Errorf("finish study %q: %w", id, err)
	}
	var st store.Study
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		var err error
		st, err = studyRecords.update(ctx, tx, store.System(), "finish", id, finishStudySQL, string(f.Status), f.Error, Now(s.Now), f.RunsTotal)
		if err != nil {
			return err
		}
		if blob == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, saveStudyResultSQL, id, blob); err != nil {
			return fmt.Errorf("%s: save result of study %q: %w", tx.Name(), id, err)
		}
		return nil
	})
	if err != nil {
		return store.Study{}, err
	}
	return st, nil
}

// GetStudyResult implements store.Store.GetStudyResult.
func (s Store) GetStudyResult(ctx context.Context, actor store.Actor, id string) ([]byte, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("result of study %q: %w", id, store.ErrNotFound)
	}
	var blob []byte
	if err := s.DB.QueryRow(ctx, getStudyResultSQL, id, actor.Admin, OwnerArg(actor)).Scan(&blob); err != nil {
		return nil, NotFound(s.DB, err, "result of study", id)
	}
	out, err := Decompress(blob)
	if err != nil {
		return nil, fmt.Errorf("result of study %q: %w", id, err)
	}
	return out, nil
}

// CountStudies implements store.Store.CountStudies.
func (s Store) CountStudies(ctx context.Context) (map[store.RunStatus]int, error) {
	return countByStatus(ctx, s.DB, countStudiesSQL, "studies")
}

// lockStudy returns the status of study id, locked in tx (see
// studyForRunSQL), or ErrNotFound.
func lockStudy(ctx context.Context, tx Conn, id string) (store.RunStatus, error) {
	var status string
	if err := tx.QueryRow(ctx, studyForRunSQL, id).Scan(&status); err != nil {
		return "", NotFound(tx, err, "study", id)
	}
	return store.RunStatus(status), nil
}

// AddStudyRun implements store.Store.AddStudyRun.
func (s Store) AddStudyRun(ctx context.Context, r store.StudyRun, enqueue store.TxFunc) (store.StudyRun, bool, error) {
	switch {
	case !ValidID(r.StudyID):
		return store.StudyRun{}, false, fmt.Errorf("study %q: %w", r.StudyID, store.ErrNotFound)
	case r.Key == "":
		return store.StudyRun{}, false, fmt.Errorf("add study run: key: must not be empty: %w", store.ErrInvalid)
	case len(r.Scenario) == 0:
		return store.StudyRun{}, false, fmt.Errorf("add study run: scenario: must not be empty: %w", store.ErrInvalid)
	}
	sc, err := Compress(r.Scenario)
	if err != nil {
		return store.StudyRun{}, false, fmt.Errorf("add study run: %w", err)
	}
	var inserted bool
	var out store.StudyRun
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		status, err := lockStudy(ctx, tx, r.StudyID)
		if err != nil {
			return err
		}
		if status.Final() {
			return fmt.Errorf("add a run to study %q: study is %s: %w", r.StudyID, status, store.ErrConflict)
		}
		n, err := tx.Exec(ctx, insertStudyRunSQL, r.StudyID, r.Key, r.Seed, sc, Now(s.Now))
		if err != nil {
			return fmt.Errorf("%s: add study run: %w", tx.Name(), err)
		}
		inserted = n == 1
		if inserted && enqueue != nil {
			if err := enqueue(ctx, tx); err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
		}
		out, err = getStudyRun(ctx, tx, r.StudyID, r.Key, false)
		return err
	})
	if err != nil {
		return store.StudyRun{}, false, err
	}
	return out, inserted, nil
}

// getStudyRun reads one candidate run, with its result when withResult.
func getStudyRun(ctx context.Context, c Conn, studyID, key string, withResult bool) (store.StudyRun, error) {
	var r store.StudyRun
	var status string
	var sc, res []byte
	err := c.QueryRow(ctx, getStudyRunSQL, studyID, key).Scan(&r.StudyID, &r.Key, &r.Seed, &sc, &status, &res, &r.Error, &r.Worker)
	if err != nil {
		return store.StudyRun{}, NotFound(c, err, "run of study "+studyID+" with key", key)
	}
	r.Status = store.StudyRunStatus(status)
	if r.Scenario, err = Decompress(sc); err != nil {
		return store.StudyRun{}, fmt.Errorf("run %q of study %q: scenario: %w", key, studyID, err)
	}
	if withResult {
		if r.Result, err = Decompress(res); err != nil {
			return store.StudyRun{}, fmt.Errorf("run %q of study %q: result: %w", key, studyID, err)
		}
	}
	return r, nil
}

// GetStudyRun implements store.Store.GetStudyRun.
func (s Store) GetStudyRun(ctx context.Context, studyID, key string) (store.StudyRun, error) {
	if !ValidID(studyID) {
		return store.StudyRun{}, fmt.Errorf("study %q: %w", studyID, store.ErrNotFound)
	}
	return getStudyRun(ctx, s.DB, studyID, key, true)
}

// ListStudyRunStates implements store.Store.ListStudyRunStates.
func (s Store) ListStudyRunStates(ctx context.Context, studyID string) ([]store.StudyRunState, error) {
	if !ValidID(studyID) {
		return nil, fmt.Errorf("study %q: %w", studyID, store.ErrNotFound)
	}
	rows, err := s.DB.Query(ctx, listStudyRunStatesSQL, studyID)
	if err != nil {
		return nil, fmt.Errorf("%s: list runs of study %q: %w", s.DB.Name(), studyID, err)
	}
	out, err := CollectRows(rows, func(r Row) (store.StudyRunState, error) {
		var st store.StudyRunState
		var status string
		err := r.Scan(&st.Key, &status, &st.Error)
		st.Status = store.StudyRunStatus(status)
		return st, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: list runs of study %q: %w", s.DB.Name(), studyID, err)
	}
	return out, nil
}

// FinishStudyRun implements store.Store.FinishStudyRun.
func (s Store) FinishStudyRun(ctx context.Context, studyID, key string, result []byte, errMsg, worker string) error {
	if !ValidID(studyID) {
		return fmt.Errorf("study %q: %w", studyID, store.ErrNotFound)
	}
	status := store.StudyRunSucceeded
	if result == nil {
		status = store.StudyRunFailed
	}
	blob, err := Compress(result)
	if err != nil {
		return fmt.Errorf("finish run %q of study %q: %w", key, studyID, err)
	}
	return s.DB.InTx(ctx, func(tx TxConn) error {
		if _, err := lockStudy(ctx, tx, studyID); err != nil {
			return err
		}
		n, err := tx.Exec(ctx, finishStudyRunSQL, studyID, key, string(status), blob, errMsg, worker, Now(s.Now))
		if err != nil {
			return fmt.Errorf("%s: finish run %q of study %q: %w", tx.Name(), key, studyID, err)
		}
		if n == 0 {
			return fmt.Errorf("run %q of study %q: %w", key, studyID, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, recountStudySQL, studyID); err != nil {
			return fmt.Errorf("%s: finish run %q of study %q: %w", tx.Name(), key, studyID, err)
		}
		return nil
	})
}
