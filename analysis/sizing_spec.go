package analysis

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim/scenario"
)

// SizingSpec is one sizing question, as `fastsim size` asks it and the
// service stores it: which search, of which server, against which SLA,
// with which seeds. Run answers it; the CLI and the service both call Run,
// so the same spec, scenario and seeds give the same answer.
type SizingSpec struct {
	// What is "cores" (SizeCores), "replicas" (SizeReplicas) or "load"
	// (Sweep).
	What string `json:"what"`
	// Server is the id of the server to size; see SizeCores and
	// SizeReplicas for when it may be empty. Not used by "load".
	Server string `json:"server,omitempty"`
	// SLA is the objective.
	SLA SLA `json:"sla"`
	// Seeds are the replication seeds of every candidate.
	Seeds []int64 `json:"seeds"`
	// Max is the largest number of cores or replicas tried; 0 means
	// DefaultMax.
	Max int `json:"max,omitempty"`
	// Conservative judges on the upper ends of the 95 % confidence
	// intervals.
	Conservative bool `json:"conservative,omitempty"`
	// Loads are the load multipliers of "load".
	Loads []float64 `json:"loads,omitempty"`
}

// SizingResult is the outcome of SizingSpec.Run: Size for "cores" and
// "replicas", Load for "load".
type SizingResult struct {
	// Size is the answer and evidence of a cores or replicas search.
	Size *SizeResult `json:"size,omitempty"`
	// Load is the degradation curve and knee of a load sweep.
	Load *SweepResult `json:"load,omitempty"`
}

// Run answers the spec on base with o.Run, up to o.Parallelism runs at a
// time; only those two fields of o are used. Its result and errors are
// those of SizeCores, SizeReplicas or Sweep: in particular, when the SLA
// is not met it returns the result with every candidate together with an
// *UnreachableError.
func (s SizingSpec) Run(ctx context.Context, base *scenario.Scenario, o Options) (*SizingResult, error) {
	opts := Options{Run: o.Run, Parallelism: o.Parallelism, Seeds: s.Seeds, Conservative: s.Conservative, Max: s.Max}
	switch s.What {
	case "cores", "replicas":
		size := SizeCores
		if s.What == "replicas" {
			size = SizeReplicas
		}
		res, err := size(ctx, base, s.Server, s.SLA, opts)
		if res == nil {
			return nil, err
		}
		return &SizingResult{Size: res}, err
	case "load":
		res, err := Sweep(ctx, base, s.Loads, s.SLA, opts)
		if res == nil {
			return nil, err
		}
		return &SizingResult{Load: res}, err
	}
	return nil, fmt.Errorf("analysis: sizing: what must be cores, replicas or load, got %q", s.What)
}
