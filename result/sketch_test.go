package result

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var seedFlag = flag.Uint64("seed", 42, "seed of the property tests; 0 picks a random seed and logs it")

// testSeed returns the seed of a property test: -seed, or a random one
// (logged, so that a failure can be replayed) when -seed=0.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = rand.Uint64()
		t.Logf("random seed %d (replay with -seed=%d)", seed, seed)
	}
	return seed
}

// exactQuantile returns the sample value of 0-based rank ⌊q·(n−1)⌋, the
// definition Sketch.Quantile estimates.
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[int(math.Floor(q*float64(len(sorted)-1)))]
}

func TestSketchQuantileWithinRelativeAccuracy(t *testing.T) {
	t.Parallel()
	// The sketch's bound is deterministic (every quantile of the sample
	// itself within RelativeAccuracy, whatever n), so -short only uses a
	// smaller sample, with the same tolerance.
	n := 20000
	if testing.Short() {
		n = 4000
	}
	dists := []struct {
		name string
		draw func(r *rand.Rand) float64
	}{
		{"Exponential", func(r *rand.Rand) float64 { return 0.01 * r.ExpFloat64() }},
		{"LogNormal", func(r *rand.Rand) float64 { return math.Exp(r.NormFloat64()*2 - 3) }},
		{"Uniform", func(r *rand.Rand) float64 { return 0.5 + r.Float64() }},
		{"Pareto", func(r *rand.Rand) float64 { return 0.001 / math.Pow(1-r.Float64(), 1/1.5) }},
		{"FewDistinct", func(r *rand.Rand) float64 { return []float64{0.001, 0.002, 3}[r.IntN(3)] }},
		{"WideRange", func(r *rand.Rand) float64 { return math.Pow(10, -6+12*r.Float64()) }},
	}
	seed := testSeed(t)
	qs := []float64{0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}
	for i, d := range dists {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, uint64(i)))
			s := NewSketch()
			xs := make([]float64, n)
			for k := range xs {
				xs[k] = d.draw(r)
				s.Add(xs[k])
			}
			slices.Sort(xs)
			if s.Count() != int64(n) {
				t.Fatalf("Count() = %d, want %d", s.Count(), n)
			}
			for _, q := range qs {
				got, want := s.Quantile(q), exactQuantile(xs, q)
				// The DDSketch bound is exactly RelativeAccuracy; the 1e-9
				// slack covers float rounding of log and pow at bucket edges.
				if rel := math.Abs(got-want) / want; rel > RelativeAccuracy*(1+1e-9) {
					t.Errorf("Quantile(%v) = %v, exact %v: relative error %.5f > %v", q, got, want, rel, RelativeAccuracy)
				}
			}
		})
	}
}

func TestSketchExtremeValuesRoundTrip(t *testing.T) {
	t.Parallel()
	s := NewSketch()
	for _, v := range []float64{minIndexable, 1e-3, 1e300, math.MaxFloat64} {
		s.Add(v)
	}
	var back Sketch
	if err := json.Unmarshal([]byte(mustJSON(t, s)), &back); err != nil {
		t.Fatalf("decoding the extreme buckets: %v", err)
	}
	if got := back.Quantile(1); math.Abs(got-math.MaxFloat64)/math.MaxFloat64 > RelativeAccuracy {
		t.Errorf("Quantile(1) = %v, want MaxFloat64 within %v", got, RelativeAccuracy)
	}
}

func TestSketchExactValues(t *testing.T) {
	t.Parallel()
	s := NewSketch()
	s.Add(1) // bucket 0 reports 2/(γ+1) = 1 − α.
	s.Add(1)
	s.Add(0) // zero bucket
	if got := s.Count(); got != 3 {
		t.Errorf("Count() = %d, want 3", got)
	}
	if got := s.Quantile(0); got != 0 {
		t.Errorf("Quantile(0) = %v, want 0 (zero bucket)", got)
	}
	// 1e-15: rounding of (1+α)/(1−α) and of 2/(γ+1).
	if got := s.Quantile(1); math.Abs(got-(1-RelativeAccuracy)) > 1e-15 {
		t.Errorf("Quantile(1) = %v, want %v", got, 1-RelativeAccuracy)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"relative_accuracy":0.005,"zero_count":1,"offset":0,"counts":[2]}`, string(b)); diff != "" {
		t.Errorf("MarshalJSON mismatch (-want +got):\n%s", diff)
	}
}

func TestSketchEmpty(t *testing.T) {
	t.Parallel()
	s := NewSketch()
	if !math.IsNaN(s.Quantile(0.5)) {
		t.Errorf("Quantile(0.5) of empty sketch = %v, want NaN", s.Quantile(0.5))
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"relative_accuracy":0.005,"zero_count":0,"offset":0,"counts":[]}`, string(b)); diff != "" {
		t.Errorf("MarshalJSON mismatch (-want +got):\n%s", diff)
	}
}

func TestSketchPanicsOnMisuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(s *Sketch)
	}{
		{"NegativeValue", func(s *Sketch) { s.Add(-1) }},
		{"NaN", func(s *Sketch) { s.Add(math.NaN()) }},
		{"Inf", func(s *Sketch) { s.Add(math.Inf(1)) }},
		{"QuantileAboveOne", func(s *Sketch) { s.Quantile(1.5) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			s := NewSketch()
			s.Add(1)
			tt.f(s)
		})
	}
}

// sample returns n seeded exponential values of mean 10 ms.
func sample(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	xs := make([]float64, n)
	for k := range xs {
		xs[k] = 0.01 * r.ExpFloat64()
	}
	return xs
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSketchMergeEqualsOneSketch(t *testing.T) {
	t.Parallel()
	a, b, whole := NewSketch(), NewSketch(), NewSketch()
	xs, ys := sample(1, 3000), sample(2, 500)
	for _, x := range xs {
		a.Add(x)
		whole.Add(x)
	}
	for _, y := range ys {
		b.Add(y * 100) // a disjoint, higher range forces growth on merge
		whole.Add(y * 100)
	}
	a.Merge(b)
	a.Merge(nil)
	a.Merge(NewSketch())
	if diff := cmp.Diff(mustJSON(t, whole), mustJSON(t, a)); diff != "" {
		t.Errorf("merged sketch differs from one sketch (-want +got):\n%s", diff)
	}
	if a.Count() != 3500 {
		t.Errorf("Count() = %d, want 3500", a.Count())
	}
}

func TestSketchMergeSelfDoubles(t *testing.T) {
	t.Parallel()
	s, twice := NewSketch(), NewSketch()
	for _, x := range sample(3, 100) {
		s.Add(x)
		twice.Add(x)
		twice.Add(x)
	}
	s.Merge(s)
	if diff := cmp.Diff(mustJSON(t, twice), mustJSON(t, s)); diff != "" {
		t.Errorf("self-merge (-want +got):\n%s", diff)
	}
}

func TestSketchJSONDeterministicAndRoundTrip(t *testing.T) {
	t.Parallel()
	xs := sample(4, 2000)
	fwd, rev := NewSketch(), NewSketch()
	for k := range xs {
		fwd.Add(xs[k])
		rev.Add(xs[len(xs)-1-k])
	}
	fwd.Add(0)
	rev.Add(0)
	want := mustJSON(t, fwd)
	if got := mustJSON(t, rev); got != want {
		t.Fatalf("insertion order changed the encoding:\n%s\n%s", want, got)
	}
	var back Sketch
	if err := json.Unmarshal([]byte(want), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, mustJSON(t, &back)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, q := range []float64{0, 0.5, 0.99, 1} {
		if got, want := back.Quantile(q), fwd.Quantile(q); got != want {
			t.Errorf("decoded Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if back.Count() != fwd.Count() {
		t.Errorf("decoded Count() = %d, want %d", back.Count(), fwd.Count())
	}
	back.Add(1) // a decoded sketch keeps working
	if back.Count() != fwd.Count()+1 {
		t.Errorf("Count() after Add = %d, want %d", back.Count(), fwd.Count()+1)
	}
}

func TestSketchUnmarshalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in string }{
		{"ErrAccuracy", `{"relative_accuracy":0.01,"zero_count":0,"offset":0,"counts":[1]}`},
		{"ErrNegativeCount", `{"relative_accuracy":0.005,"zero_count":0,"offset":0,"counts":[1,-1]}`},
		{"ErrNegativeZero", `{"relative_accuracy":0.005,"zero_count":-1,"offset":0,"counts":[]}`},
		{"ErrSyntax", `{"relative_accuracy":`},
		{"ErrOffsetTooLow", `{"relative_accuracy":0.005,"zero_count":0,"offset":-9000,"counts":[1]}`},
		{"ErrOffsetTooHigh", `{"relative_accuracy":0.005,"zero_count":0,"offset":9223372036854775000,"counts":[1,2]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Sketch
			if err := json.Unmarshal([]byte(tt.in), &s); err == nil {
				t.Errorf("Unmarshal(%s) succeeded, want error", tt.in)
			}
		})
	}
}

func TestSketchReset(t *testing.T) {
	t.Parallel()
	s := NewSketch()
	for _, x := range sample(3, 1000) {
		s.Add(x)
	}
	s.Add(0)
	s.Reset()
	if s.Count() != 0 || !math.IsNaN(s.Quantile(0.5)) {
		t.Fatalf("after Reset: count %d, median %v; want an empty sketch", s.Count(), s.Quantile(0.5))
	}
	if b, err := json.Marshal(s); err != nil || string(b) != `{"relative_accuracy":0.005,"zero_count":0,"offset":0,"counts":[]}` {
		t.Errorf("after Reset encodes as %s (%v), want an empty sketch", b, err)
	}
	s.Add(0.25)
	if got := s.Quantile(0.95); math.Abs(got-0.25) > RelativeAccuracy*0.25 {
		t.Errorf("p95 after Reset and one value 0.25 = %v", got)
	}
}

// TestSketchAddDoesNotAllocate is not parallel: AllocsPerRun forbids it.
func TestSketchAddDoesNotAllocate(t *testing.T) {
	s := NewSketch()
	xs := sample(5, 4096)
	for _, x := range xs {
		s.Add(x)
	}
	k := 0
	allocs := testing.AllocsPerRun(10000, func() {
		s.Add(xs[k&4095])
		k++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times per call in steady state, want 0", allocs)
	}
}

func BenchmarkSketchAdd(b *testing.B) {
	s := NewSketch()
	xs := sample(6, 4096)
	for _, x := range xs {
		s.Add(x)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		s.Add(xs[k&4095])
		k++
	}
}

func BenchmarkSketchQuantile(b *testing.B) {
	s := NewSketch()
	for _, x := range sample(7, 100000) {
		s.Add(x)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Quantile(0.99)
	}
}
