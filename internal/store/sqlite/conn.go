package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn implements storeutil.Conn over database/sql: it runs the SQLite
// form of each statement and stores times as INTEGER microseconds since
// the Unix epoch (UTC), the schema's time type.
type conn struct{ q querier }

// Name implements storeutil.Conn.
func (conn) Name() string { return "sqlite" }

// Exec implements storeutil.Conn.
func (c conn) Exec(ctx context.Context, q storeutil.Query, args ...any) (int64, error) {
	res, err := c.q.ExecContext(ctx, q.SQLite(), queryArgs(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow implements storeutil.Conn.
func (c conn) QueryRow(ctx context.Context, q storeutil.Query, args ...any) storeutil.Row {
	return timeRow{c.q.QueryRowContext(ctx, q.SQLite(), queryArgs(args)...)}
}

// Query implements storeutil.Conn.
func (c conn) Query(ctx context.Context, q storeutil.Query, args ...any) (storeutil.Rows, error) {
	rows, err := c.q.QueryContext(ctx, q.SQLite(), queryArgs(args)...)
	if err != nil {
		return nil, err
	}
	return timeRows{rows}, nil
}

// queryArgs returns a copy of args with each time.Time or *time.Time as
// stored microseconds (nil stays NULL), and each []string as a JSON
// array (SQLite has no arrays; queries read it with json_each).
func queryArgs(args []any) []any {
	args = append([]any(nil), args...)
	for i, a := range args {
		switch t := a.(type) {
		case []string:
			b, err := json.Marshal(t)
			if err != nil {
				panic(fmt.Sprintf("sqlite: encode %q: %v", t, err)) // a []string always encodes
			}
			args[i] = string(b)
		case time.Time:
			args[i] = micros(t)
		case *time.Time:
			if t == nil {
				args[i] = nil
			} else {
				args[i] = micros(*t)
			}
		}
	}
	return args
}

// timeDests returns a copy of dest with each *time.Time or **time.Time
// replaced by a scanner of stored microseconds.
func timeDests(dest []any) []any {
	dest = append([]any(nil), dest...)
	for i, d := range dest {
		switch t := d.(type) {
		case *time.Time:
			dest[i] = microsScanner{t: t}
		case **time.Time:
			dest[i] = microsScanner{null: t}
		}
	}
	return dest
}

// micros converts a time to stored microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts stored microseconds to a UTC time.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// microsScanner scans stored microseconds into a time (t) or an optional
// time (null).
type microsScanner struct {
	t    *time.Time
	null **time.Time
}

// Scan implements sql.Scanner.
func (m microsScanner) Scan(src any) error {
	if src == nil && m.null != nil {
		*m.null = nil
		return nil
	}
	us, ok := src.(int64)
	if !ok {
		return fmt.Errorf("time: stored %T, want INTEGER microseconds", src)
	}
	t := fromMicros(us)
	if m.null != nil {
		*m.null = &t
	} else {
		*m.t = t
	}
	return nil
}

// timeRow scans stored times.
type timeRow struct{ row *sql.Row }

// Scan implements storeutil.Row.
func (r timeRow) Scan(dest ...any) error { return r.row.Scan(timeDests(dest)...) }

// timeRows scans stored times.
type timeRows struct{ rows *sql.Rows }

// Next implements storeutil.Rows.
func (r timeRows) Next() bool { return r.rows.Next() }

// Scan implements storeutil.Rows.
func (r timeRows) Scan(dest ...any) error { return r.rows.Scan(timeDests(dest)...) }

// Err implements storeutil.Rows.
func (r timeRows) Err() error { return r.rows.Err() }

// Close implements storeutil.Rows.
func (r timeRows) Close() { _ = r.rows.Close() }

// shared returns the store's storeutil.DB, which runs the statements
// both dialects share.
func (s *Store) shared() storeutil.DB { return liteDB{conn{s.db}, s} }

// liteDB implements storeutil.DB over the store's handle.
type liteDB struct {
	conn
	s *Store
}

// InTx implements storeutil.DB. The transaction takes the write lock when
// it begins (_txlock=immediate, see Open). Inside fn, use only tx: the
// pool has a single connection.
func (d liteDB) InTx(ctx context.Context, fn func(tx storeutil.TxConn) error) error {
	tx, err := d.s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(txConn{conn{tx}, tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// txConn is a conn inside a transaction.
type txConn struct {
	conn
	tx *sql.Tx
}

// Unwrap implements store.Tx: it returns the *sql.Tx.
func (t txConn) Unwrap() any { return t.tx }

// IsUnique implements storeutil.DB: err is a UNIQUE constraint violation.
func (liteDB) IsUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
