package result

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDownsample(t *testing.T) {
	t.Parallel()
	ramp := make([]float64, 10)
	for k := range ramp {
		ramp[k] = float64(k)
	}
	tests := []struct {
		name      string
		ys        []float64
		maxPoints int
		want      []float64
		wantP     float64 // PeriodS, from 0.5
		wantFrom  int
	}{
		// Two buckets of five: [0..4] and [5..9]; each gives min then max.
		{"RampTwoBuckets", ramp, 4, []float64{0, 4, 5, 9}, 0.5 * 10 / 4, 10},
		// Order of occurrence: the maximum comes first in the first bucket.
		{"MaxBeforeMin", []float64{9, 1, 5, 3, 7, 0, 2, 8}, 4, []float64{9, 1, 0, 8}, 0.5 * 8 / 4, 8},
		// An odd maxPoints gives maxPoints/2 buckets: 3 of sizes 3, 3, 4.
		{"OddMaxPoints", ramp, 7, []float64{0, 2, 3, 5, 6, 9}, 0.5 * 10 / 6, 10},
		{"ShortUnchanged", ramp, 10, ramp, 0.5, 0},
		{"TooFewPointsUnchanged", ramp, 1, ramp, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lat := &LatencySeries{WindowS: 1, Count: []float64{3}, P50: []float64{0.1}, P95: []float64{0.2}, P99: []float64{0.3}}
			in := &Series{PeriodS: 0.5,
				Servers: map[string]ServerSeries{"s": {ReadyQueueLen: tt.ys, Replicas: tt.ys}},
				Edges:   map[string]EdgeSeries{"e": {EdgeConcurrentConnection: tt.ys}},
				Latency: lat}
			orig := slices.Clone(tt.ys)
			got := in.Downsample(tt.maxPoints)
			if diff := cmp.Diff(tt.want, got.Servers["s"].ReadyQueueLen); diff != "" {
				t.Errorf("server series (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got.Edges["e"].EdgeConcurrentConnection); diff != "" {
				t.Errorf("edge series (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got.Servers["s"].Replicas); diff != "" {
				t.Errorf("replicas series (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(lat, got.Latency); diff != "" {
				t.Errorf("the latency series is kept (-want +got):\n%s", diff)
			}
			if got.Servers["s"].RAMInUse != nil {
				t.Error("a metric not enabled became non-nil")
			}
			if got.PeriodS != tt.wantP || got.DownsampledFrom != tt.wantFrom {
				t.Errorf("PeriodS %v, DownsampledFrom %d; want %v, %d", got.PeriodS, got.DownsampledFrom, tt.wantP, tt.wantFrom)
			}
			if got, want := got.Values(), int64(2*len(tt.want)); got != want {
				t.Errorf("Values() = %d, want %d", got, want)
			}
			if !slices.Equal(in.Servers["s"].ReadyQueueLen, orig) || in.PeriodS != 0.5 {
				t.Error("Downsample modified its receiver")
			}
		})
	}
}

// TestDownsampleKeepsSpikes reduces the longest series a free-plan run
// stores (a 1-hour horizon sampled every 10 ms: 360,000 samples) with a
// one-sample spike and a one-sample dip: both survive, exactly once, and
// the result has StoredSeriesPoints points.
func TestDownsampleKeepsSpikes(t *testing.T) {
	t.Parallel()
	const n = 360_000
	ys := make([]float64, n)
	for k := range ys {
		ys[k] = float64(5 + k%3)
	}
	ys[123_457], ys[300_001] = 1000, -1
	s := &Series{PeriodS: 0.01, Servers: map[string]ServerSeries{"s": {RAMInUse: ys}}}
	got := s.Downsample(StoredSeriesPoints).Servers["s"].RAMInUse
	if len(got) != StoredSeriesPoints {
		t.Fatalf("%d points, want %d", len(got), StoredSeriesPoints)
	}
	count := func(v float64) int {
		c := 0
		for _, y := range got {
			if y == v {
				c++
			}
		}
		return c
	}
	if count(1000) != 1 || count(-1) != 1 {
		t.Errorf("spike kept %d times, dip %d times; want 1 and 1", count(1000), count(-1))
	}
	// The spike is in bucket 123457·2000/360000 = 685: points 1370-1371.
	if got[1370] != 5 || got[1371] != 1000 {
		t.Errorf("bucket 685 = %v, %v; want 5 (its minimum, first) and 1000", got[1370], got[1371])
	}
}
