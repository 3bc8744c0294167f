package result

import "math"

// ForEachBin calls fn for every non-empty bin of the sketch, in increasing
// order of value, with the bin's bounds and count: the values counted in a
// bin lie in (lo, hi]. Values below one nanosecond (including 0) share a
// first bin with lo = 0 and hi = 1e-9. The counts add up to Count().
//
// It lets callers draw the distribution (a histogram or a CDF) without
// access to the sketch's insides; the bins are the DDSketch buckets, each
// about 1 % wide (hi/lo = (1+α)/(1−α) with α = RelativeAccuracy).
func (s *Sketch) ForEachBin(fn func(lo, hi float64, count int64)) {
	if s == nil {
		return
	}
	if s.zero > 0 {
		fn(0, minIndexable, s.zero)
	}
	for k, c := range s.counts {
		if c == 0 {
			continue
		}
		i := s.offset + k
		fn(math.Pow(sketchGamma, float64(i-1)), math.Pow(sketchGamma, float64(i)), c)
	}
}
