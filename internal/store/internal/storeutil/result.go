package storeutil

import (
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
