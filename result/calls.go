package result

import (
	"maps"
	"slices"
)

// CallStats are the results of the calls of one caller to one target
// (spec §14), keyed "<caller>-><target>" with the target as written in
// the call (a load balancer's id when the call goes through one).
type CallStats struct {
	// Attempts is the number of sub-requests sent.
	Attempts int64 `json:"attempts"`
	// Completed is the number of successful responses that came back.
	Completed int64 `json:"completed"`
	// Failed is the number of error responses: the target was down, no
	// server of its load balancer was up, or a call of its own failed.
	Failed int64 `json:"failed"`
	// Rejected is the number of attempts rejected: by the target's
	// admission or rate limit, or by the call's open circuit breaker.
	Rejected int64 `json:"rejected"`
	// TimedOut is the number of attempts whose deadline passed first.
	TimedOut int64 `json:"timed_out"`
	// Latency summarises the time from sending a sub-request to receiving
	// its successful response, with the keys of the end-to-end latency.
	Latency Latency `json:"latency"`
	// CircuitBreaker is the call's breaker; absent without one.
	CircuitBreaker *BreakerStats `json:"circuit_breaker,omitempty"`
}

// SumInstances returns a replicated server's figures from its instances'
// (spec §13): requests and failures are summed, utilization is busy
// core-seconds over all the instances' cores (the mean of theirs), and a
// sampled metric's mean is the sum of the instances' means (the time
// average of the server's total) while its max is the largest instance's
// max (the series are kept per instance, so the max of the total is not
// known). The instances are kept under Instances.
func SumInstances(instances map[string]ServerStats) ServerStats {
	var s ServerStats
	sum := func(dst **Summary, x *Summary) {
		if x == nil {
			return
		}
		if *dst == nil {
			*dst = &Summary{}
		}
		(*dst).Mean += x.Mean
		(*dst).Max = max((*dst).Max, x.Max)
	}
	// In the order of the instance names, so that the float sums are
	// the same in every run.
	for _, id := range slices.Sorted(maps.Keys(instances)) {
		in := instances[id]
		s.Requests += in.Requests
		s.Failed += in.Failed
		s.Rejected += in.Rejected
		s.WastedS += in.WastedS
		s.Utilization += in.Utilization / float64(len(instances))
		sum(&s.ReadyQueueLen, in.ReadyQueueLen)
		sum(&s.EventLoopIOSleep, in.EventLoopIOSleep)
		sum(&s.RAMInUse, in.RAMInUse)
	}
	s.Instances = instances
	return s
}

// mergeInstances merges the instances of one server over the runs; nil
// when the server has none.
func mergeInstances(ss []ServerStats) map[string]ServerStats {
	if ss[0].Instances == nil {
		return nil
	}
	// An autoscaled server lists only the instances that ran, which
	// differ from run to run: merge over the union, an instance absent
	// from a run counting as idle (zero figures) in it.
	ids := map[string]bool{}
	for _, s := range ss {
		for id := range s.Instances {
			ids[id] = true
		}
	}
	out := make(map[string]ServerStats, len(ids))
	for id := range ids {
		per := make([]ServerStats, len(ss))
		var shape ServerStats // an instance's enabled sampled metrics
		for _, s := range ss {
			if in, ok := s.Instances[id]; ok {
				shape = in
			}
		}
		for i, s := range ss {
			in, ok := s.Instances[id]
			if !ok {
				in = idleLike(shape)
			}
			per[i] = in
		}
		out[id] = mergeServerStats(per)
	}
	return out
}

// idleLike returns the figures of an instance that did not run, with the
// sampled metrics that s has enabled, at zero.
func idleLike(s ServerStats) ServerStats {
	var z ServerStats
	zero := func(x *Summary) *Summary {
		if x == nil {
			return nil
		}
		return &Summary{}
	}
	z.ReadyQueueLen, z.EventLoopIOSleep, z.RAMInUse = zero(s.ReadyQueueLen), zero(s.EventLoopIOSleep), zero(s.RAMInUse)
	return z
}

// mergeCalls merges the calls over the runs: counts are summed, minimum
// and maximum are exact, and the other latency figures are the means of
// the runs' weighted by their completed calls (the runs keep no sketch
// per call, so merged call percentiles are not those of the pooled
// sample).
func mergeCalls(rs []*Result) map[string]CallStats {
	if rs[0].Calls == nil {
		return nil
	}
	out := make(map[string]CallStats, len(rs[0].Calls))
	for _, id := range slices.Sorted(maps.Keys(rs[0].Calls)) {
		var c CallStats
		first := true
		for _, r := range rs {
			x := r.Calls[id]
			c.Attempts += x.Attempts
			c.Completed += x.Completed
			c.Failed += x.Failed
			c.Rejected += x.Rejected
			c.TimedOut += x.TimedOut
			c.CircuitBreaker = addBreaker(c.CircuitBreaker, x.CircuitBreaker)
			if x.Latency.TotalRequests == 0 {
				continue
			}
			if first || x.Latency.Min < c.Latency.Min {
				c.Latency.Min = x.Latency.Min
			}
			c.Latency.Max = max(c.Latency.Max, x.Latency.Max)
			first = false
		}
		for _, r := range rs {
			x := r.Calls[id].Latency
			if c.Completed == 0 || x.TotalRequests == 0 {
				continue
			}
			w := float64(x.TotalRequests) / float64(c.Completed)
			c.Latency.Mean += w * x.Mean
			c.Latency.Median += w * x.Median
			c.Latency.StdDev += w * x.StdDev
			c.Latency.P50 += w * x.P50
			c.Latency.P90 += w * x.P90
			c.Latency.P95 += w * x.P95
			c.Latency.P99 += w * x.P99
			c.Latency.P999 += w * x.P999
		}
		c.Latency.TotalRequests = c.Completed
		out[id] = c
	}
	return out
}
