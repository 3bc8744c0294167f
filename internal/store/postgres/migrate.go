package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrate applies the pending application migrations (goose, under a
// session advisory lock, so concurrent processes serialise) and then
// River's.
func (s *Store) Migrate(ctx context.Context) error {
	// Hold a session advisory lock across both steps: rivermigrate has no
	// lock of its own, and an API and workers may start together.
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	lockID := s.lockID("fastsim-migrate:")
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
		return fmt.Errorf("postgres: migrate: take lock: %w", err)
	}
	defer func() {
		// A failed unlock is released with the session anyway.
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID)
	}()
	p, closeDB, err := s.goose()
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate app schema: %w", err)
	}
	m, err := storeutil.RiverMigrator(riverpgxv5.New(s.pool))
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("postgres: migrate river schema: %w", err)
	}
	return nil
}

// MigrationStatus reports applied and pending migrations of both schemas.
func (s *Store) MigrationStatus(ctx context.Context) (store.MigrationStatus, error) {
	p, closeDB, err := s.goose()
	if err != nil {
		return store.MigrationStatus{}, err
	}
	defer closeDB()
	app, err := p.Status(ctx)
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("postgres: app migration status: %w", err)
	}
	m, err := storeutil.RiverMigrator(riverpgxv5.New(s.pool))
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("postgres: %w", err)
	}
	river, err := storeutil.RiverStatus(ctx, m)
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("postgres: river migration status: %w", err)
	}
	return store.MigrationStatus{App: storeutil.GooseStatus(app), River: river}, nil
}

// goose returns a goose provider over the pool and a function closing its
// database/sql handle (which leaves the pool open).
func (s *Store) goose() (*goose.Provider, func(), error) {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	// One advisory lock per schema, so that tests migrating their own
	// schemas do not wait for each other.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(s.lockID("fastsim-goose:")), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p, func() { db.Close() }, nil
}

// lockID returns an advisory lock id for prefix and the store's schema.
func (s *Store) lockID(prefix string) int64 {
	h := fnv.New64a()
	h.Write([]byte(prefix + s.schema))
	return int64(h.Sum64() >> 1)
}
