package storeutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// Query is one SQL statement in the form each dialect runs. Most are
// written once, in PostgreSQL's syntax, by SQL, which derives the SQLite
// form when the package initialises; the few that really differ are
// written twice, side by side, by SQLPer.
type Query struct {
	postgres, sqlite string
}

// Postgres returns the PostgreSQL form of q.
func (q Query) Postgres() string { return q.postgres }

// SQLite returns the SQLite form of q.
func (q Query) SQLite() string { return q.sqlite }

var (
	// castRE matches a PostgreSQL cast such as ::uuid, ::text[] or
	// ::timestamptz. PostgreSQL needs some casts to type a parameter (a
	// NULL, a bare "$2 IS NULL"); SQLite is dynamically typed and has no
	// "::" syntax, so every cast is dropped.
	castRE = regexp.MustCompile(`::[a-z]+(\[\])?`)
	// paramRE matches a numbered PostgreSQL parameter ($1); SQLite's
	// numbered form (?1) keeps the numbering, so a parameter used twice
	// stays one argument.
	paramRE = regexp.MustCompile(`\$([0-9]+)`)
	// sqliteFuncs renames the PostgreSQL functions whose SQLite
	// equivalent has another name and the same arguments.
	sqliteFuncs = strings.NewReplacer("LEAST(", "min(", "GREATEST(", "max(", "strpos(", "instr(")
	// pgOnly matches what SQLite cannot run and no rewrite can give it:
	// row locks and PostgreSQL-only functions. A statement that uses them
	// is written per dialect with SQLPer.
	pgOnly = regexp.MustCompile(`(?i)\bFOR (UPDATE|SHARE)\b|pg_|ANY\(|cardinality\(`)
)

// SQL returns the statement pg, written in PostgreSQL's syntax, with its
// SQLite form: $n parameters become ?n, casts are dropped, and LEAST,
// GREATEST and strpos become min, max and instr. It panics on a statement
// that SQLite cannot run (row locks, PostgreSQL-only functions): it is
// called from package-level variables, so the mistake fails every test.
func SQL(pg string) Query {
	if m := pgOnly.FindString(pg); m != "" {
		panic(fmt.Sprintf("storeutil.SQL: %q is PostgreSQL-only; write both forms with SQLPer: %s", m, pg))
	}
	lite := castRE.ReplaceAllString(pg, "")
	lite = paramRE.ReplaceAllString(lite, "?$1")
	lite = sqliteFuncs.Replace(lite)
	return Query{postgres: pg, sqlite: lite}
}

// SQLPer returns a statement whose dialects really differ (row locks,
// advisory locks, arrays), each written in its own syntax. Say why at the
// call.
func SQLPer(postgres, sqlite string) Query {
	return Query{postgres: postgres, sqlite: sqlite}
}

// Row is the result of Conn.QueryRow; its Scan returns an error wrapping
// sql.ErrNoRows when no row matched (pgx.ErrNoRows wraps it too).
type Row interface {
	// Scan copies the row's columns into dest.
	Scan(dest ...any) error
}

// Rows is the result of Conn.Query.
type Rows interface {
	// Next prepares the next row for Scan; false at the end or on error.
	Next() bool
	// Scan copies the current row's columns into dest.
	Scan(dest ...any) error
	// Err is the error, if any, that ended the iteration.
	Err() error
	// Close releases the rows.
	Close()
}

// Conn runs statements on a database connection, pool or transaction of
// either dialect. Each dialect's implementation picks the statement's form
// and converts values where the dialects store them differently: a
// time.Time (or *time.Time, nil for NULL) argument or scan destination is
// a timestamptz in PostgreSQL and INTEGER microseconds in SQLite, and
// scanned times are in UTC.
type Conn interface {
	// Name is the dialect's name ("postgres", "sqlite"), the prefix of
	// database errors.
	Name() string
	// Exec runs q and returns the number of rows it changed.
	Exec(ctx context.Context, q Query, args ...any) (int64, error)
	// QueryRow runs q, which returns at most one row.
	QueryRow(ctx context.Context, q Query, args ...any) Row
	// Query runs q and returns its rows.
	Query(ctx context.Context, q Query, args ...any) (Rows, error)
}

// TxConn is a Conn inside a transaction; its Unwrap (store.Tx) returns
// the driver's transaction, for River.
type TxConn interface {
	Conn
	store.Tx
}

// DB is a dialect's database: a Conn over its pool, and its
// transactions.
type DB interface {
	Conn
	// InTx runs fn in one transaction, committed if fn returns nil and
	// rolled back otherwise.
	InTx(ctx context.Context, fn func(tx TxConn) error) error
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique(err error) bool
}

// Store implements the methods of store.Store whose statements both
// dialects share; each dialect's Store embeds it.
type Store struct {
	// DB is the dialect's database.
	DB DB
	// Now is the store's clock.
	Now func() time.Time
	// LockQuota, when set, serialises the run creations of one owner
	// inside tx, before their quota is counted: PostgreSQL takes an
	// advisory lock; SQLite needs none, its write transactions run one
	// at a time.
	LockQuota func(ctx context.Context, tx Conn, ownerID string) error
}

// Tx implements store.Store.Tx: tx unwraps to the driver's transaction
// (a pgx.Tx or a *sql.Tx).
func (s Store) Tx(ctx context.Context, fn store.TxFunc) error {
	return s.DB.InTx(ctx, func(tx TxConn) error { return fn(ctx, tx) })
}

// NotFound turns a "no rows" error of c into a wrapped store.ErrNotFound
// naming what and id, and wraps any other error with the dialect's name.
func NotFound(c Conn, err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %s %q: %w", c.Name(), what, id, err)
}

// CollectRows reads every row of rows with scan and closes rows.
func CollectRows[T any](rows Rows, scan func(Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
