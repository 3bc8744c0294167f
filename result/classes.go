package result

import (
	"fmt"
	"maps"
	"slices"
)

// ClassStats are the figures of one request class, one generator of
// `rqs_input` (spec §14 `classes`).
type ClassStats struct {
	// Counts are the class's own request counters; Events is 0 (events
	// are counted for the whole run only).
	Counts Counts `json:"counts"`
	// Latency summarises the end-to-end latency of the class's completed
	// requests.
	Latency Latency `json:"latency"`
	// Throughput is the class's completion rate per 1 s window.
	Throughput Throughput `json:"throughput"`
	// LatencySketch and LatencyMoments are kept for merging, as at the top
	// level of Result.
	LatencySketch  *Sketch `json:"latency_sketch,omitempty"`
	LatencyMoments Moments `json:"latency_moments"`
}

// mergeClasses merges the classes of rs like the whole run: counts summed,
// latency moments and sketches merged, throughput averaged. nil when the
// results have no classes.
func mergeClasses(rs []*Result) (map[string]ClassStats, error) {
	first := rs[0].Classes
	if first == nil {
		return nil, nil
	}
	n := float64(len(rs))
	out := make(map[string]ClassStats, len(first))
	for _, id := range slices.Sorted(maps.Keys(first)) {
		m := ClassStats{
			Throughput:    Throughput{WindowS: first[id].Throughput.WindowS, Series: make([]float64, len(first[id].Throughput.Series))},
			LatencySketch: NewSketch(),
		}
		for i, r := range rs {
			c := r.Classes[id]
			if c.LatencySketch == nil && c.LatencyMoments.Count > 0 {
				return nil, fmt.Errorf("result: merge: result %d, class %q has latencies but no sketch", i, id)
			}
			addCounts(&m.Counts, c.Counts)
			m.LatencyMoments.Merge(c.LatencyMoments)
			m.LatencySketch.Merge(c.LatencySketch)
			m.Throughput.MeanRPS += c.Throughput.MeanRPS / n
			addScaled(m.Throughput.Series, c.Throughput.Series, 1/n)
		}
		m.Latency = LatencyFrom(m.LatencyMoments, m.LatencySketch)
		out[id] = m
	}
	return out, nil
}

// compatibleClasses reports why the classes of two results cannot be
// merged, or nil.
func compatibleClasses(a, b map[string]ClassStats) error {
	if err := sameKeys("classes", a, b); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(a)) {
		if x, y := len(a[id].Throughput.Series), len(b[id].Throughput.Series); x != y {
			return fmt.Errorf("classes.%s.throughput.series has %d windows, want %d", id, y, x)
		}
	}
	return nil
}
