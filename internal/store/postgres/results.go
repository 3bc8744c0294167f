package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// saveResult upserts a run's result and series, compressed, in tx.
func saveResult(ctx context.Context, tx pgx.Tx, runID string, res store.RunResult) error {
	return storeutil.SaveResult(ctx, conn{tx}, runID, res)
}
