package sqlite_test

import (
	"testing"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/storetest"
	"github.com/fastsim/fastsim/internal/testenv"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return testenv.SQLiteUnmigrated(t) })
}
