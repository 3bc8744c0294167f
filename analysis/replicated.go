package analysis

import "github.com/fastsim/fastsim/result"

// Replicated is the result of a run in the one shape shared by the CLI
// (`fastsim run --json`) and the API (`GET /api/v1/runs/{id}/result`): the
// result of the run — for several replications their merge (result.Merge)
// — and, only when there are several replications, each replication's
// result and the estimates of the main figures across them. docs/result.md
// documents every field.
type Replicated struct {
	result.Result
	// Replications holds each replication's result, in replication order,
	// without its sampled series; absent for a single run.
	Replications []result.Result `json:"replications,omitempty" doc:"Per-replication results, in replication order, without their sampled series (several replications only)."`
	// Statistics holds the mean and 95 % confidence half-width of the main
	// figures across the replications; absent for a single run.
	Statistics *Summary `json:"statistics,omitempty" doc:"Mean and 95% confidence half-width of the main figures across replications (several replications only)."`
}

// NewReplicated returns the Replicated form of merged, the merge of the
// replications rs (or the single run's result when len(rs) < 2, in which
// case rs is ignored). It copies the results and does not modify them.
func NewReplicated(merged *result.Result, rs []*result.Result) *Replicated {
	out := &Replicated{Result: *merged}
	if len(rs) < 2 {
		return out
	}
	out.Replications = make([]result.Result, len(rs))
	for i, r := range rs {
		out.Replications[i] = *r
		out.Replications[i].Series = nil
	}
	s := Summarize(rs)
	out.Statistics = &s
	return out
}
