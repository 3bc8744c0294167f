package result

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// RelativeAccuracy is the relative accuracy of every Sketch: a quantile it
// returns is within this fraction of the exact sample quantile.
const RelativeAccuracy = 0.005

// minIndexable is the smallest value the sketch stores in a logarithmic
// bucket. Smaller values (including 0) are counted in a separate zero bucket
// and reported as 0, an absolute error below one nanosecond of latency.
const minIndexable = 1e-9

// Sketch geometry (Masson, Rim and Lee, "DDSketch: A Fast and
// Fully-Mergeable Quantile Sketch with Relative-Error Guarantees",
// PVLDB 12(12), 2019, §2): with γ = (1+α)/(1−α), bucket i holds the values
// in (γ^(i−1), γ^i] and reports 2γ^i/(γ+1), which is within α of every value
// of the bucket.
var (
	sketchGamma    = (1 + RelativeAccuracy) / (1 - RelativeAccuracy)
	sketchLogGamma = math.Log(sketchGamma)
)

// growSlack is the number of spare buckets added on each side when the
// bucket array grows, so that a sample drifting slowly does not reallocate
// on every new extreme.
const growSlack = 64

// Sketch is a mergeable quantile sketch with relative error at most
// RelativeAccuracy (0.5 %): a DDSketch with a logarithmic index mapping and
// an unbounded dense store of integer counts (Masson, Rim and Lee, PVLDB
// 12(12), 2019).
//
// It is written here rather than taken from github.com/DataDog/sketches-go
// because that package (which also adds nothing per Add: 22 ns, 0 allocs
// measured) pulls in google.golang.org/protobuf for its wire format, keeps
// counts as float64, and has no JSON form; the few lines below give integer
// counts, a compact deterministic JSON encoding and no extra dependency.
//
// Add does not allocate once the bucket range covers the sample. The zero
// value is not usable; create sketches with NewSketch.
type Sketch struct {
	// offset is the bucket index of counts[0].
	offset int
	// counts holds the bucket counts; it may carry zero slack at both ends.
	counts []int64
	// zero counts the values below minIndexable.
	zero int64
	// count is the total number of values added.
	count int64
}

// NewSketch returns an empty sketch.
func NewSketch() *Sketch {
	return &Sketch{}
}

// index returns the bucket index of v >= minIndexable.
func index(v float64) int {
	return int(math.Ceil(math.Log(v) / sketchLogGamma))
}

// bucketValue returns the value reported for bucket i, 2γ^i/(γ+1). For the
// top buckets, whose γ^i exceeds MaxFloat64, it computes (1−α)·γ^i through
// exp instead and caps it at MaxFloat64.
func bucketValue(i int) float64 {
	if p := math.Pow(sketchGamma, float64(i)); !math.IsInf(p, 1) {
		return 2 * p / (sketchGamma + 1)
	}
	return math.Min(math.Exp(float64(i)*sketchLogGamma+math.Log1p(-RelativeAccuracy)), math.MaxFloat64)
}

// Add records one value. It panics if v is negative, NaN or infinite: the
// engine only records latencies, which are finite and non-negative.
func (s *Sketch) Add(v float64) {
	if !(v >= 0) || math.IsInf(v, 1) {
		panic(fmt.Sprintf("result: sketch value %v is not a finite non-negative number", v))
	}
	s.count++
	if v < minIndexable {
		s.zero++
		return
	}
	s.addIndex(index(v), 1)
}

// addIndex adds n to bucket i, growing the bucket array when needed.
func (s *Sketch) addIndex(i int, n int64) {
	if len(s.counts) == 0 {
		s.offset = i - growSlack
		s.counts = make([]int64, 2*growSlack+1)
	}
	if i < s.offset || i >= s.offset+len(s.counts) {
		s.grow(i)
	}
	s.counts[i-s.offset] += n
}

// grow extends the bucket array so that it covers index i, with slack.
func (s *Sketch) grow(i int) {
	lo, hi := s.offset, s.offset+len(s.counts) // [lo, hi)
	if i < lo {
		lo = i - growSlack
	}
	if i >= hi {
		hi = i + growSlack + 1
	}
	counts := make([]int64, hi-lo)
	copy(counts[s.offset-lo:], s.counts)
	s.offset, s.counts = lo, counts
}

// Reset empties the sketch and keeps its bucket array, so that a sketch
// reused for successive samples (such as the per-second sketches of the
// engine's recovery watch) stops allocating once its range covers them.
func (s *Sketch) Reset() {
	clear(s.counts)
	s.zero, s.count = 0, 0
}

// Count returns the number of values added.
func (s *Sketch) Count() int64 {
	return s.count
}

// Quantile returns an estimate of the q-quantile of the values added, for q
// in [0, 1]: the value of rank ⌊q·(n−1)⌋ (0-based) in sorted order, within
// RelativeAccuracy. It returns NaN for an empty sketch and panics if q is
// outside [0, 1].
func (s *Sketch) Quantile(q float64) float64 {
	if !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("result: quantile %v is outside [0, 1]", q))
	}
	if s.count == 0 {
		return math.NaN()
	}
	rank := int64(math.Floor(q * float64(s.count-1)))
	cum := s.zero
	if cum > rank {
		return 0
	}
	for k, c := range s.counts {
		cum += c
		if cum > rank {
			return bucketValue(s.offset + k)
		}
	}
	// Unreachable while count equals zero plus the bucket counts.
	panic("result: sketch count does not match its buckets")
}

// Merge adds every value recorded in o to s, as if they had been added to s
// directly. o is not modified; merging a sketch into itself doubles it.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.count == 0 {
		return
	}
	lo, hi, ok := o.span()
	if ok {
		// Keep o's buckets before growing s: o may be s itself.
		src, base := o.counts, o.offset
		s.addIndex(lo, 0)
		s.addIndex(hi, 0)
		for k := lo - base; k <= hi-base; k++ {
			s.counts[base+k-s.offset] += src[k]
		}
	}
	s.zero += o.zero
	s.count += o.count
}

// span returns the lowest and highest non-empty bucket indexes.
func (s *Sketch) span() (lo, hi int, ok bool) {
	first, last := -1, -1
	for k, c := range s.counts {
		if c != 0 {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	return s.offset + first, s.offset + last, true
}

// sketchJSON is the wire form of a Sketch: the non-empty bucket range as an
// offset and a dense list of counts. It holds no slack, so equal samples
// encode to equal bytes whatever order they were added or merged in.
type sketchJSON struct {
	RelativeAccuracy float64 `json:"relative_accuracy"`
	ZeroCount        int64   `json:"zero_count"`
	Offset           int     `json:"offset"`
	Counts           []int64 `json:"counts"`
}

// MarshalJSON encodes the sketch compactly and deterministically as
// {"relative_accuracy", "zero_count", "offset", "counts"}, where counts[k]
// is the count of bucket offset+k.
func (s *Sketch) MarshalJSON() ([]byte, error) {
	w := sketchJSON{RelativeAccuracy: RelativeAccuracy, ZeroCount: s.zero, Counts: []int64{}}
	if lo, hi, ok := s.span(); ok {
		w.Offset = lo
		w.Counts = s.counts[lo-s.offset : hi-s.offset+1]
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the form written by MarshalJSON. It rejects a
// sketch of another relative accuracy, negative counts and buckets that no
// finite value maps to.
func (s *Sketch) UnmarshalJSON(data []byte) error {
	var w sketchJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("result: decoding sketch: %w", err)
	}
	if w.RelativeAccuracy != RelativeAccuracy {
		return fmt.Errorf("result: decoding sketch: relative_accuracy is %v, want %v", w.RelativeAccuracy, RelativeAccuracy)
	}
	if w.ZeroCount < 0 {
		return errors.New("result: decoding sketch: zero_count must be >= 0")
	}
	if lo, hi := index(minIndexable), index(math.MaxFloat64); len(w.Counts) > 0 && (w.Offset < lo || w.Offset > hi-len(w.Counts)+1) {
		return fmt.Errorf("result: decoding sketch: buckets %d..%d are outside the indexable range %d..%d", w.Offset, w.Offset+len(w.Counts)-1, lo, hi)
	}
	total := w.ZeroCount
	for k, c := range w.Counts {
		if c < 0 {
			return fmt.Errorf("result: decoding sketch: counts[%d] is %d, must be >= 0", k, c)
		}
		total += c
	}
	*s = Sketch{zero: w.ZeroCount, count: total}
	if len(w.Counts) > 0 {
		s.offset = w.Offset
		s.counts = append([]int64(nil), w.Counts...)
	}
	return nil
}
