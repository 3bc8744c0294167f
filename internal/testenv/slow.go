package testenv

import (
	"os"
	"testing"
)

// SlowVar names the environment variable that turns on the slow tests
// (kill -9 of real binaries, long statistical runs, memory ceilings). CI
// sets it; the default `go test ./...` leaves them out to stay under two
// minutes on a 2-core machine.
const SlowVar = "FASTSIM_SLOW_TESTS"

// RequireSlow skips the test, before it does any work, unless
// FASTSIM_SLOW_TESTS=1. The skip message names the variable so that
// `go test -v` says how to run it. Skips are counted and reported by Main.
func RequireSlow(t testing.TB) {
	t.Helper()
	if os.Getenv(SlowVar) != "1" {
		skippedSlow.Add(1)
		t.Skip("slow test: set " + SlowVar + "=1 to run it (CI does)")
	}
}

// RequireMemoryCeiling is RequireSlow for a test whose point is a peak-RSS
// ceiling: it also skips under the race detector, whose shadow memory
// makes the figure meaningless. .ci/run runs these tests again in a step
// of its own without -race (the "memory ceilings" step lists them).
func RequireMemoryCeiling(t testing.TB) {
	t.Helper()
	RequireSlow(t)
	if Race {
		t.Skip("memory ceiling: not measured under the race detector; .ci/run runs it without -race")
	}
}
