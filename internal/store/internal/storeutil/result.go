package storeutil

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
)

// CompressResult returns the stored (gzipped) forms of a run's result,
// replications, statistics and series, in that order; a nil part stays nil.
func CompressResult(runID string, res store.RunResult) ([4][]byte, error) {
	var blobs [4][]byte
	for i, b := range [][]byte{res.Result, res.Replications, res.Statistics, res.Series} {
		var err error
		if blobs[i], err = Compress(b); err != nil {
			return [4][]byte{}, fmt.Errorf("save result of run %q: %w", runID, err)
		}
	}
	return blobs, nil
}

// DecompressResult returns the result of run runID from its stored result,
// replications and statistics.
func DecompressResult(runID string, blobs [3][]byte) (store.RunResult, error) {
	out := store.RunResult{RunID: runID}
	for i, dst := range []*[]byte{&out.Result, &out.Replications, &out.Statistics} {
		var err error
		if *dst, err = Decompress(blobs[i]); err != nil {
			return store.RunResult{}, fmt.Errorf("result of run %q: %w", runID, err)
		}
	}
	return out, nil
}

// CompressReplication validates a replication to save and returns its
// stored (gzipped) result and series.
func CompressReplication(runID string, rep store.Replication) (result, series []byte, err error) {
	if len(rep.Result) == 0 {
		return nil, nil, fmt.Errorf("save replication %d of run %q: result: must not be empty: %w", rep.Index, runID, store.ErrInvalid)
	}
	if result, err = Compress(rep.Result); err != nil {
		return nil, nil, err
	}
	if series, err = Compress(rep.Series); err != nil {
		return nil, nil, err
	}
	return result, series, nil
}

var (
	saveResultSQL = SQL(`INSERT INTO run_results (run_id, result, replications, statistics) VALUES ($1, $2, $3, $4)
		ON CONFLICT (run_id) DO UPDATE SET result = excluded.result, replications = excluded.replications,
		statistics = excluded.statistics`)
	saveSeriesSQL = SQL(`INSERT INTO run_series (run_id, series) VALUES ($1, $2)
		ON CONFLICT (run_id) DO UPDATE SET series = excluded.series`)
	getResultSQL = SQL(`SELECT rr.result, rr.replications, rr.statistics FROM run_results rr JOIN runs r ON r.id = rr.run_id
		WHERE rr.run_id = $1 AND ($2::boolean OR r.owner_id = $3::uuid)`)
	getSeriesSQL = SQL(`SELECT rs.series FROM run_series rs JOIN runs r ON r.id = rs.run_id
		WHERE rs.run_id = $1 AND ($2::boolean OR r.owner_id = $3::uuid)`)
	saveReplicationSQL = SQL(`INSERT INTO run_replications (run_id, idx, progress, result, series) VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (run_id, idx) DO UPDATE SET progress = 1, result = excluded.result, series = excluded.series`)
	countReplicationsSQL = SQL(`SELECT count(*) FROM run_replications WHERE run_id = $1 AND result IS NOT NULL`)
	listReplicationsSQL  = SQL(`SELECT idx, result, series FROM run_replications
		WHERE run_id = $1 AND result IS NOT NULL ORDER BY idx`)
)

// SaveResult upserts a run's result and series, compressed, in tx.
func SaveResult(ctx context.Context, tx Conn, runID string, res store.RunResult) error {
	blobs, err := CompressResult(runID, res)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, saveResultSQL, runID, blobs[0], blobs[1], blobs[2]); err != nil {
		return fmt.Errorf("%s: save result of run %q: %w", tx.Name(), runID, err)
	}
	if blobs[3] == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, saveSeriesSQL, runID, blobs[3]); err != nil {
		return fmt.Errorf("%s: save series of run %q: %w", tx.Name(), runID, err)
	}
	return nil
}

// GetResult implements store.Store.GetResult.
func (s Store) GetResult(ctx context.Context, actor store.Actor, runID string) (store.RunResult, error) {
	if !ValidID(runID) {
		return store.RunResult{}, fmt.Errorf("result of run %q: %w", runID, store.ErrNotFound)
	}
	var blobs [3][]byte
	err := s.DB.QueryRow(ctx, getResultSQL, runID, actor.Admin, OwnerArg(actor)).Scan(&blobs[0], &blobs[1], &blobs[2])
	if err != nil {
		return store.RunResult{}, NotFound(s.DB, err, "result of run", runID)
	}
	return DecompressResult(runID, blobs)
}

// GetSeries implements store.Store.GetSeries.
func (s Store) GetSeries(ctx context.Context, actor store.Actor, runID string) ([]byte, error) {
	if !ValidID(runID) {
		return nil, fmt.Errorf("series of run %q: %w", runID, store.ErrNotFound)
	}
	var blob []byte
	if err := s.DB.QueryRow(ctx, getSeriesSQL, runID, actor.Admin, OwnerArg(actor)).Scan(&blob); err != nil {
		return nil, NotFound(s.DB, err, "series of run", runID)
	}
	out, err := Decompress(blob)
	if err != nil {
		return nil, fmt.Errorf("series of run %q: %w", runID, err)
	}
	return out, nil
}

// SaveReplication implements store.Store.SaveReplication.
func (s Store) SaveReplication(ctx context.Context, runID string, rep store.Replication) (int, error) {
	if !ValidID(runID) {
		return 0, fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	res, series, err := CompressReplication(runID, rep)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.DB.InTx(ctx, func(tx TxConn) error {
		replications, err := runningReplications(ctx, tx, runID, "save replication of")
		if err != nil {
			return err
		}
		if rep.Index < 0 || rep.Index >= replications {
			return fmt.Errorf("save replication: index %d: must be in 0..%d: %w", rep.Index, replications-1, store.ErrInvalid)
		}
		if _, err := tx.Exec(ctx, saveReplicationSQL, runID, rep.Index, res, series); err != nil {
			return fmt.Errorf("%s: save replication: %w", tx.Name(), err)
		}
		if _, err := tx.Exec(ctx, updateRunProgressSQL, runID); err != nil {
			return fmt.Errorf("%s: save replication: %w", tx.Name(), err)
		}
		return tx.QueryRow(ctx, countReplicationsSQL, runID).Scan(&n)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ListReplications implements store.Store.ListReplications.
func (s Store) ListReplications(ctx context.Context, runID string) ([]store.Replication, error) {
	if !ValidID(runID) {
		return nil, fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
	}
	rows, err := s.DB.Query(ctx, listReplicationsSQL, runID)
	if err != nil {
		return nil, fmt.Errorf("%s: list replications: %w", s.DB.Name(), err)
	}
	out, err := CollectRows(rows, func(r Row) (store.Replication, error) {
		var rep store.Replication
		var res, series []byte
		if err := r.Scan(&rep.Index, &res, &series); err != nil {
			return rep, err
		}
		var err error
		if rep.Result, err = Decompress(res); err != nil {
			return rep, fmt.Errorf("replication %d: %w", rep.Index, err)
		}
		if rep.Series, err = Decompress(series); err != nil {
			return rep, fmt.Errorf("replication %d: %w", rep.Index, err)
		}
		return rep, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: list replications of run %q: %w", s.DB.Name(), runID, err)
	}
	return out, nil
}
