// Package storeutil holds what the PostgreSQL and SQLite stores share:
// identifiers, timestamps, page limits, keyset cursors, compression, and
// the migration status conversion.
package storeutil
