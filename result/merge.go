package result

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Merge combines the results of replications of one scenario (same horizon,
// servers, edges and metrics; different seeds) into one result, as if the
// replications were one long sample:
//
//   - counts (run counts, per-server requests and failures, per-edge drops)
//     are summed;
//   - latency moments and sketches are merged and the latency summary is
//     recomputed from them, so percentiles stay within the sketch accuracy;
//   - utilisation and the means of sampled series are averaged, their
//     maxima are the maximum over replications;
//   - the throughput series, its mean and any full sampled series are
//     averaged element-wise; the latency series as LatencySeries says;
//   - event windows and request classes merge like the whole run: counts
//     summed, latency moments and sketches merged, throughput averaged;
//   - latency_all is recomputed from the merged latencies of the completed
//     and of the other (failed, rejected, timed-out) requests; the
//     outcomes series are averaged element-wise like throughput; circuit
//     breakers' opened and open_s are summed (their timelines, which
//     belong to one run, are left out); per-server rejected and wasted_s
//     are summed;
//   - recovery per event is the median over the replications, as
//     mergeRecovery says;
//   - a server's replica counts and cost are averaged (min and max are the
//     extremes), and its instances are merged over the union of the runs'
//     (an autoscaled server lists only the instances that ran).
//
// The merged result carries the first result's version and seed. Merge
// returns an error if rs is empty, holds nil, or the results disagree on
// version, horizon, servers, edges, enabled metrics or series lengths. The
// inputs are not modified.
func Merge(rs []*Result) (*Result, error) {
	if len(rs) == 0 {
		return nil, errors.New("result: merge: no results to merge")
	}
	for i, r := range rs {
		if r == nil {
			return nil, fmt.Errorf("result: merge: result %d is nil", i)
		}
		if err := compatible(rs[0], r); err != nil {
			return nil, fmt.Errorf("result: merge: result %d does not match result 0: %w", i, err)
		}
	}
	first := rs[0]
	out := &Result{
		FastsimVersion: first.FastsimVersion,
		Seed:           first.Seed,
		HorizonS:       first.HorizonS,
		Servers:        make(map[string]ServerStats, len(first.Servers)),
		Edges:          make(map[string]EdgeStats, len(first.Edges)),
	}
	sketch := NewSketch()
	for i, r := range rs {
		addCounts(&out.Counts, r.Counts)
		out.LatencyMoments.Merge(r.LatencyMoments)
		if r.LatencySketch == nil && r.LatencyMoments.Count > 0 {
			return nil, fmt.Errorf("result: merge: result %d has %d latencies but no latency sketch", i, r.LatencyMoments.Count)
		}
		sketch.Merge(r.LatencySketch)
	}
	out.LatencySketch = sketch
	out.Latency = LatencyFrom(out.LatencyMoments, sketch)
	if err := mergeLatencyAll(out, rs); err != nil {
		return nil, err
	}
	out.Outcomes = mergeOutcomes(rs)
	out.Client = mergeClient(rs)

	n := float64(len(rs))
	out.Throughput = Throughput{WindowS: first.Throughput.WindowS, Series: make([]float64, len(first.Throughput.Series))}
	for _, r := range rs {
		out.Throughput.MeanRPS += r.Throughput.MeanRPS / n
		addScaled(out.Throughput.Series, r.Throughput.Series, 1/n)
	}
	for id := range first.Servers {
		out.Servers[id] = mergeServer(rs, id)
	}
	for id := range first.Edges {
		out.Edges[id] = mergeEdge(rs, id)
	}
	out.Calls = mergeCalls(rs)
	out.Recovery = mergeRecovery(rs)
	if first.Series != nil {
		out.Series = mergeSeries(rs)
	}
	var err error
	if out.EventWindows, err = mergeEventWindows(rs); err != nil {
		return nil, err
	}
	if out.Classes, err = mergeClasses(rs); err != nil {
		return nil, err
	}
	return out, nil
}

// addCounts adds b to a.
func addCounts(a *Counts, b Counts) {
	a.Generated += b.Generated
	a.Completed += b.Completed
	a.Dropped += b.Dropped
	a.Failed += b.Failed
	a.InFlight += b.InFlight
	a.Events += b.Events
	a.TimedOut += b.TimedOut
	a.Rejected += b.Rejected
	a.Attempts += b.Attempts
	a.Retries += b.Retries
}

// addScaled adds f·src to dst element-wise; the lengths are equal.
func addScaled(dst, src []float64, f float64) {
	for k, v := range src {
		dst[k] += f * v
	}
}

// mergeServer merges server id over rs.
func mergeServer(rs []*Result, id string) ServerStats {
	ss := make([]ServerStats, len(rs))
	for i, r := range rs {
		ss[i] = r.Servers[id]
	}
	return mergeServerStats(ss)
}

// mergeServerStats merges one server's (or instance's) figures over the
// runs, instances included.
func mergeServerStats(ss []ServerStats) ServerStats {
	var out ServerStats
	n := float64(len(ss))
	var rq, io, ram []*Summary
	for _, s := range ss {
		out.Requests += s.Requests
		out.Failed += s.Failed
		out.Rejected += s.Rejected
		out.WastedS += s.WastedS
		out.Utilization += s.Utilization / n
		rq, io, ram = append(rq, s.ReadyQueueLen), append(io, s.EventLoopIOSleep), append(ram, s.RAMInUse)
	}
	out.ReadyQueueLen = mergeSummaries(rq)
	out.EventLoopIOSleep = mergeSummaries(io)
	out.RAMInUse = mergeSummaries(ram)
	out.Instances = mergeInstances(ss)
	mergeReplicas(ss, &out)
	return out
}

// mergeReplicas merges a replicated or autoscaled server's replica counts
// and cost over the runs (spec §14): the mean count and the cost are
// averaged (the cost is per run of the horizon), the minimum and the
// maximum are the extremes over the runs. Both stay nil when the first
// run has none.
func mergeReplicas(ss []ServerStats, out *ServerStats) {
	n := float64(len(ss))
	if ss[0].Replicas != nil {
		r := *ss[0].Replicas
		r.Mean = 0
		for _, s := range ss {
			if s.Replicas == nil {
				continue
			}
			r.Mean += s.Replicas.Mean / n
			r.Min, r.Max = min(r.Min, s.Replicas.Min), max(r.Max, s.Replicas.Max)
		}
		out.Replicas = &r
	}
	if ss[0].Cost != nil {
		c := 0.0
		for _, s := range ss {
			if s.Cost != nil {
				c += *s.Cost / n
			}
		}
		out.Cost = &c
	}
}

// mergeEdge merges edge id over rs.
func mergeEdge(rs []*Result, id string) EdgeStats {
	var out EdgeStats
	var cc []*Summary
	for _, r := range rs {
		e := r.Edges[id]
		out.Dropped += e.Dropped
		cc = append(cc, e.EdgeConcurrentConnection)
	}
	out.EdgeConcurrentConnection = mergeSummaries(cc)
	return out
}

// mergeSummaries averages the means and takes the maximum of the maxima;
// nil (metric not enabled) when the first is nil. compatible has checked
// that all are nil or none is.
func mergeSummaries(ss []*Summary) *Summary {
	if ss[0] == nil {
		return nil
	}
	out := &Summary{Max: ss[0].Max}
	for _, s := range ss {
		out.Mean += s.Mean / float64(len(ss))
		out.Max = max(out.Max, s.Max)
	}
	return out
}

// mergeSeries averages the full sampled series element-wise.
func mergeSeries(rs []*Result) *Series {
	first := rs[0].Series
	out := &Series{
		PeriodS: first.PeriodS,
		Servers: make(map[string]ServerSeries, len(first.Servers)),
		Edges:   make(map[string]EdgeSeries, len(first.Edges)),
	}
	f := 1 / float64(len(rs))
	avg := func(get func(*Series) []float64) []float64 {
		if get(first) == nil {
			return nil
		}
		dst := make([]float64, len(get(first)))
		for _, r := range rs {
			addScaled(dst, get(r.Series), f)
		}
		return dst
	}
	for id := range first.Servers {
		out.Servers[id] = ServerSeries{
			ReadyQueueLen:    avg(func(s *Series) []float64 { return s.Servers[id].ReadyQueueLen }),
			EventLoopIOSleep: avg(func(s *Series) []float64 { return s.Servers[id].EventLoopIOSleep }),
			RAMInUse:         avg(func(s *Series) []float64 { return s.Servers[id].RAMInUse }),
			Replicas:         avg(func(s *Series) []float64 { return s.Servers[id].Replicas }),
		}
	}
	for id := range first.Edges {
		out.Edges[id] = EdgeSeries{
			EdgeConcurrentConnection: avg(func(s *Series) []float64 { return s.Edges[id].EdgeConcurrentConnection }),
		}
	}
	out.Latency = mergeLatencySeries(rs)
	return out
}

// compatible reports why b cannot be merged with a, or nil.
func compatible(a, b *Result) error {
	switch {
	case a.FastsimVersion != b.FastsimVersion:
		return fmt.Errorf("fastsim_version %q differs from %q", b.FastsimVersion, a.FastsimVersion)
	case a.HorizonS != b.HorizonS:
		return fmt.Errorf("horizon_s %v differs from %v", b.HorizonS, a.HorizonS)
	case a.Throughput.WindowS != b.Throughput.WindowS:
		return fmt.Errorf("throughput.window_s %v differs from %v", b.Throughput.WindowS, a.Throughput.WindowS)
	case len(a.Throughput.Series) != len(b.Throughput.Series):
		return fmt.Errorf("throughput.series has %d windows, want %d", len(b.Throughput.Series), len(a.Throughput.Series))
	}
	if err := sameKeys("servers", a.Servers, b.Servers); err != nil {
		return err
	}
	if err := sameKeys("edges", a.Edges, b.Edges); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(a.Servers)) {
		x, y := a.Servers[id], b.Servers[id]
		if (x.ReadyQueueLen == nil) != (y.ReadyQueueLen == nil) ||
			(x.EventLoopIOSleep == nil) != (y.EventLoopIOSleep == nil) ||
			(x.RAMInUse == nil) != (y.RAMInUse == nil) {
			return fmt.Errorf("servers.%s: enabled sampled metrics differ", id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(a.Edges)) {
		if (a.Edges[id].EdgeConcurrentConnection == nil) != (b.Edges[id].EdgeConcurrentConnection == nil) {
			return fmt.Errorf("edges.%s: enabled sampled metrics differ", id)
		}
	}
	if err := compatibleEventWindows(a.EventWindows, b.EventWindows); err != nil {
		return err
	}
	if err := compatibleClasses(a.Classes, b.Classes); err != nil {
		return err
	}
	if err := compatibleOutcomes(a.Outcomes, b.Outcomes); err != nil {
		return err
	}
	if err := compatibleRecovery(a.Recovery, b.Recovery); err != nil {
		return err
	}
	return compatibleSeries(a.Series, b.Series)
}

// compatibleSeries reports why two full series cannot be averaged, or nil.
func compatibleSeries(a, b *Series) error {
	if (a == nil) != (b == nil) {
		return errors.New("series: present in one result only")
	}
	if a == nil {
		return nil
	}
	if a.PeriodS != b.PeriodS {
		return fmt.Errorf("series.period_s %v differs from %v", b.PeriodS, a.PeriodS)
	}
	if err := sameKeys("series.servers", a.Servers, b.Servers); err != nil {
		return err
	}
	if err := sameKeys("series.edges", a.Edges, b.Edges); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(a.Servers)) {
		x, y := a.Servers[id], b.Servers[id]
		if !sameShape(x.ReadyQueueLen, y.ReadyQueueLen) || !sameShape(x.EventLoopIOSleep, y.EventLoopIOSleep) || !sameShape(x.RAMInUse, y.RAMInUse) || !sameShape(x.Replicas, y.Replicas) {
			return fmt.Errorf("series.servers.%s: series lengths differ", id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(a.Edges)) {
		if !sameShape(a.Edges[id].EdgeConcurrentConnection, b.Edges[id].EdgeConcurrentConnection) {
			return fmt.Errorf("series.edges.%s: series lengths differ", id)
		}
	}
	return compatibleLatencySeries(a.Latency, b.Latency)
}

// sameShape reports whether two series are both absent or of equal length.
func sameShape(a, b []float64) bool {
	return (a == nil) == (b == nil) && len(a) == len(b)
}

// sameKeys reports an error naming the first id present in one map only.
func sameKeys[V any](what string, a, b map[string]V) error {
	for _, id := range slices.Sorted(maps.Keys(a)) {
		if _, ok := b[id]; !ok {
			return fmt.Errorf("%s: %q is missing", what, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[id]; !ok {
			return fmt.Errorf("%s: %q is unexpected", what, id)
		}
	}
	return nil
}
