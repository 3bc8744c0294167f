// Package store holds the persistent records of the FastSim service
// (scenarios and their immutable versions, runs, run results and
// per-replication results, studies and their candidate runs), the Store
// interface that both database
// implementations satisfy, and the errors callers branch on.
//
// The implementations live in sub-packages: store/postgres (pgx v5) and
// store/sqlite (modernc.org/sqlite). store/dial opens the one a database URL
// names, and store/storetest is the conformance suite both pass.
//
// Each implementation is a Backend: it also builds River over its own
// connections (NewQueue, a Queue with the River driver of its dialect), so
// the job package works with any dialect through this one seam, and a new
// dialect touches one package. Transactions cross the seam as a Tx, which
// only the dialect's own Queue unwraps; the lease of each running job (see
// Lease) lets workers on any machine detect dead ones.
//
// A typical caller opens a store, migrates it, and uses it:
//
//	st, err := dial.Open(ctx, databaseURL, dataDir)
//	if err != nil { ... }
//	defer st.Close()
//	if err := st.Migrate(ctx); err != nil { ... }
//	u, err := st.GetUserByEmail(ctx, "ann@example.com")
//	if err != nil { ... }
//	sc, v, err := st.CreateScenario(ctx, store.ActorOf(u), "checkout", canonicalJSON)
//
// Owned rows (scenarios, versions, runs, results, studies) are read and changed on
// behalf of a store.Actor: a user sees only their own rows (others are
// ErrNotFound), an admin sees all, and store.System() is the job workers'
// read-everything actor.
//
// Errors are wrapped with context; test them with errors.Is against
// ErrNotFound, ErrConflict and ErrInvalid.
package store
