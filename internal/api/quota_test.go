package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/scenario"
)

// withOptions returns b serving a second handler over the same store, job
// client and authenticator, built with the options edit sets.
func withOptions(b testBundle, edit func(*api.Options)) testBundle {
	o := api.Options{Store: b.store, Jobs: b.jobs, Cache: b.cache, Auth: b.auth, PollInterval: 20 * time.Millisecond}
	edit(&o)
	b.handler = api.New(o)
	return b
}

// limitBody is the body of a quota or rate-limit refusal.
type limitBody struct {
	Status      int    `json:"status"`
	Limit       string `json:"limit"`
	Max         int64  `json:"max"`
	Current     int64  `json:"current"`
	Plan        string `json:"plan,omitempty"`
	RetryAfterS int    `json:"retry_after_s,omitempty"`
}

// wantLimit checks a refusal: status, problem+json, the body naming the
// limit and usage, and Retry-After equal to retry_after_s on a 429.
func wantLimit(t *testing.T, r response, want limitBody) {
	t.Helper()
	if r.status != want.Status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, want.Status, r.body)
	}
	problemOf(t, r)
	var got limitBody
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if want.RetryAfterS < 0 { // any positive value
		want.RetryAfterS = got.RetryAfterS
		if got.RetryAfterS < 1 {
			t.Errorf("retry_after_s = %d, want at least 1", got.RetryAfterS)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("limit body (-want +got):\n%s\nbody: %s", diff, r.body)
	}
	if want.Status == http.StatusTooManyRequests {
		if ra := r.header.Get("Retry-After"); ra != strconv.Itoa(got.RetryAfterS) {
			t.Errorf("Retry-After = %q, want %d", ra, got.RetryAfterS)
		}
	}
}

func estimate(t *testing.T, yaml []byte, reps int) int64 {
	t.Helper()
	sc, err := scenario.Decode(yaml, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	return api.EstimateEvents(sc, reps)
}

// submit posts the small scenario with a seed (distinct seeds: no cache
// hits) and replications.
func submit(t *testing.T, b testBundle, small []byte, seed int64, reps int) response {
	t.Helper()
	return b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(small), "seed": seed, "replications": reps})
}

// TestQuotaSize checks the size limits: the largest run the plan allows is
// accepted, the next size up is refused with 422.
func TestQuotaSize(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml")
	free := quota.Plan{MaxReplications: 3, MaxEventBudget: estimate(t, small, 2)}
	b := withOptions(setup(t, setupOpts{}), func(o *api.Options) {
		o.Plans = quota.Plans{store.PlanFree: free}
	})
	t.Run("Replications", func(t *testing.T) {
		t.Parallel()
		b := withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxReplications: 3}} })
		wantStatus(t, submit(t, b, small, 1, 3), http.StatusAccepted)
		wantLimit(t, submit(t, b, small, 2, 4), limitBody{Status: 422, Limit: "replications", Max: 3, Current: 4, Plan: "free"})
	})
	t.Run("EventBudget", func(t *testing.T) {
		t.Parallel()
		wantStatus(t, submit(t, b, small, 3, 2), http.StatusAccepted)
		wantLimit(t, submit(t, b, small, 4, 3), limitBody{Status: 422, Limit: "event_budget", Max: free.MaxEventBudget, Current: estimate(t, small, 3), Plan: "free"})
	})
	// Servers and edges: lb_two_servers.yml has 2 servers and 6 edges.
	two, err := os.ReadFile(filepath.Join("..", "..", "examples", "lb_two_servers.yml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Servers", func(t *testing.T) {
		t.Parallel()
		b := withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxServers: 2}} })
		wantStatus(t, submit(t, b, two, 8, 1), http.StatusAccepted)
		b = withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxServers: 1}} })
		r := submit(t, b, two, 9, 1)
		wantLimit(t, r, limitBody{Status: 422, Limit: "servers", Max: 1, Current: 2, Plan: "free"})
		if p := problemOf(t, r); !strings.Contains(p.Detail, "topology_graph.nodes.servers") {
			t.Errorf("detail %q does not name the field", p.Detail)
		}
	})
	t.Run("ServersCountReplicas", func(t *testing.T) {
		t.Parallel()
		three, err := os.ReadFile(filepath.Join("..", "..", "examples", "three_tier.yml"))
		if err != nil {
			t.Fatal(err)
		}
		// 4 servers, one with replicas: 3: 6 instances.
		b := withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxServers: 5}} })
		wantLimit(t, submit(t, b, three, 12, 1), limitBody{Status: 422, Limit: "servers", Max: 5, Current: 6, Plan: "free"})
	})
	t.Run("Edges", func(t *testing.T) {
		t.Parallel()
		b := withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxEdges: 6}} })
		wantStatus(t, submit(t, b, two, 10, 1), http.StatusAccepted)
		b = withOptions(b, func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxEdges: 5}} })
		wantLimit(t, submit(t, b, two, 11, 1), limitBody{Status: 422, Limit: "edges", Max: 5, Current: 6, Plan: "free"})
	})
	t.Run("AdminExempt", func(t *testing.T) {
		t.Parallel()
		_, key := newAccount(t, b, store.RoleAdmin)
		wantStatus(t, submit(t, b.as(key), small, 5, 4), http.StatusAccepted)
	})
	t.Run("PlanChangeAppliesAtOnce", func(t *testing.T) {
		t.Parallel()
		u, key := newAccount(t, b, store.RoleUser)
		_, adminKey := newAccount(t, b, store.RoleAdmin)
		b := withOptions(b, func(o *api.Options) {
			o.Plans = quota.Plans{store.PlanFree: {MaxReplications: 3}, store.PlanPro: {MaxReplications: 10}}
		})
		wantLimit(t, submit(t, b.as(key), small, 6, 5), limitBody{Status: 422, Limit: "replications", Max: 3, Current: 5, Plan: "free"})
		wantStatus(t, b.as(adminKey).doJSON(t, "PATCH", "/api/v1/admin/users/"+u.ID, map[string]any{"plan": "pro"}), http.StatusOK)
		wantStatus(t, submit(t, b.as(key), small, 6, 5), http.StatusAccepted)
		wantLimit(t, submit(t, b.as(key), small, 7, 11), limitBody{Status: 422, Limit: "replications", Max: 10, Current: 11, Plan: "pro"})
	})
}

// TestQuotaConcurrentRuns: with no worker runs stay queued; the plan's
// limit of 2 accepts two and refuses the third with 429, and a cancelled
// run frees its slot.
func TestQuotaConcurrentRuns(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml")
	b := withOptions(setup(t, setupOpts{}), func(o *api.Options) {
		o.Plans = quota.Plans{store.PlanFree: {MaxConcurrentRuns: 2}}
	})
	first := mustID(t, submit(t, b, small, 1, 1))
	wantStatus(t, submit(t, b, small, 2, 1), http.StatusAccepted)
	wantLimit(t, submit(t, b, small, 3, 1), limitBody{Status: 429, Limit: "concurrent_runs", Max: 2, Current: 2, Plan: "free", RetryAfterS: 10})
	// Another user is not affected.
	_, other := newAccount(t, b, store.RoleUser)
	wantStatus(t, submit(t, b.as(other), small, 3, 1), http.StatusAccepted)
	wantStatus(t, b.do(t, "POST", runPath(first, "/cancel"), "", nil), http.StatusOK)
	wantStatus(t, submit(t, b, small, 3, 1), http.StatusAccepted)
	wantLimit(t, submit(t, b, small, 4, 1), limitBody{Status: 429, Limit: "concurrent_runs", Max: 2, Current: 2, Plan: "free", RetryAfterS: 10})
}

// TestQuotaRunsPerDay: 3 runs per UTC day; the 4th is refused with 429 and
// Retry-After until midnight UTC; the next day counts from zero.
func TestQuotaRunsPerDay(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml")
	var offset atomic.Int64 // the API's clock runs ahead of the store's by this
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	b := withOptions(setup(t, setupOpts{}), func(o *api.Options) {
		o.Plans = quota.Plans{store.PlanFree: {MaxRunsPerDay: 3}}
		o.Now = now
	})
	for seed := range int64(3) {
		wantStatus(t, submit(t, b, small, seed, 1), http.StatusAccepted)
	}
	before := time.Now()
	r := submit(t, b, small, 3, 1)
	after := time.Now()
	wantLimit(t, r, limitBody{Status: 429, Limit: "runs_per_day", Max: 3, Current: 3, Plan: "free", RetryAfterS: -1})
	var got limitBody
	_ = json.Unmarshal(r.body, &got)
	// Retry-After is the time to the next UTC midnight, rounded up.
	lo, hi := int(quota.NextDay(after).Sub(after)/time.Second), int(quota.NextDay(before).Sub(before)/time.Second)+1
	if got.RetryAfterS < lo || got.RetryAfterS > hi {
		t.Errorf("retry_after_s = %d, want the seconds to midnight UTC, %d..%d", got.RetryAfterS, lo, hi)
	}
	offset.Store(int64(24 * time.Hour))
	wantStatus(t, submit(t, b, small, 3, 1), http.StatusAccepted)
}

// TestQuotaConcurrentSubmissions races many submissions of one user: no
// more than the concurrency quota are accepted, on every database.
func TestQuotaConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml")
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			const n, limit = 12, 3
			b := withOptions(setup(t, setupOpts{dialect: dialect}), func(o *api.Options) {
				o.Plans = quota.Plans{store.PlanFree: {MaxConcurrentRuns: limit}}
			})
			statuses := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { statuses[i] = submit(t, b, small, int64(100+i), 1).status })
			}
			wg.Wait()
			count := map[int]int{}
			for _, s := range statuses {
				count[s]++
			}
			if diff := cmp.Diff(map[int]int{http.StatusAccepted: limit, http.StatusTooManyRequests: n - limit}, count); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			runs, err := b.store.ListRuns(context.Background(), b.actor(), store.ListRunsParams{})
			if err != nil {
				t.Fatal(err)
			}
			if len(runs.Items) != limit {
				t.Errorf("%d runs stored, want %d", len(runs.Items), limit)
			}
		})
	}
}
