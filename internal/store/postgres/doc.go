// Package postgres is the PostgreSQL implementation of store.Store, on pgx
// v5 (pgxpool). The application schema is migrated by goose from the
// numbered SQL files embedded from migrations/, and River's tables by
// rivermigrate (riverpgxv5), both by Store.Migrate.
//
// Scenario bodies are kept byte for byte (bytea, not jsonb, which would
// reorder keys); results, replications and series are gzip-compressed, and
// the series live in their own table so that reading a result never loads
// them.
//
// The queries are shared with the SQLite store (storeutil.Store, written
// in PostgreSQL's syntax); this package provides their Conn over pgx
// (conn.go), the quota's advisory lock, and the migrations.
//
// Store.NewQueue builds the job queue (River with the riverpgxv5 driver) over
// the same connections, so a run and its job are inserted in one
// transaction.
//
//	st, err := postgres.Open(ctx, "postgres://localhost/fastsim", postgres.Options{})
//	if err != nil { ... }
//	defer st.Close()
//	err = st.Migrate(ctx)
package postgres
