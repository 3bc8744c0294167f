package analysis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fastsim/fastsim/result"
)

func TestEstimate95(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []float64
		want Estimate
	}{
		{"Empty", nil, Estimate{}},
		{"One", []float64{7}, Estimate{Mean: 7}},
		// s = √2, so t(0.975, 1)·√2/√2 = 12.706205.
		{"Two", []float64{10, 12}, Estimate{Mean: 11, HalfWidth: 12.706205}},
		// s² = 2.5, s/√5 = √0.5, half-width = 2.7764451·√0.5.
		{"Five", []float64{1, 2, 3, 4, 5}, Estimate{Mean: 3, HalfWidth: 1.9632431578}},
		{"Constant", []float64{4, 4, 4}, Estimate{Mean: 4, HalfWidth: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// 1e-9: the hand values above are rounded to 10 digits.
			if diff := cmp.Diff(tt.want, Estimate95(tt.in), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("Estimate95 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEstimateBounds(t *testing.T) {
	t.Parallel()
	e := Estimate{Mean: 3, HalfWidth: 0.5}
	if e.Low() != 2.5 || e.High() != 3.5 {
		t.Errorf("Low, High = %v, %v, want 2.5, 3.5", e.Low(), e.High())
	}
}

func rep(mean, p float64, rps float64, completed, dropped int64, util float64) *result.Result {
	return &result.Result{
		Counts:     result.Counts{Completed: completed, Dropped: dropped},
		Latency:    result.Latency{Mean: mean, P50: p, P95: 2 * p, P99: 3 * p},
		Throughput: result.Throughput{MeanRPS: rps},
		Servers:    map[string]result.ServerStats{"srv-1": {Utilization: util}},
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	rs := []*result.Result{
		rep(0.1, 0.1, 90, 900, 10, 0.4),
		rep(0.2, 0.1, 100, 1000, 10, 0.5),
		rep(0.3, 0.1, 110, 1100, 10, 0.6),
	}
	// Each varying figure is a, a+d, a+2d: mean a+d, s = d, half-width
	// t(0.975, 2)·d/√3 = 4.3026527·d/√3 = 2.4841376946·d.
	hw := func(d float64) float64 { return 2.4841376946 * d }
	want := Summary{
		Replications:  3,
		Confidence:    0.95,
		LatencyMean:   Estimate{Mean: 0.2, HalfWidth: hw(0.1)},
		LatencyP50:    Estimate{Mean: 0.1},
		LatencyP95:    Estimate{Mean: 0.2},
		LatencyP99:    Estimate{Mean: 0.3},
		ThroughputRPS: Estimate{Mean: 100, HalfWidth: hw(10)},
		Completed:     Estimate{Mean: 1000, HalfWidth: hw(100)},
		Dropped:       Estimate{Mean: 10},
		Servers:       map[string]ServerSummary{"srv-1": {Utilization: Estimate{Mean: 0.5, HalfWidth: hw(0.1)}}},
	}
	// 1e-9 relative: hw's constant has 11 digits; the absolute 1e-15
	// absorbs the rounding of a zero spread (0.1 + 0.1 + 0.1 ≠ 0.3).
	if diff := cmp.Diff(want, Summarize(rs), cmpopts.EquateApprox(1e-9, 1e-15)); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
}

func TestSummarizeEmpty(t *testing.T) {
	t.Parallel()
	got := Summarize(nil)
	want := Summary{Confidence: 0.95, Servers: map[string]ServerSummary{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize(nil) (-want +got):\n%s", diff)
	}
}
