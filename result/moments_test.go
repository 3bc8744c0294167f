package result

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestMomentsAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []float64
		want Moments
		sd   float64
	}{
		{"Empty", nil, Moments{}, 0},
		{"One", []float64{3}, Moments{Count: 1, Mean: 3, Min: 3, Max: 3}, 0},
		// The textbook sample: mean 5, population variance 32/8 = 4.
		{"Textbook", []float64{2, 4, 4, 4, 5, 5, 7, 9}, Moments{Count: 8, Mean: 5, M2: 32, Min: 2, Max: 9}, 2},
		{"Negative", []float64{-1, 1}, Moments{Count: 2, Mean: 0, M2: 2, Min: -1, Max: 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m Moments
			for _, v := range tt.in {
				m.Add(v)
			}
			if diff := cmp.Diff(tt.want, m); diff != "" {
				t.Errorf("Moments (-want +got):\n%s", diff)
			}
			if got := m.StdDev(); got != tt.sd {
				t.Errorf("StdDev() = %v, want %v", got, tt.sd)
			}
		})
	}
}

func TestMomentsMerge(t *testing.T) {
	t.Parallel()
	xs := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	for split := 0; split <= len(xs); split++ {
		var a, b Moments
		for _, v := range xs[:split] {
			a.Add(v)
		}
		for _, v := range xs[split:] {
			b.Add(v)
		}
		a.Merge(b)
		want := Moments{Count: 8, Mean: 5, M2: 32, Min: 2, Max: 9}
		// 1e-12: a few roundings of values of order 10.
		if diff := cmp.Diff(want, a, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("split %d: merged (-want +got):\n%s", split, diff)
		}
	}
}

func TestMomentsStableForLargeOffset(t *testing.T) {
	t.Parallel()
	// The naive Σx²/n − mean² loses every digit here; Welford keeps them.
	var m Moments
	for _, v := range []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16} {
		m.Add(v)
	}
	// Population variance of {4, 7, 13, 16} is 22.5.
	if got := m.Variance(); math.Abs(got-22.5) > 1e-6 {
		t.Errorf("Variance() = %v, want 22.5", got)
	}
}

func TestLatencyFrom(t *testing.T) {
	t.Parallel()
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		if diff := cmp.Diff(Latency{}, LatencyFrom(Moments{}, NewSketch())); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(Latency{}, LatencyFrom(Moments{}, nil)); diff != "" {
			t.Errorf("nil sketch (-want +got):\n%s", diff)
		}
	})
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		var m Moments
		s := NewSketch()
		for k := 1; k <= 1000; k++ { // 1 ms … 1 s
			v := float64(k) / 1000
			m.Add(v)
			s.Add(v)
		}
		got := LatencyFrom(m, s)
		if got.TotalRequests != 1000 || got.Min != 0.001 || got.Max != 1 || got.Median != got.P50 {
			t.Errorf("exact fields wrong: %+v", got)
		}
		// Mean of k/1000 for k = 1..1000 is 0.5005; population sd is
		// sqrt((1000²−1)/12)/1000.
		if math.Abs(got.Mean-0.5005) > 1e-12 || math.Abs(got.StdDev-math.Sqrt((1e6-1)/12)/1000) > 1e-12 {
			t.Errorf("Mean, StdDev = %v, %v", got.Mean, got.StdDev)
		}
		// Exact ranks ⌊q·999⌋: p50 → 0.5, p90 → 0.9, p95 → 0.95, p99 → 0.99,
		// p999 → 0.999; each within the sketch accuracy.
		for _, c := range []struct{ got, want float64 }{
			{got.P50, 0.5}, {got.P90, 0.9}, {got.P95, 0.95}, {got.P99, 0.99}, {got.P999, 0.999},
		} {
			if math.Abs(c.got-c.want) > RelativeAccuracy*c.want {
				t.Errorf("percentile %v, want %v within %v", c.got, c.want, RelativeAccuracy)
			}
		}
	})
	t.Run("ClampedToMax", func(t *testing.T) {
		t.Parallel()
		var m Moments
		s := NewSketch()
		m.Add(0.7) // bucket value of 0.7 may exceed 0.7; the clamp keeps p999 <= max
		s.Add(0.7)
		got := LatencyFrom(m, s)
		if got.P999 != 0.7 || got.P50 != 0.7 {
			t.Errorf("P50, P999 = %v, %v, want 0.7 (clamped to [min, max])", got.P50, got.P999)
		}
	})
}
