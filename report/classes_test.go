package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// classesScenarioResult is two servers' scenario and result with two
// request classes, "browse" (open) and "buyers" (closed).
func classesScenarioResult() (*scenario.Scenario, *result.Result) {
	sc := twoServers()
	sc.Workload.Endpoint = "search"
	sc.MoreWorkloads = []scenario.Workload{{ID: "buyers", Type: scenario.WorkloadClosed, Users: 20,
		ThinkTime: &scenario.RV{Mean: 5, Distribution: scenario.Exponential}}}
	r := twoServersResult()
	r.Classes = map[string]result.ClassStats{
		"buyers": {Counts: result.Counts{Generated: 2000, Completed: 1990, Dropped: 10},
			Latency:    result.Latency{TotalRequests: 1990, Mean: 0.25, P50: 0.2, P95: 0.5, P99: 0.75, Max: 1.5},
			Throughput: result.Throughput{WindowS: 1, MeanRPS: 3.98}},
		"rqs-1": {Counts: result.Counts{Generated: 14712, Completed: 14111, Dropped: 588, InFlight: 13},
			Latency:    result.Latency{TotalRequests: 14111, Mean: 0.1, P50: 0.1, P95: 0.12, P99: 0.14, Max: 0.18},
			Throughput: result.Throughput{WindowS: 1, MeanRPS: 28.222}},
	}
	return sc, r
}

func TestTextReportClasses(t *testing.T) {
	t.Parallel()
	sc, r := classesScenarioResult()
	var b bytes.Buffer
	if err := WriteText(&b, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Workload  buyers: closed, 20 users thinking exponential, mean 5 s between requests\n",
		"; endpoint search\n",
		"Request classes (latency in ms, completed requests)\n",
		// In declaration order, the open class first.
		"  rqs-1      14,712     14,111      588       0  28.22   100  100  120  140    180\n",
		"  buyers      2,000      1,990       10       0   3.98   250  200  500  750  1,500\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// A single generator has no class table.
	b.Reset()
	if err := WriteText(&b, twoServers(), twoServersResult(), nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Request classes") {
		t.Errorf("a single generator's report has a class table:\n%s", b.String())
	}
}

func TestHTMLReportClasses(t *testing.T) {
	t.Parallel()
	sc, r := classesScenarioResult()
	var b bytes.Buffer
	if err := WriteHTML(context.Background(), &b, sc, r, (*analysis.Summary)(nil)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<h3 id="classes">Request classes</h3>`,
		`<td><code>buyers</code></td><td class="num">2,000</td><td class="num">1,990</td>`,
		`<th class="num">p95 (ms)</th>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}

func TestTopologyDrawsEveryGenerator(t *testing.T) {
	t.Parallel()
	sc, _ := classesScenarioResult()
	sc.Topology.Edges = append(sc.Topology.Edges, scenario.Edge{ID: "buyers-client", Source: "buyers", Target: "client-1"})
	sc.Topology.Edges[0].Source, sc.Topology.Edges[0].Target = "rqs-1", "client-1"
	sc.Topology.Edges[1].Source, sc.Topology.Edges[1].Target = "client-1", "lb-1"
	top := layoutTopology(sc)
	cols := map[string]int{}
	for _, n := range top.nodes {
		cols[n.id] = n.col
	}
	// Both generators start the drawing; the client follows them.
	if cols["rqs-1"] != 0 || cols["buyers"] != 0 || cols["client-1"] != 1 || cols["lb-1"] != 2 {
		t.Errorf("columns %v, want both generators in 0, the client in 1, the load balancer in 2", cols)
	}
	for _, e := range top.edges {
		if e.e.ID == "buyers-client" && e.back {
			t.Errorf("the closed class's edge is drawn as a back edge")
		}
	}
}
