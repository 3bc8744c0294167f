package api

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// refusalMetrics count the requests refused by a rate limit or a plan
// quota:
//
//   - fastsim_http_rate_limited_total{limit}: 429 answers of the rate
//     limits, by limit (ip, user, auth_ip, auth_email);
//   - fastsim_quota_refusals_total{limit}: runs refused by the user's
//     plan, by limit (replications and event_budget with 422,
//     concurrent_runs and runs_per_day with 429).
type refusalMetrics struct {
	rateLimited *prometheus.CounterVec
	quota       *prometheus.CounterVec
}

// The label values exported as zeros from the start.
var (
	rateLimitScopes = []string{"ip", "user", "key", "auth_ip", "auth_email"}
	quotaLimits     = []string{limitReplications, limitEventBudget, limitServers, limitEdges, limitConcurrentRuns, limitRunsPerDay}
)

// newRefusalMetrics returns the refusal counters, registered on reg when
// it is not nil. A registry that already holds them (a second handler on
// the same registry) shares its counters.
func newRefusalMetrics(reg prometheus.Registerer) (*refusalMetrics, error) {
	m := &refusalMetrics{
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fastsim_http_rate_limited_total",
			Help: "Requests refused with 429 by a rate limit, by limit (ip, user, auth_ip, auth_email).",
		}, []string{"limit"}),
		quota: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fastsim_quota_refusals_total",
			Help: "Runs refused by the user's plan, by limit (replications, event_budget: 422; concurrent_runs, runs_per_day: 429).",
		}, []string{"limit"}),
	}
	if reg != nil {
		for _, c := range []**prometheus.CounterVec{&m.rateLimited, &m.quota} {
			err := reg.Register(*c)
			var are prometheus.AlreadyRegisteredError
			switch {
			case errors.As(err, &are):
				existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
				if !ok {
					return nil, fmt.Errorf("api: register metrics: %w", err)
				}
				*c = existing
			case err != nil:
				return nil, fmt.Errorf("api: register metrics: %w", err)
			}
		}
	}
	for _, l := range rateLimitScopes {
		m.rateLimited.WithLabelValues(l)
	}
	for _, l := range quotaLimits {
		m.quota.WithLabelValues(l)
	}
	return m, nil
}

// rateLimitedBy counts one 429 of the rate limit scope.
func (m *refusalMetrics) rateLimitedBy(scope string) { m.rateLimited.WithLabelValues(scope).Inc() }

// quotaRefused counts p, a refusal by the plan limit p.Limit, and returns
// it.
func (m *refusalMetrics) quotaRefused(p *LimitProblem) *LimitProblem {
	m.quota.WithLabelValues(p.Limit).Inc()
	return p
}
