package result

import (
	"errors"
	"fmt"
)

// MaxLatencyWindows bounds the number of windows of LatencySeries: the
// window is the smallest whole number of seconds that cuts the horizon
// into at most this many windows (1 s up to a 200 s horizon, 50 s for a
// 10,000 s one). The engine keeps one quantile sketch per window while it
// runs (1 KB for a single value, 2.6 KB when its latencies span one decade, 6.2 KB for
// three), so this also bounds that memory.
const MaxLatencyWindows = 200

// LatencyWindowS returns the window length in seconds of the latency
// series of a run with the given horizon: ceil(horizon / MaxLatencyWindows)
// whole seconds, at least 1.
func LatencyWindowS(horizonS float64) float64 {
	w := float64(int64(horizonS) / MaxLatencyWindows)
	if w*MaxLatencyWindows < horizonS {
		w++
	}
	return max(w, 1)
}

// LatencySeries holds end-to-end latency percentiles per time window, in
// seconds: window k covers completions at times [k·WindowS, (k+1)·WindowS).
// A window where no request completed has count 0 and percentiles 0.
// Percentiles come from one quantile sketch per window, within its
// relative accuracy (0.5 %). For a merged result, Count is the mean count
// per run and each percentile the count-weighted mean of the replications'
// percentiles (an estimate of the same quantity, not the exact percentile
// of the pooled sample, which would need every window's sketch).
type LatencySeries struct {
	// WindowS is the window length in seconds (LatencyWindowS).
	WindowS float64 `json:"window_s"`
	// Count is the number of requests completed in each window.
	Count []float64 `json:"count"`
	// P50 is the median latency of each window, in seconds.
	P50 []float64 `json:"p50"`
	// P95 is the 95th percentile of each window, in seconds.
	P95 []float64 `json:"p95"`
	// P99 is the 99th percentile of each window, in seconds.
	P99 []float64 `json:"p99"`
}

// MaxEventWindows bounds the events whose windows a run reports: with
// more events than this, Result.EventWindows is absent. Each window costs a
// quantile sketch (1–6 KB) and each completion one sketch update per
// open window, so the bound keeps a scenario of many overlapping events
// from multiplying a run's memory and CPU.
const MaxEventWindows = 100

// EventWindow holds the latency and throughput of the requests that
// completed inside one injected event's window, or outside every window.
type EventWindow struct {
	// EventID is the event's id; empty for the figures outside every
	// event window.
	EventID string `json:"event_id,omitempty"`
	// Kind is "server_down", "network_spike", or "outside" for the
	// completions outside every event window.
	Kind string `json:"kind"`
	// TargetID is the server (outage) or edge (spike) the event targets;
	// empty outside.
	TargetID string `json:"target_id,omitempty"`
	// StartS and EndS bound the window in seconds, EndS cut at the
	// horizon; both 0 outside.
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	// DurationS is the window's length in seconds; outside, the horizon
	// minus the time covered by at least one event window.
	DurationS float64 `json:"duration_s"`
	// Completed is the number of requests that completed inside the window
	// (a total over replications for a merged result). A request that
	// completes while two windows overlap counts in both.
	Completed int64 `json:"completed"`
	// ThroughputRPS is the completions per second inside the window (the
	// mean per run for a merged result); 0 when DurationS is 0.
	ThroughputRPS float64 `json:"throughput_rps"`
	// Latency summarises the end-to-end latency, in seconds, of the
	// requests that completed inside the window.
	Latency Latency `json:"latency"`
	// LatencySketch and LatencyMoments are kept so that windows of several
	// replications merge exactly.
	LatencySketch  *Sketch `json:"latency_sketch,omitempty"`
	LatencyMoments Moments `json:"latency_moments"`
}

// Event window kinds.
const (
	WindowServerDown   = "server_down"
	WindowNetworkSpike = "network_spike"
	WindowOutside      = "outside"
)

// mergeEventWindows merges the event windows of rs, which compatible has
// checked to have the same windows.
func mergeEventWindows(rs []*Result) ([]EventWindow, error) {
	first := rs[0].EventWindows
	if first == nil {
		return nil, nil
	}
	out := make([]EventWindow, len(first))
	n := float64(len(rs))
	for k, w := range first {
		m := w
		m.Completed, m.ThroughputRPS, m.LatencyMoments = 0, 0, Moments{}
		m.LatencySketch = NewSketch()
		for i, r := range rs {
			x := r.EventWindows[k]
			if x.LatencySketch == nil && x.LatencyMoments.Count > 0 {
				return nil, fmt.Errorf("result: merge: result %d, event window %d has latencies but no sketch", i, k)
			}
			m.Completed += x.Completed
			m.ThroughputRPS += x.ThroughputRPS / n
			m.LatencyMoments.Merge(x.LatencyMoments)
			m.LatencySketch.Merge(x.LatencySketch)
		}
		m.Latency = LatencyFrom(m.LatencyMoments, m.LatencySketch)
		out[k] = m
	}
	return out, nil
}

// compatibleEventWindows reports why the event windows of two results
// cannot be merged, or nil.
func compatibleEventWindows(a, b []EventWindow) error {
	if len(a) != len(b) {
		return fmt.Errorf("event_windows: %d windows, want %d", len(b), len(a))
	}
	for k := range a {
		if a[k].EventID != b[k].EventID || a[k].Kind != b[k].Kind || a[k].StartS != b[k].StartS || a[k].EndS != b[k].EndS {
			return fmt.Errorf("event_windows[%d]: window %s %q [%v, %v) differs from %s %q [%v, %v)", k,
				b[k].Kind, b[k].EventID, b[k].StartS, b[k].EndS, a[k].Kind, a[k].EventID, a[k].StartS, a[k].EndS)
		}
	}
	return nil
}

// mergeLatencySeries merges the latency series of rs (see LatencySeries).
func mergeLatencySeries(rs []*Result) *LatencySeries {
	first := rs[0].Series.Latency
	if first == nil {
		return nil
	}
	n := len(first.Count)
	out := &LatencySeries{WindowS: first.WindowS, Count: make([]float64, n), P50: make([]float64, n), P95: make([]float64, n), P99: make([]float64, n)}
	for k := range n {
		var total float64
		for _, r := range rs {
			l := r.Series.Latency
			c := l.Count[k]
			total += c
			out.P50[k] += c * l.P50[k]
			out.P95[k] += c * l.P95[k]
			out.P99[k] += c * l.P99[k]
		}
		out.Count[k] = total / float64(len(rs))
		if total > 0 {
			out.P50[k] /= total
			out.P95[k] /= total
			out.P99[k] /= total
		}
	}
	return out
}

// compatibleLatencySeries reports why two latency series cannot be merged.
func compatibleLatencySeries(a, b *LatencySeries) error {
	switch {
	case (a == nil) != (b == nil):
		return errors.New("series.latency: present in one result only")
	case a == nil:
		return nil
	case a.WindowS != b.WindowS || len(a.Count) != len(b.Count):
		return fmt.Errorf("series.latency: %d windows of %v s, want %d of %v s", len(b.Count), b.WindowS, len(a.Count), a.WindowS)
	}
	return nil
}
