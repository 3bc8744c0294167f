package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/scenario"
)

// The names of the limits in LimitProblem.Limit.
const (
	limitReplications   = "replications"
	limitEventBudget    = "event_budget"
	limitServers        = "servers"
	limitEdges          = "edges"
	limitConcurrentRuns = store.LimitConcurrentRuns
	limitRunsPerDay     = store.LimitRunsPerDay
)

// concurrencyRetryAfter is the Retry-After of a run refused for the
// concurrency quota: when a slot frees up is unknown, and runs of the
// default size take seconds.
const concurrencyRetryAfter = 10 * time.Second

// LimitProblem is the problem+json body of a request refused by a plan
// quota (422 for the size of a run, 429 for counts) or by a rate limit
// (429). It names the limit and the current usage.
type LimitProblem struct {
	huma.ErrorModel
	// Limit names the limit: replications, event_budget, servers, edges,
	// concurrent_runs, runs_per_day, render_concurrency, or rate:<scope>
	// for a rate limit.
	Limit string `json:"limit" example:"concurrent_runs"`
	// Max is the limit's value.
	Max int64 `json:"max" example:"2"`
	// Current is the usage: the requested size for replications and
	// event_budget, the count before this request for the others.
	Current int64 `json:"current" example:"2"`
	// Plan is the user's plan, for quotas.
	Plan string `json:"plan,omitempty" example:"free"`
	// RetryAfterS repeats the Retry-After header of a 429 or 503, in
	// seconds.
	RetryAfterS int `json:"retry_after_s,omitempty" example:"10"`
}

// GetHeaders returns Retry-After for a 429 or 503, so that huma sets it.
func (p *LimitProblem) GetHeaders() http.Header {
	if p.RetryAfterS <= 0 {
		return nil
	}
	return http.Header{"Retry-After": []string{strconv.Itoa(p.RetryAfterS)}}
}

func newLimitProblem(status int, limit string, maxV, current int64, plan string, retryAfter time.Duration, format string, args ...any) *LimitProblem {
	p := &LimitProblem{
		ErrorModel: huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: fmt.Sprintf(format, args...)},
		Limit:      limit, Max: maxV, Current: current, Plan: plan,
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		p.RetryAfterS = max(int((retryAfter+time.Second-1)/time.Second), 1)
	}
	return p
}

// planLimits returns the quota of the request's user and true, or false
// when quotas are off (no Plans) or the user is an admin (admins run the
// service; the server-wide Limits still apply to them).
func (s *server) planLimits(ctx context.Context) (store.User, quota.Plan, bool) {
	u, ok := auth.UserFrom(ctx)
	if !ok || s.Plans == nil || u.Role == store.RoleAdmin {
		return store.User{}, quota.Plan{}, false
	}
	return u, s.Plans.For(u.Plan), true
}

// checkPlanSize refuses, with 422, a run larger than the user's plan
// allows: more replications, a larger estimated event budget, or more
// servers or edges (which bound the run's stored series and what serving
// its charts costs).
func (s *server) checkPlanSize(ctx context.Context, sc *scenario.Scenario, reps int) error {
	u, p, ok := s.planLimits(ctx)
	if !ok {
		return nil
	}
	if p.MaxReplications > 0 && reps > p.MaxReplications {
		return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitReplications, int64(p.MaxReplications), int64(reps), string(u.Plan), 0,
			"%d replications is over the %s plan's limit of %d; use fewer replications or a larger plan", reps, u.Plan, p.MaxReplications))
	}
	if n := sc.InstanceCount(); p.MaxServers > 0 && n > p.MaxServers {
		return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitServers, int64(p.MaxServers), int64(n), string(u.Plan), 0,
			"the scenario has %d servers (topology_graph.nodes.servers, each replica counted), over the %s plan's limit of %d; simulate fewer servers or replicas or use a larger plan", n, u.Plan, p.MaxServers))
	}
	if n := len(sc.Topology.Edges); p.MaxEdges > 0 && n > p.MaxEdges {
		return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitEdges, int64(p.MaxEdges), int64(n), string(u.Plan), 0,
			"the scenario has %d edges (topology_graph.edges), over the %s plan's limit of %d; simulate fewer edges or use a larger plan", n, u.Plan, p.MaxEdges))
	}
	if p.MaxEventBudget > 0 {
		if est := EstimateEvents(sc, reps); est > p.MaxEventBudget {
			return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitEventBudget, p.MaxEventBudget, est, string(u.Plan), 0,
				"the run is estimated at %d events, over the %s plan's budget of %d events per run; shorten sim_settings.total_simulation_time, lower the load, use fewer replications or a larger plan",
				est, u.Plan, p.MaxEventBudget))
		}
	}
	return nil
}

// runQuota returns the count quotas the store checks when it inserts the
// user's run, or nil when quotas are off for the request.
func (s *server) runQuota(ctx context.Context) *store.RunQuota {
	_, p, ok := s.planLimits(ctx)
	if !ok || (p.MaxConcurrentRuns == 0 && p.MaxRunsPerDay == 0) {
		return nil
	}
	return &store.RunQuota{MaxActive: p.MaxConcurrentRuns, MaxPerDay: p.MaxRunsPerDay, Since: quota.DayStart(s.Now())}
}

// quotaProblem translates the store's *QuotaError into a 429 with
// Retry-After: the next UTC day for runs per day, a few seconds for
// concurrent runs. Other errors are returned unchanged.
func (s *server) quotaProblem(ctx context.Context, err error) error {
	var qe *store.QuotaError
	if !errors.As(err, &qe) {
		return err
	}
	u, _ := auth.UserFrom(ctx)
	switch qe.Limit {
	case limitRunsPerDay:
		now := s.Now()
		if qe.Requested > 1 {
			return s.refusals.quotaRefused(newLimitProblem(http.StatusTooManyRequests, qe.Limit, int64(qe.Max), int64(qe.Current), string(u.Plan), quota.NextDay(now).Sub(now),
				"the study needs %d candidate runs and %d of the %s plan's %d runs per day are used today (UTC); try again tomorrow, study fewer candidates or replications, or use a larger plan",
				qe.Requested, qe.Current, u.Plan, qe.Max))
		}
		return s.refusals.quotaRefused(newLimitProblem(http.StatusTooManyRequests, qe.Limit, int64(qe.Max), int64(qe.Current), string(u.Plan), quota.NextDay(now).Sub(now),
			"%d runs submitted today (UTC), the %s plan's limit per day; try again tomorrow or use a larger plan", qe.Current, u.Plan))
	default:
		return s.refusals.quotaRefused(newLimitProblem(http.StatusTooManyRequests, qe.Limit, int64(qe.Max), int64(qe.Current), string(u.Plan), concurrencyRetryAfter,
			"%d runs or studies queued or running, the %s plan's limit of concurrent runs; wait for one to finish, cancel one, or use a larger plan", qe.Current, u.Plan))
	}
}
