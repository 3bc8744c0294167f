package result

import (
	"math"
	"testing"
)

func TestLatencyWindowS(t *testing.T) {
	tests := []struct{ horizon, want float64 }{
		{1, 1}, {5, 1}, {200, 1}, {201, 2}, {400, 2}, {10_000, 50}, {10_001, 51}, {1e7, 50_000},
	}
	for _, tt := range tests {
		w := LatencyWindowS(tt.horizon)
		if w != tt.want {
			t.Errorf("LatencyWindowS(%v) = %v, want %v", tt.horizon, w, tt.want)
		}
		if n := math.Ceil(tt.horizon / w); n > MaxLatencyWindows {
			t.Errorf("horizon %v: %v windows of %v s, more than %d", tt.horizon, n, w, MaxLatencyWindows)
		}
	}
}

func TestMergeWindows(t *testing.T) {
	// Two runs with one event window and a 2-window latency series.
	run := func(seed int64, in, out []float64, ls LatencySeries) *Result {
		r := &Result{Seed: seed, HorizonS: 10, Throughput: Throughput{WindowS: 1, Series: make([]float64, 10)},
			LatencySketch: NewSketch(), Series: &Series{PeriodS: 1, Latency: &ls}}
		win := func(ew EventWindow, lats []float64) EventWindow {
			ew.LatencySketch = NewSketch()
			for _, v := range lats {
				ew.LatencySketch.Add(v)
				ew.LatencyMoments.Add(v)
				r.LatencySketch.Add(v)
				r.LatencyMoments.Add(v)
			}
			ew.Completed = int64(len(lats))
			ew.ThroughputRPS = float64(len(lats)) / ew.DurationS
			return ew
		}
		r.EventWindows = []EventWindow{
			win(EventWindow{EventID: "e", Kind: WindowServerDown, TargetID: "s", StartS: 2, EndS: 4, DurationS: 2}, in),
			win(EventWindow{Kind: WindowOutside, DurationS: 8}, out),
		}
		return r
	}
	a := run(1, []float64{1, 2}, []float64{0.1, 0.2, 0.3, 0.4}, LatencySeries{WindowS: 5, Count: []float64{1, 3}, P50: []float64{1, 2}, P95: []float64{1, 2}, P99: []float64{1, 2}})
	b := run(2, []float64{3, 4, 5, 6}, []float64{0.5, 0.6}, LatencySeries{WindowS: 5, Count: []float64{3, 0}, P50: []float64{2, 0}, P95: []float64{2, 0}, P99: []float64{2, 0}})
	m, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	in, out := m.EventWindows[0], m.EventWindows[1]
	// Completions are totals (2+4, 4+2), throughputs the mean per run
	// ((1+2)/2 and (0.5+0.25)/2 req/s), latency the pooled sample.
	if in.Completed != 6 || in.ThroughputRPS != 1.5 || in.Latency.Mean != 3.5 || in.Latency.Max != 6 {
		t.Errorf("merged window: completed %d, throughput %v, mean %v, max %v; want 6, 1.5, 3.5, 6", in.Completed, in.ThroughputRPS, in.Latency.Mean, in.Latency.Max)
	}
	if out.Completed != 6 || out.ThroughputRPS != 0.375 || math.Abs(out.Latency.Mean-0.35) > 1e-15 {
		t.Errorf("merged outside: completed %d, throughput %v, mean %v; want 6, 0.375, 0.35", out.Completed, out.ThroughputRPS, out.Latency.Mean)
	}
	// Counts average per run; percentiles are count-weighted: window 0
	// (1·1 + 3·2)/4 = 1.75, window 1 only a's 2.
	ls := m.Series.Latency
	if ls.Count[0] != 2 || ls.Count[1] != 1.5 || ls.P50[0] != 1.75 || ls.P99[1] != 2 {
		t.Errorf("merged latency series %+v", ls)
	}
	b.EventWindows[0].StartS = 3
	if _, err := Merge([]*Result{a, b}); err == nil {
		t.Error("merged results whose event windows differ")
	}
}

// TestWindowSketchFootprint pins the memory of one window's sketch quoted
// in docs/limits.md and docs/result.md: 8 bytes per 0.5 % bucket over the
// span of the latencies, plus 2 × 64 spare buckets.
func TestWindowSketchFootprint(t *testing.T) {
	tests := []struct {
		decades  float64
		maxBytes int
	}{{0, 1100}, {1, 2700}, {3, 6300}}
	for _, tt := range tests {
		s := NewSketch()
		for v := 0.01; v <= 0.01*math.Pow(10, tt.decades); v *= 1.001 {
			s.Add(v)
		}
		got := 8 * cap(s.counts)
		t.Logf("latencies spanning %v decades: %d bytes of buckets", tt.decades, got)
		if got > tt.maxBytes {
			t.Errorf("%v decades: %d bytes, more than the %d documented", tt.decades, got, tt.maxBytes)
		}
	}
}
