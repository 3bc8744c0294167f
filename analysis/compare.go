package analysis

import (
	"github.com/fastsim/fastsim/scenario"
)

// RunRecord is one side of a comparison: a run's scenario and its result
// in the shape `fastsim run --json` writes and the API serves.
type RunRecord struct {
	// Scenario is the scenario that was run; nil when unknown (the
	// comparison then has no scenario diff).
	Scenario *scenario.Scenario
	// Result is the run's result: its Replications (each with its seed)
	// when there were several, else the single run (with its seed).
	Result *Replicated
}

// Comparison methods (Comparison.Method).
const (
	// MethodPaired: both sides ran the same seeds, and the differences are
	// taken replication by replication (common random numbers), with a
	// Student t interval on the paired differences.
	MethodPaired = "paired"
	// MethodWelch: the seeds differ, and the difference of the means has
	// Welch's interval (unequal variances).
	MethodWelch = "welch"
	// MethodNone: a side has a single replication, so no interval can be
	// computed; the differences are those of the two runs.
	MethodNone = "none"
)

// Comparison is the outcome of Compare: what changed between two runs'
// scenarios and how their main figures differ.
type Comparison struct {
	// Changes are the scenario differences from a to b (scenario.Diff);
	// nil when a scenario is missing or they are equal.
	Changes []scenario.Change `json:"changes"`
	// ScenariosCompared reports whether both scenarios were known.
	ScenariosCompared bool `json:"scenarios_compared"`
	// Method is MethodPaired, MethodWelch or MethodNone.
	Method string `json:"method"`
	// SeedsA and SeedsB are the replication seeds of each side.
	SeedsA []int64 `json:"seeds_a"`
	// SeedsB are b's replication seeds.
	SeedsB []int64 `json:"seeds_b"`
	// Figures are the differences of the main figures, in the order of
	// FigureNames then the servers' utilisations.
	Figures []FigureDiff `json:"figures"`
}

// FigureDiff is the difference of one figure between two runs.
type FigureDiff struct {
	// Name is the figure's name (FigureNames, "utilization.<id>").
	Name string `json:"name"`
	// A and B are the figure on each side across its replications.
	A Estimate `json:"a"`
	// B is the figure on b's side.
	B Estimate `json:"b"`
	// Diff is B − A, with the half-width of its 95 % interval by the
	// comparison's method (0 for MethodNone).
	Diff Estimate `json:"diff"`
	// UnpairedHalfWidth is, for a paired comparison, the half-width
	// Welch's interval would have had on the same data: how much common
	// random numbers tightened the interval. 0 otherwise.
	UnpairedHalfWidth float64 `json:"unpaired_half_width,omitempty"`
	// Significant reports whether the interval of Diff excludes 0.
	Significant bool `json:"significant"`
}

// Compare compares run b with run a: the scenario diff (when both
// scenarios are known) and, for every main figure, B − A with a 95 %
// confidence interval, paired when both ran the same seeds (matched by
// seed) and Welch's otherwise.
func Compare(a, b RunRecord) *Comparison {
	return &Comparison{}
}
