package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// WriteHTML writes a self-contained HTML report of a run of sc with result
// r to w: the scenario (topology diagram, workload, settings, servers with
// their endpoints and steps, load balancer, edges, events), the result
// tables (counts, latency, throughput, event windows, recovery with
// NotRecoveredFlag highlighted, servers, calls, edges, with the figures of
// spec §12–§14 when the result has them, as WriteText) and the charts as
// inline SVG. It fetches nothing: no scripts, style sheets, fonts or
// images from elsewhere, so the file can be attached to a review and
// opened offline. The output depends only on sc, r and stats.
//
// When stats is not nil, r is the merge of stats.Replications replications
// (analysis.Replicated): the report says so under its title and shows the
// table of each main figure's mean per run and 95 % confidence interval.
// Every number is rounded for people (result.FormatNumber).
//
// It returns an error when sc or r is nil, a chart cannot be drawn, or
// writing to w fails; when ctx is done it stops drawing and returns an
// error wrapping ctx.Err(), having written nothing.
func WriteHTML(ctx context.Context, w io.Writer, sc *scenario.Scenario, r *result.Result, stats *analysis.Summary) error {
	if sc == nil || r == nil {
		return errors.New("report: the HTML report needs both the scenario and the result")
	}
	d, err := newHTMLData(ctx, sc, r)
	if err == nil && stats != nil {
		d.Merged = mergedNote(stats)
		d.CIHeader = ciHeader
		d.CI = ciRows(stats)
		d.CIConfidence = num(100 * stats.Confidence)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, d); err != nil {
		return fmt.Errorf("report: executing the HTML template: %w", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("report: writing the HTML report: %w", err)
	}
	return nil
}

// htmlData is what the template shows; every text is final, so that the
// template only lays it out.
type htmlData struct {
	Title    string
	Meta     []kv
	Headline []kv
	Topology template.HTML
	Workload []kv
	Settings []kv
	LB       []kv
	Servers  []htmlServer
	Edges    [][]string
	Events   [][]string
	Counts   []kv
	Latency  []kv
	// LatencyAll is the latency of every request with an outcome (spec
	// §14); nil without overload figures.
	LatencyAll []kv
	Tput       []kv
	// Classes is the per-class table, its first row the header; nil with
	// a single generator.
	Classes   [][]string
	ResServer [][]string
	// ResServerExtra heads the optional server columns (rejections,
	// wasted work, replicas, cost), which follow the fixed ones in
	// ResServer's rows.
	ResServerExtra []string
	ResEdges       [][]string
	// ResCallsHeader and ResCalls are the per-call table, per
	// "<caller>-><target>" (spec §14).
	ResCallsHeader []string
	ResCalls       [][]string
	// RecoveryTitle, RecoveryHeader and Recovery are the recovery table;
	// RecoveryFlagged marks the rows that did not recover.
	RecoveryTitle   string
	RecoveryHeader  []string
	Recovery        [][]string
	RecoveryFlagged []bool
	Charts          []htmlChart
	// EventWindowHeader and EventWindows are the per-event-window table.
	EventWindowHeader []string
	EventWindows      [][]string
	EventWindowsTitle string
	// Merged says how many replications r merges; empty for a single run.
	Merged string
	// CIHeader and CI are the confidence-interval table of a merged result.
	CIHeader     []string
	CI           [][]string
	CIConfidence string
}

// kv is one labelled value.
type kv struct{ K, V string }

// htmlServer is one server of the scenario.
type htmlServer struct {
	ID, Cores, RAM, Pool string
	Endpoints            []htmlEndpoint
}

// htmlEndpoint is one endpoint with its steps.
type htmlEndpoint struct {
	Name, Weight string
	Steps        []string
}

// htmlChart is one inline chart.
type htmlChart struct {
	ID, Title string
	SVG       template.HTML
}

// newHTMLData prepares the report's contents.
func newHTMLData(ctx context.Context, sc *scenario.Scenario, r *result.Result) (*htmlData, error) {
	in := newInput(ctx, sc, r)
	d := &htmlData{Title: fmt.Sprintf("FastSim report: seed %d, %s s", r.Seed, result.FormatNumber(in.horizon))}
	d.Meta = []kv{{"FastSim version", r.FastsimVersion}, {"seed", fmt.Sprint(r.Seed)}, {"horizon", result.FormatNumber(in.horizon) + " s"}}
	d.Headline = []kv{
		{"completed", result.FormatCount(r.Counts.Completed)},
		{"throughput", result.FormatNumber(r.Throughput.MeanRPS) + " req/s"},
		{"latency p50", secOrDash(r.Latency.P50, r.Latency.TotalRequests)},
		{"latency p99", secOrDash(r.Latency.P99, r.Latency.TotalRequests)},
		{"dropped", result.FormatCount(r.Counts.Dropped)},
		{"failed", result.FormatCount(r.Counts.Failed)},
	}
	if overloadShown(r) {
		d.Headline = append(d.Headline, kv{"rejected", result.FormatCount(r.Counts.Rejected)}, kv{"timed out", result.FormatCount(r.Counts.TimedOut)})
	}
	topo, err := inlineSVG(ctx, topologyFigure(sc))
	if err != nil {
		return nil, err
	}
	d.Topology = topo
	d.scenarioTables(sc)
	d.resultTables(sc, r)
	if rows := eventWindowRows(r); rows != nil {
		d.EventWindowHeader, d.EventWindows, d.EventWindowsTitle = eventWindowHeader, rows, eventWindowsTitle
	}
	if rows := recoveryRows(sc, r); rows != nil {
		d.RecoveryTitle, d.RecoveryHeader = recoveryTitle, recoveryHeader
		for _, row := range rows {
			d.Recovery = append(d.Recovery, row.cells)
			d.RecoveryFlagged = append(d.RecoveryFlagged, row.flagged)
		}
	}
	for _, c := range Charts(sc, r) {
		if c.Name == ChartDashboard || c.Name == ChartTopology {
			continue // the dashboard repeats the others; the topology is above
		}
		fig, err := buildChart(c.Name, in)
		if err != nil {
			return nil, err
		}
		svg, err := inlineSVG(ctx, fig)
		if err != nil {
			return nil, err
		}
		d.Charts = append(d.Charts, htmlChart{ID: "chart-" + c.Name, Title: c.Title, SVG: svg})
	}
	return d, nil
}

// scenarioTables fills the scenario part of the report.
func (d *htmlData) scenarioTables(sc *scenario.Scenario) {
	wl := sc.Workload
	d.Workload = []kv{
		{"generator", wl.ID},
		{"active users", rvText(wl.AvgActiveUsers, "")},
		{"requests per minute per user", rvText(wl.AvgRequestPerMinutePerUser, "")},
		{"user sampling window", fmt.Sprintf("%d s", wl.UserSamplingWindow)},
	}
	if gens := sc.Generators(); len(gens) > 1 || wl.Closed() || wl.Endpoint != "" || len(wl.Profile) > 0 {
		d.Workload = nil
		for _, g := range gens {
			d.Workload = append(d.Workload, kv{g.ID, workloadText(g)})
		}
	}
	st := sc.Settings
	var metrics []string
	for _, m := range st.EnabledSampleMetrics {
		metrics = append(metrics, string(m))
	}
	// Only measured event metrics are listed as such (rqs_clock, always);
	// the others change nothing and are named as ignored.
	events := []string{string(scenario.RqsClock) + " (always measured)"}
	for _, m := range st.EnabledEventMetrics {
		if !m.Measured() {
			events = append(events, string(m)+" (ignored: not measured)")
		}
	}
	d.Settings = []kv{
		{"horizon", fmt.Sprintf("%d s", st.TotalSimulationTime)},
		{"sample period", formatSeconds(st.SamplePeriodS)},
		{"sampled metrics", strings.Join(metrics, ", ")},
		{"event metrics", strings.Join(events, ", ")},
	}
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		covered := "every server it has an edge to"
		if len(lb.ServerCovered) > 0 {
			covered = strings.Join(lb.ServerCovered, ", ")
		}
		d.LB = append(d.LB, kv{"id", lb.ID}, kv{"algorithm", string(lb.Algorithm)}, kv{"servers covered", covered})
	}
	for _, s := range sc.Topology.Nodes.Servers {
		hs := htmlServer{ID: s.ID, Cores: fmt.Sprint(s.Resources.CPUCores), RAM: fmt.Sprintf("%d MB", s.Resources.RAMMB), Pool: "—"}
		if a := s.Autoscaling; a != nil {
			hs.Cores += fmt.Sprintf(" × %d–%d replicas (autoscaled)", a.MinReplicas, a.MaxReplicas)
		} else if n := s.ReplicaCount(); n > 1 {
			hs.Cores += fmt.Sprintf(" × %d replicas", n)
		}
		if p := s.Resources.DBConnectionPool; p != nil {
			hs.Pool = fmt.Sprint(*p)
		}
		for _, ep := range s.Endpoints {
			he := htmlEndpoint{Name: ep.Name}
			switch {
			case ep.Probability != nil:
				he.Weight = "probability " + result.FormatNumber(*ep.Probability)
			case ep.Weight != nil:
				he.Weight = "weight " + result.FormatNumber(*ep.Weight)
			}
			for _, stp := range ep.Steps {
				he.Steps = append(he.Steps, stepText(stp))
			}
			hs.Endpoints = append(hs.Endpoints, he)
		}
		d.Servers = append(d.Servers, hs)
	}
	for _, e := range sc.Topology.Edges {
		d.Edges = append(d.Edges, []string{e.ID, e.Source + " → " + e.Target, rvText(e.Latency, "s"), result.FormatNumber(100*e.DropoutRate) + " %"})
	}
	for _, e := range sc.Events {
		kind, extra := "server outage", ""
		if e.Start.Kind == scenario.NetworkSpikeStart {
			kind = "network spike"
			if e.Start.SpikeS != nil {
				extra = "+" + formatSeconds(*e.Start.SpikeS)
			}
		}
		d.Events = append(d.Events, []string{e.ID, kind, e.TargetID, result.FormatNumber(e.Start.TStart) + " s", result.FormatNumber(e.End.TEnd) + " s", extra})
	}
}

// resultTables fills the result part of the report.
func (d *htmlData) resultTables(sc *scenario.Scenario, r *result.Result) {
	c := r.Counts
	d.Counts = []kv{
		{"generated", result.FormatCount(c.Generated)}, {"completed", result.FormatCount(c.Completed)},
		{"dropped", result.FormatCount(c.Dropped)}, {"failed", result.FormatCount(c.Failed)},
		{"in flight at the end", result.FormatCount(c.InFlight)}, {"events processed", result.FormatCount(c.Events)},
	}
	if overloadShown(r) {
		d.Counts = append(d.Counts, kv{"rejected", result.FormatCount(c.Rejected)}, kv{"timed out", result.FormatCount(c.TimedOut)},
			kv{"attempts", result.FormatCount(c.Attempts)}, kv{"retries", result.FormatCount(c.Retries)})
		d.LatencyAll = latencyKV(r.LatencyAll)
	}
	if r.Client != nil && r.Client.CircuitBreaker != nil {
		d.Counts = append(d.Counts, kv{"client circuit breaker", breakerText(r.Client.CircuitBreaker)})
	}
	d.Latency = latencyKV(r.Latency)
	t := r.Throughput
	lo, hi := 0.0, 0.0
	for k, v := range t.Series {
		if k == 0 || v < lo {
			lo = v
		}
		hi = max(hi, v)
	}
	d.Tput = []kv{{"mean", result.FormatNumber(t.MeanRPS) + " req/s"}, {"window", result.FormatNumber(t.WindowS) + " s"},
		{"lowest window", result.FormatNumber(lo) + " req/s"}, {"highest window", result.FormatNumber(hi) + " req/s"}}

	if len(r.Classes) > 0 {
		d.Classes = classRows(sc, r)
	}
	cols := serverColumns(r)
	d.ResServerExtra = cols.header()
	for _, id := range orderedIDs(serverIDs(sc), r.Servers) {
		s := r.Servers[id]
		d.ResServer = append(d.ResServer, append([]string{id, result.FormatCount(s.Requests), result.FormatCount(s.Failed),
			result.FormatNumber(100*s.Utilization) + " %", summaryText(s.ReadyQueueLen), summaryText(s.EventLoopIOSleep), summaryText(s.RAMInUse)},
			cols.cells(s)...))
	}
	for _, id := range orderedIDs(edgeIDs(sc), r.Edges) {
		e := r.Edges[id]
		d.ResEdges = append(d.ResEdges, []string{id, result.FormatCount(e.Dropped), summaryText(e.EdgeConcurrentConnection)})
	}
	d.ResCallsHeader, d.ResCalls = callRows(sc, r)
}

// latencyKV lists a latency summary's figures.
func latencyKV(l result.Latency) []kv {
	n := l.TotalRequests
	return []kv{
		{"requests", result.FormatCount(n)}, {"mean", secOrDash(l.Mean, n)}, {"std dev", secOrDash(l.StdDev, n)},
		{"min", secOrDash(l.Min, n)}, {"p50 (median)", secOrDash(l.P50, n)}, {"p90", secOrDash(l.P90, n)},
		{"p95", secOrDash(l.P95, n)}, {"p99", secOrDash(l.P99, n)}, {"p99.9", secOrDash(l.P999, n)}, {"max", secOrDash(l.Max, n)},
	}
}

// serverIDs returns the scenario's server ids in declaration order.
func serverIDs(sc *scenario.Scenario) []string {
	var ids []string
	for _, s := range sc.Topology.Nodes.Servers {
		ids = append(ids, s.ID)
	}
	return ids
}

// edgeIDs returns the scenario's edge ids in declaration order.
func edgeIDs(sc *scenario.Scenario) []string {
	var ids []string
	for _, e := range sc.Topology.Edges {
		ids = append(ids, e.ID)
	}
	return ids
}

// orderedIDs returns the ids in declaration order, followed by any other
// key of m in sorted order.
func orderedIDs[V any](declared []string, m map[string]V) []string {
	seen := map[string]bool{}
	out := append([]string(nil), declared...)
	for _, id := range declared {
		seen[id] = true
	}
	var extra []string
	for id := range m {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// summaryText formats a series summary as "mean / max".
func summaryText(s *result.Summary) string {
	if s == nil {
		return "—"
	}
	return result.FormatNumber(s.Mean) + " / " + result.FormatNumber(s.Max)
}

// secOrDash formats a latency, or a dash when no request completed.
func secOrDash(v float64, n int64) string {
	if n == 0 {
		return "—"
	}
	return formatSeconds(v)
}

// rvText describes a random variable; unit "s" formats the mean as a
// duration.
func rvText(rv scenario.RV, unit string) string {
	mean := result.FormatNumber(rv.Mean)
	if unit == "s" {
		mean = formatSeconds(rv.Mean)
	}
	s := string(rv.Distribution) + ", mean " + mean
	if rv.Variance != nil {
		s += ", variance " + result.FormatNumber(*rv.Variance)
	}
	return s
}

// stepText describes one endpoint step.
func stepText(s scenario.Step) string {
	op := s.Operation
	switch {
	case op.CPUTime != nil:
		return string(s.Kind) + " " + quantityText(*op.CPUTime)
	case op.IOWaitingTime != nil:
		return string(s.Kind) + " " + quantityText(*op.IOWaitingTime)
	case op.NecessaryRAM != nil:
		return string(s.Kind) + " " + result.FormatNumber(*op.NecessaryRAM) + " MB"
	case s.Kind.Class() == scenario.ClassCall:
		return callsText(s)
	}
	return string(s.Kind)
}

// quantityText describes a step time, fixed or random.
func quantityText(q scenario.Quantity) string {
	if q.RV != nil {
		return "(" + rvText(*q.RV, "s") + ")"
	}
	return formatSeconds(q.Value)
}

// inlineSVG renders fig as an SVG fragment for embedding in HTML: without
// the XML prologue and generator comment. The SVG's text is escaped by the
// SVG writer, so ids from the scenario cannot inject markup.
func inlineSVG(ctx context.Context, fig figure) (template.HTML, error) {
	var b bytes.Buffer
	if err := renderFigure(ctx, &b, fig, SVG, ChartOptions{}); err != nil {
		return "", err
	}
	s := b.String()
	if k := strings.Index(s, "<svg"); k >= 0 {
		s = s[k:]
	}
	return template.HTML(s), nil
}

// reportCSS is the inline style sheet of every HTML report (runs, sweeps,
// comparisons): inline, so that nothing is fetched.
const reportCSS = `:root { --ink: #1d1d1f; --muted: #5f6368; --line: #dde1e6; --bg: #f7f8fa; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
.meta { color: var(--muted); margin: 0 0 12px; }
nav a { color: var(--accent); margin-right: 16px; text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 18px 0 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 22px; font-weight: bold; font-variant-numeric: tabular-nums; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow-x: auto; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: bold; font-size: 13px; }
td.num, th.num { text-align: right; }
table.kv th { width: 45%; background: #fff; font-weight: normal; color: var(--muted); }
ul.steps { margin: 2px 0 0; padding-left: 18px; }
code { font-family: "Liberation Mono", "Courier New", monospace; font-size: 13px; }
svg { display: block; max-width: 100%; height: auto; }
figure { margin: 0 0 20px; }
figcaption { color: var(--muted); margin: 6px 2px 0; }
footer { color: var(--muted); padding: 28px 24px 40px; }
.outage { color: #b84a00; } .spike { color: #a4537f; }
td.flag { color: #b84a00; font-weight: bold; }
`

// htmlTemplate lays the report out; the CSS is inline and nothing is
// fetched.
var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
` + reportCSS + `</style>
</head>
<body>
<header>
<h1>FastSim simulation report</h1>
<p class="meta">{{range $i, $m := .Meta}}{{if $i}} · {{end}}{{$m.K}} <strong>{{$m.V}}</strong>{{end}}</p>
{{if .Merged}}<p class="meta" id="merged"><strong>{{.Merged}}</strong> See <a href="#replications">the confidence intervals</a>.</p>
{{end}}<nav><a href="#scenario">Scenario</a><a href="#results">Results</a><a href="#charts">Charts</a></nav>
<div class="cards">{{range .Headline}}<div class="card"><div class="k">{{.K}}</div><div class="v">{{.V}}</div></div>{{end}}</div>
</header>
<main>
<section id="scenario">
<h2>Scenario</h2>
<h3>Topology</h3>
<div class="panel">{{.Topology}}</div>
<div class="grid2">
<div><h3>Workload</h3>{{template "kv" .Workload}}</div>
<div><h3>Settings</h3>{{template "kv" .Settings}}</div>
</div>
{{if .LB}}<h3>Load balancer</h3>{{template "kv" .LB}}{{end}}
<h3>Servers</h3>
<table>
<thead><tr><th>server</th><th class="num">cores</th><th class="num">RAM</th><th class="num">DB pool</th><th>endpoints and steps</th></tr></thead>
<tbody>{{range .Servers}}<tr id="server-{{.ID}}"><td><code>{{.ID}}</code></td><td class="num">{{.Cores}}</td><td class="num">{{.RAM}}</td><td class="num">{{.Pool}}</td><td>{{range .Endpoints}}<div><code>{{.Name}}</code>{{if .Weight}} ({{.Weight}}){{end}}<ul class="steps">{{range .Steps}}<li>{{.}}</li>{{end}}</ul></div>{{end}}</td></tr>
{{end}}</tbody>
</table>
<h3>Edges</h3>
<table>
<thead><tr><th>edge</th><th>from → to</th><th>latency</th><th class="num">dropout</th></tr></thead>
<tbody>{{range .Edges}}<tr><td><code>{{index . 0}}</code></td><td>{{index . 1}}</td><td>{{index . 2}}</td><td class="num">{{index . 3}}</td></tr>
{{end}}</tbody>
</table>
<h3>Events</h3>
{{if .Events}}<table>
<thead><tr><th>event</th><th>kind</th><th>target</th><th class="num">start</th><th class="num">end</th><th>added latency</th></tr></thead>
<tbody>{{range .Events}}<tr><td><code>{{index . 0}}</code></td><td class="{{if eq (index . 1) "server outage"}}outage{{else}}spike{{end}}">{{index . 1}}</td><td><code>{{index . 2}}</code></td><td class="num">{{index . 3}}</td><td class="num">{{index . 4}}</td><td>{{index . 5}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p class="meta">No injected events.</p>{{end}}
</section>
<section id="results">
<h2>Results</h2>
<div class="grid2">
<div><h3>Requests</h3>{{template "kv" .Counts}}</div>
<div><h3>Latency</h3>{{template "kv" .Latency}}</div>
{{if .LatencyAll}}<div><h3 id="latency-all">Latency, every outcome</h3>{{template "kv" .LatencyAll}}</div>
{{end}}<div><h3>Throughput</h3>{{template "kv" .Tput}}</div>
</div>
{{if .Classes}}<h3 id="classes">Request classes</h3>
<table>
<thead><tr>{{range $i, $h := index .Classes 0}}<th{{if $i}} class="num"{{end}}>{{$h}}{{if gt $i 5}} (ms){{end}}</th>{{end}}</tr></thead>
<tbody>{{range $k, $row := .Classes}}{{if $k}}<tr>{{range $i, $c := $row}}<td{{if $i}} class="num"{{end}}>{{if eq $i 0}}<code>{{$c}}</code>{{else}}{{$c}}{{end}}</td>{{end}}</tr>
{{end}}{{end}}</tbody>
</table>{{end}}
{{if .EventWindows}}<h3 id="event-windows">{{.EventWindowsTitle}}</h3>
<table>
<thead><tr>{{range $i, $h := .EventWindowHeader}}<th{{if gt $i 2}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range .EventWindows}}<tr>{{range $i, $c := .}}<td{{if gt $i 2}} class="num"{{end}}>{{if eq $i 0}}<code>{{$c}}</code>{{else}}{{$c}}{{end}}</td>{{end}}</tr>
{{end}}</tbody>
</table>{{end}}
{{if .Recovery}}<h3 id="recovery">{{.RecoveryTitle}}</h3>
<table>
<thead><tr>{{range $i, $h := .RecoveryHeader}}<th{{if eq $i 1}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range $k, $row := .Recovery}}<tr><td><code>{{index $row 0}}</code></td><td class="num">{{index $row 1}}</td><td{{if index $.RecoveryFlagged $k}} class="flag"{{end}}>{{index $row 2}}</td></tr>
{{end}}</tbody>
</table>{{end}}
<h3>Servers</h3>
<table>
<thead><tr><th>server</th><th class="num">requests</th><th class="num">failed</th><th class="num">utilisation</th><th class="num">ready queue mean / max</th><th class="num">I/O sleeping mean / max</th><th class="num">RAM MB mean / max</th>{{range .ResServerExtra}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .ResServer}}<tr><td><code>{{index . 0}}</code></td>{{range slice . 1}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{if .ResCalls}}<h3 id="calls">Calls</h3>
<table>
<thead><tr>{{range $i, $h := .ResCallsHeader}}<th{{if $i}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range .ResCalls}}<tr>{{range $i, $c := .}}<td{{if $i}} class="num"{{end}}>{{if eq $i 0}}<code>{{$c}}</code>{{else}}{{$c}}{{end}}</td>{{end}}</tr>
{{end}}</tbody>
</table>{{end}}
<h3>Edges</h3>
<table>
<thead><tr><th>edge</th><th class="num">dropped</th><th class="num">in transit mean / max</th></tr></thead>
<tbody>{{range .ResEdges}}<tr><td><code>{{index . 0}}</code></td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td></tr>
{{end}}</tbody>
</table>
{{if .CI}}<h3 id="replications">Replications: mean per run with its {{.CIConfidence}} % confidence interval (Student t)</h3>
<table>
<thead><tr>{{range $i, $h := .CIHeader}}<th{{if $i}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range .CI}}<tr>{{range $i, $c := .}}<td{{if $i}} class="num"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</tbody>
</table>{{end}}
</section>
<section id="charts">
<h2>Charts</h2>
{{range .Charts}}<figure id="{{.ID}}" class="panel">{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>
{{end}}
</section>
</main>
<footer>Written by FastSim. This file is self-contained: it loads no scripts, style sheets, fonts or images from anywhere.</footer>
</body>
</html>
{{define "kv"}}<table class="kv"><tbody>{{range .}}<tr><th>{{.K}}</th><td>{{.V}}</td></tr>{{end}}</tbody></table>{{end}}`))
