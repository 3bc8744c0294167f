package fastsim_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/scenario"
)

// TestHostileScenarios runs issue 8's hostile scenarios (testdata/hostile)
// through the library with the free plan's run-time limits: each stops
// with the in-flight limit's error, and the peak RSS the run adds to the
// process stays under engine.MemoryBound (docs/limits.md). It prints the
// figures of docs/limits.md:
//
//	FASTSIM_SLOW_TESTS=1 go test -run TestHostileScenarios -v .
func TestHostileScenarios(t *testing.T) {
	testenv.RequireMemoryCeiling(t) // about 10 s of CPU and 300 MB
	free := quota.DefaultPlans()[store.PlanFree]
	for _, name := range []string{"tiny_mean_users", "overload", "bypass_60s", "stuck_io"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "hostile", name+".yml"))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data, scenario.FormatYAML)
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			debug.FreeOSMemory()
			base := testenv.RSS(t)
			peak := testenv.PeakRSS(t)
			_, err = fastsim.Run(context.Background(), sc, fastsim.WithSeries(),
				fastsim.WithMaxEvents(free.MaxEvents), fastsim.WithMaxInFlight(free.MaxInFlight))
			grown := peak() - base
			var le *engine.LimitError
			if !errors.As(err, &le) || le.Limit != engine.LimitInFlight || le.Value != free.MaxInFlight {
				t.Fatalf("err = %v, want the in-flight limit of %d", err, free.MaxInFlight)
			}
			if !strings.Contains(err.Error(), "server srv-1 holds ") {
				t.Errorf("message %q does not name the loaded server", err)
			}
			bound := engine.MemoryBound(sc, engine.Options{Series: true, MaxInFlight: free.MaxInFlight})
			t.Logf("stopped at t = %.1f s after %d events; peak RSS grew by %d MB (%.0f bytes per request in flight), bound %d MB",
				le.SimTime, le.Events, grown>>20, float64(grown)/float64(free.MaxInFlight), bound>>20)
			testenv.CheckRSSGrowth(t, "hostile run", grown, bound)
		})
	}
}
