package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// saveResult upserts a run's result and series, compressed, in tx.
func saveResult(ctx context.Context, tx *sql.Tx, runID string, res store.RunResult) error {
	blobs, err := storeutil.CompressResult(runID, res)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO run_results (run_id, result, replications, statistics) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (run_id) DO UPDATE SET result = excluded.result, replications = excluded.replications,
		statistics = excluded.statistics`, runID, blobs[0], blobs[1], blobs[2]); err != nil {
		return fmt.Errorf("sqlite: save result of run %q: %w", runID, err)
	}
	if blobs[3] == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO run_series (run_id, series) VALUES (?1, ?2)
		ON CONFLICT (run_id) DO UPDATE SET series = excluded.series`, runID, blobs[3]); err != nil {
		return fmt.Errorf("sqlite: save series of run %q: %w", runID, err)
	}
	return nil
}

// GetResult returns a run's result without its series.
func (s *Store) GetResult(ctx context.Context, actor store.Actor, runID string) (store.RunResult, error) {
	if !storeutil.ValidID(runID) {
		return store.RunResult{}, fmt.Errorf("result of run %q: %w", runID, store.ErrNotFound)
	}
	var blobs [3][]byte
	err := s.db.QueryRowContext(ctx, `SELECT rr.result, rr.replications, rr.statistics FROM run_results rr JOIN runs r ON r.id = rr.run_id
		WHERE rr.run_id = ?1 AND (?2 OR r.owner_id = ?3)`, runID, actor.Admin, actor.UserID).
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
	if err := s.db.QueryRowContext(ctx, `SELECT rs.series FROM run_series rs JOIN runs r ON r.id = rs.run_id
		WHERE rs.run_id = ?1 AND (?2 OR r.owner_id = ?3)`, runID, actor.Admin, actor.UserID).Scan(&blob); err != nil {
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
	err = s.tx(ctx, func(tx *sql.Tx) error {
		replications, err := runningReplications(ctx, tx, runID, "save replication of")
		if err != nil {
			return err
		}
		if rep.Index < 0 || rep.Index >= replications {
			return fmt.Errorf("save replication: index %d: must be in 0..%d: %w", rep.Index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_replications (run_id, idx, progress, result, series) VALUES (?1, ?2, 1, ?3, ?4)
			ON CONFLICT (run_id, idx) DO UPDATE SET progress = 1, result = excluded.result, series = excluded.series`,
			runID, rep.Index, res, series); err != nil {
			return fmt.Errorf("sqlite: save replication: %w", err)
		}
		if _, err := tx.ExecContext(ctx, updateRunProgress, runID); err != nil {
			return fmt.Errorf("sqlite: save replication: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM run_replications WHERE run_id = ?1 AND result IS NOT NULL`, runID).Scan(&n)
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
	rows, err := s.db.QueryContext(ctx, `SELECT idx, result, series FROM run_replications
		WHERE run_id = ?1 AND result IS NOT NULL ORDER BY idx`, runID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list replications: %w", err)
	}
	defer rows.Close()
	var out []store.Replication
	for rows.Next() {
		var rep store.Replication
		var res, series []byte
		if err := rows.Scan(&rep.Index, &res, &series); err != nil {
			return nil, fmt.Errorf("sqlite: list replications: %w", err)
		}
		if rep.Result, err = storeutil.Decompress(res); err != nil {
			return nil, fmt.Errorf("sqlite: replication %d of run %q: %w", rep.Index, runID, err)
		}
		if rep.Series, err = storeutil.Decompress(series); err != nil {
			return nil, fmt.Errorf("sqlite: replication %d of run %q: %w", rep.Index, runID, err)
		}
		out = append(out, rep)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list replications: %w", err)
	}
	return out, nil
}
