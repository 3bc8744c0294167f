package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/fastsim/fastsim/scenario"
)

// SweepResult is the degradation curve of a scenario under increasing
// load: one evaluation per load level and the knee, the highest load that
// still meets the SLA.
type SweepResult struct {
	// SLA is the objective the levels are judged against.
	SLA SLA `json:"sla"`
	// Seeds are the replication seeds every level was run with.
	Seeds []int64 `json:"seeds"`
	// Conservative reports whether levels were judged on the upper end of
	// the 95 % confidence interval of the percentile.
	Conservative bool `json:"conservative"`
	// BaseRateRPS is the mean arrival rate of the scenario as given
	// (multiplier 1).
	BaseRateRPS float64 `json:"base_rate_rps"`
	// Levels are the evaluations by increasing multiplier; Value is the
	// multiplier and RateRPS the arrival rate.
	Levels []Evaluation `json:"levels"`
	// Knee is the highest multiplier that meets the SLA with every lower
	// level meeting it too; 0 when the lowest level already fails.
	Knee float64 `json:"knee"`
	// KneeRateRPS is the arrival rate at the knee; 0 with Knee.
	KneeRateRPS float64 `json:"knee_rate_rps"`
	// Warnings report levels that pass above a failing level (the curve is
	// not monotone, usually noise near the SLA boundary).
	Warnings []string `json:"warnings,omitempty"`
}

// Sweep runs sc at each load multiplier (the arrival rate times m, by
// scaling the mean of avg_active_users; a normal distribution's variance
// is scaled by m² so its relative spread stays the same) and reports for
// each level the latency percentiles, throughput, utilisation, drops and
// requests in flight: how the system degrades under overload. Every level
// is run once per seed in o.Seeds with the same seeds (common random
// numbers) and judged against the SLA as in SizeCores; the knee is the
// highest multiplier before the first failing one. o.Max is not used.
//
// Multipliers must be finite, > 0 and distinct; they are evaluated in
// increasing order. Sweep returns an error naming the problem for an
// invalid SLA, options or multiplier, a level whose scenario is invalid
// (for example a rate above the validator's limit), or a failed run. When
// even the lowest level fails it returns the result with every level and
// Knee 0 together with an *UnreachableError.
func Sweep(ctx context.Context, sc *scenario.Scenario, multipliers []float64, sla SLA, o Options) (*SweepResult, error) {
	if err := sla.Validate(); err != nil {
		return nil, err
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	ms := slices.Clone(multipliers)
	slices.Sort(ms)
	if len(ms) == 0 {
		return nil, fmt.Errorf("analysis: sweep needs at least one load multiplier")
	}
	for i, m := range ms {
		if !(m > 0) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("analysis: load multiplier %v must be a finite number > 0", m)
		}
		if i > 0 && m == ms[i-1] {
			return nil, fmt.Errorf("analysis: load multiplier %v is given twice", m)
		}
	}
	e := evaluator{o: o, sla: sla}
	res := &SweepResult{SLA: sla, Seeds: slices.Clone(o.Seeds), Conservative: o.Conservative, BaseRateRPS: ArrivalRate(sc)}
	failed := false
	for _, m := range ms {
		lsc := ScaleLoad(sc, m)
		if err := lsc.Validate(); err != nil {
			return nil, fmt.Errorf("analysis: the scenario at load x%s is invalid: %w", trimFloat(m), err)
		}
		ev, err := e.evaluate(ctx, lsc, m)
		if err != nil {
			return nil, fmt.Errorf("analysis: evaluating load x%s: %w", trimFloat(m), err)
		}
		res.Levels = append(res.Levels, ev)
		switch {
		case !ev.Pass:
			failed = true
		case failed:
			res.Warnings = append(res.Warnings, fmt.Sprintf("not monotone: load x%s passes above a failing lower load; the knee is the last level before the first failure", trimFloat(m)))
		default:
			res.Knee, res.KneeRateRPS = m, ev.RateRPS
		}
	}
	if res.Knee == 0 {
		return res, &UnreachableError{What: "load", SLA: sla, Limit: ms[0], Best: best(res.Levels)}
	}
	return res, nil
}

// ScaleLoad returns a copy of sc whose load is m times sc's, class by
// class: an open generator's mean of avg_active_users is multiplied by m
// (its mean arrival rate with it) and, for a normal distribution with an
// explicit variance, the variance by m²; a closed generator's users are
// multiplied by m and rounded, at least 1.
func ScaleLoad(sc *scenario.Scenario, m float64) *scenario.Scenario {
	c := sc.Clone()
	scaleWorkload(&c.Workload, m)
	for i := range c.MoreWorkloads {
		scaleWorkload(&c.MoreWorkloads[i], m)
	}
	return c
}

// scaleWorkload multiplies one generator's load by m (ScaleLoad).
func scaleWorkload(w *scenario.Workload, m float64) {
	if w.Closed() {
		w.Users = max(1, int(math.Round(float64(w.Users)*m)))
		return
	}
	u := &w.AvgActiveUsers
	u.Mean *= m
	if u.Distribution == scenario.Normal && u.Variance != nil {
		v := *u.Variance * m * m
		u.Variance = &v
	}
}
