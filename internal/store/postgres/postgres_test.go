package postgres_test

import (
	"context"
	"testing"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/postgres"
	"github.com/fastsim/fastsim/internal/store/storetest"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestConformance runs the store suite on PostgreSQL, one schema per test.
// It is skipped when FASTSIM_TEST_DATABASE_URL is unset and fails when the
// server it names is unreachable.
func TestConformance(t *testing.T) {
	t.Parallel()
	testenv.RequirePostgres(t)
	storetest.Run(t, func(t *testing.T) store.Store { return testenv.PostgresUnmigrated(t) })
}

// TestConcurrentMigrate migrates one schema from several processes' worth
// of stores at once, as an API and workers starting together do.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	u := testenv.RequirePostgres(t)
	schema := testenv.Schema(t, u)
	const n = 4
	stores := make([]store.Store, n)
	for i := range stores {
		st, err := postgres.Open(context.Background(), u, postgres.Options{Schema: schema, MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	storetest.MigrateConcurrently(t, stores)
}
