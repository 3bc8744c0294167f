package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// largestStored returns what the service stores for the largest run plan
// allows, as the render path reads it: the scenario, and the result and
// series JSON (series downsampled by the worker to
// result.StoredSeriesPoints). The scenario has the plan's MaxServers
// servers behind a load balancer, each with its three edges (generator →
// client → load balancer → server → client), all within MaxEdges, and the
// longest horizon the plan's event budget accepts (api.EstimateEvents)
// with one user and the longest sample period (0.1 s): its result holds
// one throughput window per second, the largest part of a stored result.
// Values are a fixed formula with one spike per series.
func largestStored(t testing.TB, plan store.Plan) (sc *scenario.Scenario, res, series []byte) {
	t.Helper()
	p := quota.DefaultPlans()[plan]
	servers := p.MaxServers
	if 2+2*servers > p.MaxEdges {
		servers = (p.MaxEdges - 2) / 2
	}
	b := scenario.New().Generator("gen", 1, 1).Client("client").LoadBalancer("lb", scenario.RoundRobin).
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.001)).
		Edge("client-lb", "client", "lb", scenario.ExpRV(0.001))
	for i := range servers {
		id := fmt.Sprintf("srv-%d", i)
		b.Server(scenario.NewServer(id).Cores(2).RAM(2048).Endpoint("/api", scenario.CPU(0.004), scenario.RAM(64), scenario.DB(0.02)))
		b.Edge("lb-"+id, "lb", id, scenario.ExpRV(0.001))
		b.Edge(id+"-client", id, "client", scenario.ExpRV(0.001))
	}
	b.Window(120).SamplePeriod(0.1)
	// The longest horizon within the budget, by bisection.
	lo, hi := 1, scenario.MaxTotalSimulationTime
	for lo < hi {
		mid := (lo + hi + 1) / 2
		sc, err := b.Horizon(mid).Build()
		if err != nil {
			t.Fatal(err)
		}
		if p.MaxEventBudget == 0 || api.EstimateEvents(sc, 1) <= p.MaxEventBudget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	largestHorizon := lo
	sc, err := b.Horizon(largestHorizon).Build()
	if err != nil {
		t.Fatal(err)
	}
	n := result.StoredSeriesPoints
	wave := func(k, spike int, base float64) float64 {
		if k == spike {
			return 100 * base
		}
		return math.Round(base * (1 + math.Sin(float64(k)/float64(n)*6*math.Pi)))
	}
	r := result.Result{FastsimVersion: "test", Seed: 1, HorizonS: float64(largestHorizon),
		Servers: map[string]result.ServerStats{}, Edges: map[string]result.EdgeStats{}}
	s := result.Series{PeriodS: float64(largestHorizon) / float64(n), DownsampledFrom: largestHorizon,
		Servers: map[string]result.ServerSeries{}, Edges: map[string]result.EdgeSeries{}}
	for i, srv := range sc.Topology.Nodes.Servers {
		ss := result.ServerSeries{ReadyQueueLen: make([]float64, n), EventLoopIOSleep: make([]float64, n), RAMInUse: make([]float64, n)}
		for k := range n {
			ss.ReadyQueueLen[k], ss.EventLoopIOSleep[k], ss.RAMInUse[k] = wave(k, i, 2), wave(k, n/2+i, 3), wave(k, n-1-i, 64)
		}
		s.Servers[srv.ID] = ss
		r.Servers[srv.ID] = result.ServerStats{Requests: 1000, Utilization: 0.5}
	}
	for i, e := range sc.Topology.Edges {
		es := result.EdgeSeries{EdgeConcurrentConnection: make([]float64, n)}
		for k := range n {
			es.EdgeConcurrentConnection[k] = wave(k, i, 1)
		}
		s.Edges[e.ID] = es
	}
	r.Throughput = result.Throughput{WindowS: 1, MeanRPS: 1, Series: make([]float64, largestHorizon)}
	for k := range r.Throughput.Series {
		r.Throughput.Series[k] = float64(k % 3)
	}
	if res, err = json.Marshal(&r); err != nil {
		t.Fatal(err)
	}
	if series, err = json.Marshal(&s); err != nil {
		t.Fatal(err)
	}
	return sc, res, series
}

// renderStored does what GET .../charts/{file} and .../report.html do on a
// cache miss: decode the stored result and series, then render.
func renderStored(ctx context.Context, w io.Writer, doc string, sc *scenario.Scenario, res, series []byte) error {
	var r result.Result
	if err := json.Unmarshal(res, &r); err != nil {
		return err
	}
	r.Series = new(result.Series)
	if err := json.Unmarshal(series, r.Series); err != nil {
		return err
	}
	switch doc {
	case "report.html":
		return report.WriteHTML(ctx, w, sc, &r, nil)
	case "dashboard.png":
		return report.RenderChart(ctx, w, report.ChartDashboard, report.PNG, sc, &r, report.ChartOptions{})
	}
	return report.RenderChart(ctx, w, report.ChartDashboard, report.SVG, sc, &r, report.ChartOptions{})
}

// maxRenderRSSGrowth bounds the peak RSS growth of one render of the
// largest result of a plan, from a process that returned its free memory
// to the system first. The measured figures are in docs/limits.md; the
// bounds leave room for the garbage collector's timing.
var maxRenderRSSGrowth = map[store.Plan]int64{store.PlanFree: 512 << 20, store.PlanPro: 1536 << 20}

// TestRenderLargestResult renders, one at a time (a render slot each),
// the dashboard (SVG and PNG) and the report of the largest result the
// free and pro plans can produce, from its stored form, and fails if the
// process's peak RSS grows by more than maxRenderRSSGrowth. It logs each
// render's time and peak RSS growth (the figures of docs/limits.md; the
// time is not asserted). It is not parallel, so that no other test of the
// package runs while it measures.
func TestRenderLargestResult(t *testing.T) {
	testenv.RequireMemoryCeiling(t)
	for _, plan := range []store.Plan{store.PlanFree, store.PlanPro} {
		sc, res, series := largestStored(t, plan)
		t.Logf("%s plan: %d servers, %d edges, horizon %d s; stored result %d bytes, series %d bytes", plan,
			len(sc.Topology.Nodes.Servers), len(sc.Topology.Edges), sc.Settings.TotalSimulationTime, len(res), len(series))
		for _, doc := range []string{"dashboard.svg", "dashboard.png", "report.html"} {
			t.Run(string(plan)+"/"+doc, func(t *testing.T) {
				debug.FreeOSMemory()
				before := testenv.RSS(t)
				peakRSS := testenv.PeakRSS(t)
				start := time.Now()
				var out bytes.Buffer
				if err := renderStored(context.Background(), &out, doc, sc, res, series); err != nil {
					t.Fatal(err)
				}
				took := time.Since(start)
				growth := peakRSS() - before
				t.Logf("%s %s: %d bytes in %s, peak RSS growth %d MiB", plan, doc, out.Len(), took.Round(time.Millisecond), growth>>20)
				testenv.CheckRSSGrowth(t, string(plan)+" "+doc, growth, maxRenderRSSGrowth[plan])
			})
		}
	}
}

// BenchmarkRenderLargest renders the dashboard and the report of the
// largest result of the free and pro plans from their stored form. The
// figures of docs/limits.md come from
//
//	go test ./internal/api -run '^$' -bench RenderLargest -benchtime 3x
func BenchmarkRenderLargest(b *testing.B) {
	for _, plan := range []store.Plan{store.PlanFree, store.PlanPro} {
		sc, res, series := largestStored(b, plan)
		for _, doc := range []string{"dashboard.svg", "dashboard.png", "report.html"} {
			b.Run(string(plan)+"/"+doc, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := renderStored(b.Context(), io.Discard, doc, sc, res, series); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
