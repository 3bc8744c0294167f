package storeutil

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
)

// countQuotaSQL counts an owner's active runs and the runs created since
// $2 (the start of the quota's day).
var countQuotaSQL = SQL(`SELECT
		count(*) FILTER (WHERE status IN ('queued', 'running')),
		count(*) FILTER (WHERE created_at >= $2)
	FROM runs WHERE owner_id = $1::uuid AND (status IN ('queued', 'running') OR created_at >= $2)`)

// checkQuota enforces run.Quota inside the transaction that will insert
// run. LockQuota (when the dialect needs one) serialises the run creations
// of one owner first, so the counts cannot change between the check and
// the insert.
func (s Store) checkQuota(ctx context.Context, tx Conn, run store.Run) error {
	q := run.Quota
	if q == nil || run.OwnerID == "" {
		return nil
	}
	if s.LockQuota != nil {
		if err := s.LockQuota(ctx, tx, run.OwnerID); err != nil {
			return fmt.Errorf("lock the quota of user %s: %w", run.OwnerID, err)
		}
	}
	var active, today int
	if err := tx.QueryRow(ctx, countQuotaSQL, run.OwnerID, q.Since).Scan(&active, &today); err != nil {
		return fmt.Errorf("count the runs of user %s: %w", run.OwnerID, err)
	}
	return q.Check(run.Status == store.StatusQueued, active, today)
}
