package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/store"
)

// counters returns the values of the counter vector name by label "limit".
func counters(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "limit" {
					out[lp.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}

// TestRefusalMetrics checks that one refused request increments the
// counter of its limit, and nothing else: accepted requests do not count.
func TestRefusalMetrics(t *testing.T) {
	t.Parallel()
	small := readFile(t, "small.yml")
	base := setup(t, setupOpts{})
	zeroRate := map[string]float64{"ip": 0, "user": 0, "key": 0, "auth_ip": 0, "auth_email": 0}
	zeroQuota := map[string]float64{"replications": 0, "event_budget": 0, "servers": 0, "edges": 0, "concurrent_runs": 0, "runs_per_day": 0}
	with := func(m map[string]float64, k string) map[string]float64 {
		c := map[string]float64{}
		for l, v := range m {
			c[l] = v
		}
		c[k] = 1
		return c
	}
	tests := []struct {
		name      string
		opts      func(*api.Options)
		requests  func(t *testing.T, b testBundle) response // the last one is refused
		wantCode  int
		wantRate  map[string]float64
		wantQuota map[string]float64
	}{
		{
			name: "RateLimitUser",
			opts: func(o *api.Options) {
				o.RateLimits = api.RateLimits{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}), PerUser: ratelimit.Limit{N: 1, Per: time.Hour}}
			},
			requests: func(t *testing.T, b testBundle) response {
				wantStatus(t, b.do(t, "GET", "/api/v1/runs", "", nil), http.StatusOK)
				return b.do(t, "GET", "/api/v1/runs", "", nil)
			},
			wantCode: http.StatusTooManyRequests, wantRate: with(zeroRate, "user"), wantQuota: zeroQuota,
		},
		{
			name: "RateLimitIP",
			opts: func(o *api.Options) {
				o.RateLimits = api.RateLimits{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}), PerIP: ratelimit.Limit{N: 1, Per: time.Hour}}
			},
			requests: func(t *testing.T, b testBundle) response {
				wantStatus(t, doFrom(t, b.as(""), "192.0.2.7:1", "", "GET", "/api/v1/runs", nil), http.StatusUnauthorized)
				return doFrom(t, b.as(""), "192.0.2.7:2", "", "GET", "/api/v1/runs", nil)
			},
			wantCode: http.StatusTooManyRequests, wantRate: with(zeroRate, "ip"), wantQuota: zeroQuota,
		},
		{
			name: "QuotaReplications",
			opts: func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxReplications: 1}} },
			requests: func(t *testing.T, b testBundle) response {
				wantStatus(t, submit(t, b, small, 1, 1), http.StatusAccepted)
				return submit(t, b, small, 2, 2)
			},
			wantCode: http.StatusUnprocessableEntity, wantRate: zeroRate, wantQuota: with(zeroQuota, "replications"),
		},
		{
			name: "QuotaConcurrentRuns",
			opts: func(o *api.Options) { o.Plans = quota.Plans{store.PlanFree: {MaxConcurrentRuns: 1}} },
			requests: func(t *testing.T, b testBundle) response {
				wantStatus(t, submit(t, b, small, 1, 1), http.StatusAccepted)
				return submit(t, b, small, 2, 1)
			},
			wantCode: http.StatusTooManyRequests, wantRate: zeroRate, wantQuota: with(zeroQuota, "concurrent_runs"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg := prometheus.NewRegistry()
			_, key := newAccount(t, base, store.RoleUser) // a fresh user: fresh quotas
			b := withOptions(base.as(key), func(o *api.Options) {
				tc.opts(o)
				o.Registerer = reg
			})
			wantStatus(t, tc.requests(t, b), tc.wantCode)
			if diff := cmp.Diff(tc.wantRate, counters(t, reg, "fastsim_http_rate_limited_total")); diff != "" {
				t.Errorf("fastsim_http_rate_limited_total (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantQuota, counters(t, reg, "fastsim_quota_refusals_total")); diff != "" {
				t.Errorf("fastsim_quota_refusals_total (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefusalMetricsSharedRegistry checks that two handlers on one
// registry (two api.New calls) share the counters instead of failing.
func TestRefusalMetricsSharedRegistry(t *testing.T) {
	t.Parallel()
	base := setup(t, setupOpts{})
	reg := prometheus.NewRegistry()
	opts := func(o *api.Options) {
		o.Registerer = reg
		o.RateLimits = api.RateLimits{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}), PerIP: ratelimit.Limit{N: 1, Per: time.Hour}}
	}
	for range 2 {
		b := withOptions(base, opts)
		doFrom(t, b, "192.0.2.8:1", "", "GET", "/api/v1/runs", nil)
		wantStatus(t, doFrom(t, b, "192.0.2.8:1", "", "GET", "/api/v1/runs", nil), http.StatusTooManyRequests)
	}
	if got := counters(t, reg, "fastsim_http_rate_limited_total")["ip"]; got != 2 {
		t.Errorf(`fastsim_http_rate_limited_total{limit="ip"} = %v, want 2`, got)
	}
}
