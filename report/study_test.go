package report

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

// sweepStudy is a sweep of cores (1, 2) and load (0.5, 1, 2) with an SLA
// on p99 and on errors: latency 0.1 s × load / cores, errors only at one
// core.
func sweepStudy(params int) *analysis.SweepStudy {
	maxErr := 0.01
	spec := analysis.SweepSpec{
		Params: []analysis.Param{{Path: "topology_graph.nodes.servers[id=api].server_resources.cpu_cores", Values: []float64{1, 2}}},
		Seeds:  []int64{42, 1, 2},
		SLA:    &analysis.SLA{Percentile: 0.99, LatencyS: 0.06, MaxErrorRatio: &maxErr},
	}
	loads := []float64{1}
	if params == 2 {
		loads = []float64{0.5, 1, 2}
		spec.Params = append(spec.Params, analysis.Param{Path: analysis.LoadParam, Values: loads})
	}
	st := &analysis.SweepStudy{Spec: spec}
	for _, cores := range spec.Params[0].Values {
		for _, load := range loads {
			lat := 0.1 * load / cores
			f := analysis.Figures{
				LatencyMean: analysis.Estimate{Mean: lat / 2, HalfWidth: lat / 20}, LatencyP50: analysis.Estimate{Mean: lat / 3},
				LatencyP95: analysis.Estimate{Mean: lat / 1.2}, LatencyP99: analysis.Estimate{Mean: lat, HalfWidth: lat / 10},
				ThroughputRPS: analysis.Estimate{Mean: 100 * load}, CompletedRatio: analysis.Estimate{Mean: 0.99},
				InFlight: analysis.Estimate{Mean: 2}, Utilization: map[string]analysis.Estimate{"api": {Mean: 0.4 * load / cores}, "db": {Mean: 0.1}},
			}
			if cores == 1 {
				f.ErrorRatio = analysis.Estimate{Mean: 0.02 * load, HalfWidth: 0.001}
				f.RejectedRatio = f.ErrorRatio
			}
			values := []float64{cores}
			if params == 2 {
				values = append(values, load)
			}
			pass, reason := true, ""
			switch {
			case lat > 0.06:
				pass, reason = false, "p99 mean "+fixed(1000*lat, 3)+" ms > 60.000 ms"
			case f.ErrorRatio.Mean > maxErr:
				pass, reason = false, "errors mean "+num(100*f.ErrorRatio.Mean)+" % > 1 %"
			}
			p99 := f.LatencyP99
			st.Points = append(st.Points, analysis.SweepPoint{Index: len(st.Points), Values: values, RateRPS: 100 * load,
				Figures: f, SLALatency: &p99, Pass: &pass, Reason: reason})
		}
	}
	return st
}

// comparison is a paired comparison with one scenario change.
func comparison(method string) *analysis.Comparison {
	c := &analysis.Comparison{Method: method, SeedsA: []int64{42, 1, 2}, SeedsB: []int64{42, 1, 2}}
	if method == analysis.MethodPaired {
		c.ScenariosCompared = true
		c.Changes = []scenario.Change{{Path: "topology_graph.nodes.servers[id=api].server_resources.cpu_cores", Old: 6, New: 7},
			{Path: "events[id=outage]", Old: scenario.Event{ID: "outage", TargetID: "api"}}}
	}
	c.Figures = []analysis.FigureDiff{
		{Name: "latency_mean", A: analysis.Estimate{Mean: 0.016}, B: analysis.Estimate{Mean: 0.0119}, Diff: analysis.Estimate{Mean: -0.0041, HalfWidth: 0.0006}, UnpairedHalfWidth: 0.0008, Significant: true},
		{Name: "throughput_rps", A: analysis.Estimate{Mean: 500}, B: analysis.Estimate{Mean: 500.2}, Diff: analysis.Estimate{Mean: 0.2, HalfWidth: 0.5}, UnpairedHalfWidth: 3},
		{Name: "utilization.api", A: analysis.Estimate{Mean: 0.833}, B: analysis.Estimate{Mean: 0.714}, Diff: analysis.Estimate{Mean: -0.119, HalfWidth: 0.001}, UnpairedHalfWidth: 0.009, Significant: true},
	}
	if method != analysis.MethodPaired {
		for i := range c.Figures {
			c.Figures[i].UnpairedHalfWidth = 0
		}
	}
	if method == analysis.MethodNone {
		for i := range c.Figures {
			c.Figures[i].Diff.HalfWidth, c.Figures[i].Significant = 0, false
		}
	}
	return c
}

func TestWriteSweepStudy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		params int
	}{{"sweep_study_one.txt", 1}, {"sweep_study_two.txt", 2}} {
		var b bytes.Buffer
		if err := WriteSweepStudy(&b, sweepStudy(tt.params)); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, b.Bytes())
	}
}

func TestWriteComparison(t *testing.T) {
	t.Parallel()
	for _, method := range []string{analysis.MethodPaired, analysis.MethodWelch, analysis.MethodNone} {
		var b bytes.Buffer
		if err := WriteComparison(&b, comparison(method)); err != nil {
			t.Fatal(err)
		}
		golden(t, "compare_"+method+".txt", b.Bytes())
	}
}

func TestSweepCharts(t *testing.T) {
	t.Parallel()
	names := func(cs []Chart) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	one := []string{"latency_mean", "latency_p50", "latency_p95", "latency_p99", "throughput_rps", "completed_ratio", "error_ratio",
		"rejected_ratio", "in_flight", "utilization.api", "utilization.db"}
	if diff := cmp.Diff(one, names(SweepCharts(sweepStudy(1)))); diff != "" {
		t.Errorf("charts of one parameter (-want +got):\n%s", diff)
	}
	two := names(SweepCharts(sweepStudy(2)))
	if len(two) != 2*len(one) || two[0] != "latency_mean" || two[1] != "heatmap-latency_mean" {
		t.Errorf("charts of two parameters: %v", two)
	}
	st := sweepStudy(2)
	st.Spec.SLA.Percentile = 0.999
	if got := names(SweepCharts(st)); !strings.Contains(strings.Join(got, ","), "sla_latency,heatmap-sla_latency") {
		t.Errorf("charts with a p99.9 SLA: %v", got)
	}
	if SweepCharts(&analysis.SweepStudy{}) != nil {
		t.Error("charts of an empty sweep")
	}
}

func TestRenderSweepChart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, params := range []int{1, 2} {
		st := sweepStudy(params)
		for _, c := range SweepCharts(st) {
			for _, f := range []Format{SVG, PNG} {
				if f == PNG && c.Name != "latency_p99" && c.Name != "heatmap-latency_p99" {
					continue // PNG is slow; one of each kind
				}
				var b bytes.Buffer
				if err := RenderSweepChart(ctx, &b, c.Name, f, st, ChartOptions{}); err != nil {
					t.Fatalf("%d params, %s as %v: %v", params, c.Name, f, err)
				}
				if b.Len() < 1000 {
					t.Errorf("%d params, %s as %v: %d bytes", params, c.Name, f, b.Len())
				}
				if f == SVG && c.Name == "latency_p99" && !strings.Contains(b.String(), "SLA p99 &lt;= 60 ms") {
					t.Errorf("%d params: the p99 chart has no SLA line label", params)
				}
			}
		}
	}
	err := RenderSweepChart(ctx, &bytes.Buffer{}, "heatmap-latency_p99", SVG, sweepStudy(1), ChartOptions{})
	if !errors.Is(err, ErrUnknownChart) || !strings.Contains(err.Error(), "available charts: latency_mean,") {
		t.Errorf("a heat map of one parameter: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var b bytes.Buffer
	if err := RenderSweepChart(cancelled, &b, "latency_p99", SVG, sweepStudy(1), ChartOptions{}); !errors.Is(err, context.Canceled) || b.Len() != 0 {
		t.Errorf("cancelled: %v, %d bytes", err, b.Len())
	}
}

func TestWriteStudyHTML(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var b bytes.Buffer
	if err := WriteSweepHTML(ctx, &b, nil, sweepStudy(2)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<title>FastSim sweep report</title>", "topology_graph.nodes.servers[id=api].server_resources.cpu_cores = 1, 2",
		`id="chart-heatmap-latency_p99"`, "<svg", `<td class="fail">FAIL: p99 mean 100.000 ms &gt; 60.000 ms</td>`, `<td class="pass">pass</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("sweep report lacks %q", want)
		}
	}
	b.Reset()
	if err := WriteComparisonHTML(ctx, &b, comparison(analysis.MethodPaired), "a.json", "b.json"); err != nil {
		t.Fatal(err)
	}
	cmpPage := b.String()
	for _, want := range []string{"<title>FastSim comparison: a.json and b.json</title>", "<code>topology_graph.nodes.servers[id=api].server_resources.cpu_cores</code></td><td><code>6</code></td><td><code>7</code>",
		"<code>(absent)</code>", "paired on the 3 seeds", "unpaired</th>"} {
		if !strings.Contains(cmpPage, want) {
			t.Errorf("comparison report lacks %q", want)
		}
	}
	// Self-contained, as the run report (TestWriteHTML/FetchesNothing).
	for _, p := range []string{page, cmpPage} {
		doc := parseHTML(t, []byte(p))
		for _, el := range []string{"script", "link", "img", "iframe", "object", "embed", "image", "use", "base"} {
			if n := doc.elements[el]; n > 0 {
				t.Errorf("a study report has %d <%s> elements", n, el)
			}
		}
		for _, a := range doc.attrs {
			switch a.Name.Local {
			case "src", "srcset", "action", "formaction", "poster", "data", "href":
				t.Errorf("attribute %s=%q can fetch", a.Name.Local, a.Value)
			}
		}
		if strings.Contains(doc.styles, "url(") || strings.Contains(doc.styles, "@import") {
			t.Error("the CSS refers to an external resource")
		}
	}
	if err := WriteSweepHTML(ctx, &b, nil, &analysis.SweepStudy{}); err == nil {
		t.Error("a sweep report without points was written")
	}
}

func TestRenderComparisonChart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, method := range []string{analysis.MethodPaired, analysis.MethodWelch, analysis.MethodNone} {
		for _, f := range []Format{SVG, PNG} {
			var b bytes.Buffer
			if err := RenderComparisonChart(ctx, &b, f, comparison(method), ChartOptions{}); err != nil || b.Len() < 1000 {
				t.Errorf("%s as %v: %v, %d bytes", method, f, err, b.Len())
			}
		}
	}
	var b bytes.Buffer
	if err := RenderComparisonChart(ctx, &b, SVG, comparison(analysis.MethodPaired), ChartOptions{}); err != nil ||
		!strings.Contains(b.String(), "dark: paired; light: unpaired") || !strings.Contains(b.String(), "util % api") {
		t.Errorf("paired chart: %v", err)
	}
	if err := RenderComparisonChart(ctx, &b, SVG, &analysis.Comparison{}, ChartOptions{}); err == nil {
		t.Error("a comparison without figures was drawn")
	}
	b.Reset()
	if err := WriteComparisonHTML(ctx, &b, comparison(analysis.MethodPaired), "a", "b"); err != nil || !strings.Contains(b.String(), `id="chart-differences"`) {
		t.Errorf("the comparison report has no chart: %v", err)
	}
}
