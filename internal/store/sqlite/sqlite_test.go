package sqlite_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/sqlite"
	"github.com/fastsim/fastsim/internal/store/storetest"
	"github.com/fastsim/fastsim/internal/testenv"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return testenv.SQLiteUnmigrated(t) })
}

// TestConcurrentMigrate migrates one file from several stores at once, as
// an API and workers sharing the file and starting together do.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	path := testenv.SQLitePath(t)
	const n = 3
	stores := make([]store.Store, n)
	for i := range stores {
		st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	storetest.MigrateConcurrently(t, stores)
}

// TestOpenCreatesPrivateFiles opens a database in a missing directory
// and checks that the directories are 0700 and
// the database, -wal and -shm files are 0600 (SQLite copies the database
// file's mode to the other two).
func TestOpenCreatesPrivateFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "nested")
	path := filepath.Join(dir, "fastsim.db")
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// A write creates the -wal and -shm files.
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want fs.FileMode
	}{
		{filepath.Dir(dir), fs.ModeDir | 0o700},
		{dir, fs.ModeDir | 0o700},
		{path, 0o600},
		{path + "-wal", 0o600},
		{path + "-shm", 0o600},
	}
	for _, tc := range tests {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode(); got != tc.want {
			t.Errorf("%s: mode %v, want %v", tc.path, got, tc.want)
		}
	}
}
