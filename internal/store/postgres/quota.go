package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
)

// checkQuota enforces run.Quota inside the transaction that will insert
// run. The advisory lock (released at commit or rollback) serialises the
// run creations of one owner, so the counts cannot change between the
// check and the insert; under READ COMMITTED the count, taken after the
// lock, sees every run committed by the transaction that held it before.
func checkQuota(ctx context.Context, tx pgx.Tx, run store.Run) error {
	q := run.Quota
	if q == nil || run.OwnerID == "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('fastsim.quota:' || $1::text, 0))`, run.OwnerID); err != nil {
		return fmt.Errorf("lock the quota of user %s: %w", run.OwnerID, err)
	}
	var active, today int
	err := tx.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE status IN ('queued', 'running')),
			count(*) FILTER (WHERE created_at >= $2)
		FROM runs WHERE owner_id = $1::uuid AND (status IN ('queued', 'running') OR created_at >= $2)`,
		run.OwnerID, q.Since).Scan(&active, &today)
	if err != nil {
		return fmt.Errorf("count the runs of user %s: %w", run.OwnerID, err)
	}
	return q.Check(run.Status == store.StatusQueued, active, today)
}
