package result

import (
	"errors"
	"fmt"
)

// mergeLatencyAll sets out's latency_all, and the latencies of the
// requests that did not complete, from rs (spec §14).
func mergeLatencyAll(out *Result, rs []*Result) error {
	var other Moments
	otherSketch := NewSketch()
	for i, r := range rs {
		if r.LatencyOtherMoments == nil {
			continue
		}
		if r.LatencyOtherSketch == nil {
			return fmt.Errorf("result: merge: result %d has latencies of requests that did not complete but no sketch of them", i)
		}
		other.Merge(*r.LatencyOtherMoments)
		otherSketch.Merge(r.LatencyOtherSketch)
	}
	all, allSketch := out.LatencyMoments, NewSketch()
	allSketch.Merge(out.LatencySketch)
	if other.Count > 0 {
		out.LatencyOtherMoments, out.LatencyOtherSketch = &other, otherSketch
		all.Merge(other)
		allSketch.Merge(otherSketch)
	}
	out.LatencyAll = LatencyFrom(all, allSketch)
	return nil
}

// mergeOutcomes averages the outcomes series element-wise, as the
// throughput; nil when the results have none.
func mergeOutcomes(rs []*Result) *OutcomeSeries {
	first := rs[0].Outcomes
	if first == nil {
		return nil
	}
	f := 1 / float64(len(rs))
	out := &OutcomeSeries{WindowS: first.WindowS}
	avg := func(get func(*OutcomeSeries) []float64) []float64 {
		dst := make([]float64, len(get(first)))
		for _, r := range rs {
			addScaled(dst, get(r.Outcomes), f)
		}
		return dst
	}
	out.Completed = avg(func(o *OutcomeSeries) []float64 { return o.Completed })
	out.Failed = avg(func(o *OutcomeSeries) []float64 { return o.Failed })
	out.Rejected = avg(func(o *OutcomeSeries) []float64 { return o.Rejected })
	out.TimedOut = avg(func(o *OutcomeSeries) []float64 { return o.TimedOut })
	return out
}

// compatibleOutcomes reports why two outcomes series cannot be averaged,
// or nil.
func compatibleOutcomes(a, b *OutcomeSeries) error {
	if (a == nil) != (b == nil) {
		return errors.New("outcomes: present in one result only")
	}
	if a == nil {
		return nil
	}
	if a.WindowS != b.WindowS || len(a.Completed) != len(b.Completed) || len(a.Failed) != len(b.Failed) ||
		len(a.Rejected) != len(b.Rejected) || len(a.TimedOut) != len(b.TimedOut) {
		return errors.New("outcomes: windows differ")
	}
	return nil
}

// mergeClient merges the client's figures: its breaker as addBreaker
// says; nil when the first result has none.
func mergeClient(rs []*Result) *ClientStats {
	if rs[0].Client == nil {
		return nil
	}
	out := &ClientStats{}
	for _, r := range rs {
		if r.Client != nil {
			out.CircuitBreaker = addBreaker(out.CircuitBreaker, r.Client.CircuitBreaker)
		}
	}
	return out
}

// addBreaker returns the sum of two breakers' figures (opened, open_s)
// without a timeline; a nil x leaves sum alone.
func addBreaker(sum, x *BreakerStats) *BreakerStats {
	if x == nil {
		return sum
	}
	if sum == nil {
		sum = &BreakerStats{}
	}
	sum.Opened += x.Opened
	sum.OpenS += x.OpenS
	return sum
}
