package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fastsim/fastsim/scenario"
)

// FuzzRun decodes arbitrary documents and runs every one the scenario
// package accepts (Decode applies the defaults and Validate), on a short
// horizon: Run must then return a result whose counts add up. It fails when
// Run panics or returns an error other than the context's deadline or a
// run-time *LimitError, since the engine keeps no rule of its own. Seeded
// from testdata/*.yml, the examples and the scenario package's valid and
// AsyncFlow-format documents.
//
//	go test ./engine -run '^$' -fuzz FuzzRun -fuzztime 60s
func FuzzRun(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yml"))
	for _, dir := range []string{filepath.Join("..", "examples", "*.yml"), filepath.Join("..", "scenario", "testdata", "valid", "*"),
		filepath.Join("..", "scenario", "testdata", "asyncflow", "*.yml")} {
		more, _ := filepath.Glob(dir)
		seeds = append(seeds, more...)
	}
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
		events := sc.Events[:0]
		for _, ev := range sc.Events {
			if ev.Start.TStart < 20 {
				ev.End.TEnd = min(ev.End.TEnd, 20)
				events = append(events, ev)
			}
		}
		sc.Events = events
		cutProfile := func(w *scenario.Workload) {
			kept := w.Profile[:0]
			for _, pt := range w.Profile {
				if pt.T <= 20 {
					kept = append(kept, pt)
				}
			}
			w.Profile = kept
		}
		cutProfile(&sc.Workload)
		for i := range sc.MoreWorkloads {
			cutProfile(&sc.MoreWorkloads[i])
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("shortening the horizon made a valid scenario invalid: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r, err := Run(ctx, sc, Options{Seed: 1, Series: true})
		var limit *LimitError
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &limit) {
			return // a heavy but valid workload, stopped by time or a run-time limit
		}
		if err != nil {
			t.Fatalf("Run refused a scenario that Decode and Validate accepted: %v", err)
		}
		checkConservation(t, r)
	})
}
