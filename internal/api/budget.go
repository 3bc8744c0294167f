package api

import (
	"math"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/scenario"
)

// EstimateEvents returns the events of a run of sc with the given number
// of replications, as the event budget counts them: engine.Estimate's
// Events (a bound on the expected events of one replication, documented
// there) times the replications, saturating at math.MaxInt64. A scenario
// the engine cannot compile counts as math.MaxInt64, so that it is refused.
func EstimateEvents(sc *scenario.Scenario, replications int) int64 {
	c, err := engine.Estimate(sc)
	if err != nil {
		return math.MaxInt64
	}
	reps := int64(max(replications, 1))
	if c.Events > math.MaxInt64/reps {
		return math.MaxInt64
	}
	return c.Events * reps
}

// checkBudget returns an errBudget error saying by how much the run is
// over budget, or nil.
func checkBudget(sc *scenario.Scenario, replications int, budget int64) error {
	est := EstimateEvents(sc, replications)
	if est <= budget {
		return nil
	}
	over := est - budget
	rate := 0.0
	if c, err := engine.Estimate(sc); err == nil {
		rate = float64(c.Requests) / float64(sc.Settings.TotalSimulationTime)
	}
	return newFieldError(errBudget, "body",
		"the run is estimated at %d events (%d replication(s) of %d s at %.4g requests/s), over the budget of %d by %d events (%.0f%%); shorten sim_settings.total_simulation_time, lower the load or use fewer replications",
		est, replications, sc.Settings.TotalSimulationTime, rate,
		budget, over, 100*float64(over)/float64(budget))
}
