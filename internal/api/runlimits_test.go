package api_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/scenario"
)

// readHostile returns a scenario of the repository's testdata/hostile.
func readHostile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name+".yml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// planLimited returns a bundle with one worker whose API and worker both
// apply plans.
func planLimited(t *testing.T, dialect string, plans quota.Plans) testBundle {
	t.Helper()
	b := setup(t, setupOpts{dialect: dialect, workers: 1, jobConfig: func(c *job.Config) {
		c.Plans = plans
		c.RunTimeout = 5 * time.Minute
	}})
	return withOptions(b, func(o *api.Options) { o.Plans = plans })
}

// TestRunLimitsFailRuns: a run that crosses its owner's plan's run-time
// limit fails with the engine's message as the run's error, on every
// database; an admin's run has the server's limits only.
func TestRunLimitsFailRuns(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml") // about 1,200 events
	overload := readHostile(t, "overload")
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := planLimited(t, dialect, quota.Plans{store.PlanFree: {MaxEvents: 1000}, store.PlanPro: {MaxInFlight: 500}})
			pro, err := b.auth.CreateUser(context.Background(), "pro-"+dialect+"@example.com", testPassword, store.RoleUser, store.PlanPro)
			if err != nil {
				t.Fatal(err)
			}
			proKey, _, err := b.auth.CreateAPIKey(context.Background(), pro, "test")
			if err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name string
				b    testBundle
				body []byte
				want []string
			}{
				{"events", b, small, []string{"the run reached its limit of 1,000 processed events at t = ", "the limit is that of the free plan"}},
				{"in flight", b.as(proKey), overload, []string{"the system is unstable: more than 500 requests in flight at t = ", "server srv-1 holds ", "the limit is that of the pro plan"}},
			}
			for i, tt := range tests {
				r := submit(t, tt.b, tt.body, int64(10+i), 1)
				wantStatus(t, r, http.StatusAccepted)
				run := waitFinal(t, tt.b, mustID(t, r), 30*time.Second)
				if run.Status != "failed" {
					t.Fatalf("%s: status %s, want failed", tt.name, run.Status)
				}
				for _, w := range tt.want {
					if !strings.Contains(run.Error, w) {
						t.Errorf("%s: error %q lacks %q", tt.name, run.Error, w)
					}
				}
			}
			_, adminKey := newAccount(t, b, store.RoleAdmin)
			r := submit(t, b.as(adminKey), small, 20, 1)
			wantStatus(t, r, http.StatusAccepted)
			if run := waitFinal(t, b.as(adminKey), mustID(t, r), 30*time.Second); run.Status != "succeeded" {
				t.Errorf("admin's run: status %s (%s), want succeeded", run.Status, run.Error)
			}
		})
	}
}

// TestHostileRunsService submits issue 8's hostile scenarios as a free-plan
// user to the API with one in-process worker, with the default plans, on
// every database: each is refused up front (422) or fails at the in-flight
// limit, and the process's peak RSS grows by less than the bound of one
// run (engine.MemoryBound with the free plan's limit, the worker keeps the
// series of replication 0). It prints the figures of docs/limits.md:
//
//	FASTSIM_SLOW_TESTS=1 go test -run TestHostileRunsService -v ./internal/api
func TestHostileRunsService(t *testing.T) {
	testenv.RequireMemoryCeiling(t) // about 10 s and 300 MB per database; not parallel, so the RSS is this test's
	plans := quota.DefaultPlans()
	free := plans[store.PlanFree]
	tests := []struct {
		name    string
		refused bool // by the event budget, with 422
	}{
		{"tiny_mean_users", false},
		{"overload", false},
		{"bypass_60s", true},
		{"stuck_io", false}, // the costliest request for memory
	}
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			b := planLimited(t, dialect, plans)
			for i, tt := range tests {
				body := readHostile(t, tt.name)
				sc, err := scenario.Decode(body, scenario.FormatYAML)
				if err != nil {
					t.Fatal(err)
				}
				runtime.GC()
				debug.FreeOSMemory()
				base := testenv.RSS(t)
				peak := testenv.PeakRSS(t)
				r := submit(t, b, body, int64(i+1), 1)
				if tt.refused {
					// The server's budget (200 M) or the plan's (50 M),
					// whichever refuses first.
					wantStatus(t, r, http.StatusUnprocessableEntity)
					if est := estimate(t, body, 1); est <= free.MaxEventBudget || !strings.Contains(string(r.body), "the run is estimated at ") {
						t.Errorf("%s: estimated at %d events; body %s", tt.name, est, r.body)
					}
					t.Logf("%s: refused: %s", tt.name, r.body)
					continue
				}
				wantStatus(t, r, http.StatusAccepted)
				run := waitFinal(t, b, mustID(t, r), 2*time.Minute)
				grown := peak() - base
				if run.Status != "failed" || !strings.Contains(run.Error, "the system is unstable: more than 2,000,000 requests in flight") {
					t.Errorf("%s: status %s (%s), want failed at 2,000,000 requests in flight", tt.name, run.Status, run.Error)
				}
				bound := engine.MemoryBound(sc, engine.Options{Series: true, MaxInFlight: free.MaxInFlight})
				t.Logf("%s: %s; peak RSS grew by %d MB, bound %d MB", tt.name, run.Error, grown>>20, bound>>20)
				testenv.CheckRSSGrowth(t, tt.name, grown, bound)
			}
		})
	}
}
