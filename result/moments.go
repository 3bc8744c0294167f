package result

import "math"

// Moments are the exact count, mean, sum of squared deviations, minimum and
// maximum of a sample, updated one value at a time and mergeable. The zero
// value is an empty sample.
type Moments struct {
	// Count is the number of values.
	Count int64 `json:"count"`
	// Mean is the sample mean; 0 when empty.
	Mean float64 `json:"mean"`
	// M2 is the sum of squared deviations from the mean.
	M2 float64 `json:"m2"`
	// Min is the smallest value; 0 when empty.
	Min float64 `json:"min"`
	// Max is the largest value; 0 when empty.
	Max float64 `json:"max"`
}

// Add records one value with Welford's update (B. P. Welford, "Note on a
// method for calculating corrected sums of squares and products",
// Technometrics 4(3), 1962; Knuth, TAOCP vol. 2, 3rd ed., §4.2.2), which
// avoids the cancellation of the naive sum-of-squares formula.
func (m *Moments) Add(v float64) {
	m.Count++
	if m.Count == 1 {
		m.Mean, m.M2, m.Min, m.Max = v, 0, v, v
		return
	}
	d := v - m.Mean
	m.Mean += d / float64(m.Count)
	m.M2 += d * (v - m.Mean)
	m.Min = math.Min(m.Min, v)
	m.Max = math.Max(m.Max, v)
}

// Merge adds the sample summarised by o, with the pairwise update of Chan,
// Golub and LeVeque ("Updating formulae and a pairwise algorithm for
// computing sample variances", Stanford CS report STAN-CS-79-773, 1979):
// with δ = mean_o − mean_m and n = n_m + n_o,
// mean = mean_m + δ·n_o/n and M2 = M2_m + M2_o + δ²·n_m·n_o/n.
func (m *Moments) Merge(o Moments) {
	switch {
	case o.Count == 0:
		return
	case m.Count == 0:
		*m = o
		return
	}
	na, nb := float64(m.Count), float64(o.Count)
	n := na + nb
	d := o.Mean - m.Mean
	m.Mean += d * nb / n
	m.M2 += o.M2 + d*d*na*nb/n
	m.Count += o.Count
	m.Min = math.Min(m.Min, o.Min)
	m.Max = math.Max(m.Max, o.Max)
}

// Variance returns the population variance M2/Count; 0 when empty.
func (m Moments) Variance() float64 {
	if m.Count == 0 {
		return 0
	}
	return m.M2 / float64(m.Count)
}

// StdDev returns the population standard deviation sqrt(M2/Count); 0 when
// empty.
func (m Moments) StdDev() float64 {
	return math.Sqrt(m.Variance())
}

// LatencyFrom builds the latency summary of spec §8 from exact moments and
// a quantile sketch of the same sample. Percentiles are clamped to the
// exact [Min, Max], which can only bring them closer to the exact value.
// An empty sample (or a nil sketch) gives zero percentiles; Median equals
// P50.
func LatencyFrom(m Moments, s *Sketch) Latency {
	l := Latency{
		TotalRequests: m.Count,
		Mean:          m.Mean,
		StdDev:        m.StdDev(),
		Min:           m.Min,
		Max:           m.Max,
	}
	if m.Count == 0 || s == nil || s.Count() == 0 {
		return l
	}
	q := func(p float64) float64 {
		return math.Min(math.Max(s.Quantile(p), m.Min), m.Max)
	}
	l.P50 = q(0.50)
	l.Median = l.P50
	l.P90 = q(0.90)
	l.P95 = q(0.95)
	l.P99 = q(0.99)
	l.P999 = q(0.999)
	return l
}
