// Package sqlite is the SQLite implementation of store.Store, on the pure-Go
// modernc.org/sqlite driver (database/sql, driver name "sqlite"): the
// embedded default, so that the service runs on a fresh machine with
// nothing else installed. The database is a file in WAL mode with foreign
// keys on and a busy timeout; transactions begin IMMEDIATE so that several
// processes (an API and workers) can share the file.
//
// The schema mirrors the PostgreSQL one (same migration numbers, embedded
// from migrations/, applied by goose), with times as integer microseconds
// and ids as UUID text. River's tables are migrated by rivermigrate with
// the riversqlite driver.
//
// The queries are shared with the PostgreSQL store (storeutil.Store): this
// package provides their Conn over database/sql (conn.go), which runs each
// statement's SQLite form and converts times and string arrays, and the
// migrations.
//
// Store.NewQueue builds the job queue (River with the riversqlite driver) over
// the same connections, so a run and its job are inserted in one
// transaction.
//
//	st, err := sqlite.Open(ctx, filepath.Join(dataDir, "fastsim.db"), sqlite.Options{})
//	if err != nil { ... }
//	defer st.Close()
//	err = st.Migrate(ctx)
package sqlite
