package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// overloadChartScenario is chartScenario with the keys of spec §12–§13:
// a client timeout and breaker, a call from srv-1 to srv-3 with a
// breaker, and srv-2 autoscaled.
func overloadChartScenario(t testing.TB) *scenario.Scenario {
	sc := chartScenario(t, 300)
	n := &sc.Topology.Nodes
	n.Client.TimeoutS = ptrTo(1)
	n.Client.CircuitBreaker = &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 20, WindowS: 10, OpenS: 5, HalfOpenCalls: 1}
	call := scenario.Call{Target: "srv-3", CircuitBreaker: &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 5, WindowS: 10, OpenS: 10, HalfOpenCalls: 1}}
	n.Servers[0].Endpoints[0].Steps = append(n.Servers[0].Endpoints[0].Steps, scenario.Step{Kind: scenario.CallStep, Operation: scenario.Operation{Call: &call}})
	n.Servers[1].Autoscaling = &scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 4, Target: 0.6, EveryS: 15}
	return sc
}

// overloadChartResult is syntheticResult with outcome series, breaker
// timelines, a replica series and recovery figures.
func overloadChartResult(sc *scenario.Scenario, n int, period float64) *result.Result {
	r := syntheticResult(sc, n, period)
	secs := len(r.Throughput.Series)
	o := &result.OutcomeSeries{WindowS: 1, Completed: make([]float64, secs), Failed: make([]float64, secs), Rejected: make([]float64, secs), TimedOut: make([]float64, secs)}
	for k := range secs {
		o.Completed[k] = r.Throughput.Series[k]
		if k >= 90 && k < 135 { // srv-2's outage
			o.Failed[k], o.Rejected[k], o.TimedOut[k] = 10, float64(k-90), 5
		}
	}
	r.Outcomes = o
	r.Counts.Rejected, r.Counts.TimedOut, r.Counts.Failed = 990, 225, 450
	r.Client = &result.ClientStats{CircuitBreaker: &result.BreakerStats{Opened: 2, OpenS: 10, Timeline: []result.BreakerTransition{
		{T: 95, State: "open"}, {T: 100, State: "half_open"}, {T: 100.2, State: "open"}, {T: 105.2, State: "half_open"}, {T: 105.3, State: "closed"},
	}}}
	r.Calls = map[string]result.CallStats{"srv-1->srv-3": {Attempts: 1000, Completed: 990, Rejected: 10,
		CircuitBreaker: &result.BreakerStats{Opened: 1, OpenS: 10, Timeline: []result.BreakerTransition{{T: 200, State: "open"}, {T: 210, State: "half_open"}, {T: 210.5, State: "closed"}}}}}
	reps := make([]float64, n)
	for k := range reps {
		reps[k] = 1 + float64(min(3, k*4/n))
	}
	ss := r.Series.Servers["srv-2"]
	ss.Replicas = reps
	r.Series.Servers["srv-2"] = ss
	st := r.Servers["srv-2"]
	st.Replicas, st.Cost, st.Rejected, st.WastedS = &result.ReplicaStats{Mean: 2.5, Min: 1, Max: 4}, ptrTo(0.0625), 990, 3.25
	r.Servers["srv-2"] = st
	r.Recovery = map[string]result.Recovery{"srv-2-down": {BaselineP95: ptrTo(0.09), RecoveredAfterS: ptrTo(7)}, "lb-spike": {BaselineP95: ptrTo(0.08)}}
	return r
}

func TestOverloadChartsListed(t *testing.T) {
	t.Parallel()
	var names []string
	for _, c := range Charts(overloadChartScenario(t), &result.Result{}) {
		names = append(names, c.Name)
	}
	want := []string{"dashboard", "latency", "throughput", "latency-time", "outcomes", "breakers", "replicas", "topology", "server-srv-1", "server-srv-2", "server-srv-3", "edges"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("charts (-want +got):\n%s", d)
	}
	// Each only when the scenario uses it.
	sc := chartScenario(t, 300)
	sc.Topology.Nodes.Servers[2].Resources.MaxQueue = new(int)
	names = nil
	for _, c := range Charts(sc, &result.Result{}) {
		names = append(names, c.Name)
	}
	if want := []string{"dashboard", "latency", "throughput", "latency-time", "outcomes", "topology", "server-srv-1", "server-srv-2", "server-srv-3", "edges"}; !cmp.Equal(want, names) {
		t.Errorf("charts with max_queue only = %v, want %v", names, want)
	}
}

func TestOverloadChartsRender(t *testing.T) {
	t.Parallel()
	sc := overloadChartScenario(t)
	r := overloadChartResult(sc, 3000, 0.1)
	noSeries := *r
	noSeries.Series = nil
	bare := syntheticResult(sc, 3000, 0.1) // a result without the figures
	merged := overloadChartResult(sc, 3000, 0.1)
	merged.Client = &result.ClientStats{CircuitBreaker: &result.BreakerStats{Opened: 4, OpenS: 20}}
	tests := []struct {
		name, chart string
		r           *result.Result
		want        []string
	}{
		{"OutcomesStacked", ChartOutcomes, r, []string{">Outcomes over time<", "completed (blue), failed (vermillion), rejected (orange), timed out (purple)", "990 rejected", ">srv-2-down<", "time (s)"}},
		{"OutcomesMissing", ChartOutcomes, bare, []string{">no outcome series in the result<"}},
		{"BreakersBands", ChartBreakers, r, []string{">client: opened 2 times, open 10 s in all<", ">call srv-1-&gt;srv-3: opened 1 time, open 10 s in all<"}},
		{"BreakersMissing", ChartBreakers, bare, []string{">no breaker figures in the result<"}},
		{"BreakersMerged", ChartBreakers, merged, []string{">no timeline in the result (a merged result keeps none)<"}},
		{"DashboardHasOutcomes", ChartDashboard, r, []string{">Requests per second by outcome: completed (blue), failed (vermillion), rejected (orange), timed out (purple)<"}},
		{"Replicas", ChartReplicas, r, []string{">srv-2: mean 2.5, min 1, max 4, cost 0.0625<", ">instances<"}},
		{"ReplicasWithoutSeries", ChartReplicas, &noSeries, []string{">series not recorded<", ">mean 2.5 · max 4<"}},
		{"LatencyTimeMarksRecovery", ChartLatencyTime, r, []string{">srv-2-down recovered +7 s<", ">lb-spike: not recovered<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a, b bytes.Buffer
			if err := RenderChart(t.Context(), &a, tt.chart, SVG, sc, tt.r, ChartOptions{}); err != nil {
				t.Fatalf("RenderChart: %v", err)
			}
			if err := RenderChart(t.Context(), &b, tt.chart, SVG, sc, tt.r, ChartOptions{}); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("a second rendering differs (%v)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.String(), w) {
					t.Errorf("chart %s lacks %q", tt.chart, w)
				}
			}
			if err := RenderChart(t.Context(), &b, tt.chart, PNG, sc, tt.r, ChartOptions{}); err != nil {
				t.Errorf("PNG: %v", err)
			}
		})
	}
}

// TestOverloadChartsGolden pins the three charts' drawing (normalised SVG
// digest and texts, as TestRenderChartGolden).
func TestOverloadChartsGolden(t *testing.T) {
	t.Parallel()
	sc := overloadChartScenario(t)
	r := overloadChartResult(sc, 30000, 0.01)
	for _, chart := range []string{ChartOutcomes, ChartBreakers, ChartReplicas} {
		t.Run(chart, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := RenderChart(t.Context(), &b, chart, SVG, sc, r, ChartOptions{}); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("charts", chart+".golden"), chartDigest(b.Bytes()))
		})
	}
}

// TestOutcomesStackExact: the stacked outcome layers of a short series
// are drawn per window, each layer's top the sum of the layers below it
// and its own rate.
func TestOutcomesStackExact(t *testing.T) {
	t.Parallel()
	lower := []float64{0, 0}
	upper := []float64{3, 5}
	pts := stepBand(lower, upper, 4, 2, 0.5)
	want := []struct{ x, y float64 }{{0, 3}, {1, 3}, {1, 5}, {2, 5}, {2, 0}, {1, 0}, {1, 0}, {0, 0}}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for k, p := range pts {
		if p.X != want[k].x || p.Y != want[k].y {
			t.Errorf("point %d = (%v, %v), want (%v, %v)", k, p.X, p.Y, want[k].x, want[k].y)
		}
	}
}

// TestReportsFromEngineRecovery runs the engine on a scenario whose
// recovery is known (engine.TestRecoveryExact: a 5 s spike over [100,
// 130) on the only path recovers 15 s after its end; with the horizon at
// 144 it has not yet) and checks what the text report says of it.
func TestReportsFromEngineRecovery(t *testing.T) {
	t.Parallel()
	build := func(horizon int) *scenario.Scenario {
		sc, err := scenario.New().
			Generator("gen", 100, 60).
			Client("client").
			Server(scenario.NewServer("srv").Cores(1).RAM(1024).Endpoint("/ep", scenario.IO(0.01))).
			Edge("gen-client", "gen", "client", scenario.DetRV(0.0001), scenario.Dropout(0)).
			Edge("client-srv", "client", "srv", scenario.DetRV(0.0001), scenario.Dropout(0)).
			Edge("srv-client", "srv", "client", scenario.DetRV(0.0001), scenario.Dropout(0)).
			Horizon(horizon).
			Spike("spike", "client-srv", 100, 130, 5).
			Build()
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	for _, tt := range []struct {
		horizon int
		want    string
	}{
		{200, "  spike            10.31  15\n"},
		{144, "  spike            10.31  " + NotRecoveredFlag + "\n"},
	} {
		sc := build(tt.horizon)
		var b bytes.Buffer
		if err := WriteText(&b, sc, engineResult(t, sc), nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("horizon %d: the report lacks %q:\n%s", tt.horizon, tt.want, b.String())
		}
	}
}

// TestAutoscaledServerLabels: an autoscaled server shows its range of
// replicas, not only the count it starts with, in the text and HTML
// tables and in the topology.
func TestAutoscaledServerLabels(t *testing.T) {
	t.Parallel()
	sc := overloadChartScenario(t) // srv-2: 2 cores, autoscaled 1–4
	r := overloadChartResult(sc, 3000, 0.1)
	var text, html, topo bytes.Buffer
	if err := WriteText(&text, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(t.Context(), &html, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	if err := RenderChart(t.Context(), &topo, ChartTopology, SVG, sc, r, ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ doc, want string }{
		{text.String(), "  srv-2   2 x1–4"},
		{parseHTML(t, html.Bytes()).text, "2 × 1–4 replicas (autoscaled)"},
		{topo.String(), ">× 1–4 replicas, autoscaled<"},
	} {
		if !strings.Contains(c.doc, c.want) {
			t.Errorf("lacks %q", c.want)
		}
	}
}
