package engine

import (
	"slices"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// latencyWindows records the latency of completions per time window, for
// the latency series (result.LatencySeries). It exists only when the
// series are kept, so a run without them pays one nil check per
// completion.
type latencyWindows struct {
	width    float64
	count    []float64
	sketches []*result.Sketch
}

// newLatencyWindows returns the windows of a run of the given horizon:
// at most result.MaxLatencyWindows of result.LatencyWindowS seconds.
func newLatencyWindows(horizon float64) *latencyWindows {
	width := result.LatencyWindowS(horizon)
	n := int(horizon / width)
	if float64(n)*width < horizon {
		n++
	}
	w := &latencyWindows{width: width, count: make([]float64, n), sketches: make([]*result.Sketch, n)}
	for k := range w.sketches {
		w.sketches[k] = result.NewSketch()
	}
	return w
}

// add records a completion at time t with latency lat.
func (w *latencyWindows) add(t, lat float64) {
	k := min(int(t/w.width), len(w.count)-1)
	w.count[k]++
	w.sketches[k].Add(lat)
}

// series returns the latency percentiles per window.
func (w *latencyWindows) series() *result.LatencySeries {
	n := len(w.count)
	s := &result.LatencySeries{WindowS: w.width, Count: w.count, P50: make([]float64, n), P95: make([]float64, n), P99: make([]float64, n)}
	for k, sk := range w.sketches {
		if sk.Count() == 0 {
			continue
		}
		s.P50[k], s.P95[k], s.P99[k] = sk.Quantile(0.50), sk.Quantile(0.95), sk.Quantile(0.99)
	}
	return s
}

// windowStats accumulates the latencies of the completions of one event
// window.
type windowStats struct {
	moments result.Moments
	sketch  *result.Sketch
}

// eventWindows records the latency of completions inside each injected
// event's window and outside every window. It exists only when the
// scenario has events, at most result.MaxEventWindows; the windows open and close with the fault events,
// so membership needs no search.
type eventWindows struct {
	open  []int32       // faults whose window is open, in opening order
	stats []windowStats // one per fault, then one for outside
}

// newEventWindows returns the accumulators of n faults.
func newEventWindows(n int) *eventWindows {
	w := &eventWindows{stats: make([]windowStats, n+1)}
	for k := range w.stats {
		w.stats[k].sketch = result.NewSketch()
	}
	return w
}

// start opens the window of fault f.
func (w *eventWindows) start(f int32) { w.open = append(w.open, f) }

// end closes the window of fault f.
func (w *eventWindows) end(f int32) {
	if k := slices.Index(w.open, f); k >= 0 {
		w.open = slices.Delete(w.open, k, k+1)
	}
}

// add records a completion of latency lat now.
func (w *eventWindows) add(lat float64) {
	if len(w.open) == 0 {
		st := &w.stats[len(w.stats)-1]
		st.moments.Add(lat)
		st.sketch.Add(lat)
		return
	}
	for _, f := range w.open {
		st := &w.stats[f]
		st.moments.Add(lat)
		st.sketch.Add(lat)
	}
}

// results returns the event windows of the result: one per event of sc,
// in order, then the figures outside every window.
func (w *eventWindows) results(sc *scenario.Scenario, horizon float64) []result.EventWindow {
	out := make([]result.EventWindow, 0, len(w.stats))
	var spans [][2]float64
	for k, ev := range sc.Events {
		kind := result.WindowServerDown
		if ev.Start.Kind == scenario.NetworkSpikeStart {
			kind = result.WindowNetworkSpike
		}
		start, end := ev.Start.TStart, min(ev.End.TEnd, horizon)
		ew := result.EventWindow{EventID: ev.ID, Kind: kind, TargetID: ev.TargetID, StartS: start, EndS: end, DurationS: max(end-start, 0)}
		w.stats[k].fill(&ew)
		out = append(out, ew)
		if end > start {
			spans = append(spans, [2]float64{start, end})
		}
	}
	outside := result.EventWindow{Kind: result.WindowOutside, DurationS: horizon - covered(spans)}
	w.stats[len(w.stats)-1].fill(&outside)
	return append(out, outside)
}

// fill sets the completion figures of ew from st.
func (st *windowStats) fill(ew *result.EventWindow) {
	ew.Completed = st.moments.Count
	if ew.DurationS > 0 {
		ew.ThroughputRPS = float64(st.moments.Count) / ew.DurationS
	}
	ew.Latency = result.LatencyFrom(st.moments, st.sketch)
	ew.LatencySketch = st.sketch
	ew.LatencyMoments = st.moments
}

// covered returns the length of the union of the intervals spans.
func covered(spans [][2]float64) float64 {
	slices.SortFunc(spans, func(a, b [2]float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	var total, lo, hi float64
	for k, s := range spans {
		if k == 0 || s[0] > hi {
			total += hi - lo
			lo, hi = s[0], s[1]
			continue
		}
		hi = max(hi, s[1])
	}
	return total + hi - lo
}
