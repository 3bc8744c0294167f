package sqlite_test

import (
	"context"
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
