package report

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Layout sizes in points (1/72 inch); at 96 dpi a point is 4/3 pixel.
const (
	figureWidth   vg.Length = 900
	headerHeight  vg.Length = 46
	latencyHeight vg.Length = 230
	tputHeight    vg.Length = 170
	serverRowH    vg.Length = 140
	serverPanelH  vg.Length = 165
	edgePanelH    vg.Length = 105
	figurePad     vg.Length = 10
	pxPerPoint              = 96.0 / 72.0
)

// Colours: the Okabe–Ito palette, distinguishable with the common forms of
// colour blindness (Okabe and Ito, "Color Universal Design", 2008).
const (
	colBlue       = 0x0072B2
	colOrange     = 0xE69F00
	colGreen      = 0x009E73
	colVermillion = 0xD55E00
	colSky        = 0x56B4E9
	colPurple     = 0xCC79A7
	colGrey       = 0x555555
	colLightGrey  = 0xDDDDDD
)

// rgb returns the opaque colour 0xRRGGBB, or with alpha a (0..255).
func rgb(hex uint32, a ...uint8) color.NRGBA {
	c := color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 255}
	if len(a) > 0 {
		c.A = a[0]
	}
	return c
}

// sans returns the Liberation Sans font (metric-compatible with Arial) at
// the given size, bold if asked.
func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// textStyle returns a plain text style.
func textStyle(size vg.Length, bold bool, c color.Color) text.Style {
	return text.Style{Color: c, Font: sans(size, bold), Handler: plot.DefaultTextHandler}
}

// input is what every chart is drawn from, prepared once per call.
type input struct {
	// ctx stops the drawing of a figure between tiles when it is done;
	// renderFigure then returns its error instead of the partial image.
	ctx     context.Context
	sc      *scenario.Scenario
	r       *result.Result
	horizon float64
	windows []eventWindow
	// noEnvelopeNote leaves the envelope explanation out of the figure
	// header, for a chart that draws no envelope.
	noEnvelopeNote bool
}

// eventWindow is one injected event as drawn on a time axis.
type eventWindow struct {
	id, target string
	outage     bool
	start, end float64
	spikeS     float64
}

// newInput prepares the drawing input; events are ordered by start time.
func newInput(ctx context.Context, sc *scenario.Scenario, r *result.Result) *input {
	in := &input{ctx: ctx, sc: sc, r: r, horizon: r.HorizonS}
	if in.horizon <= 0 {
		in.horizon = float64(sc.Settings.TotalSimulationTime)
	}
	if in.horizon <= 0 {
		in.horizon = 1
	}
	for _, e := range sc.Events {
		w := eventWindow{id: e.ID, target: e.TargetID, outage: e.Start.Kind == scenario.ServerDown, start: e.Start.TStart, end: e.End.TEnd}
		if e.Start.SpikeS != nil {
			w.spikeS = *e.Start.SpikeS
		}
		in.windows = append(in.windows, w)
	}
	sort.SliceStable(in.windows, func(i, j int) bool { return in.windows[i].start < in.windows[j].start })
	return in
}

// eventColour is the shading of an event window.
func eventColour(outage bool, alpha uint8) color.NRGBA {
	if outage {
		return rgb(colVermillion, alpha)
	}
	return rgb(colPurple, alpha)
}

// newPlot returns a plot in the house style: sans fonts, light horizontal
// grid, no legend.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(10, true)
	p.Title.Padding = 4
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		// Keep gonum's alignments; change only font and colour.
		a.Label.TextStyle.Font = sans(9, false)
		a.Label.TextStyle.Color = rgb(colGrey)
		a.Tick.Label.Font = sans(8, false)
		a.Tick.Label.Color = rgb(colGrey)
		a.Tick.Length = 4
		a.Padding = 2
		a.LineStyle.Color = rgb(colGrey)
		a.Tick.LineStyle.Color = rgb(colGrey)
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Label.Padding = 2
	p.Y.Label.Padding = 2
	return p
}

// addGrid adds light horizontal grid lines to p.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = rgb(colLightGrey)
	g.Horizontal.Width = 0.5
	p.Add(g)
}

// niceTicks places about n labelled ticks at multiples of a 1-2-5 step,
// with a minor tick between them; integer keeps the step whole, for axes
// that count requests.
type niceTicks struct {
	n       int
	integer bool
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	step := tickStep((hi-lo)/float64(max(t.n, 1)), t.integer)
	decimals := 0
	if step < 1 {
		decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	var ts []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > hi+step*1e-9 {
			break
		}
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
		if m := v + step/2; m < hi && (!t.integer || math.Mod(step, 2) == 0) {
			ts = append(ts, plot.Tick{Value: m})
		}
	}
	return ts
}

// tickStep rounds v up to 1, 2, 2.5 or 5 times a power of ten (without
// 2.5 when the step must be whole), at least 1 when integer.
func tickStep(v float64, integer bool) float64 {
	if integer && v <= 1 {
		return 1
	}
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m == 2.5 && integer && p < 10 {
			continue
		}
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// labelRows assigns each label, given by its left edge and width in
// order of x, the first row in which it does not overlap an earlier label,
// and returns the rows and their number.
func labelRows(xs, ws []vg.Length, gap vg.Length) ([]int, int) {
	rows := make([]int, len(xs))
	var ends []vg.Length
	for k := range xs {
		r := 0
		for r < len(ends) && xs[k] < ends[r]+gap {
			r++
		}
		if r == len(ends) {
			ends = append(ends, 0)
		}
		ends[r] = xs[k] + ws[k]
		rows[k] = r
	}
	return rows, len(ends)
}

// flagLabel is a label attached to a vertical position on a time or
// latency axis: an event window's id or a percentile marker.
type flagLabel struct {
	x    float64 // data x of the anchor
	text string
	col  color.Color
}

// placeFlags computes the left edge and row of each flag label on a data
// area spanning [x0, x1] (points), with trX mapping data x to points.
func placeFlags(flags []flagLabel, sty text.Style, x0, x1 vg.Length, trX func(float64) vg.Length) (xs []vg.Length, rows []int, n int) {
	xs = make([]vg.Length, len(flags))
	ws := make([]vg.Length, len(flags))
	for k, f := range flags {
		ws[k] = sty.Width(f.text) + 4
		x := trX(f.x) + 2
		if x+ws[k] > x1 {
			x = x1 - ws[k]
		}
		xs[k] = max(x, x0)
	}
	rows, n = labelRows(xs, ws, 3)
	return xs, rows, n
}

// flagLayer draws flag labels in rows at the top (or bottom) of the data
// area, each on a translucent white box so that it stays readable over
// the data.
type flagLayer struct {
	flags  []flagLabel
	style  text.Style
	bottom bool
}

// Plot implements plot.Plotter.
func (l flagLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	xs, rows, _ := placeFlags(l.flags, l.style, c.Min.X, c.Max.X, trX)
	lineH := l.style.Height("Ag") + 2
	for k, f := range l.flags {
		y := c.Max.Y - vg.Length(rows[k]+1)*lineH
		if l.bottom {
			y = c.Min.Y + vg.Length(rows[k])*lineH + 1
		}
		w := l.style.Width(f.text) + 4
		c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 215}, []vg.Point{
			{X: xs[k], Y: y}, {X: xs[k] + w, Y: y}, {X: xs[k] + w, Y: y + lineH - 1}, {X: xs[k], Y: y + lineH - 1},
		})
		sty := l.style
		sty.Color = f.col
		c.FillText(sty, vg.Point{X: xs[k] + 2, Y: y + 1 + l.style.FontExtents().Descent}, f.text)
	}
}

// flagRows estimates how many label rows flags need on a data area w
// points wide showing [lo, hi] on x.
func flagRows(flags []flagLabel, sty text.Style, w vg.Length, lo, hi float64) int {
	if len(flags) == 0 || hi <= lo {
		return 0
	}
	trX := func(x float64) vg.Length { return vg.Length((x - lo) / (hi - lo) * float64(w)) }
	_, _, n := placeFlags(flags, sty, 0, w, trX)
	return n
}

// bandLayer shades event windows over the full height of the data area.
type bandLayer struct {
	windows []eventWindow
}

// Plot implements plot.Plotter.
func (l bandLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, w := range l.windows {
		x0, x1 := trX(w.start), trX(w.end)
		if x1-x0 < 1.5 { // keep a short window visible
			x1 = x0 + 1.5
		}
		c.FillPolygon(eventColour(w.outage, 46), []vg.Point{
			{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
		})
		edge := draw.LineStyle{Color: eventColour(w.outage, 150), Width: 0.6}
		c.StrokeLines(edge, c.ClipLinesX([]vg.Point{{X: x0, Y: c.Min.Y}, {X: x0, Y: c.Max.Y}})...)
	}
}

// message writes a centred note in the data area, for a panel with nothing
// to draw.
type message struct {
	text string
}

// Plot implements plot.Plotter.
func (m message) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := textStyle(9, false, rgb(colGrey))
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	w, h := sty.Width(m.text)+8, sty.Height(m.text)+4
	ctr := c.Center()
	c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 230}, []vg.Point{
		{X: ctr.X - w/2, Y: ctr.Y - h/2}, {X: ctr.X + w/2, Y: ctr.Y - h/2}, {X: ctr.X + w/2, Y: ctr.Y + h/2}, {X: ctr.X - w/2, Y: ctr.Y + h/2},
	})
	c.FillText(sty, ctr, m.text)
}

// hline is a dashed horizontal reference line with a label at its right
// end, below the line.
type hline struct {
	y     float64
	label string
	col   color.Color
}

// Plot implements plot.Plotter.
func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	c.StrokeLine2(draw.LineStyle{Color: h.col, Width: 1, Dashes: []vg.Length{4, 3}}, c.Min.X, y, c.Max.X, y)
	sty := textStyle(7.5, false, h.col)
	sty.XAlign = draw.XRight
	w := sty.Width(h.label) + 4
	hgt := sty.Height(h.label)
	// Below the line: the headroom above the data belongs to event labels.
	yb := y - hgt - 2
	c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 215}, []vg.Point{
		{X: c.Max.X - w - 2, Y: yb}, {X: c.Max.X - 2, Y: yb}, {X: c.Max.X - 2, Y: yb + hgt}, {X: c.Max.X - w - 2, Y: yb + hgt},
	})
	c.FillText(sty, vg.Point{X: c.Max.X - 4, Y: yb + 1 + sty.FontExtents().Descent}, h.label)
}

// series is one sampled series to draw in a time panel.
type series struct {
	ys     []float64
	period float64
	col    color.Color
}

// add draws the series on p: as a line when it is short enough, else as
// its min–max envelope per pixel column (a light band) with the column
// means as a line.
func (s series) add(p *plot.Plot, cols int) {
	var ps []plot.Plotter
	if !needsEnvelope(len(s.ys), cols) {
		l, err := plotter.NewLine(rawLine(s.ys, s.period))
		if err != nil {
			p.Add(message{text: "series holds values that cannot be drawn: " + err.Error()})
			return
		}
		l.LineStyle = draw.LineStyle{Color: s.col, Width: 1}
		p.Add(l)
		return
	}
	e := downsample(s.ys, s.period, cols)
	band, err := plotter.NewPolygon(e.band())
	if err != nil {
		p.Add(message{text: "series holds values that cannot be drawn: " + err.Error()})
		return
	}
	c := color.NRGBAModel.Convert(s.col).(color.NRGBA)
	c.A = 80
	band.Color = c
	band.LineStyle = draw.LineStyle{Color: c, Width: 0.4}
	ps = append(ps, band)
	if l, err := plotter.NewLine(e.meanLine()); err == nil {
		l.LineStyle = draw.LineStyle{Color: s.col, Width: 1}
		ps = append(ps, l)
	}
	p.Add(ps...)
}

// timePanel describes one panel with time on x.
type timePanel struct {
	title, ylabel string
	xlabel        bool
	line          series
	missing       string  // shown instead of the line when line.ys is empty
	integer       bool    // y counts requests: whole-number ticks
	ymax          float64 // y range upper bound before headroom; 0 = from data
	ref           *hline  // optional reference line (mean, capacity)
	// lines, when not empty, are drawn instead of line (several series,
	// such as latency percentiles); linesMax is their largest y.
	lines    []plot.Plotter
	linesMax float64
	// marks are labelled instants drawn as dashed vertical lines, their
	// labels placed with the event labels (such as recoveries).
	marks []flagLabel
}

// eventFlags returns the id labels of the event windows.
func eventFlags(ws []eventWindow) []flagLabel {
	fs := make([]flagLabel, len(ws))
	for k, w := range ws {
		fs[k] = flagLabel{x: w.start, text: w.id, col: eventColour(w.outage, 255)}
	}
	return fs
}

// eventLabelStyle is the text style of event labels.
func eventLabelStyle() text.Style { return textStyle(7.5, true, color.Black) }

// plot builds the panel's plot for a tile of the given size (points),
// from which it estimates the room event labels need.
func (tp timePanel) plot(in *input, w, h vg.Length) *plot.Plot {
	xl := ""
	if tp.xlabel {
		xl = "time (s)"
	}
	p := newPlot(tp.title, xl, tp.ylabel)
	p.X.Min, p.X.Max = 0, in.horizon
	p.Add(bandLayer{windows: in.windows})
	addGrid(p)
	ymax := tp.ymax
	switch {
	case len(tp.lines) > 0:
		p.Add(tp.lines...)
		ymax = max(ymax, tp.linesMax)
	case len(tp.line.ys) == 0:
		p.Add(message{text: tp.missing})
		if ymax <= 0 {
			ymax = 1
		}
	default:
		tp.line.add(p, int(math.Ceil(float64(w)*pxPerPoint)))
		for _, y := range tp.line.ys {
			ymax = max(ymax, y)
		}
	}
	if tp.ref != nil {
		p.Add(*tp.ref)
		ymax = max(ymax, tp.ref.y)
	}
	if ymax <= 0 {
		ymax = 1
	}
	flags := eventFlags(in.windows)
	if len(tp.marks) > 0 {
		p.Add(vlines{flags: tp.marks})
		flags = append(flags, tp.marks...)
		sort.SliceStable(flags, func(i, j int) bool { return flags[i].x < flags[j].x })
	}
	sty := eventLabelStyle()
	rows := flagRows(flags, sty, w-50, 0, in.horizon)
	// Reserve headroom above the data for the label rows, so that the
	// labels never sit on a peak; the data area is about h-45 points tall.
	dataH := max(float64(h)-45, 30)
	room := float64(rows)*float64(sty.Height("Ag")+2) + 2
	p.Y.Min = 0
	p.Y.Max = ymax * 1.04 / math.Max(1-room/dataH, 0.4)
	p.X.Tick.Marker = niceTicks{n: max(int(w/80), 4)}
	p.Y.Tick.Marker = niceTicks{n: max(int(h/45), 2), integer: tp.integer}
	if len(tp.line.ys) == 0 && len(tp.lines) == 0 {
		p.Y.Tick.Marker = plot.ConstantTicks{} // no data, no scale to read
	}
	if len(flags) > 0 {
		p.Add(flagLayer{flags: flags, style: sty})
	}
	return p
}

// figureHeader draws a chart's title, subtitle and, when the scenario has
// events, the colour key of event windows; it returns the canvas left
// below it.
func figureHeader(dc draw.Canvas, in *input, title, subtitle string, timeSeries bool) draw.Canvas {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	top := dc.Max.Y - figurePad
	ts := textStyle(13, true, color.Black)
	dc.FillText(ts, vg.Point{X: dc.Min.X + figurePad, Y: top - ts.Height("Ag") + ts.FontExtents().Descent}, title)
	ss := textStyle(8.5, false, rgb(colGrey))
	dc.FillText(ss, vg.Point{X: dc.Min.X + figurePad, Y: top - ts.Height("Ag") - ss.Height("Ag") - 2 + ss.FontExtents().Descent}, subtitle)
	var hasOutage, hasSpike bool
	for _, w := range in.windows {
		if !timeSeries {
			break // no time axis, no windows to explain
		}
		hasOutage = hasOutage || w.outage
		hasSpike = hasSpike || !w.outage
	}
	ks := textStyle(8.5, false, color.Black)
	x := dc.Max.X - figurePad
	y := top - ks.Height("Ag")
	for _, k := range []struct {
		on     bool
		outage bool
		label  string
	}{{hasSpike, false, "network spike window"}, {hasOutage, true, "server outage window"}} {
		if !k.on {
			continue
		}
		x -= ks.Width(k.label)
		dc.FillText(ks, vg.Point{X: x, Y: y + ks.FontExtents().Descent}, k.label)
		x -= 16
		dc.FillPolygon(eventColour(k.outage, 90), []vg.Point{{X: x, Y: y}, {X: x + 12, Y: y}, {X: x + 12, Y: y + 9}, {X: x, Y: y + 9}})
		x -= 14
	}
	if timeSeries && !in.noEnvelopeNote && in.drawsEnvelopes() {
		ns := textStyle(8, false, rgb(colGrey))
		ns.XAlign = draw.XRight
		note := "long series: shaded band = min–max of the samples in each pixel column, line = their mean"
		dc.FillText(ns, vg.Point{X: dc.Max.X - figurePad, Y: top - ts.Height("Ag") - ss.Height("Ag") - 2 + ns.FontExtents().Descent}, note)
	}
	c := dc
	c.Max.Y -= headerHeight
	return c
}

// drawsEnvelopes reports whether some series is long enough to be drawn
// as an envelope in a full-width panel.
func (in *input) drawsEnvelopes() bool {
	cols := int(float64(figureWidth) * pxPerPoint)
	if needsEnvelope(len(in.r.Throughput.Series), cols) {
		return true
	}
	if in.r.Series == nil || in.r.Series.PeriodS <= 0 {
		return false
	}
	return needsEnvelope(int(in.horizon/in.r.Series.PeriodS), cols/3)
}

// runSubtitle summarises the run in one line.
func runSubtitle(in *input) string {
	r := in.r
	parts := []string{
		fmt.Sprintf("seed %d", r.Seed),
		fmt.Sprintf("horizon %s s", result.FormatNumber(in.horizon)),
		fmt.Sprintf("%s completed of %s generated", result.FormatCount(r.Counts.Completed), result.FormatCount(r.Counts.Generated)),
	}
	if r.Counts.Dropped > 0 {
		parts = append(parts, result.FormatCount(r.Counts.Dropped)+" dropped")
	}
	if r.Counts.Failed > 0 {
		parts = append(parts, result.FormatCount(r.Counts.Failed)+" failed")
	}
	if r.Latency.TotalRequests > 0 {
		parts = append(parts, fmt.Sprintf("latency p50 %s · p95 %s · p99 %s",
			formatSeconds(r.Latency.P50), formatSeconds(r.Latency.P95), formatSeconds(r.Latency.P99)))
	}
	if r.Series == nil {
		parts = append(parts, "series not recorded (run with series kept to draw them)")
	}
	return strings.Join(parts, " · ")
}

// alignTiles lays plots out in a grid on c with aligned data areas and
// draws them, row by row until in.ctx is done.
func (in *input) alignTiles(c draw.Canvas, plots [][]*plot.Plot) {
	if len(plots) == 0 {
		return
	}
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: 16, PadY: 8, PadLeft: figurePad, PadRight: figurePad + 4, PadBottom: 4}
	cs := plot.Align(plots, t, c)
	for j := range plots {
		if in.ctx.Err() != nil {
			return
		}
		for i := range plots[j] {
			if plots[j][i] != nil {
				plots[j][i].Draw(cs[j][i])
			}
		}
	}
}

// split returns the top h points of c and the rest below.
func split(c draw.Canvas, h vg.Length) (top, rest draw.Canvas) {
	top, rest = c, c
	top.Min.Y = c.Max.Y - h
	rest.Max.Y = c.Max.Y - h
	return top, rest
}

// tileWidth is the width of one of cols tiles across the figure.
func tileWidth(cols int) vg.Length {
	return (figureWidth - 2*figurePad - 4 - vg.Length(cols-1)*16) / vg.Length(cols)
}

// dashboardFigure is the one-page overview: the latency distribution,
// throughput, latency over time, the outcomes over time (when the
// scenario uses a key of spec §12), and for every server its ready queue,
// I/O-sleeping requests and RAM in use.
func dashboardFigure(in *input) figure {
	servers := in.sc.Topology.Nodes.Servers
	height := headerHeight + latencyHeight + tputHeight + latencyTimeHeight + vg.Length(len(servers))*serverRowH + figurePad
	outcomes := in.sc.HasResilience()
	if outcomes {
		height += tputHeight
	}
	return figure{width: figureWidth, height: height, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "FastSim run dashboard", runSubtitle(in), true)
		top, c := split(c, latencyHeight)
		hist, cdf := in.latencyPlots(tileWidth(2), latencyHeight)
		in.alignTiles(top, [][]*plot.Plot{{hist, cdf}})
		top, c = split(c, tputHeight)
		in.alignTiles(top, [][]*plot.Plot{{in.throughputPanel(true).plot(in, tileWidth(1), tputHeight)}})
		top, c = split(c, latencyTimeHeight)
		in.alignTiles(top, [][]*plot.Plot{{in.latencyTimePanel(true).plot(in, tileWidth(1), latencyTimeHeight)}})
		if outcomes {
			top, c = split(c, tputHeight)
			in.alignTiles(top, [][]*plot.Plot{{in.outcomesPanel().plot(in, tileWidth(1), tputHeight)}})
		}
		if len(servers) == 0 {
			return
		}
		grid := make([][]*plot.Plot, len(servers))
		ymax := in.serverYMax()
		for k := range servers {
			if in.ctx.Err() != nil {
				return
			}
			last := k == len(servers)-1
			row := make([]*plot.Plot, 3)
			for m, tp := range in.serverPanels(k, ymax) {
				tp.xlabel = last
				row[m] = tp.plot(in, tileWidth(3), serverRowH)
			}
			grid[k] = row
		}
		in.alignTiles(c, grid)
	}}
}

// latencyFigure is the latency distribution on its own.
func latencyFigure(in *input) figure {
	h := headerHeight + latencyHeight + 40
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "Latency distribution", runSubtitle(in), false)
		hist, cdf := in.latencyPlots(tileWidth(2), latencyHeight+40)
		in.alignTiles(c, [][]*plot.Plot{{hist, cdf}})
	}}
}

// throughputFigure is throughput over time on its own.
func throughputFigure(in *input) figure {
	h := headerHeight + tputHeight + 60
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "Throughput", runSubtitle(in), true)
		in.alignTiles(c, [][]*plot.Plot{{in.throughputPanel(true).plot(in, tileWidth(1), tputHeight+60)}})
	}}
}

// serverFigure is one server's three series, stacked on a shared time axis.
func serverFigure(in *input, k int) figure {
	s := in.sc.Topology.Nodes.Servers[k]
	h := headerHeight + 3*serverPanelH
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		sub := fmt.Sprintf("%s · %d MB RAM · %s", plural(s.Resources.CPUCores, "core"), s.Resources.RAMMB, plural(len(s.Endpoints), "endpoint"))
		if st, ok := in.r.Servers[s.ID]; ok {
			sub += fmt.Sprintf(" · %s requests served · utilisation %s %%", result.FormatCount(st.Requests), result.FormatNumber(100*st.Utilization))
			if st.Failed > 0 {
				sub += fmt.Sprintf(" · %s failed", result.FormatCount(st.Failed))
			}
		}
		c := figureHeader(dc, in, "Server "+s.ID, sub, true)
		panels := in.serverPanels(k, nil)
		grid := make([][]*plot.Plot, len(panels))
		for m, tp := range panels {
			tp.xlabel = m == len(panels)-1
			tp.title = strings.TrimPrefix(tp.title, s.ID+": ")
			grid[m] = []*plot.Plot{tp.plot(in, tileWidth(1), serverPanelH)}
		}
		in.alignTiles(c, grid)
	}}
}

// edgesFigure stacks one panel per edge with its requests in transit.
func edgesFigure(in *input) figure {
	edges := in.sc.Topology.Edges
	n := max(len(edges), 1)
	h := headerHeight + vg.Length(n)*edgePanelH + 12
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "Edges: concurrent connections", runSubtitle(in), true)
		var grid [][]*plot.Plot
		for k, e := range edges {
			if in.ctx.Err() != nil {
				return
			}
			tp := timePanel{
				title:   fmt.Sprintf("%s (%s → %s)", e.ID, e.Source, e.Target),
				ylabel:  "in transit",
				xlabel:  k == len(edges)-1,
				integer: true,
				line:    series{col: rgb(colBlue)},
			}
			tp.line.ys, tp.line.period, tp.missing = in.edgeSeries(e.ID)
			grid = append(grid, []*plot.Plot{tp.plot(in, tileWidth(1), edgePanelH)})
		}
		in.alignTiles(c, grid)
	}}
}

// throughputPanel is completions per second over time with the mean.
func (in *input) throughputPanel(xlabel bool) timePanel {
	t := in.r.Throughput
	w := t.WindowS
	if w <= 0 {
		w = 1
	}
	tp := timePanel{
		title:   fmt.Sprintf("Throughput (completed requests per %s s window)", result.FormatNumber(w)),
		ylabel:  "requests/s",
		xlabel:  xlabel,
		line:    series{ys: t.Series, period: w, col: rgb(colBlue)},
		missing: "no throughput series in the result",
	}
	if len(t.Series) > 0 {
		tp.ref = &hline{y: t.MeanRPS, label: "mean " + result.FormatNumber(t.MeanRPS) + " req/s", col: rgb(colVermillion)}
	}
	return tp
}

// Server metrics in panel order.
var serverMetrics = [3]scenario.SampleMetric{scenario.ReadyQueueLen, scenario.EventLoopIOSleep, scenario.RAMInUse}

// serverPanels returns the three panels of server k; ymax, when not nil,
// gives a shared y range per metric.
func (in *input) serverPanels(k int, ymax []float64) []timePanel {
	s := in.sc.Topology.Nodes.Servers[k]
	meta := [3]struct {
		title, ylabel string
		col           uint32
		integer       bool
	}{
		{"ready queue (waiting for a core)", "requests", colBlue, true},
		{"sleeping on I/O", "requests", colGreen, true},
		{fmt.Sprintf("RAM in use (of %d MB)", s.Resources.RAMMB), "MB", colOrange, false},
	}
	out := make([]timePanel, 3)
	for m, metric := range serverMetrics {
		tp := timePanel{title: s.ID + ": " + meta[m].title, ylabel: meta[m].ylabel, integer: meta[m].integer, line: series{col: rgb(meta[m].col)}}
		tp.line.ys, tp.line.period, tp.missing = in.serverSeries(s.ID, metric)
		if ymax != nil {
			tp.ymax = ymax[m]
		}
		if metric == scenario.RAMInUse {
			// Show the capacity when usage comes near it.
			if capMB := float64(s.Resources.RAMMB); capMB > 0 && seriesMax(tp.line.ys) >= 0.25*capMB {
				tp.ref = &hline{y: capMB, label: fmt.Sprintf("capacity %d MB", s.Resources.RAMMB), col: rgb(colVermillion)}
			}
		}
		out[m] = tp
	}
	return out
}

// serverYMax returns, per server metric, the largest value over all
// servers, so that the dashboard's panels of one metric share a scale.
func (in *input) serverYMax() []float64 {
	out := make([]float64, 3)
	for _, s := range in.sc.Topology.Nodes.Servers {
		for m, metric := range serverMetrics {
			ys, _, _ := in.serverSeries(s.ID, metric)
			out[m] = max(out[m], seriesMax(ys))
		}
	}
	return out
}

// seriesMax returns the largest value of ys, 0 for none.
func seriesMax(ys []float64) float64 {
	m := 0.0
	for _, y := range ys {
		m = max(m, y)
	}
	return m
}

// serverSeries returns a server's sampled series for metric with its
// period, or nil and the note to show instead.
func (in *input) serverSeries(id string, metric scenario.SampleMetric) ([]float64, float64, string) {
	var sum *result.Summary
	if st, ok := in.r.Servers[id]; ok {
		switch metric {
		case scenario.ReadyQueueLen:
			sum = st.ReadyQueueLen
		case scenario.EventLoopIOSleep:
			sum = st.EventLoopIOSleep
		case scenario.RAMInUse:
			sum = st.RAMInUse
		}
	}
	if in.r.Series == nil {
		return nil, 0, missingNote(sum)
	}
	ss := in.r.Series.Servers[id]
	var ys []float64
	switch metric {
	case scenario.ReadyQueueLen:
		ys = ss.ReadyQueueLen
	case scenario.EventLoopIOSleep:
		ys = ss.EventLoopIOSleep
	case scenario.RAMInUse:
		ys = ss.RAMInUse
	}
	if len(ys) == 0 {
		return nil, 0, string(metric) + " not sampled\n(not in enabled_sample_metrics)"
	}
	return ys, in.r.Series.PeriodS, ""
}

// edgeSeries returns an edge's sampled connections with their period, or
// nil and the note to show instead.
func (in *input) edgeSeries(id string) ([]float64, float64, string) {
	var sum *result.Summary
	if st, ok := in.r.Edges[id]; ok {
		sum = st.EdgeConcurrentConnection
	}
	if in.r.Series == nil {
		return nil, 0, missingNote(sum)
	}
	ys := in.r.Series.Edges[id].EdgeConcurrentConnection
	if len(ys) == 0 {
		return nil, 0, "edge_concurrent_connection not sampled\n(not in enabled_sample_metrics)"
	}
	return ys, in.r.Series.PeriodS, ""
}

// missingNote says that the series were not recorded, with the summary
// the result does carry.
func missingNote(sum *result.Summary) string {
	s := "series not recorded"
	if sum != nil {
		s += fmt.Sprintf("\nmean %s · max %s", result.FormatNumber(sum.Mean), result.FormatNumber(sum.Max))
	}
	return s
}

// formatSeconds formats a duration in seconds with a unit that keeps it
// readable: µs, ms or s.
func formatSeconds(v float64) string {
	scale, unit := timeUnit(v)
	return result.FormatNumber(v*scale) + " " + unit
}

// timeUnit returns the scale and unit for showing durations up to v.
func timeUnit(v float64) (float64, string) {
	switch {
	case v >= 1:
		return 1, "s"
	case v >= 1e-3:
		return 1e3, "ms"
	}
	return 1e6, "µs"
}
