package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// saveResult upserts a run's result and series, compressed, in tx.
func saveResult(ctx context.Context, tx pgx.Tx, runID string, res store.RunResult) error {
	blobs, err := storeutil.CompressResult(runID, res)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO run_results (run_id, result, replications, statistics) VALUES ($1, $2, $3, $4)
		ON CONFLICT (run_id) DO UPDATE SET result = excluded.result, replications = excluded.replications,
		statistics = excluded.statistics`, runID, blobs[0], blobs[1], blobs[2]); err != nil {
		return fmt.Errorf("postgres: save result of run %q: %w", runID, err)
	}
	if blobs[3] == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO run_series (run_id, series) VALUES ($1, $2)
		ON CONFLICT (run_id) DO UPDATE SET series = excluded.series`, runID, blobs[3]); err != nil {
		return fmt.Errorf("postgres: save series of run %q: %w", runID, err)
	}
	return nil
}

// GetResult returns a run's result without its series.
func (s *Store) GetResult(ctx context.Context, actor store.Actor, runID string) (store.RunResult, error) {
	if !storeutil.ValidID(runID) {
		return store.RunResult{}, fmt.Errorf("result of run %q: %w", runID, store.ErrNotFound)
	}
	var blobs [3][]byte
	err := s.pool.QueryRow(ctx, `SELECT rr.result, rr.replications, rr.statistics FROM run_results rr JOIN runs r ON r.id = rr.run_id
		WHERE rr.run_id = $1 AND ($2::boolean OR r.owner_id = $3::uuid)`, runID, actor.Admin, storeutil.OwnerArg(actor)).
		Scan(&blobs[0], &blobs[1], &blobs[2])
	if err != nil {
		return store.RunResult{}, notFound(err, "result of run", runID)
	}
	return storeutil.DecompressResult(runID, blobs)
}

// GetSeries returns a run's series JSON.
func (s *Store) GetSeries(ctx context.Context, actor store.Actor, runID string) ([]byte, error) {
	if !storeutil.ValidID(runID) {
		return nil, fmt.Errorf("series of run %q: %w", runID, store.ErrNotFound)
	}
	var blob []byte
	if err := s.pool.QueryRow(ctx, `SELECT rs.series FROM run_series rs JOIN runs r ON r.id = rs.run_id
		WHERE rs.run_id = $1 AND ($2::boolean OR r.owner_id = $3::uuid)`, runID, actor.Admin, storeutil.OwnerArg(actor)).Scan(&blob); err != nil {
		return nil, notFound(err, "series of run", runID)
	}
	out, err := storeutil.Decompress(blob)
	if err != nil {
		return nil, fmt.Errorf("series of run %q: %w", runID, err)
	}
	return out, nil
}

// SaveReplication stores one replication's result and counts the stored
// ones.
func (s *Store) SaveReplication(ctx context.Context, runID string, rep store.Replication) (int, error) {
	if !storeutil.ValidID(runID) {
		return 0, fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	res, series, err := storeutil.CompressReplication(runID, rep)
	if err != nil {
		return 0, err
	}
	var n int
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var replications int
		err := tx.QueryRow(ctx, `SELECT replications FROM runs WHERE id = $1 AND status = 'running' FOR UPDATE`, runID).Scan(&replications)
		if errors.Is(err, pgx.ErrNoRows) {
			return s.stateError(ctx, tx, store.System(), runID, "save replication of")
		}
		if err != nil {
			return fmt.Errorf("postgres: save replication: %w", err)
		}
		if rep.Index < 0 || rep.Index >= replications {
			return fmt.Errorf("save replication: index %d: must be in 0..%d: %w", rep.Index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO run_replications (run_id, idx, progress, result, series) VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (run_id, idx) DO UPDATE SET progress = 1, result = excluded.result, series = excluded.series`,
			runID, rep.Index, res, series); err != nil {
			return fmt.Errorf("postgres: save replication: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE runs SET progress = LEAST(1, (SELECT COALESCE(sum(progress), 0) FROM run_replications
			WHERE run_id = $1) / replications) WHERE id = $1`, runID); err != nil {
			return fmt.Errorf("postgres: save replication: %w", err)
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM run_replications WHERE run_id = $1 AND result IS NOT NULL`, runID).Scan(&n)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ListReplications returns the replications that have a result.
func (s *Store) ListReplications(ctx context.Context, runID string) ([]store.Replication, error) {
	if !storeutil.ValidID(runID) {
		return nil, fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	rows, err := s.pool.Query(ctx, `SELECT idx, result, series FROM run_replications
		WHERE run_id = $1 AND result IS NOT NULL ORDER BY idx`, runID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list replications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Replication, error) {
		var rep store.Replication
		var res, series []byte
		if err := r.Scan(&rep.Index, &res, &series); err != nil {
			return rep, err
		}
		var err error
		if rep.Result, err = storeutil.Decompress(res); err != nil {
			return rep, err
		}
		rep.Series, err = storeutil.Decompress(series)
		return rep, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list replications of run %q: %w", runID, err)
	}
	return out, nil
}
