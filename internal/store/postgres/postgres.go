package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// Options configure Open.
type Options struct {
	// Schema, when set, is put first in the search_path of every
	// connection, so all tables (the application's and River's) live in
	// it; the schema must exist. Tests use one schema per test. Defaults to
	// the server's search_path.
	Schema string
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// MaxConns is the pool size. Defaults to pgxpool's default
	// (max(4, number of CPUs)).
	MaxConns int32
}

// Store is the PostgreSQL store. It implements store.Store.
type Store struct {
	// Store holds the methods whose statements both dialects share.
	storeutil.Store
	pool   *pgxpool.Pool
	now    func() time.Time
	schema string
}

var _ store.Backend = (*Store)(nil)

// Open connects to the PostgreSQL database at url (postgres:// or
// postgresql://) and pings it. It does not migrate; call Migrate.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	if o.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{o.Schema}.Sanitize()
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, now: o.Now, schema: o.Schema}
	if s.now == nil {
		s.now = time.Now
	}
	s.Store = storeutil.Store{DB: s.shared(), Now: s.now, LockQuota: lockQuota}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// PgxPool returns the connection pool (River shares it).
func (s *Store) PgxPool() *pgxpool.Pool { return s.pool }

// NewQueue returns a River client (riverpgxv5) over the store's pool.
func (s *Store) NewQueue(cfg *river.Config) (store.Queue, error) {
	q, err := storeutil.NewQueue(riverpgxv5.New(s.pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return q, nil
}

// Dialect returns "postgres".
func (s *Store) Dialect() string { return "postgres" }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
