package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// TestServiceGraphDecodes decodes testdata/graphs/three_tier.yml and
// checks every key of spec §10 and §13 it uses, that it draws no warning,
// and that it survives the canonical form and the JSON format unchanged.
func TestServiceGraphDecodes(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "graphs", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	if w := sc.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	if !sc.HasServiceGraph() {
		t.Error("HasServiceGraph = false")
	}
	ns := sc.Topology.Nodes
	if len(ns.LoadBalancers) != 1 || ns.LoadBalancers[0].ID != "catalog-lb" || ns.LoadBalancers[0].Algorithm != scenario.LeastConnection {
		t.Errorf("load_balancers = %+v", ns.LoadBalancers)
	}
	if got := ns.Servers[2].ReplicaCount(); got != 3 {
		t.Errorf("catalog replicas = %d, want 3", got)
	}
	if got := ns.Servers[0].ReplicaCount(); got != 1 {
		t.Errorf("gateway replicas = %d, want 1 (default)", got)
	}
	steps := ns.Servers[0].Endpoints[0].Steps
	wantCalls := [][]scenario.Call{
		nil,
		{{Target: "auth", Endpoint: "/check", OnFailure: scenario.FailOnFailure}},
		{{Target: "catalog-lb", Endpoint: "/items", OnFailure: scenario.ContinueOnFailure}},
	}
	for i, st := range steps {
		if diff := cmp.Diff(wantCalls[i], st.StepCalls()); diff != "" {
			t.Errorf("gateway step %d calls (-want +got):\n%s", i, diff)
		}
	}
	par := ns.Servers[2].Endpoints[0].Steps[1]
	if par.Kind != scenario.ParallelStep || len(par.Operation.Calls) != 1 || par.Operation.Calls[0].Target != "inventory" {
		t.Errorf("catalog parallel step = %+v", par)
	}
	canon, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scenario.Decode(canon, scenario.FormatJSON)
	if err != nil {
		t.Fatalf("canonical JSON does not decode: %v", err)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("canonical round trip changed the scenario (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sc, sc.Clone()); diff != "" {
		t.Errorf("Clone differs (-want +got):\n%s", diff)
	}
}

// TestServiceGraphBuilder builds testdata/graphs/three_tier.yml in Go and
// compares it with the decoded file.
func TestServiceGraphBuilder(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "graphs", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	det := scenario.DetRV
	hop := det(0.0005)
	b := scenario.New().Generator("gen", 100, 30).Client("client").
		AddLoadBalancer("catalog-lb", scenario.LeastConnection).
		Server(scenario.NewServer("gateway").Cores(2).RAM(2048).Endpoint("/page",
			scenario.CPUStep(scenario.InitialParsing, scenario.Fixed(0.001)),
			scenario.CallStepOf(scenario.CallTo("auth", "/check")),
			scenario.CallStepOf(scenario.CallTo("catalog-lb", "/items").WithOnFailure(scenario.ContinueOnFailure)))).
		Server(scenario.NewServer("auth").Endpoint("/check", scenario.CPU(0.002))).
		Server(scenario.NewServer("catalog").Replicas(3).Endpoint("/items",
			scenario.CPU(0.004), scenario.Parallel(scenario.CallTo("inventory", "/stock")))).
		Server(scenario.NewServer("inventory").DBPool(4).Endpoint("/stock", scenario.DB(0.01))).
		Edge("gen-client", "gen", "client", det(0.001), scenario.Dropout(0)).
		Edge("client-gateway", "client", "gateway", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("gateway-client", "gateway", "client", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("gateway-auth", "gateway", "auth", hop, scenario.Dropout(0)).
		Edge("auth-gateway", "auth", "gateway", hop, scenario.Dropout(0)).
		Edge("gateway-catalog-lb", "gateway", "catalog-lb", hop, scenario.Dropout(0)).
		Edge("catalog-lb-catalog", "catalog-lb", "catalog", det(0.0002), scenario.Dropout(0)).
		Edge("catalog-gateway", "catalog", "gateway", hop, scenario.Dropout(0)).
		Edge("catalog-inventory", "catalog", "inventory", hop, scenario.Dropout(0)).
		Edge("inventory-catalog", "inventory", "catalog", hop, scenario.Dropout(0)).
		Horizon(60)
	got, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("builder differs from the file (-want +got):\n%s", diff)
	}
}

// TestCallDropoutWarning: a call over an edge that drops requests draws
// exactly one warning, at the call, naming the edge.
func TestCallDropoutWarning(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "graphs", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range sc.Topology.Edges {
		if e.ID == "gateway-auth" {
			sc.Topology.Edges[i].DropoutRate = 0.01
		}
	}
	w := sc.Warnings()
	if len(w) != 1 {
		t.Fatalf("got %d warnings, want 1: %v", len(w), w)
	}
	const path = "topology_graph.nodes.servers[0].endpoints[0].steps[1].step_operation.call"
	if w[0].Path != path || !strings.Contains(w[0].Message, `edge "gateway-auth" with dropout_rate 0.01 and has no timeout`) {
		t.Errorf("warning = %v, want at %s naming edge gateway-auth", w[0], path)
	}
}

// TestHasResilience: each key of spec §12 alone makes a scenario use
// resilience; the three-tier graph, autoscaling aside, uses none.
func TestHasResilience(t *testing.T) {
	t.Parallel()
	load := func() *scenario.Scenario {
		data, err := os.ReadFile(filepath.Join("testdata", "graphs", "three_tier.yml"))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenario.Decode(data, scenario.FormatYAML)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	one, rate := 1, &scenario.RateLimit{RPS: 1, Burst: 1}
	for name, set := range map[string]func(sc *scenario.Scenario){
		"none":                   func(*scenario.Scenario) {},
		"client timeout_s":       func(sc *scenario.Scenario) { sc.Topology.Nodes.Client.TimeoutS = new(float64) },
		"client retry":           func(sc *scenario.Scenario) { sc.Topology.Nodes.Client.Retry = &scenario.Retry{} },
		"client circuit_breaker": func(sc *scenario.Scenario) { sc.Topology.Nodes.Client.CircuitBreaker = &scenario.CircuitBreaker{} },
		"load balancer rate":     func(sc *scenario.Scenario) { sc.Topology.Nodes.LoadBalancers[0].RateLimit = rate },
		"server rate_limit":      func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[1].RateLimit = rate },
		"max_concurrency":        func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[1].Resources.MaxConcurrency = &one },
		"max_queue":              func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[1].Resources.MaxQueue = &one },
		"error_rate":             func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[2].Endpoints[0].ErrorRate = 0.1 },
		"call timeout_s": func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.Call.TimeoutS = new(float64)
		},
		"autoscaling (not §12)": func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[2].Autoscaling = &scenario.Autoscaling{} },
		"cost (not §12)":        func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[2].CostPerReplicaHour = new(float64) },
	} {
		sc := load()
		set(sc)
		want := name != "none" && !strings.Contains(name, "not §12")
		if got := sc.HasResilience(); got != want {
			t.Errorf("%s: HasResilience = %v, want %v", name, got, want)
		}
	}
}
