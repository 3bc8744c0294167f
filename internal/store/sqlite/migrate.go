package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrate applies the pending application migrations (goose) and then
// River's (rivermigrate, riversqlite). SQLite has no advisory lock, so when
// several processes sharing the file migrate at once, the loser of a race
// fails its (rolled-back) migration transaction; Migrate then retries, and
// finds the migration applied by the winner.
func (s *Store) Migrate(ctx context.Context) error {
	var err error
	for attempt := 1; ; attempt++ {
		if err = s.migrateOnce(ctx); err == nil {
			return nil
		}
		if attempt == 5 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

func (s *Store) migrateOnce(ctx context.Context) error {
	p, err := s.goose()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate app schema: %w", err)
	}
	m, err := storeutil.RiverMigrator(riversqlite.New(s.db))
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("sqlite: migrate river schema: %w", err)
	}
	return nil
}

// MigrationStatus reports applied and pending migrations of both schemas.
func (s *Store) MigrationStatus(ctx context.Context) (store.MigrationStatus, error) {
	p, err := s.goose()
	if err != nil {
		return store.MigrationStatus{}, err
	}
	app, err := p.Status(ctx)
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("sqlite: app migration status: %w", err)
	}
	m, err := storeutil.RiverMigrator(riversqlite.New(s.db))
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("sqlite: %w", err)
	}
	river, err := storeutil.RiverStatus(ctx, m)
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("sqlite: river migration status: %w", err)
	}
	return store.MigrationStatus{App: storeutil.GooseStatus(app), River: river}, nil
}

func (s *Store) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, sub)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return p, nil
}
