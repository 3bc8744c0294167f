package postgres_test

import (
	"testing"

	"github.com/fastsim/fastsim/internal/store"
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
