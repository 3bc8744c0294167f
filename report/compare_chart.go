package report

import (
	"context"
	"errors"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/analysis"
)

// ComparisonChart is the name of a comparison's chart (RenderComparisonChart).
const ComparisonChart = "differences"

// RenderComparisonChart draws the differences of a comparison: for every
// figure whose value on side a is not zero, the relative difference
// (b − a)/a in percent as a dot, with its 95 % interval as a bar and,
// for a paired comparison, the unpaired interval as a lighter, thinner bar
// beside it, so the gain of common random numbers shows. It returns an
// error when no figure can be drawn, and one wrapping ctx.Err(), having
// written nothing, when ctx is done first.
func RenderComparisonChart(ctx context.Context, w io.Writer, format Format, c *analysis.Comparison, opts ChartOptions) error {
	fig, err := comparisonFigure(c)
	if err != nil {
		return err
	}
	return renderFigure(ctx, w, fig, format, opts)
}

// relDiff is one figure's relative difference and half-widths, in
// percent of a.
type relDiff struct {
	label              string
	mean, hw, unpaired float64
}

// relativeDiffs returns the figures of c that can be drawn relative to a.
func relativeDiffs(c *analysis.Comparison) []relDiff {
	var out []relDiff
	for _, d := range c.Figures {
		if d.A.Mean == 0 || math.IsNaN(d.Diff.Mean) {
			continue
		}
		s := 100 / math.Abs(d.A.Mean)
		out = append(out, relDiff{label: unitOf(d.Name).label, mean: s * d.Diff.Mean, hw: s * d.Diff.HalfWidth, unpaired: s * d.UnpairedHalfWidth})
	}
	return out
}

// comparisonFigure lays out the comparison chart: one row per figure,
// the first at the top.
func comparisonFigure(c *analysis.Comparison) (figure, error) {
	if c == nil {
		return figure{}, errors.New("report: no comparison to draw")
	}
	ds := relativeDiffs(c)
	if len(ds) == 0 {
		return figure{}, errors.New("report: the comparison has no figure with a non-zero value on side a to draw")
	}
	title := "b − a in % of a, with 95 % confidence intervals"
	switch c.Method {
	case analysis.MethodPaired:
		title += " (dark: paired; light: unpaired, on the same results)"
	case analysis.MethodWelch:
		title += " (Welch, unpaired)"
	case analysis.MethodNone:
		title = "b − a in % of a (single runs: no interval)"
	}
	p := newPlot(title, "difference, % of a", "")
	n := len(ds)
	var paired, unpaired hPoints
	for k, d := range ds {
		y := float64(n - 1 - k)
		paired.XYs = append(paired.XYs, plotter.XY{X: d.mean, Y: y})
		paired.XErrors = append(paired.XErrors, struct{ Low, High float64 }{d.hw, d.hw})
		if c.Method == analysis.MethodPaired {
			unpaired.XYs = append(unpaired.XYs, plotter.XY{X: d.mean, Y: y - 0.22})
			unpaired.XErrors = append(unpaired.XErrors, struct{ Low, High float64 }{d.unpaired, d.unpaired})
		}
	}
	p.Add(zeroLine{})
	if len(unpaired.XYs) > 0 {
		if bars, err := plotter.NewXErrorBars(unpaired); err == nil {
			bars.LineStyle = draw.LineStyle{Color: rgb(colSky), Width: 1}
			bars.CapWidth = 4
			p.Add(bars)
		}
	}
	if c.Method != analysis.MethodNone {
		if bars, err := plotter.NewXErrorBars(paired); err == nil {
			bars.LineStyle = draw.LineStyle{Color: rgb(colBlue), Width: 1.6}
			bars.CapWidth = 6
			p.Add(bars)
		}
	}
	dots, err := plotter.NewScatter(paired.XYs)
	if err != nil {
		return figure{}, err
	}
	dots.GlyphStyle = draw.GlyphStyle{Color: rgb(colBlue), Radius: 3, Shape: draw.CircleGlyph{}}
	p.Add(dots)
	labels := make([]float64, n)
	names := make([]string, n)
	for k, d := range ds {
		labels[n-1-k] = float64(n - 1 - k)
		names[n-1-k] = d.label
	}
	p.Y.Tick.Marker = namedTicks(names)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.X.Tick.Marker = niceTicks{n: 8}
	h := vg.Length(60 + 26*n)
	return figure{width: sweepChartWidth, height: h, draw: func(dc draw.Canvas) {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		p.Draw(draw.Crop(dc, figurePad, -figurePad, figurePad, -figurePad))
	}}, nil
}

// hPoints are points with horizontal error bars.
type hPoints struct {
	plotter.XYs
	plotter.XErrors
}

// namedTicks labels the rows 0 … n−1 of an axis with names.
type namedTicks []string

// Ticks implements plot.Ticker.
func (t namedTicks) Ticks(_, _ float64) []plot.Tick {
	out := make([]plot.Tick, len(t))
	for i, s := range t {
		out[i] = plot.Tick{Value: float64(i), Label: s}
	}
	return out
}

// zeroLine is the vertical line x = 0.
type zeroLine struct{}

// Plot implements plot.Plotter.
func (zeroLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(0)
	if x < c.Min.X || x > c.Max.X {
		return
	}
	c.StrokeLine2(draw.LineStyle{Color: rgb(colGrey), Width: 0.8, Dashes: []vg.Length{3, 3}}, x, c.Min.Y, x, c.Max.Y)
}

// DataRange implements plot.DataRanger, so that 0 is always on the axis.
func (zeroLine) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 0, 0, 0 }
