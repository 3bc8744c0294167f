package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

// Options configure Open.
type Options struct {
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// BusyTimeout is how long a statement waits for another connection or
	// process holding the write lock. Defaults to 10 s.
	BusyTimeout time.Duration
}

// Store is the SQLite store. It implements store.Store.
type Store struct {
	// Store holds the methods whose statements both dialects share.
	storeutil.Store
	db  *sql.DB
	now func() time.Time
}

var _ store.Backend = (*Store)(nil)

// Open opens (creating if needed) the SQLite database file at path, in WAL
// mode with foreign keys on, and pings it. A missing directory of path is
// created with mode 0700 and a missing database file with mode 0600, so
// that no other local user can read the data; SQLite gives the -wal and
// -shm files the mode of the database file. Existing directories and
// files keep their modes. Transactions take the write
// lock when they begin (BEGIN IMMEDIATE), so concurrent writers, in this
// process or others sharing the file, wait for each other instead of
// failing. It does not migrate; call Migrate.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection: SQLite has a single writer anyway, and River's SQLite
	// driver recommends it to avoid SQLITE_BUSY between its own goroutines.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	s.Store = storeutil.Store{DB: s.shared(), Now: s.now}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// createPrivate creates the directory of path (mode 0700) and the empty
// database file (mode 0600) when they do not exist. The umask may only
// remove permissions, so the modes are at most these.
func createPrivate(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("sqlite: create the directory of %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	return nil
}

// SQLDB returns the database handle (River shares it).
func (s *Store) SQLDB() *sql.DB { return s.db }

// NewQueue returns a River client (riversqlite) over the store's handle.
func (s *Store) NewQueue(cfg *river.Config) (store.Queue, error) {
	q, err := storeutil.NewQueue(riversqlite.New(s.db), cfg)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return q, nil
}

// Dialect returns "sqlite".
func (s *Store) Dialect() string { return "sqlite" }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}
