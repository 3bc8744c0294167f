package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
)

// checkQuota enforces run.Quota inside the transaction that will insert
// run. SQLite transactions of this store begin IMMEDIATE (one writer at a
// time), so the counts cannot change between the check and the insert.
func checkQuota(ctx context.Context, tx *sql.Tx, run store.Run) error {
	q := run.Quota
	if q == nil || run.OwnerID == "" {
		return nil
	}
	var active, today int
	err := tx.QueryRowContext(ctx, `SELECT
			coalesce(sum(status IN ('queued', 'running')), 0),
			coalesce(sum(created_at >= ?2), 0)
		FROM runs WHERE owner_id = ?1 AND (status IN ('queued', 'running') OR created_at >= ?2)`,
		run.OwnerID, micros(q.Since)).Scan(&active, &today)
	if err != nil {
		return fmt.Errorf("count the runs of user %s: %w", run.OwnerID, err)
	}
	return q.Check(run.Status == store.StatusQueued, active, today)
}
