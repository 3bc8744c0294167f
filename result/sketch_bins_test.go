package result

import (
	"math"
	"testing"
)

func TestSketchForEachBin(t *testing.T) {
	t.Parallel()

	type bin struct {
		Lo, Hi float64
		Count  int64
	}
	tests := []struct {
		name   string
		values []float64
		// want lists, per expected bin, one value that must fall in it.
		want []struct {
			probe float64
			count int64
		}
	}{
		{name: "Empty"},
		{
			name:   "ZeroAndTwoBuckets",
			values: []float64{0, 0, 1, 1, 1, 2},
			want: []struct {
				probe float64
				count int64
			}{{0, 2}, {1, 3}, {2, 1}},
		},
		{
			name:   "NeighbourValuesShareABucket",
			values: []float64{0.1, 0.1001, 10},
			want: []struct {
				probe float64
				count int64
			}{{0.1, 2}, {10, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewSketch()
			for _, v := range tt.values {
				s.Add(v)
			}
			var got []bin
			s.ForEachBin(func(lo, hi float64, count int64) {
				got = append(got, bin{lo, hi, count})
			})
			if len(got) != len(tt.want) {
				t.Fatalf("got %d bins %v, want %d", len(got), got, len(tt.want))
			}
			var total int64
			for k, w := range tt.want {
				b := got[k]
				inside := (b.Lo < w.probe || (b.Lo == 0 && w.probe == 0)) && w.probe <= b.Hi
				if !inside || b.Count != w.count {
					t.Errorf("bin %d = %+v, want it to hold %v with count %d", k, b, w.probe, w.count)
				}
				if k > 0 && b.Lo < got[k-1].Hi {
					t.Errorf("bin %d starts at %v, before bin %d ends at %v", k, b.Lo, k-1, got[k-1].Hi)
				}
				// A bucket's bounds are γ^(i−1) and γ^i: their ratio is γ.
				if b.Lo > 0 && math.Abs(b.Hi/b.Lo-sketchGamma) > 1e-12 {
					t.Errorf("bin %d = %+v: hi/lo = %v, want γ = %v", k, b, b.Hi/b.Lo, sketchGamma)
				}
				total += b.Count
			}
			if total != s.Count() {
				t.Errorf("bins hold %d values, sketch counted %d", total, s.Count())
			}
		})
	}

	t.Run("NilSketch", func(t *testing.T) {
		t.Parallel()
		var s *Sketch
		s.ForEachBin(func(float64, float64, int64) { t.Error("fn called on a nil sketch") })
	})
}
