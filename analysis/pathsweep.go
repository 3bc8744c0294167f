package analysis

// Sweeps over scenario paths (issue 12): one or two parameters, each a
// path into the scenario (scenario.SetPath) over a list of values, every
// combination run with the same seeds. The load sweep of sweep.go (Sweep,
// SweepResult) is the older, load-only form; a SweepSpec reaches it with
// the pseudo-path LoadParam.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	eq := assignment(s)
	if eq < 0 {
		return Param{}, fmt.Errorf("analysis: sweep parameter %q has no =; write PATH=v1,v2,… or PATH=from..to:step", s)
	}
	p := Param{Path: strings.TrimSpace(s[:eq])}
	spec := strings.TrimSpace(s[eq+1:])
	if p.Path == "" {
		return Param{}, fmt.Errorf("analysis: sweep parameter %q has no path before =", s)
	}
	if spec == "" {
		return Param{}, fmt.Errorf("analysis: sweep parameter %s has no values after =; write %s=v1,v2,…", p.Path, p.Path)
	}
	if from, rest, ok := strings.Cut(spec, ".."); ok {
		var step float64
		var count int
		to, stepText, byStep := strings.Cut(rest, ":")
		if !byStep {
			var countText string
			var byCount bool
			to, countText, byCount = strings.Cut(rest, "/")
			if !byCount {
				return Param{}, fmt.Errorf("analysis: sweep parameter %s: range %q needs a step or a count: %s..%s:STEP or %s..%s/COUNT", p.Path, spec, from, rest, from, rest)
			}
			n, err := strconv.Atoi(strings.TrimSpace(countText))
			if err != nil {
				return Param{}, fmt.Errorf("analysis: sweep parameter %s: count %q is not a whole number", p.Path, countText)
			}
			count = n
		} else {
			v, err := parseNumber(stepText)
			if err != nil {
				return Param{}, fmt.Errorf("analysis: sweep parameter %s: step %w", p.Path, err)
			}
			step = v
		}
		a, err := parseNumber(from)
		if err != nil {
			return Param{}, fmt.Errorf("analysis: sweep parameter %s: range start %w", p.Path, err)
		}
		b, err := parseNumber(to)
		if err != nil {
			return Param{}, fmt.Errorf("analysis: sweep parameter %s: range end %w", p.Path, err)
		}
		vs, err := RangeValues(a, b, step, count)
		if err != nil {
			return Param{}, fmt.Errorf("analysis: sweep parameter %s: %w", p.Path, err)
		}
		p.Values = vs
	} else {
		for _, f := range strings.Split(spec, ",") {
			v, err := parseNumber(f)
			if err != nil {
				return Param{}, fmt.Errorf("analysis: sweep parameter %s: value %w", p.Path, err)
			}
			p.Values = append(p.Values, v)
		}
	}
	if err := p.validate(); err != nil {
		return Param{}, err
	}
	return p, nil
}

// assignment returns the index of the = that ends a parameter's path: the
// first outside brackets (a selector [id=api] has its own), or -1.
func assignment(s string) int {
	depth := 0
	for i, c := range s {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '=':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// parseNumber parses a finite number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a finite number", strings.TrimSpace(s))
	}
	return v, nil
}

// validate checks a parameter on its own.
func (p Param) validate() error {
	if strings.TrimSpace(p.Path) == "" {
		return errors.New("analysis: a sweep parameter has an empty path")
	}
	if len(p.Values) == 0 {
		return fmt.Errorf("analysis: sweep parameter %s has no values", p.Path)
	}
	if len(p.Values) > MaxSweepValues {
		return fmt.Errorf("analysis: sweep parameter %s has %d values, more than %d; use a coarser step", p.Path, len(p.Values), MaxSweepValues)
	}
	for i, v := range p.Values {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("analysis: sweep parameter %s: value %v is not a finite number", p.Path, v)
		}
		if p.Path == LoadParam && !(v > 0) {
			return fmt.Errorf("analysis: sweep parameter load: multiplier %v must be > 0", v)
		}
		if slices.Contains(p.Values[:i], v) {
			return fmt.Errorf("analysis: sweep parameter %s: value %v is given twice", p.Path, v)
		}
	}
	return nil
}

// RangeValues returns the values of a range from..to: with step > 0,
// from, from+step, … while at most to (within 1e-9 of a step, so that
// 0.1..0.3:0.1 ends at 0.3); with count ≥ 2 (and step 0), count values
// evenly spaced with both ends included. Exactly one of step and count
// must be given.
func RangeValues(from, to, step float64, count int) ([]float64, error) {
	for _, x := range []float64{from, to, step} {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("range %v..%v: %v is not a finite number", from, to, x)
		}
	}
	if !(to > from) {
		return nil, fmt.Errorf("range %v..%v: the end must be above the start", from, to)
	}
	var n int
	switch {
	case step > 0 && count == 0:
		k := (to - from) / step
		if k+1 > MaxSweepValues {
			return nil, fmt.Errorf("range %v..%v:%v has more than %d values; use a larger step", from, to, step, MaxSweepValues)
		}
		n = int(math.Floor(k+1e-9)) + 1
	case step == 0 && count >= 2:
		if count > MaxSweepValues {
			return nil, fmt.Errorf("range %v..%v/%d: at most %d values", from, to, count, MaxSweepValues)
		}
		n, step = count, (to-from)/float64(count-1)
	default:
		return nil, fmt.Errorf("range %v..%v needs either a step > 0 (from..to:step) or a count >= 2 (from..to/count), got step %v and count %d", from, to, step, count)
	}
	out := make([]float64, n)
	for k := range out {
		out[k] = roundDecimal(from + float64(k)*step)
	}
	if count >= 2 {
		out[n-1] = to
	}
	return out, nil
}

// roundDecimal rounds x to 12 significant digits, so that 0.1 + 2·0.1 is
// 0.3 and not 0.30000000000000004.
func roundDecimal(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
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
	switch n := len(s.Params); {
	case n == 0:
		return errors.New("analysis: a sweep needs at least one parameter")
	case n > MaxSweepParams:
		return fmt.Errorf("analysis: a sweep has at most %d parameters, got %d", MaxSweepParams, n)
	}
	total := 1
	for i, p := range s.Params {
		if err := p.validate(); err != nil {
			return err
		}
		for _, q := range s.Params[:i] {
			if q.Path == p.Path {
				return fmt.Errorf("analysis: sweep parameter %s is given twice; give all its values in one parameter", p.Path)
			}
		}
		total *= len(p.Values)
	}
	if total > MaxSweepCandidates {
		return fmt.Errorf("analysis: the sweep has %d combinations, more than %d; use fewer values", total, MaxSweepCandidates)
	}
	if len(s.Seeds) == 0 {
		return errors.New("analysis: a sweep needs at least one seed (one per replication)")
	}
	if s.SLA != nil {
		if err := s.SLA.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// size returns the number of combinations.
func (s SweepSpec) size() int {
	n := 1
	for _, p := range s.Params {
		n *= len(p.Values)
	}
	return n
}

// describe formats the values of a candidate, "path=v, path=v".
func (s SweepSpec) describe(values []float64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = s.Params[i].Path + "=" + trimFloat(v)
	}
	return strings.Join(parts, ", ")
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
	if err := s.Validate(); err != nil {
		return nil, err
	}
	n := s.size()
	out := make([]Candidate, n)
	for i := range out {
		values := make([]float64, len(s.Params))
		rest := i
		for k := len(s.Params) - 1; k >= 0; k-- {
			m := len(s.Params[k].Values)
			values[k] = s.Params[k].Values[rest%m]
			rest /= m
		}
		sc, err := s.apply(base, values)
		if err != nil {
			return nil, err
		}
		out[i] = Candidate{Index: i, Values: values, Scenario: sc}
	}
	return out, nil
}

// apply returns a clone of base with the parameters set to values: the
// paths first, then the load multiplier (which scales whatever they set).
func (s SweepSpec) apply(base *scenario.Scenario, values []float64) (*scenario.Scenario, error) {
	sc := base.Clone()
	var settings []scenario.Setting
	load := 1.0
	for i, p := range s.Params {
		if p.Path == LoadParam {
			load = values[i]
			continue
		}
		settings = append(settings, scenario.Setting{Path: p.Path, Value: values[i]})
	}
	if err := scenario.SetPaths(sc, settings...); err != nil {
		// A path's own error names the path and the value; the
		// validator's names the field at fault, so say which candidate.
		var ve *scenario.ValidationError
		if errors.As(err, &ve) && slices.ContainsFunc(settings, func(st scenario.Setting) bool { return st.Path == ve.Errors[0].Path }) {
			return nil, fmt.Errorf("analysis: sweep parameter %w", err)
		}
		return nil, fmt.Errorf("analysis: sweep candidate %s: %w", s.describe(values), err)
	}
	if load != 1 {
		sc = ScaleLoad(sc, load)
		if err := sc.Validate(); err != nil {
			return nil, fmt.Errorf("analysis: sweep candidate %s: %w", s.describe(values), err)
		}
	}
	return sc, nil
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
	if o.Run == nil {
		return nil, errors.New("analysis: Options.Run is nil; pass a function that runs fastsim.Run")
	}
	cands, err := spec.Candidates(base)
	if err != nil {
		return nil, err
	}
	par := o.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	results, err := runGrid(ctx, o.Run, par, cands, spec)
	if err != nil {
		return nil, err
	}
	return SummarizeSweep(spec, cands, results)
}

// runGrid runs every candidate once per seed, up to par runs at a time,
// and returns results[i][k] for candidate i and seed k. The first error
// cancels the other runs.
func runGrid(ctx context.Context, run RunFunc, par int, cands []Candidate, spec SweepSpec) ([][]*result.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]*result.Result, len(cands))
	errs := make([]error, len(cands)*len(spec.Seeds))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, c := range cands {
		results[i] = make([]*result.Result, len(spec.Seeds))
		for k, seed := range spec.Seeds {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				e := &errs[i*len(spec.Seeds)+k]
				if ctx.Err() != nil {
					*e = ctx.Err()
					return
				}
				r, err := run(ctx, c.Scenario, seed)
				if err == nil && r == nil {
					err = errors.New("the run function returned no result and no error")
				}
				if err != nil {
					*e = fmt.Errorf("analysis: sweep candidate %s, seed %d: %w", spec.describe(c.Values), seed, err)
					cancel()
					return
				}
				results[i][k] = r
			})
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("analysis: sweep cancelled: %w", err)
	}
	return results, nil
}

// SummarizeSweep is the pure aggregation step of RunSweep: given the
// candidates (from spec.Candidates) and results[i][k], the result of
// candidate i with seed spec.Seeds[k], it computes every point's figures
// and verdict. It returns an error when the shapes do not match or a
// result is missing. The service runs the candidates as jobs and calls it
// once all are done.
func SummarizeSweep(spec SweepSpec, cands []Candidate, results [][]*result.Result) (*SweepStudy, error) {
	if len(results) != len(cands) {
		return nil, fmt.Errorf("analysis: summarizing a sweep: %d candidates but results for %d", len(cands), len(results))
	}
	study := &SweepStudy{Spec: spec, Points: make([]SweepPoint, len(cands))}
	for i, c := range cands {
		rs := results[i]
		if len(rs) != len(spec.Seeds) {
			return nil, fmt.Errorf("analysis: summarizing a sweep: candidate %d has %d results for %d seeds", i, len(rs), len(spec.Seeds))
		}
		if k := slices.Index(rs, nil); k >= 0 {
			return nil, fmt.Errorf("analysis: summarizing a sweep: candidate %d (%s) has no result for seed %d", i, spec.describe(c.Values), spec.Seeds[k])
		}
		pt := SweepPoint{Index: c.Index, Values: slices.Clone(c.Values), Figures: FiguresOf(rs)}
		if c.Scenario != nil {
			pt.RateRPS = ArrivalRate(c.Scenario)
		}
		if spec.SLA != nil {
			xs := make([]float64, len(rs))
			for k, r := range rs {
				q, ok := quantile(r, spec.SLA.Percentile)
				if !ok {
					return nil, fmt.Errorf("analysis: the result of candidate %d, seed %d has no latency sketch, needed for the percentile %v; use 0.5, 0.9, 0.95, 0.99 or 0.999", i, spec.Seeds[k], spec.SLA.Percentile)
				}
				xs[k] = q
			}
			lat := Estimate95(xs)
			pass, reason := judgeSLA(*spec.SLA, spec.Conservative, lat, pt.Figures.CompletedRatio, pt.Figures.ErrorRatio, rs)
			pt.SLALatency, pt.Pass, pt.Reason = &lat, &pass, reason
		}
		study.Points[i] = pt
	}
	return study, nil
}
