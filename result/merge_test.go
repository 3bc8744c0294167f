package result

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// replication builds a small result whose latencies are lat; the other
// figures are scaled by k so that sums and averages are easy to check.
func replication(seed int64, k float64, lat []float64) *Result {
	var m Moments
	s := NewSketch()
	for _, v := range lat {
		m.Add(v)
		s.Add(v)
	}
	n := int64(len(lat))
	return &Result{
		FastsimVersion: "test",
		Seed:           seed,
		HorizonS:       4,
		Counts:         Counts{Generated: n + 2, Completed: n, Dropped: 1, Failed: 0, InFlight: 1, Events: 10 * n},
		Latency:        LatencyFrom(m, s),
		LatencyAll:     LatencyFrom(m, s),
		Throughput:     Throughput{WindowS: 1, MeanRPS: float64(n) / 4, Series: []float64{k, 2 * k, 0, 1}},
		Servers: map[string]ServerStats{
			"srv-1": {Requests: n, Utilization: 0.25 * k, ReadyQueueLen: &Summary{Mean: k, Max: 2 * k}, RAMInUse: &Summary{Mean: 64, Max: 128 * k}},
		},
		Edges: map[string]EdgeStats{
			"e1": {Dropped: 1, EdgeConcurrentConnection: &Summary{Mean: 0.5 * k, Max: k}},
			"e2": {},
		},
		LatencySketch:  s,
		LatencyMoments: m,
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	a := replication(42, 1, []float64{0.010, 0.020, 0.030})
	b := replication(43, 3, []float64{0.040, 0.050})
	got, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	// Merging must give the same latency figures as one sample of all five.
	one := replication(0, 0, []float64{0.010, 0.020, 0.030, 0.040, 0.050})
	want := &Result{
		FastsimVersion: "test",
		Seed:           42,
		HorizonS:       4,
		Counts:         Counts{Generated: 9, Completed: 5, Dropped: 2, InFlight: 2, Events: 50},
		Latency:        one.Latency,
		LatencyAll:     one.Latency,
		Throughput:     Throughput{WindowS: 1, MeanRPS: (0.75 + 0.5) / 2, Series: []float64{2, 4, 0, 1}},
		Servers: map[string]ServerStats{
			"srv-1": {Requests: 5, Utilization: 0.5, ReadyQueueLen: &Summary{Mean: 2, Max: 6}, RAMInUse: &Summary{Mean: 64, Max: 384}},
		},
		Edges: map[string]EdgeStats{
			"e1": {Dropped: 2, EdgeConcurrentConnection: &Summary{Mean: 1, Max: 3}},
			"e2": {},
		},
		LatencySketch:  one.LatencySketch,
		LatencyMoments: one.LatencyMoments,
	}
	// 1e-15 relative: the Chan et al. merge rounds differently from Welford.
	opts := cmp.Options{cmp.Comparer(func(x, y *Sketch) bool { return mustJSON(t, x) == mustJSON(t, y) }),
		cmp.Comparer(func(x, y float64) bool { return x == y || abs(x-y) <= 1e-15*max(abs(x), abs(y)) })}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("Merge (-want +got):\n%s", diff)
	}
	if a.Counts.Completed != 3 || len(a.Throughput.Series) != 4 || a.Throughput.Series[1] != 2 {
		t.Error("Merge modified its input")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestMergeSeries(t *testing.T) {
	t.Parallel()
	a := replication(1, 1, []float64{0.01})
	b := replication(2, 3, []float64{0.02})
	a.Series = &Series{PeriodS: 0.5,
		Servers: map[string]ServerSeries{"srv-1": {ReadyQueueLen: []float64{0, 2}}},
		Edges:   map[string]EdgeSeries{"e1": {EdgeConcurrentConnection: []float64{1, 1}}, "e2": {}}}
	b.Series = &Series{PeriodS: 0.5,
		Servers: map[string]ServerSeries{"srv-1": {ReadyQueueLen: []float64{4, 0}}},
		Edges:   map[string]EdgeSeries{"e1": {EdgeConcurrentConnection: []float64{3, 0}}, "e2": {}}}
	got, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	want := &Series{PeriodS: 0.5,
		Servers: map[string]ServerSeries{"srv-1": {ReadyQueueLen: []float64{2, 1}}},
		Edges:   map[string]EdgeSeries{"e1": {EdgeConcurrentConnection: []float64{2, 0.5}}, "e2": {}}}
	if diff := cmp.Diff(want, got.Series); diff != "" {
		t.Errorf("merged series (-want +got):\n%s", diff)
	}
}

// TestMergeOutcomes: the counts and figures of spec §14 are summed,
// latency_all pools the completed and the other requests, the outcomes
// series are averaged and breaker timelines are left out.
func TestMergeOutcomes(t *testing.T) {
	t.Parallel()
	mk := func(seed int64, k float64, lat, other []float64) *Result {
		r := replication(seed, k, lat)
		var om Moments
		os := NewSketch()
		for _, v := range other {
			om.Add(v)
			os.Add(v)
		}
		r.LatencyOtherMoments, r.LatencyOtherSketch = &om, os
		r.Counts.TimedOut, r.Counts.Rejected, r.Counts.Retries = 1, int64(len(other))-1, int64(k)
		r.Counts.Generated += int64(len(other))
		r.Counts.Attempts = r.Counts.Generated + r.Counts.Retries
		r.Outcomes = &OutcomeSeries{WindowS: 1, Completed: []float64{k, 0, 0, 0}, Failed: []float64{0, k, 0, 0},
			Rejected: []float64{0, 0, k, 0}, TimedOut: []float64{0, 0, 0, k}}
		r.Client = &ClientStats{CircuitBreaker: &BreakerStats{Opened: int64(k), OpenS: k, Timeline: []BreakerTransition{{T: 1, State: "open"}}}}
		srv := r.Servers["srv-1"]
		srv.Rejected, srv.WastedS = int64(k), 0.5*k
		r.Servers["srv-1"] = srv
		return r
	}
	a := mk(1, 1, []float64{0.01, 0.02}, []float64{0.5, 0.6})
	b := mk(2, 3, []float64{0.03}, []float64{0.7, 0.8, 0.9})
	got, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	c := got.Counts
	if c.TimedOut != 2 || c.Rejected != 3 || c.Retries != 4 || c.Attempts != a.Counts.Attempts+b.Counts.Attempts {
		t.Errorf("counts = %+v", c)
	}
	if la := got.LatencyAll; la.TotalRequests != 8 || la.Min != 0.01 || la.Max != 0.9 {
		t.Errorf("latency_all = %+v, want 8 latencies from 0.01 to 0.9", la)
	}
	if got.Latency.TotalRequests != 3 {
		t.Errorf("latency counts %d, want the 3 completed", got.Latency.TotalRequests)
	}
	want := &OutcomeSeries{WindowS: 1, Completed: []float64{2, 0, 0, 0}, Failed: []float64{0, 2, 0, 0}, Rejected: []float64{0, 0, 2, 0}, TimedOut: []float64{0, 0, 0, 2}}
	if diff := cmp.Diff(want, got.Outcomes); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&ClientStats{CircuitBreaker: &BreakerStats{Opened: 4, OpenS: 4}}, got.Client); diff != "" {
		t.Errorf("client (-want +got):\n%s", diff)
	}
	if s := got.Servers["srv-1"]; s.Rejected != 4 || s.WastedS != 2 {
		t.Errorf("server: rejected %d, wasted_s %v; want 4 and 2", s.Rejected, s.WastedS)
	}
	b.Outcomes = nil
	if _, err := Merge([]*Result{a, b}); err == nil || !strings.Contains(err.Error(), "outcomes") {
		t.Errorf("merging a result without outcomes: err = %v", err)
	}
}

func TestMergeOne(t *testing.T) {
	t.Parallel()
	a := replication(7, 1, []float64{0.01, 0.03})
	got, err := Merge([]*Result{a})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mustJSON(t, a), mustJSON(t, got)); diff != "" {
		t.Errorf("merging one result changed it (-want +got):\n%s", diff)
	}
}

func TestMergeErrors(t *testing.T) {
	t.Parallel()
	base := func() *Result { return replication(1, 1, []float64{0.01}) }
	tests := []struct {
		name   string
		mutate func(r *Result)
		want   string
	}{
		{"ErrHorizon", func(r *Result) { r.HorizonS = 5 }, "horizon_s"},
		{"ErrVersion", func(r *Result) { r.FastsimVersion = "other" }, "fastsim_version"},
		{"ErrServerMissing", func(r *Result) { delete(r.Servers, "srv-1") }, `servers: "srv-1" is missing`},
		{"ErrEdgeExtra", func(r *Result) { r.Edges["e9"] = EdgeStats{} }, `edges: "e9" is unexpected`},
		{"ErrThroughputLength", func(r *Result) { r.Throughput.Series = r.Throughput.Series[:2] }, "throughput.series"},
		{"ErrMetrics", func(r *Result) { s := r.Servers["srv-1"]; s.RAMInUse = nil; r.Servers["srv-1"] = s }, "servers.srv-1"},
		{"ErrSeriesPresence", func(r *Result) { r.Series = &Series{} }, "series"},
		{"ErrNoSketch", func(r *Result) { r.LatencySketch = nil }, "no latency sketch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := base()
			tt.mutate(b)
			_, err := Merge([]*Result{base(), b})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Merge error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		t.Parallel()
		if _, err := Merge(nil); err == nil {
			t.Error("Merge(nil) succeeded")
		}
	})
	t.Run("ErrNil", func(t *testing.T) {
		t.Parallel()
		if _, err := Merge([]*Result{base(), nil}); err == nil || !strings.Contains(err.Error(), "result 1 is nil") {
			t.Errorf("Merge error = %v", err)
		}
	})
}
