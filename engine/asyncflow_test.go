package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// TestAsyncFlowFormat runs the repository's own AsyncFlow-format scenarios
// (scenario/testdata/asyncflow, which together use every construct of the
// format) in any clone, and checks the bookkeeping identities that hold
// for any run.
func TestAsyncFlowFormat(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "scenario", "testdata", "asyncflow", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no AsyncFlow-format scenarios in scenario/testdata/asyncflow")
	}
	runAsyncFlowFiles(t, files)
}

// TestAsyncFlowValid runs every valid AsyncFlow scenario of AsyncFlow's own
// collection, kept beside the repository: an extra check where it exists.
func TestAsyncFlowValid(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(repoRoot(t), "..", "shared", "asyncflow", "valid")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) == 0 {
		t.Logf("NOTE: AsyncFlow's own scenarios are absent: this extra check did NOT run; " +
			"TestAsyncFlowFormat still runs the repository's AsyncFlow-format files")
		t.Skipf("SKIPPED: no AsyncFlow scenarios in %s (expected beside the repository)", dir)
	}
	runAsyncFlowFiles(t, files)
}

// runAsyncFlowFiles decodes and runs each file in a subtest of its name.
func runAsyncFlowFiles(t *testing.T, files []string) {
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
				// The checks are identities that hold for any run, so a
				// shorter one (without the events it could no longer
				// hold) tests the same thing.
				sc.Settings.TotalSimulationTime = min(sc.Settings.TotalSimulationTime, 60)
				sc.Events = nil
			}
			r, err := Run(context.Background(), sc, Options{Seed: 1})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			checkConservation(t, r)
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
