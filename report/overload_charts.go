package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// The charts of spec §12–§14. Each is listed only when the scenario uses
// what it draws, so that the list depends on the scenario alone (the API
// lists a run's charts without loading its result); a result that lacks
// the figures anyway (a run of an older version) gets a note in the
// panel instead.
const (
	// ChartOutcomes is the outcomes of requests per 1 s window, stacked:
	// completed, failed, rejected, timed out (result.OutcomeSeries).
	ChartOutcomes = "outcomes"
	// ChartBreakers is the state of every circuit breaker over time
	// (result.BreakerStats.Timeline), the client's then each call's.
	ChartBreakers = "breakers"
	// ChartReplicas is the instance count of every replicated or
	// autoscaled server over time (result.ServerSeries.Replicas).
	ChartReplicas = "replicas"
)

// breaker is one circuit breaker of the scenario: the client's or a
// call's, with its result key.
type breaker struct {
	name string // "client" or "<caller>-><target>"
	call bool
}

// breakers lists the scenario's circuit breakers: the client's, then the
// calls' in the order of servers, endpoints and steps (once per pair).
func breakers(sc *scenario.Scenario) []breaker {
	var out []breaker
	if sc.Topology.Nodes.Client.CircuitBreaker != nil {
		out = append(out, breaker{name: "client"})
	}
	seen := map[string]bool{}
	for _, s := range sc.Topology.Nodes.Servers {
		for _, e := range s.Endpoints {
			for _, st := range e.Steps {
				for _, c := range st.StepCalls() {
					if id := s.ID + "->" + c.Target; c.CircuitBreaker != nil && !seen[id] {
						seen[id] = true
						out = append(out, breaker{name: id, call: true})
					}
				}
			}
		}
	}
	return out
}

// replicated lists the servers with replicas or autoscaling.
func replicated(sc *scenario.Scenario) []scenario.Server {
	var out []scenario.Server
	for _, s := range sc.Topology.Nodes.Servers {
		if s.Autoscaling != nil || s.ReplicaCount() > 1 {
			out = append(out, s)
		}
	}
	return out
}

// overloadCharts returns the charts of spec §12–§14 that sc has.
func overloadCharts(sc *scenario.Scenario) []Chart {
	var cs []Chart
	if sc.HasResilience() {
		cs = append(cs, Chart{ChartOutcomes, "Outcomes over time: completed, failed, rejected and timed-out requests per second, stacked"})
	}
	if len(breakers(sc)) > 0 {
		cs = append(cs, Chart{ChartBreakers, "Circuit breakers: closed, open and half-open over time"})
	}
	if len(replicated(sc)) > 0 {
		cs = append(cs, Chart{ChartReplicas, "Replicas over time: instances of each replicated or autoscaled server"})
	}
	return cs
}

// outcomeLayers are the stacked layers of the outcomes chart, bottom up.
var outcomeLayers = []struct {
	name string
	col  uint32
	get  func(*result.OutcomeSeries) []float64
}{
	{"completed", colBlue, func(o *result.OutcomeSeries) []float64 { return o.Completed }},
	{"failed", colVermillion, func(o *result.OutcomeSeries) []float64 { return o.Failed }},
	{"rejected", colOrange, func(o *result.OutcomeSeries) []float64 { return o.Rejected }},
	{"timed out", colPurple, func(o *result.OutcomeSeries) []float64 { return o.TimedOut }},
}

// outcomesFigure is the outcomes per window, stacked, on a full-width
// panel.
func outcomesFigure(in *input) figure {
	h := headerHeight + tputHeight + 80
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in.withoutEnvelopeNote(), "Outcomes over time", outcomesSubtitle(in.r), true)
		in.alignTiles(c, [][]*plot.Plot{{in.outcomesPanel().plot(in, tileWidth(1), tputHeight+80)}})
	}}
}

// outcomesSubtitle gives the outcome totals.
func outcomesSubtitle(r *result.Result) string {
	c := r.Counts
	return fmt.Sprintf("seed %d · %s generated: %s completed · %s failed · %s rejected · %s timed out · %s attempts (%s retries)",
		r.Seed, result.FormatCount(c.Generated), result.FormatCount(c.Completed), result.FormatCount(c.Failed),
		result.FormatCount(c.Rejected), result.FormatCount(c.TimedOut), result.FormatCount(c.Attempts), result.FormatCount(c.Retries))
}

// outcomesPanel stacks the outcome layers. A series longer than the
// panel's pixel columns is averaged per column (the mean rate of the
// windows in it), so the stack keeps its meaning: the height is the
// requests per second that got an outcome.
func (in *input) outcomesPanel() timePanel {
	tp := timePanel{
		title:   "Requests per second by outcome: completed (blue), failed (vermillion), rejected (orange), timed out (purple)",
		ylabel:  "requests/s",
		xlabel:  true,
		missing: "no outcome series in the result",
	}
	o := in.r.Outcomes
	if o == nil || len(o.Completed) == 0 {
		return tp
	}
	w := o.WindowS
	if w <= 0 {
		w = 1
	}
	n := len(o.Completed)
	cols := int(math.Ceil(float64(tileWidth(1)) * pxPerPoint))
	groups := min(n, cols)
	lower := make([]float64, groups)
	var top float64
	for _, layer := range outcomeLayers {
		ys := layer.get(o)
		upper := make([]float64, groups)
		for g := range groups {
			a, b := g*n/groups, (g+1)*n/groups
			sum := 0.0
			for k := a; k < b && k < len(ys); k++ {
				sum += ys[k]
			}
			upper[g] = lower[g] + sum/float64(b-a)/w
		}
		if poly, err := plotter.NewPolygon(stepBand(lower, upper, n, groups, w)); err == nil {
			poly.Color = rgb(layer.col, 170)
			poly.LineStyle = draw.LineStyle{Color: rgb(layer.col), Width: 0.3}
			tp.lines = append(tp.lines, poly)
		}
		lower = upper
	}
	for _, v := range lower {
		top = max(top, v)
	}
	tp.linesMax = top
	tp.integer = true
	return tp
}

// stepBand returns the outline of a stacked layer between lower and upper
// as steps: group g of groups covers windows [g·n/groups, (g+1)·n/groups)
// of w seconds each.
func stepBand(lower, upper []float64, n, groups int, w float64) plotter.XYs {
	pts := make(plotter.XYs, 0, 4*groups)
	edge := func(g int) float64 { return float64(g*n/groups) * w }
	for g := range groups {
		pts = append(pts, plotter.XY{X: edge(g), Y: upper[g]}, plotter.XY{X: edge(g + 1), Y: upper[g]})
	}
	for g := groups - 1; g >= 0; g-- {
		pts = append(pts, plotter.XY{X: edge(g + 1), Y: lower[g]}, plotter.XY{X: edge(g), Y: lower[g]})
	}
	return pts
}

// breakerPanelH is the height of one breaker's band panel.
const breakerPanelH vg.Length = 70

// breakersFigure stacks one band panel per circuit breaker.
func breakersFigure(in *input) figure {
	bs := breakers(in.sc)
	n := max(len(bs), 1)
	h := headerHeight + vg.Length(n)*breakerPanelH + 30
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in.withoutEnvelopeNote(), "Circuit breakers", "open (vermillion bar) and half-open (orange bar) over time; closed is blank", true)
		var grid [][]*plot.Plot
		for k, b := range bs {
			p := in.breakerPanel(b, k == len(bs)-1)
			grid = append(grid, []*plot.Plot{p})
		}
		in.alignTiles(c, grid)
	}}
}

// breakerStats returns the figures of breaker b in the result, or nil.
func (in *input) breakerStats(b breaker) *result.BreakerStats {
	if !b.call {
		if in.r.Client == nil {
			return nil
		}
		return in.r.Client.CircuitBreaker
	}
	return in.r.Calls[b.name].CircuitBreaker
}

// breakerPanel draws one breaker's states as bands on a time axis.
func (in *input) breakerPanel(b breaker, xlabel bool) *plot.Plot {
	title := "client"
	if b.call {
		title = "call " + b.name
	}
	st := in.breakerStats(b)
	if st != nil {
		title += ": " + breakerText(st)
		if len(st.Timeline) >= result.MaxBreakerTransitions {
			title += fmt.Sprintf(" (the first %s transitions drawn)", result.FormatCount(result.MaxBreakerTransitions))
		}
	}
	xl := ""
	if xlabel {
		xl = "time (s)"
	}
	p := newPlot(title, xl, "")
	p.X.Min, p.X.Max = 0, in.horizon
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = niceTicks{n: max(int(tileWidth(1)/80), 4)}
	p.Y.Tick.Marker = plot.ConstantTicks{}
	p.Add(bandLayer{windows: in.windows})
	if st == nil {
		p.Add(message{text: "no breaker figures in the result"})
		return p
	}
	if len(st.Timeline) == 0 && st.Opened > 0 {
		// Merging replications sums opened and open_s but keeps no
		// timeline, which belongs to one run.
		p.Add(message{text: "no timeline in the result (a merged result keeps none)"})
		return p
	}
	p.Add(stateBands{timeline: st.Timeline, horizon: in.horizon})
	return p
}

// stateBands shades each open and half-open interval of a breaker's
// timeline over the full height of the data area.
type stateBands struct {
	timeline []result.BreakerTransition
	horizon  float64
}

// Plot implements plot.Plotter.
func (s stateBands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for k, tr := range s.timeline {
		var col color.NRGBA
		switch tr.State {
		case "open":
			col = rgb(colVermillion)
		case "half_open":
			col = rgb(colOrange)
		default:
			continue
		}
		end := s.horizon
		if k+1 < len(s.timeline) {
			end = s.timeline[k+1].T
		}
		x0, x1 := trX(tr.T), trX(end)
		if x1-x0 < 1 { // keep a short state visible
			x1 = x0 + 1
		}
		// A bar across the middle of the panel, so that the event windows
		// (shaded over the full height) stay visible above and below.
		lo, hi := c.Min.Y+0.2*(c.Max.Y-c.Min.Y), c.Min.Y+0.8*(c.Max.Y-c.Min.Y)
		c.FillPolygon(col, []vg.Point{{X: x0, Y: lo}, {X: x1, Y: lo}, {X: x1, Y: hi}, {X: x0, Y: hi}})
	}
}

// replicasFigure stacks one panel per replicated or autoscaled server
// with its instance count.
func replicasFigure(in *input) figure {
	ss := replicated(in.sc)
	n := max(len(ss), 1)
	h := headerHeight + vg.Length(n)*edgePanelH + 12
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "Replicas over time", "instances of each server, starting and draining ones included", true)
		var grid [][]*plot.Plot
		for k, s := range ss {
			tp := timePanel{
				title:   s.ID,
				ylabel:  "instances",
				xlabel:  k == len(ss)-1,
				integer: true,
				line:    series{col: rgb(colBlue)},
			}
			st, ok := in.r.Servers[s.ID]
			if ok && st.Replicas != nil {
				tp.title += fmt.Sprintf(": mean %s, min %d, max %d", result.FormatNumber(st.Replicas.Mean), st.Replicas.Min, st.Replicas.Max)
			}
			if ok && st.Cost != nil {
				tp.title += ", cost " + result.FormatNumber(*st.Cost)
			}
			tp.line.ys, tp.line.period, tp.missing = in.replicaSeries(s.ID)
			grid = append(grid, []*plot.Plot{tp.plot(in, tileWidth(1), edgePanelH)})
		}
		in.alignTiles(c, grid)
	}}
}

// replicaSeries returns a server's sampled instance count with its
// period, or nil and the note to show instead.
func (in *input) replicaSeries(id string) ([]float64, float64, string) {
	if in.r.Series == nil {
		note := "series not recorded"
		if st, ok := in.r.Servers[id]; ok && st.Replicas != nil {
			note += fmt.Sprintf("\nmean %s · max %d", result.FormatNumber(st.Replicas.Mean), st.Replicas.Max)
		}
		return nil, 0, note
	}
	ys := in.r.Series.Servers[id].Replicas
	if len(ys) == 0 {
		return nil, 0, "no replica series in the result"
	}
	return ys, in.r.Series.PeriodS, ""
}

// withoutEnvelopeNote returns a copy of in whose figure header does not
// explain envelopes: for charts that draw none (a long outcome series is
// averaged per pixel column instead).
func (in *input) withoutEnvelopeNote() *input {
	c := *in
	c.noEnvelopeNote = true
	return &c
}
