package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// outageScenario decodes examples/outage_and_spike.yml: a load balancer,
// two servers with one endpoint of three steps, six edges, three events.
func outageScenario(t *testing.T) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "outage_and_spike.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestGetPath(t *testing.T) {
	t.Parallel()
	sc := outageScenario(t)
	tests := []struct {
		path string
		want any
	}{
		{"topology_graph.nodes.servers[id=srv-2].server_resources.cpu_cores", 1},
		{"topology_graph.nodes.servers[1].server_resources.ram_mb", 2048},
		{"rqs_input.avg_active_users.mean", 120.0},
		{"rqs_input[0].id", "rqs-1"},
		{"rqs_input[id=rqs-1].avg_request_per_minute_per_user.mean", 30.0},
		{"topology_graph.edges[id=gen-client].latency.mean", 0.003},
		{"topology_graph.edges[id=gen-client].latency.distribution", "exponential"},
		{"topology_graph.edges[3].target", "srv-2"},
		{"topology_graph.nodes.servers[0].endpoints[id=/api].steps[0].step_operation.cpu_time", 0.01},
		{"topology_graph.nodes.servers[0].endpoints[endpoint_name=/api].steps[2].step_operation.io_waiting_time", 0.02},
		{"topology_graph.nodes.servers[0].endpoints[0].steps[1].step_operation.necessary_ram", 128.0},
		{"topology_graph.nodes.load_balancer.algorithms", "round_robin"},
		{"events[id=srv1-outage].start.t_start", 100.0},
		{"events[event_id=srv2-outage].end.t_end", 180.0},
		{"events[id=client-lb-spike].start.spike_s", 0.05},
		{"topology_graph.nodes.servers[id=srv-1].replicas", nil},
		{"sim_settings.total_simulation_time", 300},
		{"topology_graph.nodes.servers[id=srv-1].server_resources", scenario.ServerResources{CPUCores: 1, RAMMB: 2048}},
	}
	for _, tt := range tests {
		got, err := scenario.GetPath(sc, tt.path)
		if err != nil {
			t.Errorf("GetPath(%s): %v", tt.path, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GetPath(%s) (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestSetPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path  string
		value any
		want  any // GetPath afterwards; the value itself when nil
	}{
		{"topology_graph.nodes.servers[id=srv-2].server_resources.cpu_cores", 4.0, 4},
		{"topology_graph.nodes.servers[id=srv-2].server_resources.cpu_cores", 3, 3},
		{"rqs_input.avg_active_users.mean", 240.0, nil},
		{"rqs_input[id=rqs-1].avg_active_users.mean", 60, 60.0},
		{"topology_graph.edges[id=gen-client].latency.mean", 0.01, nil},
		{"topology_graph.edges[id=gen-client].latency.distribution", "deterministic", nil},
		{"topology_graph.nodes.servers[0].endpoints[id=/api].steps[0].step_operation.cpu_time", 0.002, nil},
		{"topology_graph.nodes.load_balancer.algorithms", "least_connection", nil},
		{"topology_graph.nodes.servers[id=srv-1].server_resources.db_connection_pool", 5.0, 5},
		{"events[id=srv1-outage].end.t_end", 120.0, nil},
		// Absent optional numbers of spec §12 are set.
		{"topology_graph.nodes.servers[id=srv-1].server_resources.max_concurrency", 50.0, 50},
		{"topology_graph.nodes.client.timeout_s", 0.5, nil},
	}
	for _, tt := range tests {
		sc := outageScenario(t)
		if err := scenario.SetPath(sc, tt.path, tt.value); err != nil {
			t.Errorf("SetPath(%s, %v): %v", tt.path, tt.value, err)
			continue
		}
		got, err := scenario.GetPath(sc, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		want := tt.want
		if want == nil {
			want = tt.value
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after SetPath(%s, %v) (-want +got):\n%s", tt.path, tt.value, diff)
		}
		changes := scenario.Diff(outageScenario(t), sc)
		if len(changes) != 1 {
			t.Errorf("SetPath(%s): Diff lists %v, want one change", tt.path, changes)
		}
	}
}

// TestSetPathRandomStepTime sets the mean of a random step time through
// the step time itself and through its RV; the distribution is kept.
func TestSetPathRandomStepTime(t *testing.T) {
	t.Parallel()
	sc, err := scenario.New().Generator("gen", 10, 60).Client("client").
		Server(scenario.NewServer("api").Endpoint("get", scenario.CPUStep(scenario.CPUBoundOperation, scenario.Random(scenario.ExpRV(0.004))))).
		Edge("gen-client", "gen", "client", scenario.DetRV(0.001)).
		Edge("client-api", "client", "api", scenario.DetRV(0.001)).
		Edge("api-client", "api", "client", scenario.DetRV(0.001)).Build()
	if err != nil {
		t.Fatal(err)
	}
	const p = "topology_graph.nodes.servers[id=api].endpoints[id=get].steps[0].step_operation.cpu_time"
	if err := scenario.SetPath(sc, p, 0.008); err != nil {
		t.Fatal(err)
	}
	q := sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[0].Operation.CPUTime
	if q.Value != 0.008 || q.RV == nil || q.RV.Mean != 0.008 || q.RV.Distribution != scenario.Exponential {
		t.Errorf("cpu_time %+v, RV %+v; want mean 0.008, exponential", q, q.RV)
	}
	if err := scenario.SetPath(sc, p+".mean", 0.006); err != nil {
		t.Fatal(err)
	}
	if got, _ := scenario.GetPath(sc, p); got != 0.006 {
		t.Errorf("cpu_time after setting its mean: %v, want 0.006", got)
	}
}

func TestSetPathErrors(t *testing.T) {
	t.Parallel()
	const srv = "topology_graph.nodes.servers[id=srv-1]"
	tests := []struct {
		name     string
		path     string
		value    any
		wantPath string // the FieldError's path
		want     string // in its message
	}{
		{"Empty", "", 1, "", "is empty"},
		{"UnknownKey", srv + ".server_resources.cpu_core", 2, srv + ".server_resources.cpu_core", `unknown key "cpu_core" under ` + srv + `.server_resources (did you mean "cpu_cores"?); the keys there are: cpu_cores, ram_mb`},
		{"UnknownTopKey", "topology.nodes", 2, "topology.nodes", `(did you mean "topology_graph"?)`},
		{"UnknownID", "topology_graph.nodes.servers[id=srv-3].server_resources.cpu_cores", 2, "", `no element of topology_graph.nodes.servers with id "srv-3" (did you mean "srv-1"?); they are: srv-1, srv-2`},
		{"UnknownEndpoint", srv + ".endpoints[id=/apx].steps[0].step_operation.cpu_time", 2, "", `with endpoint_name "/apx" (did you mean "/api"?)`},
		{"WrongSelectorKey", srv + ".endpoints[name=/api].steps[0]", 2, "", "selected by [id=…] or [endpoint_name=…], not by [name=/api]"},
		{"IndexOutOfRange", "topology_graph.nodes.servers[5].server_resources.cpu_cores", 2, "", "index 5 is out of range: topology_graph.nodes.servers has 2 element(s)"},
		{"NoIDOnSteps", srv + ".endpoints[0].steps[id=parse].step_operation", 2, "", "have no id; select one by index"},
		{"ListWithoutSelector", "topology_graph.nodes.servers.server_resources.cpu_cores", 2, "", "topology_graph.nodes.servers is a list; select an element with [0] or [id=…]"},
		{"NotAWholeNumber", srv + ".server_resources.cpu_cores", 2.5, srv + ".server_resources.cpu_cores", "must be a whole number, got 2.5"},
		{"StringForNumber", "rqs_input.avg_active_users.mean", "many", "", `must be a finite number, got the string "many"`},
		{"NumberForString", "topology_graph.nodes.load_balancer.algorithms", 2, "", "must be a string, got 2"},
		{"Section", srv + ".server_resources", 2, "", "is a section; give the path of one of its values: cpu_cores, ram_mb"},
		{"AbsentSection", srv + ".rate_limit.rps", 100, "", "is not set in this scenario"},
		{"FixedQuantityMean", srv + ".endpoints[0].steps[0].step_operation.cpu_time.mean", 0.1, "", "is a fixed number; it has no \"mean\""},
		{"BelowLeaf", srv + ".server_resources.cpu_cores.max", 2, "", "is a value (a whole number), not a section"},
		{"ListOfGenerators", "rqs_input[id=other].id", "x", "", `no generator with id "other"`},
		{"NegativeIndex", "topology_graph.nodes.servers[-1]", 2, "", "neither an index"},
		{"Unclosed", "topology_graph.nodes.servers[0", 2, "", "has a [ without its ]"},
		// After the change, the validator's own error, with its path.
		{"OutOfRange", srv + ".server_resources.cpu_cores", 0, "topology_graph.nodes.servers[0].server_resources.cpu_cores", "must be"},
		{"BadEnum", "topology_graph.nodes.load_balancer.algorithms", "fastest", "topology_graph.nodes.load_balancer.algorithms", ""},
		{"NegativeLatency", "topology_graph.edges[id=lb-srv1].latency.mean", -1, "topology_graph.edges[2].latency.mean", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := outageScenario(t)
			err := scenario.SetPath(sc, tt.path, tt.value)
			var ve *scenario.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("SetPath(%q, %v) = %v, want a *ValidationError", tt.path, tt.value, err)
			}
			wantPath := tt.wantPath
			if wantPath == "" {
				wantPath = tt.path
			}
			fe := ve.Errors[0]
			if fe.Path != wantPath || !strings.Contains(fe.Message, tt.want) {
				t.Errorf("error %q at %q\nwant %q at %q", fe.Message, fe.Path, tt.want, wantPath)
			}
			// A path that is valid for reading fails on its value only.
			readable := map[string]bool{"NotAWholeNumber": true, "StringForNumber": true, "NumberForString": true,
				"Section": true, "OutOfRange": true, "BadEnum": true, "NegativeLatency": true}
			if _, gerr := scenario.GetPath(outageScenario(t), tt.path); (gerr == nil) != readable[tt.name] {
				t.Errorf("GetPath(%q): %v", tt.path, gerr)
			}
		})
	}
}

// TestSetPathsTogether sets two values only valid together.
func TestSetPathsTogether(t *testing.T) {
	t.Parallel()
	sc := outageScenario(t)
	err := scenario.SetPaths(sc,
		scenario.Setting{Path: "events[id=srv1-outage].start.t_start", Value: 250},
		scenario.Setting{Path: "events[id=srv1-outage].end.t_end", Value: 280})
	if err != nil {
		t.Fatal(err)
	}
	// Alone, a start after the end is the validator's error.
	err = scenario.SetPath(outageScenario(t), "events[id=srv1-outage].start.t_start", 170)
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || !strings.HasPrefix(ve.Errors[0].Path, "events[0]") {
		t.Errorf("start after end: %v, want a validation error at events[0]", err)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a := outageScenario(t)
	b := a.Clone()
	if diff := scenario.Diff(a, b); len(diff) != 0 {
		t.Errorf("Diff of equal scenarios: %v", diff)
	}
	b.Topology.Nodes.Servers[1].Resources.CPUCores = 3
	b.Topology.Edges[0].Latency.Mean = 0.005
	b.Events = b.Events[:2]
	b.Topology.Nodes.Servers[0].Endpoints[0].Steps[0].Operation.CPUTime = &scenario.Quantity{Value: 0.01, RV: &scenario.RV{Mean: 0.01, Distribution: scenario.Exponential}}
	got := scenario.Diff(a, b)
	want := []scenario.Change{
		{Path: "topology_graph.nodes.servers[id=srv-1].endpoints[id=/api].steps[0].step_operation.cpu_time", Old: 0.01, New: scenario.RV{Mean: 0.01, Distribution: scenario.Exponential}},
		{Path: "topology_graph.nodes.servers[id=srv-2].server_resources.cpu_cores", Old: 1, New: 3},
		{Path: "topology_graph.edges[id=gen-client].latency.mean", Old: 0.003, New: 0.005},
		{Path: "events[id=client-lb-spike]", Old: a.Events[2]},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	// Every path of a change between values present on both sides is one
	// SetPath accepts, and gives the new value.
	for _, c := range got[1:3] {
		v, err := scenario.GetPath(b, c.Path)
		if err != nil || v != c.New {
			t.Errorf("GetPath(b, %s) = %v, %v; want %v", c.Path, v, err, c.New)
		}
	}
	if s := got[1].String(); s != "topology_graph.nodes.servers[id=srv-2].server_resources.cpu_cores: 1 -> 3" {
		t.Errorf("String() = %q", s)
	}
}

// TestSetPathMap sets a weighted round robin's weight by the server id.
func TestSetPathMap(t *testing.T) {
	t.Parallel()
	sc := outageScenario(t)
	lb := sc.Topology.Nodes.LoadBalancer
	lb.Algorithm, lb.Weights = scenario.WeightedRoundRobin, map[string]int{"srv-1": 1, "srv-2": 1}
	const p = "topology_graph.nodes.load_balancer.weights.srv-2"
	if err := scenario.SetPath(sc, p, 3.0); err != nil {
		t.Fatal(err)
	}
	if got, err := scenario.GetPath(sc, p); err != nil || got != 3 {
		t.Errorf("GetPath(%s) = %v, %v; want 3", p, got, err)
	}
	if _, err := scenario.GetPath(sc, "topology_graph.nodes.load_balancer.weights.srv-3"); err == nil ||
		!strings.Contains(err.Error(), `has no key "srv-3" (did you mean "srv-1"?); its keys are: srv-1, srv-2`) {
		t.Errorf("an absent key: %v", err)
	}
	if err := scenario.SetPath(sc, p, 0); err == nil {
		t.Error("a weight of 0 passed validation")
	}
}
