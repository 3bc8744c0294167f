package engine

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Small constructors for scenarios written in tests. Every field is set
// explicitly: the engine must not rely on defaults it did not get.

func ptr[T any](v T) *T { return &v }

func det(mean float64) scenario.RV {
	return scenario.RV{Mean: mean, Distribution: scenario.Deterministic}
}

func expo(mean float64) scenario.RV {
	return scenario.RV{Mean: mean, Distribution: scenario.Exponential}
}

func cpu(q scenario.Quantity) scenario.Step {
	return scenario.Step{Kind: scenario.CPUBoundOperation, Operation: scenario.Operation{CPUTime: &q}}
}

func io(kind scenario.StepKind, q scenario.Quantity) scenario.Step {
	return scenario.Step{Kind: kind, Operation: scenario.Operation{IOWaitingTime: &q}}
}

func ram(mb float64) scenario.Step {
	return scenario.Step{Kind: scenario.RAMStep, Operation: scenario.Operation{NecessaryRAM: &mb}}
}

func fixed(v float64) scenario.Quantity      { return scenario.Quantity{Value: v} }
func random(x scenario.RV) scenario.Quantity { return scenario.Quantity{Value: x.Mean, RV: &x} }

func srv(id string, cores, ramMB int, steps ...scenario.Step) scenario.Server {
	return scenario.Server{
		ID:        id,
		Resources: scenario.ServerResources{CPUCores: cores, RAMMB: ramMB},
		Endpoints: []scenario.Endpoint{{Name: "ep", Steps: steps}},
	}
}

func link(id, from, to string, lat scenario.RV) scenario.Edge {
	return scenario.Edge{ID: id, Source: from, Target: to, Latency: lat,
		EdgeType: scenario.NetworkConnection, DropoutRate: 0}
}

// constantRate returns a workload of exactly rate requests per second: one
// "user" (a normal with variance 0 is the constant 1) at 60·rate requests
// per minute.
func constantRate(rate float64) scenario.Workload {
	return scenario.Workload{
		ID:                         "gen",
		AvgActiveUsers:             scenario.RV{Mean: 1, Distribution: scenario.Normal, Variance: ptr(0.0)},
		AvgRequestPerMinutePerUser: scenario.RV{Mean: 60 * rate, Distribution: scenario.Poisson},
		UserSamplingWindow:         60,
	}
}

func settings(horizon int, metrics ...scenario.SampleMetric) scenario.Settings {
	return scenario.Settings{
		TotalSimulationTime:  horizon,
		SamplePeriodS:        0.01,
		EnabledSampleMetrics: metrics,
		EnabledEventMetrics:  []scenario.EventMetric{scenario.RqsClock},
	}
}

// singleServer is generator → client → server → client with the given edge
// latencies (gen→client, client→server, server→client).
func singleServer(w scenario.Workload, horizon int, lat [3]scenario.RV, s scenario.Server) *scenario.Scenario {
	return &scenario.Scenario{
		Workload: w,
		Topology: scenario.Topology{
			Nodes: scenario.Nodes{Client: scenario.Client{ID: "client"}, Servers: []scenario.Server{s}},
			Edges: []scenario.Edge{
				link("gen-client", w.ID, "client", lat[0]),
				link("client-srv", "client", s.ID, lat[1]),
				link("srv-client", s.ID, "client", lat[2]),
			},
		},
		Settings: settings(horizon, scenario.SampleMetrics...),
	}
}

// tiny is the deterministic tiny edge latency used by the queueing checks;
// three hops add 3·tiny to every latency.
const tiny = 1e-4

func tinyEdges() [3]scenario.RV { return [3]scenario.RV{det(tiny), det(tiny), det(tiny)} }

// lbScenario is generator → client → lb → servers → client.
func lbScenario(w scenario.Workload, horizon int, alg scenario.Algorithm, lat scenario.RV, servers ...scenario.Server) *scenario.Scenario {
	sc := &scenario.Scenario{
		Workload: w,
		Topology: scenario.Topology{
			Nodes: scenario.Nodes{
				Client:       scenario.Client{ID: "client"},
				Servers:      servers,
				LoadBalancer: &scenario.LoadBalancer{ID: "lb", Algorithm: alg},
			},
			Edges: []scenario.Edge{
				link("gen-client", w.ID, "client", lat),
				link("client-lb", "client", "lb", lat),
			},
		},
		Settings: settings(horizon, scenario.SampleMetrics...),
	}
	for _, s := range servers {
		sc.Topology.Nodes.LoadBalancer.ServerCovered = append(sc.Topology.Nodes.LoadBalancer.ServerCovered, s.ID)
		sc.Topology.Edges = append(sc.Topology.Edges,
			link("lb-"+s.ID, "lb", s.ID, lat),
			link(s.ID+"-client", s.ID, "client", lat))
	}
	return sc
}

// mustRun runs sc with hooks and fails the test on error, or when the
// counts do not add up (checkConservation).
func mustRun(t testing.TB, sc *scenario.Scenario, opts Options, hk *hooks) *result.Result {
	t.Helper()
	if hk == nil {
		hk = &hooks{}
	}
	inFlight := int64(-1)
	if hk.end == nil {
		hk.end = func(m *sim) { inFlight = m.countInFlight() }
	}
	r, err := run(context.Background(), sc, opts, hk)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	checkConservation(t, r)
	if inFlight >= 0 && inFlight != r.Counts.InFlight {
		t.Errorf("counts.in_flight = %d, but %d requests are in flight at the horizon", r.Counts.InFlight, inFlight)
	}
	return r
}

// checkConservation checks spec §14's conservation on the run's counts
// and on each class's: generated = completed + failed + rejected +
// timed_out + dropped + in_flight, every count >= 0, attempts = generated
// + retries.
func checkConservation(t testing.TB, r *result.Result) {
	t.Helper()
	check := func(what string, c result.Counts) {
		if c.Generated != c.Completed+c.Failed+c.Rejected+c.TimedOut+c.Dropped+c.InFlight ||
			min(c.Completed, c.Failed, c.Rejected, c.TimedOut, c.Dropped, c.InFlight, c.Retries) < 0 ||
			c.Attempts != c.Generated+c.Retries {
			t.Errorf("%s: counts do not add up: %+v", what, c)
		}
	}
	check("counts", r.Counts)
	for id, c := range r.Classes {
		check("classes."+id+".counts", c.Counts)
	}
}

// mustCompile validates sc, as Run does, and compiles it.
func mustCompile(t testing.TB, sc *scenario.Scenario, opts Options) *sim {
	t.Helper()
	if err := sc.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return compile(sc, opts)
}

// shortOr returns short under -short and long otherwise.
func shortOr(short, long int) int {
	if testing.Short() {
		return short
	}
	return long
}

// repoRoot returns the repository root, from this file's location.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Dir(filepath.Dir(file))
}
