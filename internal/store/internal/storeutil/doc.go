// Package storeutil holds what the PostgreSQL and SQLite stores share, so
// each dialect keeps only its SQL, its transaction type and its row
// scanning: identifiers, timestamps, argument validation, the new records
// a creation inserts, page limits and keyset cursors, result compression,
// the transaction steps of creating a run (RunWriter), and the migration
// status conversion.
package storeutil
