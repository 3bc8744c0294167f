package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDownsampleKeepsASingleSampleSpike(t *testing.T) {
	t.Parallel()
	const n = 360_000 // one hour sampled every 10 ms
	tests := []struct {
		name  string
		at    int
		cols  int
		spike float64
	}{
		{"First", 0, 1200, 1e6},
		{"Middle", 123_457, 1200, 42},
		{"Last", n - 1, 1200, 7},
		{"NegativeDip", 200_001, 373, -5},
		{"OneColumn", 99, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ys := make([]float64, n)
			ys[tt.at] = tt.spike
			e := downsample(ys, 0.01, tt.cols)
			if len(e.x) != tt.cols {
				t.Fatalf("%d columns, want %d", len(e.x), tt.cols)
			}
			// The spike's column is the one whose sample range holds it.
			c := tt.at * tt.cols / n
			for c > 0 && c*n/tt.cols > tt.at {
				c--
			}
			for c+1 < tt.cols && (c+1)*n/tt.cols <= tt.at {
				c++
			}
			got := e.hi[c]
			if tt.spike < 0 {
				got = e.lo[c]
			}
			if got != tt.spike {
				t.Errorf("column %d keeps %v, want the spike %v", c, got, tt.spike)
			}
			// Every other column is flat at 0.
			for k := range e.x {
				if k != c && (e.lo[k] != 0 || e.hi[k] != 0) {
					t.Fatalf("column %d = [%v, %v], want [0, 0]", k, e.lo[k], e.hi[k])
				}
			}
			// The band outline reaches the spike too.
			found := false
			for _, p := range e.band() {
				found = found || p.Y == tt.spike
			}
			if !found {
				t.Error("the band outline lost the spike")
			}
		})
	}
}

func TestDownsampleAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, cols int }{{10, 3}, {1000, 7}, {12345, 100}, {5, 5}, {4, 9}} {
		ys := make([]float64, tc.n)
		for k := range ys {
			ys[k] = math.Floor(rng.ExpFloat64() * 4)
		}
		e := downsample(ys, 0.5, tc.cols)
		cols := min(tc.cols, tc.n)
		// Brute force: assign sample k to column ⌊k·cols/n⌋'s inverse, i.e.
		// the column c with c·n/cols <= k < (c+1)·n/cols.
		lo := make([]float64, cols)
		hi := make([]float64, cols)
		sum := make([]float64, cols)
		cnt := make([]float64, cols)
		for c := range cols {
			lo[c], hi[c] = math.Inf(1), math.Inf(-1)
		}
		c := 0
		for k, y := range ys {
			for k >= (c+1)*tc.n/cols {
				c++
			}
			lo[c], hi[c] = math.Min(lo[c], y), math.Max(hi[c], y)
			sum[c] += y
			cnt[c]++
		}
		var total float64
		mean := make([]float64, cols)
		for c := range cols {
			mean[c] = sum[c] / cnt[c]
			total += cnt[c]
		}
		if total != float64(tc.n) {
			t.Fatalf("n=%d: columns hold %v samples", tc.n, total)
		}
		approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(a)) })
		for name, pair := range map[string][2][]float64{"lo": {lo, e.lo}, "hi": {hi, e.hi}, "mean": {mean, e.mean}} {
			if diff := cmp.Diff(pair[0], pair[1], approx); diff != "" {
				t.Errorf("n=%d cols=%d %s (-want +got):\n%s", tc.n, tc.cols, name, diff)
			}
		}
		// Column times are the centres of their sample ranges, increasing.
		for c := 1; c < len(e.x); c++ {
			if e.x[c] <= e.x[c-1] {
				t.Errorf("n=%d: column %d at %v, not after %v", tc.n, c, e.x[c], e.x[c-1])
			}
		}
	}
}

func TestNeedsEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, cols int
		want    bool
	}{{2400, 1200, false}, {2401, 1200, true}, {3, 0, true}, {2, 0, false}}
	for _, tt := range tests {
		if got := needsEnvelope(tt.n, tt.cols); got != tt.want {
			t.Errorf("needsEnvelope(%d, %d) = %v, want %v", tt.n, tt.cols, got, tt.want)
		}
	}
}

func TestTickSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v       float64
		integer bool
		want    float64
	}{
		{0.3, true, 1}, {1.2, true, 2}, {2.2, true, 5}, {21.6, false, 25}, {21.6, true, 25}, {66, false, 100}, {0.013, false, 0.02},
		{0, false, 1},
	}
	for _, tt := range tests {
		if got := tickStep(tt.v, tt.integer); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("tickStep(%v, %v) = %v, want %v", tt.v, tt.integer, got, tt.want)
		}
	}
}
