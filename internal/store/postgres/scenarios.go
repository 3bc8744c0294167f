package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const scenarioColumns = `id, coalesce(owner_id::text, ''), name, latest_version, created_at, updated_at`

func scanScenario(row pgx.Row) (store.Scenario, error) {
	var sc store.Scenario
	if err := row.Scan(&sc.ID, &sc.OwnerID, &sc.Name, &sc.LatestVersion, &sc.CreatedAt, &sc.UpdatedAt); err != nil {
		return store.Scenario{}, err
	}
	sc.CreatedAt, sc.UpdatedAt = sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()
	return sc, nil
}

// CreateScenario stores a new scenario with version 1.
func (s *Store) CreateScenario(ctx context.Context, actor store.Actor, name string, body []byte) (store.Scenario, store.ScenarioVersion, error) {
	sc, v, err := storeutil.NewScenario(actor, name, body, s.now)
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, err
	}
	id, now := sc.ID, sc.CreatedAt
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO scenarios (id, owner_id, name, latest_version, created_at, updated_at)
			VALUES ($1, $4, $2, 1, $3, $3)`, id, name, now, actor.UserID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO scenario_versions (scenario_id, version, name, body, created_at)
			VALUES ($1, 1, $2, $3, $4)`, id, name, body, now)
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("postgres: create scenario: %w", err)
	}
	return sc, v, nil
}

// ListScenarios returns a page of scenarios, newest first.
func (s *Store) ListScenarios(ctx context.Context, actor store.Actor, p store.ListScenariosParams) (store.Page[store.Scenario], error) {
	limit, cur, hasCur, err := storeutil.Paging("list scenarios", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.Scenario]{}, err
	}
	var curAt *time.Time
	var curID *string
	if hasCur {
		curAt, curID = &cur.CreatedAt, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+scenarioColumns+` FROM scenarios
		WHERE ($1 = '' OR strpos(lower(name), lower($1)) > 0)
		  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
		  AND ($5::boolean OR owner_id = $6::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $4`, p.NameContains, curAt, curID, limit+1, actor.Admin, storeutil.OwnerArg(actor))
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("postgres: list scenarios: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Scenario, error) { return scanScenario(r) })
	if err != nil {
		return store.Page[store.Scenario]{}, fmt.Errorf("postgres: list scenarios: %w", err)
	}
	return storeutil.NewPage(items, limit, storeutil.ScenarioKey), nil
}

// GetScenario returns one scenario.
func (s *Store) GetScenario(ctx context.Context, actor store.Actor, id string) (store.Scenario, error) {
	if !storeutil.ValidID(id) {
		return store.Scenario{}, fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	sc, err := scanScenario(s.pool.QueryRow(ctx, `SELECT `+scenarioColumns+` FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`,
		id, actor.Admin, storeutil.OwnerArg(actor)))
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
	var v store.ScenarioVersion
	err := s.pool.QueryRow(ctx, `SELECT v.scenario_id, v.version, v.name, v.body, v.created_at
		FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
		WHERE v.scenario_id = $1 AND v.version = CASE WHEN $2 = 0 THEN s.latest_version ELSE $2 END
		  AND ($3::boolean OR s.owner_id = $4::uuid)`,
		id, version, actor.Admin, storeutil.OwnerArg(actor)).Scan(&v.ScenarioID, &v.Version, &v.Name, &v.Body, &v.CreatedAt)
	if err != nil {
		return store.ScenarioVersion{}, notFound(err, "scenario version", fmt.Sprintf("%s@%d", id, version))
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return v, nil
}

// ListScenarioVersions returns every version, oldest first.
func (s *Store) ListScenarioVersions(ctx context.Context, actor store.Actor, id string) ([]store.ScenarioVersion, error) {
	if _, err := s.GetScenario(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT scenario_id, version, name, body, created_at
		FROM scenario_versions WHERE scenario_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: list scenario versions: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ScenarioVersion, error) {
		var v store.ScenarioVersion
		err := r.Scan(&v.ScenarioID, &v.Version, &v.Name, &v.Body, &v.CreatedAt)
		v.CreatedAt = v.CreatedAt.UTC()
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list scenario versions: %w", err)
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		sc, err = scanScenario(tx.QueryRow(ctx, `UPDATE scenarios SET latest_version = latest_version + 1,
			name = CASE WHEN $2 = '' THEN name ELSE $2 END, updated_at = $3
			WHERE id = $1 AND ($4::boolean OR owner_id = $5::uuid) RETURNING `+scenarioColumns,
			id, name, now, actor.Admin, storeutil.OwnerArg(actor)))
		if err != nil {
			return notFound(err, "scenario", id)
		}
		_, err = tx.Exec(ctx, `INSERT INTO scenario_versions (scenario_id, version, name, body, created_at)
			VALUES ($1, $2, $3, $4, $5)`, id, sc.LatestVersion, sc.Name, body, now)
		return err
	})
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("update scenario: %w", err)
	}
	return sc, store.ScenarioVersion{ScenarioID: id, Version: sc.LatestVersion, Name: sc.Name, Body: body, CreatedAt: now}, nil
}

// DeleteScenario deletes a scenario unless a run of it is active.
func (s *Store) DeleteScenario(ctx context.Context, actor store.Actor, id string) error {
	if !storeutil.ValidID(id) {
		return fmt.Errorf("scenario %q: %w", id, store.ErrNotFound)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the scenario: CreateRun takes a share lock on it, so no run
		// of it can be created until this transaction ends.
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM scenarios WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid) FOR UPDATE`,
			id, actor.Admin, storeutil.OwnerArg(actor)).Scan(&one); err != nil {
			return notFound(err, "scenario", id)
		}
		var active int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM runs WHERE scenario_id = $1 AND status IN ('queued', 'running')`,
			id).Scan(&active); err != nil {
			return fmt.Errorf("postgres: delete scenario: %w", err)
		}
		if active > 0 {
			return fmt.Errorf("delete scenario %q: %d run(s) of it are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE runs SET scenario_id = NULL, scenario_version = NULL WHERE scenario_id = $1`, id); err != nil {
			return fmt.Errorf("postgres: delete scenario: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM scenarios WHERE id = $1`, id); err != nil {
			return fmt.Errorf("postgres: delete scenario: %w", err)
		}
		return nil
	})
}
