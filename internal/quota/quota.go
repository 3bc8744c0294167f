package quota

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// Plan is the set of limits of one plan. A zero field means "no limit of
// this kind" (the server-wide limits still apply).
type Plan struct {
	// MaxConcurrentRuns is the largest number of a user's runs that may be
	// queued or running at once; the run that would exceed it is refused
	// with 429.
	MaxConcurrentRuns int
	// MaxEventBudget is the largest estimated number of simulation events
	// of one run, all replications together; a larger run is refused with
	// 422.
	MaxEventBudget int64
	// MaxRunsPerDay is the largest number of runs a user may submit per
	// UTC day (cache hits included); the run that would exceed it is
	// refused with 429.
	MaxRunsPerDay int
	// MaxReplications is the largest number of replications of one run; a
	// run with more is refused with 422.
	MaxReplications int
	// MaxEvents is the largest number of events one replication of a run
	// processes (engine.Options.MaxEvents): enforced while it runs, a run
	// that reaches it fails with the engine's message. It bounds CPU time
	// whatever the estimate said.
	MaxEvents int64
	// MaxInFlight is the largest number of requests alive at once in one
	// replication (engine.Options.MaxInFlight): enforced while it runs, a
	// run that crosses it fails with the engine's message. It bounds
	// memory: engine.BytesPerInFlight bytes per request.
	MaxInFlight int64
	// MaxServers is the largest number of servers of a run's scenario,
	// every replica counted (scenario.InstanceCount); a run with more is
	// refused with 422. Every server adds three sampled
	// series and a row of dashboard panels, so it bounds what serving
	// the run's charts costs (docs/limits.md).
	MaxServers int
	// MaxEdges is the largest number of edges of a run's scenario; a run
	// with more is refused with 422. Every edge adds a sampled series and
	// a chart panel.
	MaxEdges int
	// MaxSeriesValues is the largest number of sampled values (all series
	// together) a run stores at full resolution; a run with more stores
	// its series downsampled to result.StoredSeriesPoints per series. The
	// full resolution is served only when asked for (GET
	// /api/v1/runs/{id}/series?resolution=full); charts always draw the
	// downsampled series.
	MaxSeriesValues int64
}

// Plans maps every plan to its limits.
type Plans map[store.Plan]Plan

// DefaultPlans returns the default limits (docs/limits.md has the table).
// Each plan's run-time event limit is twice its budget: a run accepted on
// its estimate (a bound on the expected events) is not stopped by chance,
// and one the estimate misjudged stops at twice the budget of CPU time.
func DefaultPlans() Plans {
	return Plans{
		store.PlanFree: {MaxConcurrentRuns: 2, MaxEventBudget: 50_000_000, MaxRunsPerDay: 100, MaxReplications: 10,
			MaxEvents: 100_000_000, MaxInFlight: 2_000_000, MaxServers: 20, MaxEdges: 60, MaxSeriesValues: 1_000_000},
		store.PlanExpert: {MaxConcurrentRuns: 5, MaxEventBudget: 100_000_000, MaxRunsPerDay: 500, MaxReplications: 30,
			MaxEvents: 200_000_000, MaxInFlight: 4_000_000, MaxServers: 50, MaxEdges: 150, MaxSeriesValues: 2_000_000},
		store.PlanPro: {MaxConcurrentRuns: 20, MaxEventBudget: 200_000_000, MaxRunsPerDay: 5_000, MaxReplications: 100,
			MaxEvents: 400_000_000, MaxInFlight: 8_000_000, MaxServers: 100, MaxEdges: 300, MaxSeriesValues: 5_000_000},
		store.PlanEnterprise: {MaxConcurrentRuns: 100, MaxEventBudget: 2_000_000_000, MaxRunsPerDay: 100_000, MaxReplications: 1_000,
			MaxEvents: 4_000_000_000, MaxInFlight: 10_000_000, MaxServers: 400, MaxEdges: 1_200, MaxSeriesValues: 20_000_000},
	}
}

// For returns the limits of plan p; an unknown plan gets the free plan's
// limits (the most restrictive), never "no limit".
func (ps Plans) For(p store.Plan) Plan {
	if l, ok := ps[p]; ok {
		return l
	}
	return ps[store.PlanFree]
}

// Keys of the textual form of a Plan, in order.
const (
	keyConcurrent   = "concurrent"
	keyBudget       = "budget"
	keyRunsPerDay   = "runs_per_day"
	keyReplications = "replications"
	keyEvents       = "events"
	keyInFlight     = "in_flight"
	keyServers      = "servers"
	keyEdges        = "edges"
	keySeriesValues = "series_values"
)

// String returns the plan in the form Parse reads, e.g.
// "concurrent=2,budget=50000000,runs_per_day=100,replications=10,events=100000000,in_flight=2000000,servers=20,edges=60,series_values=1000000".
func (p Plan) String() string {
	return fmt.Sprintf("%s=%d,%s=%d,%s=%d,%s=%d,%s=%d,%s=%d,%s=%d,%s=%d,%s=%d", keyConcurrent, p.MaxConcurrentRuns, keyBudget, p.MaxEventBudget,
		keyRunsPerDay, p.MaxRunsPerDay, keyReplications, p.MaxReplications, keyEvents, p.MaxEvents, keyInFlight, p.MaxInFlight,
		keyServers, p.MaxServers, keyEdges, p.MaxEdges, keySeriesValues, p.MaxSeriesValues)
}

// RunLimits returns the run-time limits of one replication of a run on
// plan p on a server whose own limits are maxEvents and maxInFlight: the
// smaller of the plan's and the server's, a zero meaning no limit of that
// side. The result is 0 (the engine's default) only when both are 0.
func (p Plan) RunLimits(maxEvents, maxInFlight int64) (events, inFlight int64) {
	return tighter(p.MaxEvents, maxEvents), tighter(p.MaxInFlight, maxInFlight)
}

// tighter returns the smaller of two limits where 0 means none.
func tighter(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// Parse reads comma-separated key=value pairs over base: the keys are
// concurrent, budget, runs_per_day, replications, events, in_flight,
// servers, edges and series_values; a key left out keeps base's value, and 0 means no limit. Every problem is reported at once.
func Parse(s string, base Plan) (Plan, error) {
	p := base
	var errs []string
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case !ok:
			errs = append(errs, fmt.Sprintf("%q is not key=value", part))
			continue
		case err != nil || n < 0:
			errs = append(errs, fmt.Sprintf("%s: %q is not a non-negative integer", k, v))
			continue
		}
		switch k {
		case keyConcurrent:
			p.MaxConcurrentRuns = int(min(n, 1<<31-1))
		case keyBudget:
			p.MaxEventBudget = n
		case keyRunsPerDay:
			p.MaxRunsPerDay = int(min(n, 1<<31-1))
		case keyReplications:
			p.MaxReplications = int(min(n, 1<<31-1))
		case keyEvents:
			p.MaxEvents = n
		case keyInFlight:
			p.MaxInFlight = n
		case keyServers:
			p.MaxServers = int(min(n, 1<<31-1))
		case keyEdges:
			p.MaxEdges = int(min(n, 1<<31-1))
		case keySeriesValues:
			p.MaxSeriesValues = n
		default:
			errs = append(errs, fmt.Sprintf("unknown key %q; use concurrent, budget, runs_per_day, replications, events, in_flight, servers, edges or series_values", k))
		}
	}
	if len(errs) > 0 {
		return Plan{}, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return p, nil
}

// DayStart returns the start of the UTC day of t: runs per day are counted
// from there.
func DayStart(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour)
}

// NextDay returns the start of the UTC day after t's, when the count of
// runs per day starts again.
func NextDay(t time.Time) time.Time {
	return DayStart(t).Add(24 * time.Hour)
}
