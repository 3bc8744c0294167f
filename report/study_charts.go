package report

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/analysis"
)

// Sweep charts: the curve of a figure against the swept parameter, with
// the 95 % confidence interval of every point as an error bar and the SLA
// as a dashed line; with two parameters, one curve per value of the
// second, and a heat map.

// HeatmapChartPrefix prefixes a figure's name to name its heat map, drawn
// for sweeps of two parameters.
const HeatmapChartPrefix = "heatmap-"

// SLALatencyChart is the chart of the SLA percentile, listed when it is
// none of p50, p95 and p99.
const SLALatencyChart = "sla_latency"

// Sizes of a sweep chart, in points.
const (
	sweepChartWidth  vg.Length = 720
	sweepChartHeight vg.Length = 420
	// maxLegendCurves is the most curves a chart names in its legend.
	maxLegendCurves = 12
)

// sweepPalette colours the curves of the second parameter's values.
var sweepPalette = []uint32{colBlue, colOrange, colGreen, colVermillion, colSky, colPurple, colGrey}

// SweepCharts lists the charts of a sweep, in a stable order: one per
// figure (analysis.FigureNames, outcome shares only when some candidate
// has them, then the SLA percentile when it is not p50, p95 or p99, then
// each server's utilisation), named by the figure; with two parameters,
// each followed by its heat map (HeatmapChartPrefix + name). It is nil
// for a sweep without points.
func SweepCharts(st *analysis.SweepStudy) []Chart {
	if st == nil || len(st.Points) == 0 {
		return nil
	}
	var out []Chart
	x := ParamLabel(st.Spec.Params[0].Path)
	for _, name := range sweepFigures(st) {
		label := unitOf(name).label
		if name == SLALatencyChart {
			label = analysis.PercentileName(st.Spec.SLA.Percentile) + " latency ms"
		}
		out = append(out, Chart{Name: name, Title: label + " against " + x})
		if len(st.Spec.Params) == 2 {
			out = append(out, Chart{Name: HeatmapChartPrefix + name, Title: label + " over " + x + " and " + ParamLabel(st.Spec.Params[1].Path)})
		}
	}
	return out
}

// sweepFigures lists the figures a sweep charts.
func sweepFigures(st *analysis.SweepStudy) []string {
	var names []string
	for _, name := range analysis.FigureNames {
		if strings.HasSuffix(name, "_ratio") && name != "completed_ratio" && !slices.ContainsFunc(st.Points, func(p analysis.SweepPoint) bool {
			e, _ := p.Figures.Get(name)
			return e.Mean != 0
		}) {
			continue
		}
		names = append(names, name)
	}
	if sla := st.Spec.SLA; sla != nil && !slices.Contains([]float64{0.5, 0.95, 0.99}, sla.Percentile) {
		names = append(names, SLALatencyChart)
	}
	ids := make([]string, 0, len(st.Points[0].Figures.Utilization))
	for id := range st.Points[0].Figures.Utilization {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		names = append(names, "utilization."+id)
	}
	return names
}

// pointFigure returns the figure called name of one point.
func pointFigure(p analysis.SweepPoint, name string) (analysis.Estimate, bool) {
	if name == SLALatencyChart {
		if p.SLALatency == nil {
			return analysis.Estimate{}, false
		}
		return *p.SLALatency, true
	}
	return p.Figures.Get(name)
}

// RenderSweepChart draws the sweep chart called name (one of SweepCharts)
// in the given format to w. It returns an *UnknownChartError (matching
// ErrUnknownChart) for another name, and an error wrapping ctx.Err(),
// having written nothing, when ctx is done first.
func RenderSweepChart(ctx context.Context, w io.Writer, name string, format Format, st *analysis.SweepStudy, opts ChartOptions) error {
	fig, err := sweepFigure(st, name)
	if err != nil {
		return err
	}
	return renderFigure(ctx, w, fig, format, opts)
}

// sweepFigure lays out the sweep chart called name.
func sweepFigure(st *analysis.SweepStudy, name string) (figure, error) {
	charts := SweepCharts(st)
	if !slices.ContainsFunc(charts, func(c Chart) bool { return c.Name == name }) {
		names := make([]string, len(charts))
		for i, c := range charts {
			names[i] = c.Name
		}
		return figure{}, &UnknownChartError{Name: name, Available: names}
	}
	if fig, ok := strings.CutPrefix(name, HeatmapChartPrefix); ok {
		return heatmapFigure(st, fig), nil
	}
	return curveFigure(st, name), nil
}

// chartLabel is the y label of a figure's chart.
func chartLabel(st *analysis.SweepStudy, name string) (figureUnit, string) {
	u := unitOf(name)
	if name == SLALatencyChart {
		u = figureUnit{analysis.PercentileName(st.Spec.SLA.Percentile) + " latency ms", 1000, 3}
	}
	return u, u.label
}

// slaLine returns the SLA threshold on a figure's chart, in its display
// unit, and its label; ok false when the SLA does not bound the figure.
func slaLine(st *analysis.SweepStudy, name string) (float64, string, bool) {
	sla := st.Spec.SLA
	if sla == nil {
		return 0, "", false
	}
	p := analysis.PercentileName(sla.Percentile)
	switch {
	case name == SLALatencyChart || name == "latency_"+p:
		return 1000 * sla.LatencyS, "SLA " + p + " <= " + num(1000*sla.LatencyS) + " ms", true
	case name == "completed_ratio" && sla.MinCompletedRatio > 0:
		return 100 * sla.MinCompletedRatio, "SLA completed >= " + num(100*sla.MinCompletedRatio) + " %", true
	case name == "error_ratio" && sla.MaxErrorRatio != nil:
		return 100 * *sla.MaxErrorRatio, "SLA errors <= " + num(100**sla.MaxErrorRatio) + " %", true
	}
	return 0, "", false
}

// sweepSubtitle says how the points were computed.
func sweepSubtitle(st *analysis.SweepStudy) string {
	n := len(st.Spec.Seeds)
	s := fmt.Sprintf("%s per point, the same seeds for all", nounCount(n, "replication"))
	if n >= 2 {
		s += "; bars: 95 % confidence interval"
	}
	return s
}

// ciPoints are points with vertical error bars.
type ciPoints struct {
	plotter.XYs
	plotter.YErrors
}

// curveFigure draws a figure against the first parameter, one curve per
// value of the second.
func curveFigure(st *analysis.SweepStudy, name string) figure {
	u, ylabel := chartLabel(st, name)
	params := st.Spec.Params
	p := newPlot(ylabel+" against "+ParamLabel(params[0].Path), ParamLabel(params[0].Path)+"   ("+sweepSubtitle(st)+")", ylabel)
	addGrid(p)
	groups := 1
	if len(params) == 2 {
		groups = len(params[1].Values)
	}
	// A figure that spans more than 30 times its smallest value (latency
	// from a stable to an overloaded candidate) is drawn on a log scale,
	// where the small values stay readable; error bars are clipped at half
	// the smallest value.
	lo, hi := 0.0, 0.0
	for k, pt := range st.Points {
		e, _ := pointFigure(pt, name)
		if k == 0 || e.Mean < lo {
			lo = e.Mean
		}
		hi = max(hi, e.Mean)
	}
	logScale := lo > 0 && hi/lo >= 30
	floor := u.scale * lo / 2
	if logScale {
		p.Y.Label.Text += " (log scale)"
	}
	for g := range groups {
		var pts []analysis.SweepPoint
		for _, pt := range st.Points {
			if len(params) == 1 || pt.Values[1] == params[1].Values[g] {
				pts = append(pts, pt)
			}
		}
		slices.SortFunc(pts, func(a, b analysis.SweepPoint) int {
			switch {
			case a.Values[0] < b.Values[0]:
				return -1
			case a.Values[0] > b.Values[0]:
				return 1
			}
			return 0
		})
		var ci ciPoints
		for _, pt := range pts {
			e, ok := pointFigure(pt, name)
			if !ok {
				continue
			}
			y, low := u.scale*e.Mean, u.scale*e.HalfWidth
			if logScale {
				low = min(low, y-floor)
			}
			ci.XYs = append(ci.XYs, plotter.XY{X: pt.Values[0], Y: y})
			ci.YErrors = append(ci.YErrors, struct{ Low, High float64 }{low, u.scale * e.HalfWidth})
		}
		if len(ci.XYs) == 0 {
			continue
		}
		col := rgb(sweepPalette[g%len(sweepPalette)])
		line, err := plotter.NewLine(ci.XYs)
		if err != nil {
			p.Add(message{text: "values that cannot be drawn: " + err.Error()})
			continue
		}
		line.LineStyle = draw.LineStyle{Color: col, Width: 1.2}
		dots, _ := plotter.NewScatter(ci.XYs)
		dots.GlyphStyle = draw.GlyphStyle{Color: col, Radius: 2.5, Shape: draw.CircleGlyph{}}
		p.Add(line, dots)
		if len(st.Spec.Seeds) >= 2 {
			if bars, err := plotter.NewYErrorBars(ci); err == nil {
				bars.LineStyle = draw.LineStyle{Color: col, Width: 1}
				bars.CapWidth = 6
				p.Add(bars)
			}
		}
		if len(params) == 2 && groups <= maxLegendCurves {
			p.Legend.Add(ParamLabel(params[1].Path)+" = "+num(params[1].Values[g]), line, dots)
		}
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font = sans(8, false)
	if y, label, ok := slaLine(st, name); ok && (!logScale || y > 0) {
		p.Add(hline{y: y, label: label, col: rgb(colVermillion)})
		p.Y.Max = max(p.Y.Max, 1.08*y)
		p.Y.Min = min(p.Y.Min, 0.92*y)
	}
	if logScale {
		p.Y.Min = max(min(p.Y.Min, floor), floor)
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	} else {
		p.Y.Min = min(p.Y.Min, 0)
		p.Y.Tick.Marker = niceTicks{n: 6}
	}
	return figure{width: sweepChartWidth, height: sweepChartHeight, draw: func(dc draw.Canvas) {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		p.Draw(draw.Crop(dc, figurePad, -figurePad, figurePad, -figurePad))
	}}
}

// heatGrid is the grid of a heat map: the first parameter on x, the
// second on y, each by index.
type heatGrid struct {
	z    [][]float64 // z[c][r]
	c, r int
}

// Dims implements plotter.GridXYZ.
func (g heatGrid) Dims() (int, int) { return g.c, g.r }

// Z implements plotter.GridXYZ.
func (g heatGrid) Z(c, r int) float64 { return g.z[c][r] }

// X implements plotter.GridXYZ.
func (g heatGrid) X(c int) float64 { return float64(c) }

// Y implements plotter.GridXYZ.
func (g heatGrid) Y(r int) float64 { return float64(r) }

// cellLabels writes each cell's value, in white on dark cells, and
// outlines the cells that miss the SLA.
type cellLabels struct {
	text [][]string // [c][r]
	fail [][]bool   // [c][r]
	dark [][]bool   // [c][r]
}

// Plot implements plot.Plotter.
func (l cellLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range l.text {
		for j, s := range l.text[i] {
			col := color.Color(color.Black)
			if l.dark[i][j] {
				col = color.White
			}
			sty := textStyle(9, true, col)
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
			x, y := trX(float64(i)), trY(float64(j))
			c.FillText(sty, vg.Point{X: x, Y: y}, s)
			if l.fail[i][j] {
				x0, x1 := trX(float64(i)-0.46), trX(float64(i)+0.46)
				y0, y1 := trY(float64(j)-0.46), trY(float64(j)+0.46)
				c.StrokeLines(draw.LineStyle{Color: rgb(colOrange), Width: 2.5}, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
			}
		}
	}
}

// indexTicks labels the indexes 0 … n−1 of an axis with the values.
type indexTicks []float64

// Ticks implements plot.Ticker.
func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	out := make([]plot.Tick, len(t))
	for i, v := range t {
		out[i] = plot.Tick{Value: float64(i), Label: num(v)}
	}
	return out
}

// heatmapFigure draws a figure over the two parameters: one cell per
// candidate, coloured by the figure's mean (blue low, red high) and
// labelled with it; with an SLA, the failing cells are outlined.
func heatmapFigure(st *analysis.SweepStudy, name string) figure {
	u, ylabel := chartLabel(st, name)
	px, py := st.Spec.Params[0], st.Spec.Params[1]
	g := heatGrid{c: len(px.Values), r: len(py.Values)}
	labels := cellLabels{}
	g.z = make([][]float64, g.c)
	labels.text = make([][]string, g.c)
	labels.fail = make([][]bool, g.c)
	labels.dark = make([][]bool, g.c)
	for i := range g.c {
		g.z[i] = make([]float64, g.r)
		labels.text[i] = make([]string, g.r)
		labels.fail[i] = make([]bool, g.r)
		labels.dark[i] = make([]bool, g.r)
	}
	vmin, vmax := 0.0, 0.0
	for k, pt := range st.Points {
		e, _ := pointFigure(pt, name)
		if k == 0 || e.Mean < vmin {
			vmin = e.Mean
		}
		vmax = max(vmax, e.Mean)
	}
	// Colours follow the logarithm of a figure spanning more than 30 times
	// its smallest value, so that moderate values are not all one colour.
	logScale := vmin > 0 && vmax/vmin >= 30
	lo, hi := 0.0, 0.0
	for k, pt := range st.Points {
		i, j := k/g.r, k%g.r // Candidates' row-major order
		e, _ := pointFigure(pt, name)
		v := u.scale * e.Mean
		z := v
		if logScale {
			z = math.Log10(v)
		}
		g.z[i][j] = z
		labels.text[i][j] = num(v)
		labels.fail[i][j] = pt.Pass != nil && !*pt.Pass
		if k == 0 || z < lo {
			lo = z
		}
		if k == 0 || z > hi {
			hi = z
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	// Moreland's map is dark at both ends and light in the middle.
	for i := range g.c {
		for j := range g.r {
			f := (g.z[i][j] - lo) / (hi - lo)
			labels.dark[i][j] = f < 0.2 || f > 0.8
		}
	}
	title := ylabel + " over " + ParamLabel(px.Path) + " and " + ParamLabel(py.Path)
	note := "mean of " + nounCount(len(st.Spec.Seeds), "replication") + " per cell"
	if logScale {
		note += ", colour on a log scale"
	}
	if st.Spec.SLA != nil {
		note += "; outlined: misses the SLA (" + st.Spec.SLA.String() + ")"
	}
	p := newPlot(title, ParamLabel(px.Path)+"   ("+note+")", ParamLabel(py.Path))
	hm := plotter.NewHeatMap(g, moreland.SmoothBlueRed().Palette(64))
	hm.Min, hm.Max = lo, hi
	p.Add(hm, labels)
	p.X.Tick.Marker = indexTicks(px.Values)
	p.Y.Tick.Marker = indexTicks(py.Values)
	return figure{width: sweepChartWidth, height: sweepChartHeight, draw: func(dc draw.Canvas) {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		p.Draw(draw.Crop(dc, figurePad, -figurePad, figurePad, -figurePad))
	}}
}
