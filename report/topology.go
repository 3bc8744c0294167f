package report

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Topology layout sizes in points.
const (
	topoBoxMinW  vg.Length = 104
	topoBoxPad   vg.Length = 7
	topoRowGap   vg.Length = 26
	topoLaneGap  vg.Length = 24
	topoLineH    vg.Length = 11
	topoMarginX  vg.Length = 16
	topoTopSpace vg.Length = 16
)

// Node kinds of the topology diagram.
const (
	kindGenerator = "generator"
	kindClient    = "client"
	kindLB        = "load balancer"
	kindServer    = "server"
)

// topoNode is one box of the topology diagram.
type topoNode struct {
	id, kind string
	lines    []string // detail lines below the id
	alert    string   // outage note, drawn in the outage colour
	col      int
	box      vg.Rectangle
}

// topoEdge is one arrow of the topology diagram.
type topoEdge struct {
	e        scenario.Edge
	src, dst *topoNode
	back     bool // drawn through a lane under the boxes
	lane     int
	label    []string
}

// topology is the laid-out diagram.
type topology struct {
	nodes []*topoNode
	edges []*topoEdge
	w, h  vg.Length
	lanes int
}

// topologyFigure draws the scenario's topology: boxes for the generator,
// client, load balancer and servers in columns by hop distance from the
// generator, arrows for the edges labelled with id, latency and dropout;
// edges that lead back (server → client) run through lanes below the boxes
// so that they never cross a box.
func topologyFigure(sc *scenario.Scenario) figure {
	t := layoutTopology(sc)
	return figure{width: t.w, height: t.h, draw: t.draw}
}

// nodeStyles returns the text styles of the diagram: kind, id, detail.
func nodeStyles() (kind, id, detail text.Style) {
	return textStyle(7, false, rgb(colGrey)), textStyle(9.5, true, color.Black), textStyle(7.5, false, color.Black)
}

// layoutTopology places the boxes and routes the edges.
func layoutTopology(sc *scenario.Scenario) *topology {
	t := &topology{}
	byID := map[string]*topoNode{}
	add := func(n *topoNode) { t.nodes = append(t.nodes, n); byID[n.id] = n }

	for _, wl := range sc.Generators() {
		add(&topoNode{id: wl.ID, kind: kindGenerator, col: -1, lines: []string{generatorLine(wl)}})
	}
	add(&topoNode{id: sc.Topology.Nodes.Client.ID, kind: kindClient, col: -1})
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		add(&topoNode{id: lb.ID, kind: kindLB, col: -1, lines: []string{string(lb.Algorithm)}})
	}
	outages := map[string][]string{}
	spikes := map[string][]string{}
	for _, e := range sc.Events {
		switch e.Start.Kind {
		case scenario.ServerDown:
			outages[e.TargetID] = append(outages[e.TargetID], fmt.Sprintf("%s %s–%s s", e.ID, result.FormatNumber(e.Start.TStart), result.FormatNumber(e.End.TEnd)))
		case scenario.NetworkSpikeStart:
			s := 0.0
			if e.Start.SpikeS != nil {
				s = *e.Start.SpikeS
			}
			spikes[e.TargetID] = append(spikes[e.TargetID], fmt.Sprintf("%s +%s", e.ID, formatSeconds(s)))
		}
	}
	for _, s := range sc.Topology.Nodes.Servers {
		var eps []string
		for _, ep := range s.Endpoints {
			eps = append(eps, ep.Name)
		}
		n := &topoNode{id: s.ID, kind: kindServer, col: -1, lines: []string{
			fmt.Sprintf("%s · %d MB", plural(s.Resources.CPUCores, "core"), s.Resources.RAMMB),
			ellipsis(strings.Join(eps, ", "), 28),
		}}
		n.lines = append(n.lines, serverGraphLines(s)...)
		if o := outages[s.ID]; len(o) > 0 {
			n.alert = "down: " + ellipsis(strings.Join(o, ", "), 26)
		}
		add(n)
	}
	for _, e := range sc.Topology.Edges {
		src, dst := byID[e.Source], byID[e.Target]
		if src == nil || dst == nil {
			continue // an invalid scenario; nothing sensible to draw
		}
		lbl := []string{e.ID, edgeDetail(e)}
		if s := spikes[e.ID]; len(s) > 0 {
			lbl = append(lbl, "spike "+ellipsis(strings.Join(s, ", "), 30))
		}
		t.edges = append(t.edges, &topoEdge{e: e, src: src, dst: dst, label: lbl})
	}
	t.assignColumns()
	t.place()
	t.assignLanes()
	return t
}

// edgeDetail describes an edge's latency and dropout.
func edgeDetail(e scenario.Edge) string {
	abbr := map[scenario.Distribution]string{
		scenario.Exponential: "exp", scenario.Normal: "normal", scenario.LogNormal: "log-normal",
		scenario.Uniform: "uniform", scenario.Poisson: "poisson", scenario.Deterministic: "fixed",
	}[e.Latency.Distribution]
	s := formatSeconds(e.Latency.Mean)
	if abbr != "" {
		s += " " + abbr
	}
	return s + fmt.Sprintf(" · drop %s %%", result.FormatNumber(100*e.DropoutRate))
}

// plural returns "1 core", "2 cores".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ellipsis shortens s to at most n runes.
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// assignColumns puts the generator in column 0 and every node in the
// column of its hop distance from the generator (breadth first); edges to
// an earlier or the same column are back edges. Unreachable servers join
// the servers' column, other unreachable nodes the next free column.
func (t *topology) assignColumns() {
	var queue []*topoNode // every generator starts the first column
	for _, n := range t.nodes {
		if n.kind == kindGenerator {
			n.col = 0
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, e := range t.edges {
			if e.src == n && e.dst.col < 0 {
				e.dst.col = n.col + 1
				queue = append(queue, e.dst)
			}
		}
	}
	maxCol, serverCol := 0, -1
	for _, n := range t.nodes {
		maxCol = max(maxCol, n.col)
		if n.kind == kindServer && n.col >= 0 {
			serverCol = max(serverCol, n.col)
		}
	}
	for _, n := range t.nodes {
		if n.col < 0 {
			if n.kind == kindServer && serverCol >= 0 {
				n.col = serverCol
			} else {
				n.col = maxCol + 1
			}
		}
	}
	for _, e := range t.edges {
		if e.dst.col <= e.src.col {
			e.back = true
			t.lanes++
		}
	}
}

// assignLanes numbers the back edges' lanes once boxes are placed: the
// lowest source takes the lane nearest the boxes and turns down closest to
// them, so that no lane crosses another's path.
func (t *topology) assignLanes() {
	var back []*topoEdge
	for _, e := range t.edges {
		if e.back {
			back = append(back, e)
		}
	}
	sort.SliceStable(back, func(i, j int) bool {
		if back[i].src.col != back[j].src.col {
			return back[i].src.col < back[j].src.col
		}
		return back[i].src.box.Min.Y < back[j].src.box.Min.Y
	})
	for k, e := range back {
		e.lane = k
	}
}

// size returns a node's box size.
func (n *topoNode) size() (w, h vg.Length) {
	ks, is, ds := nodeStyles()
	w = max(topoBoxMinW, is.Width(n.id)+2*topoBoxPad, ks.Width(n.kind)+2*topoBoxPad)
	lines := 2 + len(n.lines)
	for _, l := range n.lines {
		w = max(w, ds.Width(l)+2*topoBoxPad)
	}
	if n.alert != "" {
		lines++
		w = max(w, ds.Width(n.alert)+2*topoBoxPad)
	}
	return w, vg.Length(lines)*topoLineH + 2*topoBoxPad - 2
}

// place computes box positions (y grows upwards, as on a vg canvas).
func (t *topology) place() {
	cols := 0
	for _, n := range t.nodes {
		cols = max(cols, n.col+1)
	}
	colW := make([]vg.Length, cols)
	colH := make([]vg.Length, cols)
	for _, n := range t.nodes {
		w, h := n.size()
		colW[n.col] = max(colW[n.col], w)
		if colH[n.col] > 0 {
			colH[n.col] += topoRowGap
		}
		colH[n.col] += h
	}
	var sumW, maxH vg.Length
	for c := range cols {
		sumW += colW[c]
		maxH = max(maxH, colH[c])
	}
	// Leave room between columns for two-line edge labels.
	gap := vg.Length(150)
	t.w = max(figureWidth, sumW+vg.Length(cols-1)*gap+2*topoMarginX+vg.Length(t.lanes)*10+20)
	if cols > 1 {
		gap = (t.w - 2*topoMarginX - sumW - vg.Length(t.lanes)*10 - 20) / vg.Length(cols-1)
	}
	lanesH := vg.Length(0)
	if t.lanes > 0 {
		lanesH = vg.Length(t.lanes)*topoLaneGap + 10
	}
	t.h = topoTopSpace + maxH + lanesH + 16
	x := topoMarginX
	colX := make([]vg.Length, cols)
	for c := range cols {
		colX[c] = x
		x += colW[c] + gap
	}
	midY := t.h - topoTopSpace - maxH/2
	next := make([]vg.Length, cols)
	for c := range cols {
		next[c] = midY + colH[c]/2
	}
	for _, n := range t.nodes {
		w, h := n.size()
		x0 := colX[n.col] + (colW[n.col]-w)/2
		top := next[n.col]
		n.box = vg.Rectangle{Min: vg.Point{X: x0, Y: top - h}, Max: vg.Point{X: x0 + w, Y: top}}
		next[n.col] = top - h - topoRowGap
	}
}

// kindColour is the fill of a node box by kind.
func kindColour(kind string) color.Color {
	switch kind {
	case kindGenerator:
		return rgb(0xF2F2F2)
	case kindClient:
		return rgb(0xE8F1FA)
	case kindLB:
		return rgb(0xFFF4DC)
	}
	return rgb(0xE6F5EF)
}

// draw draws the diagram on dc.
func (t *topology) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	bottom := t.h - topoTopSpace
	for _, n := range t.nodes {
		bottom = min(bottom, n.box.Min.Y)
	}
	for _, e := range t.edges {
		if e.back {
			t.drawBackEdge(dc, e, bottom)
		} else {
			drawForwardEdge(dc, e)
		}
	}
	for _, n := range t.nodes {
		drawNode(dc, n)
	}
	// Labels last, so that no line crosses them.
	for _, e := range t.edges {
		if e.back {
			t.drawBackLabel(dc, e, bottom)
		} else {
			drawForwardLabel(dc, e)
		}
	}
}

// roundRect returns a rectangle path with rounded corners.
func roundRect(r vg.Rectangle, rad vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: r.Min.X + rad, Y: r.Min.Y})
	p.Line(vg.Point{X: r.Max.X - rad, Y: r.Min.Y})
	p.Arc(vg.Point{X: r.Max.X - rad, Y: r.Min.Y + rad}, rad, -math.Pi/2, math.Pi/2)
	p.Line(vg.Point{X: r.Max.X, Y: r.Max.Y - rad})
	p.Arc(vg.Point{X: r.Max.X - rad, Y: r.Max.Y - rad}, rad, 0, math.Pi/2)
	p.Line(vg.Point{X: r.Min.X + rad, Y: r.Max.Y})
	p.Arc(vg.Point{X: r.Min.X + rad, Y: r.Max.Y - rad}, rad, math.Pi/2, math.Pi/2)
	p.Line(vg.Point{X: r.Min.X, Y: r.Min.Y + rad})
	p.Arc(vg.Point{X: r.Min.X + rad, Y: r.Min.Y + rad}, rad, math.Pi, math.Pi/2)
	p.Close()
	return p
}

// drawNode draws one box with its kind, id and details.
func drawNode(dc draw.Canvas, n *topoNode) {
	p := roundRect(n.box, 5)
	dc.SetColor(kindColour(n.kind))
	dc.Fill(p)
	border := rgb(colGrey)
	if n.alert != "" {
		border = rgb(colVermillion)
	}
	dc.SetLineStyle(draw.LineStyle{Color: border, Width: 0.8})
	dc.Stroke(p)
	ks, is, ds := nodeStyles()
	x := n.box.Min.X + topoBoxPad
	y := n.box.Max.Y - topoBoxPad - topoLineH + 3
	dc.FillText(ks, vg.Point{X: x, Y: y}, n.kind)
	y -= topoLineH
	dc.FillText(is, vg.Point{X: x, Y: y}, n.id)
	for _, l := range n.lines {
		y -= topoLineH
		dc.FillText(ds, vg.Point{X: x, Y: y}, l)
	}
	if n.alert != "" {
		y -= topoLineH
		as := ds
		as.Color = rgb(colVermillion)
		dc.FillText(as, vg.Point{X: x, Y: y}, n.alert)
	}
}

// edgeLineStyle is the stroke of an edge.
func edgeLineStyle() draw.LineStyle { return draw.LineStyle{Color: rgb(colGrey), Width: 1} }

// arrowHead fills an arrow head ending at tip, pointing along (dx, dy).
func arrowHead(dc draw.Canvas, tip vg.Point, dx, dy float64) {
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	ux, uy := dx/l, dy/l
	const size, half = 7, 3.2
	bx, by := float64(tip.X)-size*ux, float64(tip.Y)-size*uy
	dc.FillPolygon(rgb(colGrey), []vg.Point{
		tip,
		{X: vg.Length(bx - half*uy), Y: vg.Length(by + half*ux)},
		{X: vg.Length(bx + half*uy), Y: vg.Length(by - half*ux)},
	})
}

// forwardEnds returns the start and end points of a forward edge.
func forwardEnds(e *topoEdge) (a, b vg.Point) {
	a = vg.Point{X: e.src.box.Max.X, Y: (e.src.box.Min.Y + e.src.box.Max.Y) / 2}
	b = vg.Point{X: e.dst.box.Min.X, Y: (e.dst.box.Min.Y + e.dst.box.Max.Y) / 2}
	return a, b
}

// drawForwardEdge draws a straight arrow from the source's right side to
// the target's left side.
func drawForwardEdge(dc draw.Canvas, e *topoEdge) {
	a, b := forwardEnds(e)
	dc.StrokeLines(edgeLineStyle(), []vg.Point{a, b})
	arrowHead(dc, b, float64(b.X-a.X), float64(b.Y-a.Y))
}

// labelBox draws label lines centred on (cx, y top) over a white box.
func labelBox(dc draw.Canvas, lines []string, cx, top vg.Length, alert bool) {
	sty := textStyle(7.5, false, rgb(0x333333))
	idSty := textStyle(7.5, true, color.Black)
	var w vg.Length
	for k, l := range lines {
		s := sty
		if k == 0 {
			s = idSty
		}
		w = max(w, s.Width(l))
	}
	lh := vg.Length(9.5)
	h := vg.Length(len(lines)) * lh
	dc.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 235}, []vg.Point{
		{X: cx - w/2 - 2, Y: top - h - 1}, {X: cx + w/2 + 2, Y: top - h - 1}, {X: cx + w/2 + 2, Y: top + 1}, {X: cx - w/2 - 2, Y: top + 1},
	})
	for k, l := range lines {
		s := sty
		if k == 0 {
			s = idSty
		}
		if alert && k == len(lines)-1 && strings.HasPrefix(l, "spike ") {
			s.Color = rgb(colPurple)
		}
		s.XAlign = draw.XCenter
		dc.FillText(s, vg.Point{X: cx, Y: top - vg.Length(k+1)*lh + 2}, l)
	}
}

// drawForwardLabel labels a forward edge near the middle of its line,
// a little towards the target so that the labels of a fan-out separate.
func drawForwardLabel(dc draw.Canvas, e *topoEdge) {
	a, b := forwardEnds(e)
	const f = 0.55
	cx := a.X + (b.X-a.X)*f
	cy := a.Y + (b.Y-a.Y)*f
	h := vg.Length(len(e.label)) * 9.5
	if math.Abs(float64(b.Y-a.Y)) < 1 {
		// A horizontal arrow: the label sits above it, clear of the line.
		labelBox(dc, e.label, (a.X+b.X)/2, a.Y+h+3, true)
		return
	}
	labelBox(dc, e.label, cx, cy+h/2, true)
}

// backRoute returns the polyline of a back edge: right out of the source,
// down to its lane under the boxes, left to under the target, up into it.
// Deeper lanes turn further out on the right and further left under the
// target, so that lanes never cross each other.
func (t *topology) backRoute(e *topoEdge, bottom vg.Length) []vg.Point {
	laneY := bottom - vg.Length(e.lane+1)*topoLaneGap
	a := vg.Point{X: e.src.box.Max.X, Y: (e.src.box.Min.Y + e.src.box.Max.Y) / 2}
	right := a.X
	for _, n := range t.nodes {
		if n.col == e.src.col {
			right = max(right, n.box.Max.X)
		}
	}
	outX := right + 8 + vg.Length(e.lane)*10
	cx := (e.dst.box.Min.X + e.dst.box.Max.X) / 2
	inX := cx + vg.Length(t.lanes-1)*4 - vg.Length(e.lane)*8
	return []vg.Point{a, {X: outX, Y: a.Y}, {X: outX, Y: laneY}, {X: inX, Y: laneY}, {X: inX, Y: e.dst.box.Min.Y}}
}

// drawBackEdge draws a back edge through its lane.
func (t *topology) drawBackEdge(dc draw.Canvas, e *topoEdge, bottom vg.Length) {
	pts := t.backRoute(e, bottom)
	dc.StrokeLines(edgeLineStyle(), pts)
	n := len(pts)
	arrowHead(dc, pts[n-1], 0, float64(pts[n-1].Y-pts[n-2].Y))
}

// drawBackLabel writes a back edge's label on one line above its lane.
func (t *topology) drawBackLabel(dc draw.Canvas, e *topoEdge, bottom vg.Length) {
	pts := t.backRoute(e, bottom)
	laneY := pts[2].Y
	cx := (pts[2].X + pts[3].X) / 2
	labelBox(dc, []string{strings.Join(e.label, " · ")}, cx, laneY+11, true)
}
