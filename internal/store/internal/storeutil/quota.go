package storeutil

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
)

// countQuotaSQL counts an owner's active runs and studies, and the runs
// created since $2 (the start of the quota's day), each study counting
// its candidate runs.
var countQuotaSQL = SQL(`SELECT
		(SELECT count(*) FROM runs WHERE owner_id = $1::uuid AND status IN ('queued', 'running'))
		+ (SELECT count(*) FROM studies WHERE owner_id = $1::uuid AND status IN ('queued', 'running')),
		(SELECT count(*) FROM runs WHERE owner_id = $1::uuid AND created_at >= $2)
		+ (SELECT COALESCE(sum(runs_total), 0) FROM studies WHERE owner_id = $1::uuid AND created_at >= $2)`)

// checkQuota enforces run.Quota inside the transaction that will insert
// run. LockQuota (when the dialect needs one) serialises the run and
// study creations of one owner first, so the counts cannot change between
// the check and the insert.
func (s Store) checkQuota(ctx context.Context, tx Conn, run store.Run) error {
	return s.checkRuns(ctx, tx, run.Quota, run.OwnerID, run.Status == store.StatusQueued, 1)
}

// checkStudyQuota enforces st.Quota inside the transaction that will
// insert st: the study is one active run and RunsTotal runs of the day.
func (s Store) checkStudyQuota(ctx context.Context, tx Conn, st store.Study) error {
	return s.checkRuns(ctx, tx, st.Quota, st.OwnerID, true, st.RunsTotal)
}

// checkRuns checks q for n new runs of owner (active: they will be
// queued) after serialising the owner's creations (LockQuota).
func (s Store) checkRuns(ctx context.Context, tx Conn, q *store.RunQuota, owner string, active bool, n int) error {
	if q == nil || owner == "" {
		return nil
	}
	if s.LockQuota != nil {
		if err := s.LockQuota(ctx, tx, owner); err != nil {
			return fmt.Errorf("lock the quota of user %s: %w", owner, err)
		}
	}
	var activeRuns, today int
	if err := tx.QueryRow(ctx, countQuotaSQL, owner, q.Since).Scan(&activeRuns, &today); err != nil {
		return fmt.Errorf("count the runs of user %s: %w", owner, err)
	}
	return q.CheckN(active, n, activeRuns, today)
}
