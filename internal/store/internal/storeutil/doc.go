// Package storeutil holds what the PostgreSQL and SQLite stores share, so
// that a query is written once per real difference between the dialects.
//
// Store implements the methods of store.Store over a DB, the small Conn
// interface each dialect provides over its driver (pgx, database/sql).
// Statements are Query values: SQL takes the PostgreSQL text and derives
// the SQLite text once, when the package initialises ($n becomes ?n, casts
// are dropped, a few functions are renamed); SQLPer holds both texts of a
// statement that really differs (row locks, which SQLite replaces by its
// single write transaction; the status array of ListRuns; the quota's
// advisory lock). Each Conn converts what the schemas store differently:
// times (timestamptz or INTEGER microseconds) and string arrays (text[] or
// JSON).
//
// The package also holds the rules both stores apply before touching the
// database: identifiers, timestamps, argument validation, the new records
// a creation inserts, page limits and keyset cursors, result compression,
// the job queue over River, and the migration status conversion.
package storeutil
