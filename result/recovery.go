package result

import (
	"errors"
	"math"
	"slices"
)

// The rule of Recovery (spec §14), as the engine applies it to an event
// whose window is [start, end):
//
//   - BaselineP95 is the p95 of the end-to-end latency of the requests
//     completed in [start − RecoveryBaselineS, start) (from 0 when the
//     event starts earlier); null when none completed then.
//   - The sliding window is evaluated at the checkpoints end + k s,
//     k = 1, 2, … while end + k ≤ the horizon. The window of checkpoint k
//     holds the requests completed in [max(end, end + k − RecoveryWindowS),
//     end + k): the last 10 s, but never before the event's end, so that
//     the event's own slow completions do not delay the verdict. A window
//     without completions is not a recovery.
//   - RecoveredAfterS is the first k whose window's p95 is at most
//     (1 + RecoveryTolerance) · BaselineP95 (a p95 below the baseline
//     counts as recovered: only a degradation matters); null when no
//     checkpoint passes before the horizon, and when BaselineP95 is null.
//
// Only completed requests count, as in Latency; the percentiles come from
// quantile sketches (0.5 % relative accuracy).
const (
	// RecoveryBaselineS is the length in seconds of the baseline window
	// before an event.
	RecoveryBaselineS = 60
	// RecoveryWindowS is the length in seconds of the sliding window after
	// an event, and RecoveryStepS the spacing of its checkpoints.
	RecoveryWindowS = 10
	RecoveryStepS   = 1
	// RecoveryTolerance is how far above the baseline the window's p95 may
	// be and still count as recovered: 10 %.
	RecoveryTolerance = 0.1
)

// mergeRecovery merges the recovery of each event over rs, which
// compatibleRecovery has checked to have the same events. Per event:
//
//   - BaselineP95 is the median of the runs' baselines, over the runs that
//     have one (null when none has);
//   - RecoveredAfterS is the median over the runs that have a baseline, a
//     run that did not recover counting as never (+∞): it is null when at
//     least half of those runs did not recover, so a merged result flags a
//     possible metastable failure as soon as it is the typical outcome;
//   - Replications is len(rs) and NotRecovered the number of runs with a
//     baseline that did not recover.
//
// With an even number of values the median is the mean of the two middle
// ones (never, when either is never). An input that is itself merged
// counts as one run. Each replication's own figures stay in
// analysis.Replicated.
func mergeRecovery(rs []*Result) map[string]Recovery {
	first := rs[0].Recovery
	if first == nil {
		return nil
	}
	out := make(map[string]Recovery, len(first))
	for id := range first {
		var base, after []float64
		m := Recovery{Replications: len(rs)}
		for _, r := range rs {
			x := r.Recovery[id]
			if x.BaselineP95 == nil {
				continue
			}
			base = append(base, *x.BaselineP95)
			if x.RecoveredAfterS == nil {
				after = append(after, math.Inf(1))
				m.NotRecovered++
				continue
			}
			after = append(after, *x.RecoveredAfterS)
		}
		m.BaselineP95 = median(base)
		m.RecoveredAfterS = median(after)
		out[id] = m
	}
	return out
}

// median returns the median of xs (sorted in place), nil for none or when
// it is infinite.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	n := len(xs)
	v := xs[n/2]
	if n%2 == 0 {
		v = (xs[n/2-1] + xs[n/2]) / 2
	}
	if math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// compatibleRecovery reports why two results' recovery figures cannot be
// merged, or nil: both must be absent or hold the same events.
func compatibleRecovery(a, b map[string]Recovery) error {
	if (a == nil) != (b == nil) {
		return errors.New("recovery: present in one result only")
	}
	return sameKeys("recovery", a, b)
}
