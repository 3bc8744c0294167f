package result

// StoredSeriesPoints is the number of points per series that a service
// stores for a run (see Downsample): about twice the pixel columns of a
// chart (report draws them 1,200 pixels wide), so a stored series draws
// the same chart as the full one, and at most 4,000 × 8 bytes per series
// in memory.
const StoredSeriesPoints = 4000

// Downsample returns s with every series reduced to at most maxPoints
// points, keeping its envelope: the samples are split into maxPoints/2
// consecutive buckets, as equal as possible, and each bucket becomes two
// points, its minimum and its maximum in the order they occurred. A spike
// one sample wide therefore survives, whatever the length, as the PNG and
// SVG charts draw it (the min/max of M4: Jugel, Jerzak, Hackenbroich and
// Markl, "M4: A Visualization-Oriented Time Series Data Aggregation",
// PVLDB 7(10), 2014; without the first and last points, which a chart at
// this resolution does not need). Every sample counts in exactly one
// bucket. A bucket's mean is lost: the mean of a downsampled series is
// that of its extremes.
//
// The points stay regularly spaced: point k stands for the samples of
// [k·PeriodS, (k+1)·PeriodS) with the returned, longer PeriodS, and
// DownsampledFrom records the original number of samples. All series of s
// must have the same length (those of one run do). s is returned
// unchanged when no series is longer than maxPoints or maxPoints < 2; s
// itself is never modified.
func (s *Series) Downsample(maxPoints int) *Series {
	if s == nil || maxPoints < 2 {
		return s
	}
	n := s.longest()
	if n <= maxPoints {
		return s
	}
	buckets := maxPoints / 2
	out := &Series{
		PeriodS:         s.PeriodS * float64(n) / float64(2*buckets),
		DownsampledFrom: n,
		Servers:         make(map[string]ServerSeries, len(s.Servers)),
		Edges:           make(map[string]EdgeSeries, len(s.Edges)),
		// The latency windows are few already (at most
		// MaxLatencyWindows) and never modified: shared as they are.
		Latency: s.Latency,
	}
	if s.DownsampledFrom > 0 {
		out.DownsampledFrom = s.DownsampledFrom
	}
	for id, ss := range s.Servers {
		out.Servers[id] = ServerSeries{
			ReadyQueueLen:    minMax(ss.ReadyQueueLen, buckets),
			EventLoopIOSleep: minMax(ss.EventLoopIOSleep, buckets),
			RAMInUse:         minMax(ss.RAMInUse, buckets),
			Replicas:         minMax(ss.Replicas, buckets),
		}
	}
	for id, es := range s.Edges {
		out.Edges[id] = EdgeSeries{EdgeConcurrentConnection: minMax(es.EdgeConcurrentConnection, buckets)}
	}
	return out
}

// Values returns the number of sampled values of s, all series together.
func (s *Series) Values() int64 {
	if s == nil {
		return 0
	}
	var n int64
	for _, ss := range s.Servers {
		n += int64(len(ss.ReadyQueueLen) + len(ss.EventLoopIOSleep) + len(ss.RAMInUse))
	}
	for _, es := range s.Edges {
		n += int64(len(es.EdgeConcurrentConnection))
	}
	return n
}

// longest returns the length of the longest series of s.
func (s *Series) longest() int {
	n := 0
	for _, ss := range s.Servers {
		n = max(n, len(ss.ReadyQueueLen), len(ss.EventLoopIOSleep), len(ss.RAMInUse))
	}
	for _, es := range s.Edges {
		n = max(n, len(es.EdgeConcurrentConnection))
	}
	return n
}

// minMax reduces ys to the minimum and maximum of each of buckets
// consecutive groups, in time order; nil stays nil (a metric not enabled)
// and a series no longer than 2·buckets is copied.
func minMax(ys []float64, buckets int) []float64 {
	n := len(ys)
	if ys == nil {
		return nil
	}
	if n <= 2*buckets {
		return append([]float64(nil), ys...)
	}
	out := make([]float64, 0, 2*buckets)
	for c := range buckets {
		a, b := c*n/buckets, (c+1)*n/buckets // [a, b), never empty as buckets < n
		lo, hi := a, a
		for k := a + 1; k < b; k++ {
			if ys[k] < ys[lo] {
				lo = k
			}
			if ys[k] > ys[hi] {
				hi = k
			}
		}
		out = append(out, ys[min(lo, hi)], ys[max(lo, hi)])
	}
	return out
}
