package analysis

import (
	"maps"
	"math"
	"slices"

	"github.com/fastsim/fastsim/result"
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
//
// Paired: d_k = b_k − a_k for each seed k, and the interval is
// Estimate95 of the d_k (Student t with n − 1 degrees of freedom). Common
// random numbers make a_k and b_k positively correlated, so the d_k vary
// far less than either side: the interval is much narrower than Welch's
// on the same data, which UnpairedHalfWidth reports. Welch: the
// difference of the means, with standard error √(s_a²/n_a + s_b²/n_b) and
// the Welch–Satterthwaite degrees of freedom rounded down (conservative).
// Figures that are zero in every replication on both sides (outcome
// shares of scenarios without those outcomes) are left out.
func Compare(a, b RunRecord) *Comparison {
	c := &Comparison{}
	if a.Scenario != nil && b.Scenario != nil {
		c.ScenariosCompared = true
		c.Changes = scenario.Diff(a.Scenario, b.Scenario)
	}
	ra, rb := replicationsOf(a.Result), replicationsOf(b.Result)
	c.SeedsA, c.SeedsB = seedsOf(ra), seedsOf(rb)
	pairs := pairBySeed(ra, rb)
	switch {
	case len(ra) < 2 || len(rb) < 2:
		c.Method = MethodNone
	case pairs != nil:
		c.Method = MethodPaired
	default:
		c.Method = MethodWelch
	}
	names := slices.Clone(FigureNames)
	servers := map[string]bool{}
	for _, r := range append(slices.Clone(ra), rb...) {
		for id := range r.Servers {
			servers[id] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(servers)) {
		names = append(names, "utilization."+id)
	}
	for _, name := range names {
		of, _ := figureOf(name)
		xa, xb := valuesOf(ra, of), valuesOf(rb, of)
		if allZero(xa) && allZero(xb) && optionalFigure(name) {
			continue
		}
		d := FigureDiff{Name: name, A: Estimate95(xa), B: Estimate95(xb)}
		d.Diff.Mean = d.B.Mean - d.A.Mean
		switch c.Method {
		case MethodPaired:
			ds := make([]float64, len(pairs))
			for k, p := range pairs {
				ds[k] = of(p[1]) - of(p[0])
			}
			d.Diff = Estimate95(ds)
			d.UnpairedHalfWidth = welchHalfWidth(xa, xb)
		case MethodWelch:
			d.Diff.HalfWidth = welchHalfWidth(xa, xb)
		}
		d.Significant = d.Diff.HalfWidth > 0 && math.Abs(d.Diff.Mean) > d.Diff.HalfWidth
		c.Figures = append(c.Figures, d)
	}
	return c
}

// replicationsOf returns a run's replications, or the run itself when it
// had one; nil for a nil result.
func replicationsOf(r *Replicated) []*result.Result {
	if r == nil {
		return nil
	}
	if len(r.Replications) == 0 {
		return []*result.Result{&r.Result}
	}
	out := make([]*result.Result, len(r.Replications))
	for i := range r.Replications {
		out[i] = &r.Replications[i]
	}
	return out
}

// seedsOf returns the seeds of the results.
func seedsOf(rs []*result.Result) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.Seed
	}
	return out
}

// pairBySeed returns the pairs (a, b) of results with the same seed, in
// a's order, when both sides have at least two replications and the
// same set of distinct seeds; nil otherwise.
func pairBySeed(ra, rb []*result.Result) [][2]*result.Result {
	if len(ra) < 2 || len(ra) != len(rb) {
		return nil
	}
	bySeed := map[int64]*result.Result{}
	for _, r := range rb {
		bySeed[r.Seed] = r
	}
	if len(bySeed) != len(rb) {
		return nil
	}
	pairs := make([][2]*result.Result, 0, len(ra))
	seen := map[int64]bool{}
	for _, r := range ra {
		other, ok := bySeed[r.Seed]
		if !ok || seen[r.Seed] {
			return nil
		}
		seen[r.Seed] = true
		pairs = append(pairs, [2]*result.Result{r, other})
	}
	return pairs
}

// valuesOf reads one figure from every result.
func valuesOf(rs []*result.Result, of func(*result.Result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = of(r)
	}
	return out
}

// allZero reports whether every x is 0.
func allZero(xs []float64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

// optionalFigure reports whether a figure is an outcome share that most
// scenarios never have.
func optionalFigure(name string) bool {
	switch name {
	case "error_ratio", "failed_ratio", "rejected_ratio", "timed_out_ratio", "dropped_ratio":
		return true
	}
	return false
}

// welchHalfWidth is the half-width of Welch's 95 % interval of
// mean(xb) − mean(xa): t(0.975, ν)·√(s_a²/n_a + s_b²/n_b), with ν the
// Welch–Satterthwaite degrees of freedom rounded down. It is 0 when a
// side has fewer than two values or both have no spread.
func welchHalfWidth(xa, xb []float64) float64 {
	na, nb := float64(len(xa)), float64(len(xb))
	if na < 2 || nb < 2 {
		return 0
	}
	va, vb := sampleVariance(xa)/na, sampleVariance(xb)/nb
	se2 := va + vb
	if se2 == 0 {
		return 0
	}
	dof := se2 * se2 / (va*va/(na-1) + vb*vb/(nb-1))
	return TCritical95(max(1, int(math.Floor(dof+1e-9)))) * math.Sqrt(se2)
}

// sampleVariance is the variance of xs with divisor n − 1.
func sampleVariance(xs []float64) float64 {
	var m result.Moments
	for _, x := range xs {
		m.Add(x)
	}
	return m.M2 / float64(len(xs)-1)
}
