package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Format is an image format a chart can be rendered in.
type Format int

// The chart formats.
const (
	// SVG is scalable vector graphics (image/svg+xml); text stays text.
	SVG Format = iota + 1
	// PNG is a raster image (image/png).
	PNG
)

// String returns the format's file extension without the dot: "svg" or
// "png".
func (f Format) String() string {
	switch f {
	case SVG:
		return "svg"
	case PNG:
		return "png"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ContentType returns the format's media type, for an HTTP response.
func (f Format) ContentType() string {
	switch f {
	case SVG:
		return "image/svg+xml"
	case PNG:
		return "image/png"
	}
	return "application/octet-stream"
}

// ParseFormat returns the format named by s: "svg" or "png", with or
// without a leading dot, in any case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "svg":
		return SVG, nil
	case "png":
		return PNG, nil
	}
	return 0, fmt.Errorf("report: chart format %q is not supported; use svg or png", s)
}

// Chart names one chart that can be drawn for a run.
type Chart struct {
	// Name identifies the chart in RenderChart, in file names
	// (Name + ".svg") and in URLs: "dashboard", "latency", "throughput",
	// "latency-time", "outcomes", "breakers", "replicas", "topology",
	// "server-<server id>" or "edges".
	Name string `json:"name"`
	// Title is a short human description of the chart.
	Title string `json:"title"`
}

// Chart names that do not depend on the scenario.
const (
	ChartDashboard  = "dashboard"
	ChartLatency    = "latency"
	ChartThroughput = "throughput"
	ChartTopology   = "topology"
	ChartEdges      = "edges"
	// ServerChartPrefix prefixes a server id to name its chart.
	ServerChartPrefix = "server-"
)

// ErrUnknownChart is matched (with errors.Is) by the error RenderChart
// returns for a chart name the run does not have; an API maps it to 404.
var ErrUnknownChart = errors.New("report: unknown chart")

// UnknownChartError is returned by RenderChart for a chart name that is not
// among Charts(sc, r). It matches ErrUnknownChart.
type UnknownChartError struct {
	// Name is the requested chart name.
	Name string
	// Available lists the chart names the run has.
	Available []string
}

// Error implements error.
func (e *UnknownChartError) Error() string {
	return fmt.Sprintf("report: unknown chart %q; available charts: %s", e.Name, strings.Join(e.Available, ", "))
}

// Is reports whether target is ErrUnknownChart.
func (e *UnknownChartError) Is(target error) bool { return target == ErrUnknownChart }

// ChartOptions tune rendering. The zero value is ready to use.
type ChartOptions struct {
	// DPI is the resolution of PNG images in dots per inch; it scales the
	// pixel size, not the layout (a chart 900 points wide is 1200 pixels
	// at 96 dpi). SVG ignores it. Defaults to 96.
	DPI int
}

// defaultDPI is the PNG resolution when ChartOptions.DPI is zero.
const defaultDPI = 96

// Charts lists the charts available for a run of sc with result r, in a
// stable order: the dashboard, latency, throughput, latency over time,
// then, when the scenario uses them, outcomes over time (spec §12),
// circuit breakers and replicas over time (§13), then the topology, one
// chart per server in declaration order, and the edges. The list depends
// on sc only. Every chart can be drawn
// whether or not the result carries the full sampled series; without them
// the time-series panels say "series not recorded". It returns nil when sc
// or r is nil.
func Charts(sc *scenario.Scenario, r *result.Result) []Chart {
	if sc == nil || r == nil {
		return nil
	}
	cs := []Chart{
		{ChartDashboard, "Dashboard: latency, throughput and every server's queues and RAM"},
		{ChartLatency, "Latency distribution: histogram and CDF with p50, p95 and p99"},
		{ChartThroughput, "Throughput: completed requests per second over time"},
		{ChartLatencyTime, "Latency over time: p50, p95 and p99 per window, event windows shaded"},
	}
	cs = append(cs, overloadCharts(sc)...)
	cs = append(cs, Chart{ChartTopology, "Topology: generator, client, load balancer, servers and edges"})
	for _, s := range sc.Topology.Nodes.Servers {
		cs = append(cs, Chart{ServerChartPrefix + s.ID, "Server " + s.ID + ": ready queue, I/O-sleeping requests and RAM over time"})
	}
	return append(cs, Chart{ChartEdges, "Edges: concurrent connections (requests in transit) over time"})
}

// RenderChart draws the chart called name for a run of sc with result r and
// writes it to w in the given format. The output depends only on its
// arguments: the same inputs give the same bytes.
//
// It returns an error matching ErrUnknownChart (an *UnknownChartError) when
// the run has no such chart, and a wrapped error when sc or r is nil, the
// format is unknown, or writing fails. When ctx is done it stops drawing
// (between panels) and returns an error wrapping ctx.Err(), having written
// nothing.
func RenderChart(ctx context.Context, w io.Writer, name string, format Format, sc *scenario.Scenario, r *result.Result, opts ChartOptions) error {
	if sc == nil || r == nil {
		return errors.New("report: rendering a chart needs both the scenario and the result")
	}
	fig, err := buildChart(name, newInput(ctx, sc, r))
	if err != nil {
		return err
	}
	return renderFigure(ctx, w, fig, format, opts)
}

// WritePlots renders every chart of the run in both SVG and PNG. For each
// file it calls open with the file name ("<chart name>.svg" or ".png",
// characters other than letters, digits, '.', '_' and '-' replaced by '_'),
// writes the image and closes the writer. It returns the names written, in
// order. The caller decides where the files go, e.g.
//
//	report.WritePlots(ctx, func(name string) (io.WriteCloser, error) {
//		return os.Create(filepath.Join(dir, name))
//	}, sc, r, report.ChartOptions{})
//
// When ctx is done it stops and returns an error wrapping ctx.Err().
func WritePlots(ctx context.Context, open func(name string) (io.WriteCloser, error), sc *scenario.Scenario, r *result.Result, opts ChartOptions) ([]string, error) {
	if sc == nil || r == nil {
		return nil, errors.New("report: writing plots needs both the scenario and the result")
	}
	in := newInput(ctx, sc, r)
	var written []string
	used := map[string]bool{}
	for _, c := range Charts(sc, r) {
		fig, err := buildChart(c.Name, in)
		if err != nil {
			return written, err
		}
		base := fileBase(c.Name, used)
		for _, f := range []Format{SVG, PNG} {
			name := base + "." + f.String()
			if err := writeOne(ctx, open, name, fig, f, opts); err != nil {
				return written, err
			}
			written = append(written, name)
		}
	}
	return written, nil
}

// writeOne renders fig into the file that open returns for name.
func writeOne(ctx context.Context, open func(string) (io.WriteCloser, error), name string, fig figure, f Format, opts ChartOptions) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("report: %s not written: %w", name, err)
	}
	wc, err := open(name)
	if err != nil {
		return fmt.Errorf("report: opening %s: %w", name, err)
	}
	if err := renderFigure(ctx, wc, fig, f, opts); err != nil {
		_ = wc.Close()
		return fmt.Errorf("report: writing %s: %w", name, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("report: closing %s: %w", name, err)
	}
	return nil
}

// fileBase returns a file-system-safe, unique base name for a chart name.
func fileBase(name string, used map[string]bool) string {
	b := []byte(name)
	for k, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[k] = '_'
		}
	}
	base := string(b)
	if base == "" || base[0] == '.' {
		base = "_" + base
	}
	for k := 2; used[base]; k++ {
		base = fmt.Sprintf("%s-%d", string(b), k)
	}
	used[base] = true
	return base
}

// buildChart lays out the chart called name.
func buildChart(name string, in *input) (figure, error) {
	switch name {
	case ChartDashboard:
		return dashboardFigure(in), nil
	case ChartLatency:
		return latencyFigure(in), nil
	case ChartThroughput:
		return throughputFigure(in), nil
	case ChartLatencyTime:
		return latencyTimeFigure(in), nil
	case ChartTopology:
		return topologyFigure(in.sc), nil
	case ChartEdges:
		return edgesFigure(in), nil
	}
	for _, c := range overloadCharts(in.sc) {
		if c.Name == name {
			switch name {
			case ChartOutcomes:
				return outcomesFigure(in), nil
			case ChartBreakers:
				return breakersFigure(in), nil
			case ChartReplicas:
				return replicasFigure(in), nil
			}
		}
	}
	if id, ok := strings.CutPrefix(name, ServerChartPrefix); ok {
		for k := range in.sc.Topology.Nodes.Servers {
			if in.sc.Topology.Nodes.Servers[k].ID == id {
				return serverFigure(in, k), nil
			}
		}
	}
	var names []string
	for _, c := range Charts(in.sc, in.r) {
		names = append(names, c.Name)
	}
	return figure{}, &UnknownChartError{Name: name, Available: names}
}

// renderFigure draws fig in the given format to w. When ctx is done
// before the drawing ends (figures stop drawing then), it writes nothing
// and returns an error wrapping ctx.Err().
func renderFigure(ctx context.Context, w io.Writer, fig figure, format Format, opts ChartOptions) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("report: chart not drawn: %w", err)
	}
	switch format {
	case SVG:
		c := vgsvg.New(fig.width, fig.height)
		fig.draw(draw.New(c))
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report: chart drawing stopped: %w", err)
		}
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return fmt.Errorf("report: encoding svg: %w", err)
		}
		if _, err := w.Write(fixSVGFonts(buf.Bytes())); err != nil {
			return fmt.Errorf("report: writing svg: %w", err)
		}
		return nil
	case PNG:
		dpi := opts.DPI
		if dpi <= 0 {
			dpi = defaultDPI
		}
		c := vgimg.NewWith(vgimg.UseWH(fig.width, fig.height), vgimg.UseDPI(dpi))
		fig.draw(draw.New(unkernedCanvas{c}))
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report: chart drawing stopped: %w", err)
		}
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
			return fmt.Errorf("report: writing png: %w", err)
		}
		return nil
	}
	return fmt.Errorf("report: chart format %v is not supported; use SVG or PNG", format)
}

// fixSVGFonts gives the Liberation fonts that gonum/plot names in SVG text
// the metric-compatible system fonts as fallbacks, so that text keeps the
// width it was laid out with on machines without Liberation installed.
func fixSVGFonts(svg []byte) []byte {
	svg = bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Mono;"), []byte("font-family:'Liberation Mono','Courier New',monospace;"))
}

// unkernedCanvas is a raster canvas that cancels the "11" kerning pair of
// Liberation Sans: rasterised at chart sizes, its kern rounds to a whole
// pixel and the two ones touch, so "114 ms" reads as "1|14 ms". A hair
// space (1/12 em) between them undoes the kern (−0.074 em).
type unkernedCanvas struct {
	*vgimg.Canvas
}

// FillString implements vg.Canvas.
func (c unkernedCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, unkern(s))
}

// unkern puts a hair space between every two adjacent ones.
func unkern(s string) string {
	// Two passes: the first leaves every other pair of a run of ones.
	return strings.ReplaceAll(strings.ReplaceAll(s, "11", "1\u200a1"), "11", "1\u200a1")
}

// figure is a chart laid out at a fixed size, ready to draw on a canvas.
type figure struct {
	width, height vg.Length
	draw          func(dc draw.Canvas)
}

// latencyDist is the latency distribution prepared for drawing from the
// result's sketch: display bins on a linear axis and the CDF.
type latencyDist struct {
	lo, hi  float64   // displayed range in seconds
	width   float64   // display bin width in seconds
	counts  []float64 // requests per display bin
	beyond  float64   // fraction of requests above hi
	cdf     plotter.XYs
	total   int64
	clipped bool
}

// maxDisplayBins bounds the number of histogram bars.
const maxDisplayBins = 60

// newLatencyDist rebins the sketch's buckets onto a linear axis. The axis
// runs from just below the minimum to the maximum, or is cut at 1.5·p99.9
// when the maximum lies beyond 2·p99.9 (a single outlier would otherwise squash
// the whole histogram into one bar); what lies beyond is reported. A
// sketch bucket is spread over the display bins it overlaps in proportion
// to the overlap. Display bins are never narrower than 1.5 sketch buckets,
// so that the 1 % bucket grid does not show through as comb teeth.
func newLatencyDist(s *result.Sketch, lat result.Latency) (latencyDist, bool) {
	if s == nil || s.Count() == 0 {
		return latencyDist{}, false
	}
	d := latencyDist{total: s.Count()}
	lo, hi := lat.Min, lat.Max
	if hi <= 0 || hi < lo {
		lo, hi = s.Quantile(0), s.Quantile(1)
	}
	if p := lat.P999; p > 0 && hi > 2*p {
		hi, d.clipped = 1.5*p, true
	}
	if hi-lo < 1e-3*hi || hi <= 0 { // (nearly) one value: show ±10 %
		c := math.Max(hi, 1e-9)
		lo, hi = 0.9*c, 1.1*c
	} else {
		lo = math.Max(0, lo-0.04*(hi-lo))
	}
	minW := hi * 1.5 * (2 * result.RelativeAccuracy / (1 - result.RelativeAccuracy))
	d.width = niceStep(math.Max((hi-lo)/maxDisplayBins, minW))
	d.lo = math.Floor(lo/d.width) * d.width
	n := int(math.Ceil((hi - d.lo) / d.width))
	n = max(n, 1)
	d.hi = d.lo + float64(n)*d.width
	d.counts = make([]float64, n)
	cum := 0.0
	total := float64(d.total)
	d.cdf = append(d.cdf, plotter.XY{X: d.lo, Y: 0})
	s.ForEachBin(func(a, b float64, c int64) {
		cnt := float64(c)
		cumBefore := cum
		cum += cnt
		switch {
		case b <= d.lo:
			d.counts[0] += cnt
		case a >= d.hi:
			d.beyond += cnt
		default:
			d.spread(a, b, cnt)
		}
		if b <= d.hi {
			d.cdf = append(d.cdf, plotter.XY{X: math.Max(b, d.lo), Y: cum / total})
		} else if a < d.hi {
			d.cdf = append(d.cdf, plotter.XY{X: d.hi, Y: (cumBefore + cnt*(d.hi-a)/(b-a)) / total})
		}
	})
	if last := d.cdf[len(d.cdf)-1]; last.X < d.hi {
		d.cdf = append(d.cdf, plotter.XY{X: d.hi, Y: last.Y})
	}
	d.beyond /= total
	return d, true
}

// spread adds cnt requests, uniform on (a, b], to the display bins.
func (d *latencyDist) spread(a, b, cnt float64) {
	for j := range d.counts {
		l := d.lo + float64(j)*d.width
		r := l + d.width
		ov := math.Min(b, r) - math.Max(a, l)
		if ov > 0 {
			d.counts[j] += cnt * ov / (b - a)
		}
	}
	if b > d.hi {
		d.beyond += cnt * (b - math.Max(a, d.hi)) / (b - a)
	}
}

// niceStep rounds v up to 1, 2 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// percentileFlags returns the p50, p95 and p99 markers, with x scaled to
// the display unit.
func percentileFlags(lat result.Latency, scale float64, unit string) []flagLabel {
	out := []flagLabel{
		{x: lat.P50 * scale, text: "p50 " + result.FormatNumber(lat.P50*scale) + " " + unit, col: rgb(colGreen)},
		{x: lat.P95 * scale, text: "p95 " + result.FormatNumber(lat.P95*scale) + " " + unit, col: rgb(colOrange)},
		{x: lat.P99 * scale, text: "p99 " + result.FormatNumber(lat.P99*scale) + " " + unit, col: rgb(colVermillion)},
	}
	return out
}

// vlines draws the markers' dashed vertical lines.
type vlines struct {
	flags []flagLabel
}

// Plot implements plot.Plotter.
func (v vlines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, f := range v.flags {
		x := trX(f.x)
		if !c.ContainsX(x) {
			continue
		}
		c.StrokeLine2(draw.LineStyle{Color: f.col, Width: 1.2, Dashes: []vg.Length{4, 2}}, x, c.Min.Y, x, c.Max.Y)
	}
}

// percentTicks labels a 0..1 axis in percent.
type percentTicks struct{}

// Ticks implements plot.Ticker.
func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if v >= lo-1e-9 && v <= hi+1e-9 {
			ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f %%", 100*v)})
		}
	}
	return ts
}

// latencyPlots builds the histogram and the CDF for tiles w×h points.
func (in *input) latencyPlots(w, h vg.Length) (hist, cdf *plot.Plot) {
	lat := in.r.Latency
	d, ok := newLatencyDist(in.r.LatencySketch, lat)
	if !ok {
		note := "no completed requests"
		if lat.TotalRequests > 0 {
			note = "latency distribution not in the result (no latency sketch)"
		}
		hist = newPlot("Latency histogram", "latency", "requests")
		hist.Add(message{text: note})
		cdf = newPlot("Latency CDF", "latency", "requests ≤ latency")
		cdf.Add(message{text: note})
		return hist, cdf
	}
	scale, unit := timeUnit(d.hi)
	xlabel := "latency (" + unit + ")"
	if d.clipped {
		xlabel = fmt.Sprintf("latency (%s); axis cut at %s %s: %s %% of requests lie beyond, up to %s",
			unit, result.FormatNumber(d.hi*scale), unit, result.FormatNumber(100*d.beyond), formatSeconds(lat.Max))
	}
	flags := percentileFlags(lat, scale, unit)
	sty := eventLabelStyle()
	rows := flagRows(flags, sty, w-50, d.lo*scale, d.hi*scale)
	room := float64(rows)*float64(sty.Height("Ag")+2) + 2
	dataH := max(float64(h)-50, 30)

	hist = newPlot(fmt.Sprintf("Latency histogram (%s requests, mean %s)", result.FormatCount(d.total), formatSeconds(lat.Mean)),
		xlabel, fmt.Sprintf("requests per %s %s bin", result.FormatNumber(d.width*scale), unit))
	addGrid(hist)
	bins := make([]plotter.HistogramBin, len(d.counts))
	top := 0.0
	for j, c := range d.counts {
		l := (d.lo + float64(j)*d.width) * scale
		bins[j] = plotter.HistogramBin{Min: l, Max: l + d.width*scale, Weight: c}
		top = max(top, c)
	}
	hist.Add(&plotter.Histogram{Bins: bins, Width: d.width * scale, FillColor: rgb(colSky, 200),
		LineStyle: draw.LineStyle{Color: rgb(colBlue), Width: 0.5}})
	hist.Add(vlines{flags: flags}, flagLayer{flags: flags, style: sty})
	hist.X.Min, hist.X.Max = d.lo*scale, d.hi*scale
	hist.X.Tick.Marker = niceTicks{n: max(int(w/70), 3)}
	hist.Y.Tick.Marker = niceTicks{n: 4, integer: true}
	hist.Y.Min = 0
	hist.Y.Max = math.Max(top, 1) * 1.04 / math.Max(1-room/dataH, 0.4)

	cdf = newPlot("Latency CDF (share of requests at or below x)", xlabel, "requests ≤ latency")
	addGrid(cdf)
	pts := make(plotter.XYs, len(d.cdf))
	for k, p := range d.cdf {
		pts[k] = plotter.XY{X: p.X * scale, Y: p.Y}
	}
	if l, err := plotter.NewLine(pts); err == nil {
		l.LineStyle = draw.LineStyle{Color: rgb(colBlue), Width: 1.5}
		cdf.Add(l)
	}
	cdf.Add(vlines{flags: flags}, flagLayer{flags: flags, style: sty, bottom: true})
	cdf.X.Min, cdf.X.Max = d.lo*scale, d.hi*scale
	cdf.X.Tick.Marker = niceTicks{n: max(int(w/70), 3)}
	cdf.Y.Min, cdf.Y.Max = 0, 1.0
	cdf.Y.Tick.Marker = percentTicks{}
	return hist, cdf
}
