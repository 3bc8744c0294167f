package postgres

import (
	"context"

	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// lockQuotaSQL takes a transaction-level advisory lock per owner. Under
// READ COMMITTED, the quota count taken after it sees every run committed
// by the transaction that held it before. PostgreSQL only: SQLite never
// runs it (its write transactions run one at a time).
var lockQuotaSQL = storeutil.SQLPer(`SELECT pg_advisory_xact_lock(hashtextextended('fastsim.quota:' || $1::text, 0))`, "")

// lockQuota serialises the run creations of one owner in tx, until it
// commits or rolls back (storeutil.Store.LockQuota).
func lockQuota(ctx context.Context, tx storeutil.Conn, ownerID string) error {
	_, err := tx.Exec(ctx, lockQuotaSQL, ownerID)
	return err
}
