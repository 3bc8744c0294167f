package analysis

// Sweeps over scenario paths (issue 12): one or two parameters, each a
// path into the scenario (scenario.SetPath) over a list of values, every
// combination run with the same seeds. The load sweep of sweep.go (Sweep,
// SweepResult) is the older, load-only form; a SweepSpec reaches it with
// the pseudo-path LoadParam.

import (
	"context"
	"errors"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// LoadParam is the pseudo-path of a sweep parameter whose values are load
// multipliers (ScaleLoad), as in Sweep: `load=0.5,1,2`.
const LoadParam = "load"

// Bounds of a sweep, so that a study stays a bounded amount of work.
const (
	// MaxSweepParams is the most parameters of a sweep.
	MaxSweepParams = 2
	// MaxSweepValues is the most values of one parameter.
	MaxSweepValues = 100
	// MaxSweepCandidates is the most combinations of a sweep.
	MaxSweepCandidates = 400
)

// Param is one swept parameter: a path (scenario.SetPath syntax, or
// LoadParam) and the values it takes, in the order given.
type Param struct {
	// Path addresses the value in the scenario.
	Path string `json:"path"`
	// Values are the values, at least one, finite and distinct.
	Values []float64 `json:"values"`
}

// ParseParam parses `PATH=v1,v2,…` (a list), `PATH=from..to:step` (from,
// from+step, … up to to) or `PATH=from..to/count` (count values evenly
// spaced from from to to, both included), as `fastsim sweep --set` takes
// it. It checks the syntax and the values, not the path (Candidates does,
// against a scenario).
func ParseParam(s string) (Param, error) {
	return Param{}, errors.New("analysis: ParseParam: not implemented yet")
}

// RangeValues returns the values of a range from..to: with step > 0,
// from, from+step, … while at most to (within 1e-9 of a step, so that
// 0.1..0.3:0.1 ends at 0.3); with count ≥ 2 (and step 0), count values
// evenly spaced with both ends included. Exactly one of step and count
// must be given.
func RangeValues(from, to, step float64, count int) ([]float64, error) {
	return nil, errors.New("analysis: RangeValues: not implemented yet")
}

// SweepSpec is a sweep: its parameters and how every candidate is run and
// judged. It holds everything that decides the outcome, so the service
// can store it and any process can run or summarise it.
type SweepSpec struct {
	// Params are the swept parameters, one or two (MaxSweepParams).
	Params []Param `json:"params"`
	// Seeds are the seeds of the replications of every candidate, at least
	// one; the same for all (common random numbers).
	Seeds []int64 `json:"seeds"`
	// SLA, when set, judges every candidate as SizeCores does and is drawn
	// on the charts; nil for a plain sweep.
	SLA *SLA `json:"sla,omitempty"`
	// Conservative judges the SLA on the upper ends of the 95 %
	// confidence intervals instead of the means.
	Conservative bool `json:"conservative,omitempty"`
}

// Validate checks the spec on its own (not against a scenario): the
// number of parameters and values, distinct paths and values, seeds, the
// SLA.
func (s SweepSpec) Validate() error {
	return errors.New("analysis: SweepSpec.Validate: not implemented yet")
}

// Candidate is one combination of a sweep: the values of the parameters,
// in the order of SweepSpec.Params, and the scenario with them set.
type Candidate struct {
	// Index is the candidate's place in the order of Candidates.
	Index int `json:"index"`
	// Values are the parameters' values, one per parameter.
	Values []float64 `json:"values"`
	// Scenario is the base scenario with the values set; valid.
	Scenario *scenario.Scenario `json:"-"`
}

// Candidates returns every combination of the spec's parameters applied
// to a clone of base, in row-major order (the last parameter varies
// fastest: with two parameters of n and m values, candidate i·m + j has
// the first's value i and the second's value j), each validated. It
// returns the first error naming the parameter and value at fault: an
// invalid spec, an unknown path or wrong type (scenario.SetPath's
// errors), or a value the validator rejects. base is not modified.
func (s SweepSpec) Candidates(base *scenario.Scenario) ([]Candidate, error) {
	return nil, errors.New("analysis: SweepSpec.Candidates: not implemented yet")
}

// SweepPoint is the outcome of one candidate of a sweep.
type SweepPoint struct {
	// Index is the candidate's index (Candidate.Index).
	Index int `json:"index"`
	// Values are the parameters' values.
	Values []float64 `json:"values"`
	// RateRPS is the candidate's mean arrival rate (ArrivalRate).
	RateRPS float64 `json:"rate_rps"`
	// Figures are the main figures across the replications.
	Figures Figures `json:"figures"`
	// SLALatency is the SLA percentile of latency across the
	// replications; nil without an SLA.
	SLALatency *Estimate `json:"sla_latency,omitempty"`
	// Pass reports whether the candidate meets the SLA; nil without one.
	Pass *bool `json:"pass,omitempty"`
	// Reason says why it fails; empty when it passes.
	Reason string `json:"reason,omitempty"`
}

// SweepStudy is the outcome of a sweep: the spec and one point per
// candidate, in the order of Candidates.
type SweepStudy struct {
	// Spec is the sweep that was run.
	Spec SweepSpec `json:"spec"`
	// Points are the candidates' outcomes.
	Points []SweepPoint `json:"points"`
}

// RunSweep runs every candidate of spec on base, once per seed of
// spec.Seeds, with o.Run, up to o.Parallelism runs at a time over all
// candidates, and summarises them (SummarizeSweep). Only o.Run and
// o.Parallelism are used: the spec's seeds, SLA and Conservative take the
// place of the options'. The first failed run cancels the others and is
// returned naming the candidate. A failing SLA is not an error: it shows
// in each point's Pass.
func RunSweep(ctx context.Context, base *scenario.Scenario, spec SweepSpec, o Options) (*SweepStudy, error) {
	return nil, errors.New("analysis: RunSweep: not implemented yet")
}

// SummarizeSweep is the pure aggregation step of RunSweep: given the
// candidates (from spec.Candidates) and results[i][k], the result of
// candidate i with seed spec.Seeds[k], it computes every point's figures
// and verdict. It returns an error when the shapes do not match or a
// result is missing. The service runs the candidates as jobs and calls it
// once all are done.
func SummarizeSweep(spec SweepSpec, cands []Candidate, results [][]*result.Result) (*SweepStudy, error) {
	return nil, errors.New("analysis: SummarizeSweep: not implemented yet")
}
