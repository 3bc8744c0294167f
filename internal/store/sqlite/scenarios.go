package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const scenarioColumns = `id, coalesce(owner_id, ''), name, latest_version, created_at, updated_at`

func scanScenario(row scanner) (store.Scenario, error) {
	var sc store.Scenario
	var created, updated int64
	if err := row.Scan(&sc.ID, &sc.OwnerID, &sc.Name, &sc.LatestVersion, &created, &updated); err != nil {
		return store.Scenario{}, err
	}
	sc.CreatedAt, sc.UpdatedAt = fromMicros(created), fromMicros(updated)
	return sc, nil
}

func scanVersion(row scanner) (store.ScenarioVersion, error) {
	var v store.ScenarioVersion
	var created int64
	if err := row.Scan(&v.ScenarioID, &v.Version, &v.Name, &v.Body, &created); err != nil {
		return store.ScenarioVersion{}, err
	}
	v.CreatedAt = fromMicros(created)
	return v, nil
}

// CreateScenario stores a new scenario with version 1.
func (s *Store) CreateScenario(ctx context.Context, actor store.Actor, name string, body []byte) (store.Scenario, store.ScenarioVersion, error) {
	sc, v, err := storeutil.NewScenario(actor, name, body, s.now)
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, err
	}
	id, now := sc.ID, sc.CreatedAt
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO scenarios (id, owner_id, name, latest_version, created_at, updated_at)
			VALUES (?1, ?4, ?2, 1, ?3, ?3)`, id, name, micros(now), actor.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO scenario_versions (scenario_id, version, name, body, created_at)
			VALUES (?1, 1, ?2, ?3, ?4)`, id, name, body, micros(now))
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("sqlite: create scenario: %w", err)
	}
	return sc, v, nil
}

// ListScenarios returns a page of scenarios, newest first.
func (s *Store) ListScenarios(ctx context.Context, actor store.Actor, p store.ListScenariosParams) (store.Page[store.Scenario], error) {
	limit, cur, hasCur, err := storeutil.Paging("list scenarios", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Scenario]{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+scenarioColumns+` FROM scenarios
		WHERE (?1 = '' OR instr(lower(name), lower(?1)) > 0)
		  AND (NOT ?2 OR (created_at, id) < (?3, ?4))
		  AND (?6 OR owner_id = ?7)
		ORDER BY created_at DESC, id DESC LIMIT ?5`, p.NameContains, hasCur, micros(cur.CreatedAt), cur.ID, limit+1, actor.Admin, actor.UserID)
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	items, err := appendRows[store.Scenario](nil, rows, scanScenario)
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	return storeutil.NewPage(items, limit, storeutil.ScenarioKey), nil
}

// GetScenario returns one scenario.
func (s *Store) GetScenario(ctx context.Context, actor store.Actor, id string) (store.Scenario, error) {
	if !storeutil.ValidID(id) {
		return store.Scenario{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	sc, err := scanScenario(s.db.QueryRowContext(ctx, `SELECT `+scenarioColumns+` FROM scenarios WHERE id = ?1 AND (?2 OR owner_id = ?3)`, id, actor.Admin, actor.UserID))
	if err != nil {
		return store.Scenario{}, notFound(err, "scenario", id)
	}
	return sc, nil
}

// GetScenarioVersion returns one version; 0 means the latest.
func (s *Store) GetScenarioVersion(ctx context.Context, actor store.Actor, id string, version int) (store.ScenarioVersion, error) {
	if !storeutil.ValidID(id) {
		return store.ScenarioVersion{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	v, err := scanVersion(s.db.QueryRowContext(ctx, `SELECT v.scenario_id, v.version, v.name, v.body, v.created_at
		FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
		WHERE v.scenario_id = ?1 AND v.version = CASE WHEN ?2 = 0 THEN s.latest_version ELSE ?2 END
		  AND (?3 OR s.owner_id = ?4)`, id, version, actor.Admin, actor.UserID))
	if err != nil {
		return store.ScenarioVersion{}, notFound(err, "scenario version", fmt.Sprintf("%s@%d", id, version))
	}
	return v, nil
}

// ListScenarioVersions returns every version, oldest first.
func (s *Store) ListScenarioVersions(ctx context.Context, actor store.Actor, id string) ([]store.ScenarioVersion, error) {
	if _, err := s.GetScenario(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT scenario_id, version, name, body, created_at
		FROM scenario_versions WHERE scenario_id = ?1 ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list scenario versions: %w", err)
	}
	vs, err := appendRows[store.ScenarioVersion](nil, rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list scenario versions: %w", err)
	}
	return vs, nil
}

// UpdateScenario stores body as a new version.
func (s *Store) UpdateScenario(ctx context.Context, actor store.Actor, id, name string, body []byte) (store.Scenario, store.ScenarioVersion, error) {
	if len(body) == 0 {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("update scenario: body: must not be empty: %w", store.ErrInvalid)
	}
	if !storeutil.ValidID(id) {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	now := storeutil.Now(s.now)
	var sc store.Scenario
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		sc, err = scanScenario(tx.QueryRowContext(ctx, `UPDATE scenarios SET latest_version = latest_version + 1,
			name = CASE WHEN ?2 = '' THEN name ELSE ?2 END, updated_at = ?3
			WHERE id = ?1 AND (?4 OR owner_id = ?5) RETURNING `+scenarioColumns, id, name, micros(now), actor.Admin, actor.UserID))
		if err != nil {
			return notFound(err, "scenario", id)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO scenario_versions (scenario_id, version, name, body, created_at)
			VALUES (?1, ?2, ?3, ?4, ?5)`, id, sc.LatestVersion, sc.Name, body, micros(now))
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("update scenario: %w", err)
	}
	return sc, store.ScenarioVersion{ScenarioID: id, Version: sc.LatestVersion, Name: sc.Name, Body: body, CreatedAt: now}, nil
}

// DeleteScenario deletes a scenario unless a run of it is active. The
// transaction holds SQLite's write lock, so no run can be created between
// the check and the delete.
func (s *Store) DeleteScenario(ctx context.Context, actor store.Actor, id string) error {
	if !storeutil.ValidID(id) {
		return fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM scenarios WHERE id = ?1 AND (?2 OR owner_id = ?3)`, id, actor.Admin, actor.UserID).Scan(&one); err != nil {
			return notFound(err, "scenario", id)
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE scenario_id = ?1 AND status IN ('queued', 'running')`,
			id).Scan(&active); err != nil {
			return fmt.Errorf("sqlite: delete scenario: %w", err)
		}
		if active > 0 {
			return fmt.Errorf("delete scenario %q: %d run(s) of it are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET scenario_id = NULL, scenario_version = NULL WHERE scenario_id = ?1`, id); err != nil {
			return fmt.Errorf("sqlite: delete scenario: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM scenarios WHERE id = ?1`, id); err != nil {
			return fmt.Errorf("sqlite: delete scenario: %w", err)
		}
		return nil
	})
}
