package storeutil

import (
	"context"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// NewScenario validates a scenario to create and returns it with its
// first version, under a new id, owned by actor.
func NewScenario(actor store.Actor, name string, body []byte, now func() time.Time) (store.Scenario, store.ScenarioVersion, error) {
	if name == "" {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: name: must not be empty: %w", store.ErrInvalid)
	}
	if len(body) == 0 {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: body: must not be empty: %w", store.ErrInvalid)
	}
	if actor.UserID == "" {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: actor: must be a user: %w", store.ErrInvalid)
	}
	id, err := NewID()
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, err
	}
	at := Now(now)
	sc := store.Scenario{ID: id, OwnerID: actor.UserID, Name: name, LatestVersion: 1, CreatedAt: at, UpdatedAt: at}
	v := store.ScenarioVersion{ScenarioID: id, Version: 1, Name: name, Body: body, CreatedAt: at}
	return sc, v, nil
}

// scenarioColumns are the columns scanScenario reads.
const scenarioColumns = `id, coalesce(owner_id::text, ''), name, latest_version, created_at, updated_at`

var (
	insertScenarioSQL = SQL(`INSERT INTO scenarios (id, owner_id, name, latest_version, created_at, updated_at)
		VALUES ($1, $4, $2, 1, $3, $3)`)
	insertVersionSQL = SQL(`INSERT INTO scenario_versions (scenario_id, version, name, body, created_at)
		VALUES ($1, $2, $3, $4, $5)`)
	listScenariosSQL = SQL(`SELECT ` + scenarioColumns + ` FROM scenarios
		WHERE ($1 = '' OR strpos(lower(name), lower($1)) > 0)
		  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
		  AND ($5::boolean OR owner_id = $6::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $4`)
	getScenarioSQL = SQL(`SELECT ` + scenarioColumns + ` FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`)
	getVersionSQL  = SQL(`SELECT v.scenario_id, v.version, v.name, v.body, v.created_at
		FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
		WHERE v.scenario_id = $1 AND v.version = CASE WHEN $2 = 0 THEN s.latest_version ELSE $2 END
		  AND ($3::boolean OR s.owner_id = $4::uuid)`)
	listVersionsSQL = SQL(`SELECT scenario_id, version, name, body, created_at
		FROM scenario_versions WHERE scenario_id = $1 ORDER BY version`)
	bumpScenarioSQL = SQL(`UPDATE scenarios SET latest_version = latest_version + 1,
		name = CASE WHEN $2 = '' THEN name ELSE $2 END, updated_at = $3
		WHERE id = $1 AND ($4::boolean OR owner_id = $5::uuid) RETURNING ` + scenarioColumns)
	// lockScenarioSQL locks the scenario in PostgreSQL: CreateRun takes a
	// share lock on it (FOR SHARE), so no run of it can be created until
	// the deleting transaction ends. SQLite transactions of these stores
	// begin IMMEDIATE and hold the database's single write lock instead.
	lockScenarioSQL = SQLPer(`SELECT 1 FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid) FOR UPDATE`,
		`SELECT 1 FROM scenarios WHERE id = ?1 AND (?2 OR owner_id = ?3)`)
	countActiveRunsOfSQL = SQL(`SELECT count(*) FROM runs WHERE scenario_id = $1 AND status IN ('queued', 'running')`)
	unlinkRunsSQL        = SQL(`UPDATE runs SET scenario_id = NULL, scenario_version = NULL WHERE scenario_id = $1`)
	deleteScenarioSQL    = SQL(`DELETE FROM scenarios WHERE id = $1`)
)

// scanScenario reads the scenarioColumns of row.
func scanScenario(row Row) (store.Scenario, error) {
	var sc store.Scenario
	if err := row.Scan(&sc.ID, &sc.OwnerID, &sc.Name, &sc.LatestVersion, &sc.CreatedAt, &sc.UpdatedAt); err != nil {
		return store.Scenario{}, err
	}
	return sc, nil
}

// scanVersion reads the columns of a scenario version.
func scanVersion(row Row) (store.ScenarioVersion, error) {
	var v store.ScenarioVersion
	if err := row.Scan(&v.ScenarioID, &v.Version, &v.Name, &v.Body, &v.CreatedAt); err != nil {
		return store.ScenarioVersion{}, err
	}
	return v, nil
}

// CreateScenario implements store.Store.CreateScenario.
func (s Store) CreateScenario(ctx context.Context, actor store.Actor, name string, body []byte) (store.Scenario, store.ScenarioVersion, error) {
	sc, v, err := NewScenario(actor, name, body, s.Now)
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, err
	}
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		if _, err := tx.Exec(ctx, insertScenarioSQL, sc.ID, name, sc.CreatedAt, actor.UserID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertVersionSQL, sc.ID, 1, name, body, sc.CreatedAt)
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("%s: create scenario: %w", s.DB.Name(), err)
	}
	return sc, v, nil
}

// ListScenarios implements store.Store.ListScenarios.
func (s Store) ListScenarios(ctx context.Context, actor store.Actor, p store.ListScenariosParams) (store.Page[store.Scenario], error) {
	limit, cur, hasCur, err := Paging("list scenarios", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Scenario]{}, err
	}
	curAt, curID := CursorArgs(cur, hasCur)
	rows, err := s.DB.Query(ctx, listScenariosSQL, p.NameContains, curAt, curID, limit+1, actor.Admin, OwnerArg(actor))
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("%s: list scenarios: %w", s.DB.Name(), err)
	}
	items, err := CollectRows(rows, scanScenario)
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("%s: list scenarios: %w", s.DB.Name(), err)
	}
	return NewPage(items, limit, ScenarioKey), nil
}

// GetScenario implements store.Store.GetScenario.
func (s Store) GetScenario(ctx context.Context, actor store.Actor, id string) (store.Scenario, error) {
	if !ValidID(id) {
		return store.Scenario{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	sc, err := scanScenario(s.DB.QueryRow(ctx, getScenarioSQL, id, actor.Admin, OwnerArg(actor)))
	if err != nil {
		return store.Scenario{}, NotFound(s.DB, err, "scenario", id)
	}
	return sc, nil
}

// GetScenarioVersion implements store.Store.GetScenarioVersion.
func (s Store) GetScenarioVersion(ctx context.Context, actor store.Actor, id string, version int) (store.ScenarioVersion, error) {
	if !ValidID(id) {
		return store.ScenarioVersion{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	v, err := scanVersion(s.DB.QueryRow(ctx, getVersionSQL, id, version, actor.Admin, OwnerArg(actor)))
	if err != nil {
		return store.ScenarioVersion{}, NotFound(s.DB, err, "scenario version", fmt.Sprintf("%s@%d", id, version))
	}
	return v, nil
}

// ListScenarioVersions implements store.Store.ListScenarioVersions.
func (s Store) ListScenarioVersions(ctx context.Context, actor store.Actor, id string) ([]store.ScenarioVersion, error) {
	if _, err := s.GetScenario(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, listVersionsSQL, id)
	if err != nil {
		return nil, fmt.Errorf("%s: list scenario versions: %w", s.DB.Name(), err)
	}
	vs, err := CollectRows(rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("%s: list scenario versions: %w", s.DB.Name(), err)
	}
	return vs, nil
}

// UpdateScenario implements store.Store.UpdateScenario.
func (s Store) UpdateScenario(ctx context.Context, actor store.Actor, id, name string, body []byte) (store.Scenario, store.ScenarioVersion, error) {
	if len(body) == 0 {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("update scenario: body: must not be empty: %w", store.ErrInvalid)
	}
	if !ValidID(id) {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	now := Now(s.Now)
	var sc store.Scenario
	err := s.DB.InTx(ctx, func(tx TxConn) error {
		var err error
		sc, err = scanScenario(tx.QueryRow(ctx, bumpScenarioSQL, id, name, now, actor.Admin, OwnerArg(actor)))
		if err != nil {
			return NotFound(tx, err, "scenario", id)
		}
		_, err = tx.Exec(ctx, insertVersionSQL, id, sc.LatestVersion, sc.Name, body, now)
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("update scenario: %w", err)
	}
	return sc, store.ScenarioVersion{ScenarioID: id, Version: sc.LatestVersion, Name: sc.Name, Body: body, CreatedAt: now}, nil
}

// DeleteScenario implements store.Store.DeleteScenario.
func (s Store) DeleteScenario(ctx context.Context, actor store.Actor, id string) error {
	if !ValidID(id) {
		return fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	return s.DB.InTx(ctx, func(tx TxConn) error {
		var one int
		if err := tx.QueryRow(ctx, lockScenarioSQL, id, actor.Admin, OwnerArg(actor)).Scan(&one); err != nil {
			return NotFound(tx, err, "scenario", id)
		}
		var active int
		if err := tx.QueryRow(ctx, countActiveRunsOfSQL, id).Scan(&active); err != nil {
			return fmt.Errorf("%s: delete scenario: %w", tx.Name(), err)
		}
		if active > 0 {
			return fmt.Errorf("delete scenario %q: %d run(s) of it are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		if _, err := tx.Exec(ctx, unlinkRunsSQL, id); err != nil {
			return fmt.Errorf("%s: delete scenario: %w", tx.Name(), err)
		}
		if _, err := tx.Exec(ctx, deleteScenarioSQL, id); err != nil {
			return fmt.Errorf("%s: delete scenario: %w", tx.Name(), err)
		}
		return nil
	})
}
