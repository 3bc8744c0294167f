package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// querier is a *pgxpool.Pool or a pgx.Tx.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// conn implements storeutil.Conn over pgx: it runs the PostgreSQL form of
// each statement and returns scanned times in UTC.
type conn struct{ q querier }

// Name implements storeutil.Conn.
func (conn) Name() string { return "postgres" }

// Exec implements storeutil.Conn.
func (c conn) Exec(ctx context.Context, q storeutil.Query, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, q.Postgres(), args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// QueryRow implements storeutil.Conn.
func (c conn) QueryRow(ctx context.Context, q storeutil.Query, args ...any) storeutil.Row {
	return utcRow{c.q.QueryRow(ctx, q.Postgres(), args...)}
}

// Query implements storeutil.Conn.
func (c conn) Query(ctx context.Context, q storeutil.Query, args ...any) (storeutil.Rows, error) {
	rows, err := c.q.Query(ctx, q.Postgres(), args...)
	if err != nil {
		return nil, err
	}
	return utcRows{rows}, nil
}

// utcRow scans times in UTC (pgx returns them in time.Local).
type utcRow struct{ pgx.Row }

// Scan implements storeutil.Row.
func (r utcRow) Scan(dest ...any) error {
	if err := r.Row.Scan(dest...); err != nil {
		return err
	}
	toUTC(dest)
	return nil
}

// utcRows scans times in UTC.
type utcRows struct{ pgx.Rows }

// Scan implements storeutil.Rows.
func (r utcRows) Scan(dest ...any) error {
	if err := r.Rows.Scan(dest...); err != nil {
		return err
	}
	toUTC(dest)
	return nil
}

// toUTC converts the scanned times among dest to UTC.
func toUTC(dest []any) {
	for _, d := range dest {
		switch t := d.(type) {
		case *time.Time:
			*t = t.UTC()
		case **time.Time:
			if *t != nil {
				u := (*t).UTC()
				*t = &u
			}
		}
	}
}

// shared returns the store's storeutil.DB, which runs the statements
// both dialects share.
func (s *Store) shared() storeutil.DB { return pgDB{conn{s.pool}, s} }

// pgDB implements storeutil.DB over the store's pool.
type pgDB struct {
	conn
	s *Store
}

// InTx implements storeutil.DB.
func (d pgDB) InTx(ctx context.Context, fn func(tx storeutil.TxConn) error) error {
	return pgx.BeginFunc(ctx, d.s.pool, func(tx pgx.Tx) error { return fn(txConn{conn{tx}, tx}) })
}

// txConn is a conn inside a transaction.
type txConn struct {
	conn
	tx pgx.Tx
}

// Unwrap implements store.Tx: it returns the pgx.Tx.
func (t txConn) Unwrap() any { return t.tx }

// IsUnique implements storeutil.DB: err is a unique_violation (23505).
func (pgDB) IsUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
