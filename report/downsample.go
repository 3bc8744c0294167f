package report

import "gonum.org/v1/plot/plotter"

// envelope is a long regularly sampled series reduced to one column per
// pixel for drawing: every column keeps the minimum, the maximum and the
// mean of its samples. Drawn as a band from minimum to maximum with the
// mean as a line, it shows exactly the pixels a line through every sample
// would colour, plus where the series mostly sits: a spike one sample wide
// survives as the band's maximum in its column, however long the series
// (the min/max idea of M4: Jugel, Jerzak, Hackenbroich and Markl, "M4: A
// Visualization-Oriented Time Series Data Aggregation", PVLDB 7(10),
// 2014). Every sample counts in exactly one column; none is skipped.
type envelope struct {
	// x is the time of each column's centre.
	x []float64
	// lo, hi and mean are each column's minimum, maximum and mean.
	lo, hi, mean []float64
}

// needsEnvelope reports whether n samples are too many to draw as one
// line in cols pixel columns (more than two samples per column).
func needsEnvelope(n, cols int) bool { return n > 2*max(cols, 1) }

// downsample splits the series (sample k taken at time k·period) into
// cols consecutive groups of samples, as equal as possible, and returns
// their envelope. cols is clamped to [1, len(ys)].
func downsample(ys []float64, period float64, cols int) envelope {
	n := len(ys)
	cols = min(max(cols, 1), n)
	e := envelope{x: make([]float64, cols), lo: make([]float64, cols), hi: make([]float64, cols), mean: make([]float64, cols)}
	for c := range cols {
		a, b := c*n/cols, (c+1)*n/cols // [a, b), never empty as cols <= n
		lo, hi, sum := ys[a], ys[a], 0.0
		for _, y := range ys[a:b] {
			lo, hi = min(lo, y), max(hi, y)
			sum += y
		}
		e.x[c] = (float64(a) + float64(b-1)) / 2 * period
		e.lo[c], e.hi[c], e.mean[c] = lo, hi, sum/float64(b-a)
	}
	return e
}

// band returns the outline of the min–max band: along the maxima left to
// right, then back along the minima.
func (e envelope) band() plotter.XYs {
	n := len(e.x)
	pts := make(plotter.XYs, 0, 2*n)
	for c := range n {
		pts = append(pts, plotter.XY{X: e.x[c], Y: e.hi[c]})
	}
	for c := n - 1; c >= 0; c-- {
		pts = append(pts, plotter.XY{X: e.x[c], Y: e.lo[c]})
	}
	return pts
}

// meanLine returns the column means as a polyline.
func (e envelope) meanLine() plotter.XYs {
	pts := make(plotter.XYs, len(e.x))
	for c := range e.x {
		pts[c] = plotter.XY{X: e.x[c], Y: e.mean[c]}
	}
	return pts
}

// rawLine returns every sample as a point of a polyline.
func rawLine(ys []float64, period float64) plotter.XYs {
	pts := make(plotter.XYs, len(ys))
	for k, y := range ys {
		pts[k] = plotter.XY{X: float64(k) * period, Y: y}
	}
	return pts
}
