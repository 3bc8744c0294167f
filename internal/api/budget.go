package api

import (
	"math"

	"github.com/fastsim/fastsim/scenario"
)

// EstimateEvents estimates the number of simulation events of a run of sc
// with the given number of replications, before running it:
//
//	per replication = H·λ·(E + S + 2) + H/P + H/W + 2·K
//
// where H is the horizon (total_simulation_time, s), λ the expected arrival
// rate (mean active users × mean requests per minute per user / 60, per s),
// E the number of edges (an upper bound on the hops of one request), S the
// largest number of steps of any endpoint, 2 the arrival and completion of
// a request, P the sample period (one sampling event per period), W the
// user sampling window (one event per window) and K the number of injected
// events (a start and an end each). The estimate is deliberately an upper
// bound on the work of a request: it is the same for every run of the same
// scenario and cheap to compute.
func EstimateEvents(sc *scenario.Scenario, replications int) int64 {
	h := float64(sc.Settings.TotalSimulationTime)
	lambda := sc.Workload.AvgActiveUsers.Mean * sc.Workload.AvgRequestPerMinutePerUser.Mean / 60
	maxSteps := 0
	for _, srv := range sc.Topology.Nodes.Servers {
		for _, ep := range srv.Endpoints {
			maxSteps = max(maxSteps, len(ep.Steps))
		}
	}
	perRequest := float64(len(sc.Topology.Edges) + maxSteps + 2)
	n := h * lambda * perRequest
	if sc.Settings.SamplePeriodS > 0 {
		n += h / sc.Settings.SamplePeriodS
	}
	if sc.Workload.UserSamplingWindow > 0 {
		n += h / float64(sc.Workload.UserSamplingWindow)
	}
	n += 2 * float64(len(sc.Events))
	n *= float64(max(replications, 1))
	if n >= math.MaxInt64 || math.IsNaN(n) {
		return math.MaxInt64
	}
	return int64(math.Ceil(n))
}

// checkBudget returns an errBudget error saying by how much the run is
// over budget, or nil.
func checkBudget(sc *scenario.Scenario, replications int, budget int64) error {
	est := EstimateEvents(sc, replications)
	if est <= budget {
		return nil
	}
	over := est - budget
	return newFieldError(errBudget, "body",
		"the run is estimated at %d events (%d replication(s) of %d s at %.4g requests/s), over the budget of %d by %d events (%.0f%%); shorten sim_settings.total_simulation_time, lower the load or use fewer replications",
		est, replications, sc.Settings.TotalSimulationTime,
		sc.Workload.AvgActiveUsers.Mean*sc.Workload.AvgRequestPerMinutePerUser.Mean/60,
		budget, over, 100*float64(over)/float64(budget))
}
