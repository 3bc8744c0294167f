package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// TestAsyncFlowValid runs every valid AsyncFlow scenario and checks the
// bookkeeping identities that hold for any run.
func TestAsyncFlowValid(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(repoRoot(t), "..", "shared", "asyncflow", "valid")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) == 0 {
		t.Skipf("no AsyncFlow scenarios in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data, scenario.FormatAuto)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if testing.Short() {
				sc.Settings.TotalSimulationTime = min(sc.Settings.TotalSimulationTime, 60)
				sc.Events = nil
			}
			r, err := Run(context.Background(), sc, Options{Seed: 1})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			c := r.Counts
			if c.Generated == 0 || c.Completed == 0 {
				t.Fatalf("nothing happened: %+v", c)
			}
			if c.Generated != c.Completed+c.Dropped+c.Failed+c.InFlight || c.InFlight < 0 {
				t.Errorf("counts do not add up: %+v", c)
			}
			var served, dropped int64
			for _, s := range r.Servers {
				served += s.Requests
				if s.Utilization < 0 || s.Utilization > 1 {
					t.Errorf("utilisation %v out of [0, 1]", s.Utilization)
				}
			}
			for _, e := range r.Edges {
				dropped += e.Dropped
			}
			if dropped != c.Dropped {
				t.Errorf("edge drops add up to %d, counts.dropped = %d", dropped, c.Dropped)
			}
			if served < c.Completed {
				t.Errorf("servers served %d < completed %d", served, c.Completed)
			}
			t.Logf("%+v latency mean %.4f p99 %.4f", c, r.Latency.Mean, r.Latency.P99)
		})
	}
}
