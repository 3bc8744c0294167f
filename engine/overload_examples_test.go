package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/result"
)

// TestOverloadExamples runs the overload examples and checks that each
// shows what its comment says (seed 42 and seed 7: the behaviour is not
// one seed's luck).
func TestOverloadExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, r *result.Result)
	}{
		// A retry storm that outlives its 30 s trigger (t = 60 to 90 s):
		// after it nothing completes, every request times out after
		// several attempts, and the api wastes its core.
		{"retry_storm.yml", func(t *testing.T, r *result.Result) {
			c := r.Counts
			if perReq := float64(c.Attempts) / float64(c.Generated); perReq < 2.5 {
				t.Errorf("%.2f attempts per request, want a storm (> 2.5)", perReq)
			}
			if late := sumFrom(r.Outcomes.Completed, 100); late != 0 {
				t.Errorf("%v requests completed after t = 100 s, want none: the storm must not recover", late)
			}
			if w := r.Servers["api"].WastedS; w < 60 {
				t.Errorf("servers.api.wasted_s = %v, want over 60 core-seconds", w)
			}
		}},
		// The same incident with jittered backoff and a breaker: it
		// opens during the slowdown, closes after it, and requests
		// complete at the full rate again from t = 100 s.
		{"retry_storm_mitigated.yml", func(t *testing.T, r *result.Result) {
			if r.Client == nil || r.Client.CircuitBreaker == nil {
				t.Fatal("client.circuit_breaker is missing")
			}
			b := r.Client.CircuitBreaker
			if b.Opened < 1 || len(b.Timeline) == 0 || b.Timeline[len(b.Timeline)-1].State != "closed" {
				t.Fatalf("breaker opened %d times, timeline %v: want it opened and closed at the end", b.Opened, b.Timeline)
			}
			if first := b.Timeline[0]; first.T < 60 || first.T > 70 {
				t.Errorf("breaker first opened at %v, want during the slowdown's first 10 s", first.T)
			}
			if r.Counts.Rejected == 0 {
				t.Error("no request rejected: the breaker shed nothing")
			}
			if rate := sumFrom(r.Outcomes.Completed, 100) / 80; rate < 95 {
				t.Errorf("%.1f requests/s completed after t = 100 s, want the offered 100/s", rate)
			}
		}},
		// A rate-limited API under a 5× spike: rejections only around the
		// spike (t = 60 to 110 s), about 400 admitted per second at its
		// height, and the admitted requests keep a low latency.
		{"rate_limited_api.yml", func(t *testing.T, r *result.Result) {
			o := r.Outcomes
			if before, after := sumTo(o.Rejected, 60), sumFrom(o.Rejected, 111); before != 0 || after != 0 {
				t.Errorf("%v rejected before t = 60 s and %v after 111 s, want none", before, after)
			}
			if spike := sumFrom(o.Rejected, 70) - sumFrom(o.Rejected, 100); spike < 8000 {
				t.Errorf("%v rejected during the 30 s at 5×, want about 350/s", spike)
			}
			if admitted := (sumFrom(o.Completed, 72) - sumFrom(o.Completed, 98)) / 26; admitted < 380 || admitted > 420 {
				t.Errorf("%.0f requests/s completed at the spike's height, want the limit, 400", admitted)
			}
			if p99 := r.Latency.P99; p99 > 0.2 {
				t.Errorf("latency p99 = %v s, want the admitted requests' normal latency (< 0.2 s)", p99)
			}
		}},
	}
	for _, tc := range tests {
		for _, seed := range []int64{42, 7} {
			t.Run(fmt.Sprintf("%s/seed%d", tc.file, seed), func(t *testing.T) {
				t.Parallel()
				sc := loadScenario(t, filepath.Join(repoRoot(t), "examples", tc.file))
				r := runOverload(t, sc, seed)
				if r.Outcomes == nil {
					t.Fatal("no outcomes series")
				}
				tc.check(t, r)
			})
		}
	}
}

// TestOverloadExamplesRecovery checks the `recovery` key (spec §14) on the
// two retry-storm examples, seeds 42 and 7: without mitigation the storm
// never recovers (recovered_after_s null after a baseline was measured, a
// possible metastable failure); with jittered backoff and a breaker it
// recovers within 30 s of the slowdown's end (14 s on seeds 1–6 and 42).
func TestOverloadExamplesRecovery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file      string
		recovered bool
	}{
		{"retry_storm.yml", false},
		{"retry_storm_mitigated.yml", true},
	} {
		for _, seed := range []int64{42, 7} {
			t.Run(fmt.Sprintf("%s/seed%d", tc.file, seed), func(t *testing.T) {
				t.Parallel()
				r := runOverload(t, loadScenario(t, filepath.Join(repoRoot(t), "examples", tc.file)), seed)
				rec, ok := r.Recovery["slow-db"]
				if !ok || rec.BaselineP95 == nil {
					t.Fatalf("recovery.slow-db = %+v (present %v), want a baseline", rec, ok)
				}
				switch {
				case !tc.recovered && rec.RecoveredAfterS != nil:
					t.Errorf("recovery.slow-db.recovered_after_s = %v, want null (never recovered)", *rec.RecoveredAfterS)
				case tc.recovered && (rec.RecoveredAfterS == nil || *rec.RecoveredAfterS > 30):
					t.Errorf("recovery.slow-db = %+v, want recovered within 30 s", rec)
				}
			})
		}
	}
}

// sumFrom returns the sum of a per-second series from second from on.
func sumFrom(s []float64, from int) float64 {
	var n float64
	for i := from; i < len(s); i++ {
		n += s[i]
	}
	return n
}

// sumTo returns the sum of a per-second series before second to.
func sumTo(s []float64, to int) float64 {
	var n float64
	for i := 0; i < to && i < len(s); i++ {
		n += s[i]
	}
	return n
}

// TestRetryStormAllocations: as checkAllocationsDoNotGrow, on the
// benchmark's retry storm with every mechanism of spec §12 on, over 100 s
// and 400 s (both after the slowdown, which ends at 90 s): attempts,
// deadlines, backoffs, breakers' windows and rate limiters reuse their
// slabs, rings and buckets, so allocations do not grow with the run.
func TestRetryStormAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not measured under the race detector (its runtime allocates); the default go test checks them")
	}
	allocs := func(horizon int) float64 {
		sc := retryStormAllOn(t, horizon)
		return testing.AllocsPerRun(1, func() {
			if _, err := Run(context.Background(), sc, Options{Seed: 1}); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := allocs(100), allocs(400)
	t.Logf("allocations per run: %v at 100 s, %v at 400 s", short, long)
	if long > short+10 {
		t.Errorf("allocations grow with the run: %v at 100 s, %v at 400 s", short, long)
	}
}
