package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fastsim/fastsim/scenario"
)

// FuzzRun decodes arbitrary documents and runs every one the scenario
// package accepts, on a short horizon: Run must return a result or an
// error, never panic. Seeded from testdata/*.yml.
//
//	go test ./engine -run '^$' -fuzz FuzzRun -fuzztime 60s
func FuzzRun(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yml"))
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Decode(data, scenario.FormatAuto)
		if err != nil {
			return
		}
		// Keep each run short: a valid scenario may ask for hours of
		// heavy traffic.
		sc.Settings.TotalSimulationTime = min(sc.Settings.TotalSimulationTime, 20)
		for i := range sc.Events {
			sc.Events[i].End.TEnd = min(sc.Events[i].End.TEnd, 20)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r, err := Run(ctx, sc, Options{Seed: 1, Series: true})
		if err != nil {
			return
		}
		c := r.Counts
		if c.Generated != c.Completed+c.Dropped+c.Failed+c.InFlight {
			t.Errorf("counts do not add up: %+v", c)
		}
	})
}
