package scenario_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// loadFull decodes testdata/valid/full.yml, the scenario every rule test
// starts from.
func loadFull(t *testing.T) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "valid", "full.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatalf("full.yml: %v", err)
	}
	return sc
}

// want is one expected field error: its exact path and a phrase of its
// message.
type want struct{ path, phrase string }

// checkErrors asserts that err lists exactly the wanted errors, in order.
func checkErrors(t *testing.T, err error, wants []want) {
	t.Helper()
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("unexpected error:\n%v", err)
		}
		return
	}
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v (%T), want *scenario.ValidationError", err, err)
	}
	if len(ve.Errors) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%v", len(ve.Errors), len(wants), err)
	}
	for i, w := range wants {
		got := ve.Errors[i]
		if got.Path != w.path || !strings.Contains(got.Message, w.phrase) {
			t.Errorf("error %d = %q: %q, want path %q containing %q", i, got.Path, got.Message, w.path, w.phrase)
		}
	}
}

func ptr[T any](v T) *T { return &v }

const (
	srvA = "topology_graph.nodes.servers[0]"
	srvB = "topology_graph.nodes.servers[1]"
	lbP  = "topology_graph.nodes.load_balancer"
)

func TestValidateRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(sc *scenario.Scenario)
		want   []want
	}{
		{"OK", func(*scenario.Scenario) {}, nil},
		// §2 random variables
		{"ErrExponentialWithVariance", func(sc *scenario.Scenario) {
			sc.Topology.Edges[0].Latency.Variance = ptr(0.1)
		}, []want{{"topology_graph.edges[0].latency.variance", "must be absent for an exponential"}}},
		{"ErrLatencyMeanZero", func(sc *scenario.Scenario) {
			sc.Topology.Edges[1].Latency.Mean = 0
		}, []want{{"topology_graph.edges[1].latency.mean", "must be > 0 for a latency"}}},
		{"ErrNegativeVariance", func(sc *scenario.Scenario) {
			sc.Topology.Edges[2].Latency.Variance = ptr(-1.0)
		}, []want{{"topology_graph.edges[2].latency.variance", "must be >= 0"}}},
		{"ErrUniformNegative", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[1].Operation.IOWaitingTime.RV.Variance = ptr(0.1)
		}, []want{{srvB + ".endpoints[0].steps[1].step_operation.io_waiting_time.variance", "gives the uniform range [-0.0477226, 1.04772], which would draw negative times; use a variance of at most mean²/3 = 0.0833333"}}},
		{"ErrUnknownDistribution", func(sc *scenario.Scenario) {
			sc.Topology.Edges[3].Latency.Distribution = "gamma"
		}, []want{{"topology_graph.edges[3].latency.distribution", "accepted values: exponential, normal"}}},
		{"ErrNaNMean", func(sc *scenario.Scenario) {
			sc.Topology.Edges[3].Latency.Mean = math.NaN()
		}, []want{{"topology_graph.edges[3].latency.mean", "must be a finite number"}}},
		{"ErrStepTimeRVMean", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[1].Steps[0].Operation.CPUTime.RV.Mean = -1
		}, []want{{srvA + ".endpoints[1].steps[0].step_operation.cpu_time.mean", "must be > 0 for a step time"}}},
		// §3 workload
		{"ErrUsersDistribution", func(sc *scenario.Scenario) {
			sc.Workload.AvgActiveUsers = scenario.ExpRV(10)
		}, []want{{"rqs_input.avg_active_users.distribution", "exponential is not accepted for active users; accepted values: poisson, normal"}}},
		{"ErrRPMDistribution", func(sc *scenario.Scenario) {
			sc.Workload.AvgRequestPerMinutePerUser.Distribution = scenario.Normal
		}, []want{{"rqs_input.avg_request_per_minute_per_user.distribution", "accepted values: poisson"}}},
		{"ErrUsersMean", func(sc *scenario.Scenario) {
			sc.Workload.AvgActiveUsers.Mean = 0
		}, []want{{"rqs_input.avg_active_users.mean", "must be > 0"}}},
		{"ErrRateTooHigh", func(sc *scenario.Scenario) {
			sc.Workload.AvgActiveUsers.Mean = 2e8
			sc.Workload.AvgActiveUsers.Variance = ptr(1e12)
		}, []want{{"rqs_input", "reaches 1.03e+08 requests/s, more than 1e+08; lower them"}}},
		{"ErrHorizonTooLong", func(sc *scenario.Scenario) {
			sc.Settings.TotalSimulationTime = 10_000_001
		}, []want{{"sim_settings.total_simulation_time", "must be a whole number of seconds <= 10000000, got 10000001"}}},
		{"ErrWindowRange", func(sc *scenario.Scenario) {
			sc.Workload.UserSamplingWindow = 121
		}, []want{{"rqs_input.user_sampling_window", "in 1..120, got 121"}}},
		{"ErrGeneratorType", func(sc *scenario.Scenario) {
			sc.Workload.Type = "gen"
		}, []want{{"rqs_input.type", "accepted values: generator"}}},
		// §4 graph
		{"ErrDuplicateNodeID", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers = append(sc.Topology.Nodes.Servers, sc.Topology.Nodes.Servers[1])
		}, []want{{"topology_graph.nodes.servers[2].id", `duplicate node id "srv-b" (already used by topology_graph.nodes.servers[1])`}}},
		{"ErrDuplicateNodeIDAcrossKinds", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers = append(sc.Topology.Nodes.Servers, sc.Topology.Nodes.Servers[1])
			sc.Topology.Nodes.Servers[2].ID = "lb"
		}, []want{
			// The edges from "lb" now leave the server of that id, so the
			// real load balancer is cut off too.
			{srvB + ".id", "is not reachable"},
			{lbP + ".id", `duplicate node id "lb" (already used by topology_graph.nodes.servers[2])`},
			{lbP + ".server_covered[1]", "has no edge to it"},
			{"topology_graph.edges[3].source", `server "lb" already has an outgoing edge (edges[2])`},
		}},
		{"ErrGeneratorIDClash", func(sc *scenario.Scenario) {
			sc.Workload.ID = "client"
		}, []want{
			{"rqs_input.id", `generator id "client" is also the id of`},
			{"topology_graph.edges[0].source", `unknown node "gen"`},
		}},
		{"ErrDuplicateEdgeID", func(sc *scenario.Scenario) {
			sc.Topology.Edges[5].ID = "lb-b"
		}, []want{{"topology_graph.edges[5].id", `duplicate edge id "lb-b" (also edges[3])`}}},
		{"ErrUnknownTarget", func(sc *scenario.Scenario) {
			sc.Topology.Edges[5].Target = "cliente"
		}, []want{{"topology_graph.edges[5].target", `unknown node "cliente"; declared nodes: client, srv-a, srv-b, lb`}}},
		{"ErrUnknownSource", func(sc *scenario.Scenario) {
			sc.Topology.Edges[0].Source = "nobody"
		}, []want{
			{"rqs_input.id", `generator "gen" is the source of no edge`},
			{"topology_graph.edges[0].source", `unknown node "nobody"; a source is the generator (gen)`},
		}},
		{"ErrGeneratorAsTarget", func(sc *scenario.Scenario) {
			sc.Topology.Edges[5].Target = "gen"
		}, []want{{"topology_graph.edges[5].target", `the generator "gen" can only be a source`}}},
		{"ErrSelfLoop", func(sc *scenario.Scenario) {
			sc.Topology.Edges[4].Target = "srv-a"
		}, []want{{"topology_graph.edges[4].target", `equals the source "srv-a"`}}},
		{"ErrGeneratorTwoEdges", func(sc *scenario.Scenario) {
			e := sc.Topology.Edges[0]
			e.ID = "gen-client-2"
			sc.Topology.Edges = append(sc.Topology.Edges, e)
		}, []want{{"topology_graph.edges[6].source", `generator "gen" already has an outgoing edge (edges[0])`}}},
		{"ErrGeneratorNotToClient", func(sc *scenario.Scenario) {
			sc.Topology.Edges[0].Target = "lb"
		}, []want{{"topology_graph.edges[0].target", `must go to the client "client", not to the load balancer "lb"`}}},
		{"ErrServerTwoEdges", func(sc *scenario.Scenario) {
			sc.Topology.Edges = append(sc.Topology.Edges, scenario.Edge{ID: "a-b", Source: "srv-a", Target: "srv-b",
				Latency: scenario.ExpRV(0.001), EdgeType: scenario.NetworkConnection})
		}, []want{{"topology_graph.edges[6].source", `only load balancers (and, in scenarios with calls, servers) may have more than one`}}},
		{"ErrClientNoEdge", func(sc *scenario.Scenario) {
			sc.Topology.Edges = append(sc.Topology.Edges[:1:1], sc.Topology.Edges[2:]...)
		}, []want{
			{"topology_graph.nodes.client.id", `client "client" has no outgoing edge`},
			{"events[3].target_id", `"client-lb" is not an edge`},
		}},
		{"ErrClientToClient", func(sc *scenario.Scenario) {
			sc.Topology.Edges[1].Target = "gen"
		}, []want{{"topology_graph.edges[1].target", "can only be a source"}}},
		{"ErrServerNoEdge", func(sc *scenario.Scenario) {
			sc.Topology.Edges = sc.Topology.Edges[:5]
		}, []want{{srvB + ".id", `server "srv-b" has no outgoing edge; add one edge from it back to the client`}}},
		{"ErrServerUnreachable", func(sc *scenario.Scenario) {
			sc.Topology.Edges = append(sc.Topology.Edges[:3:3], sc.Topology.Edges[4:]...)
			sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"srv-a"}
		}, []want{{srvB + ".id", `server "srv-b" is not reachable from the generator "gen"`}}},
		{"ErrLBToClient", func(sc *scenario.Scenario) {
			sc.Topology.Edges[3].Target = "client"
			sc.Topology.Nodes.LoadBalancer.ServerCovered = nil
		}, []want{
			{srvB + ".id", "is not reachable"},
			{"topology_graph.edges[3].target", `the load balancer's edges must go to servers, not to the client "client"`},
		}},
		{"ErrLoop", func(sc *scenario.Scenario) {
			sc.Topology.Edges[4].Target = "srv-b"
			sc.Topology.Edges[5].Target = "srv-a"
		}, []want{{"topology_graph.edges[5].target", `edge "b-client" closes a loop (srv-b → srv-a) that never reaches the client`}}},
		{"ErrLBCoversUndeclared", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"srv-a", "srv-c"}
		}, []want{{lbP + ".server_covered[1]", `"srv-c" is not a declared server; servers: srv-a, srv-b`}}},
		{"ErrLBCoversWithoutEdge", func(sc *scenario.Scenario) {
			sc.Topology.Edges[3].Source = "client"
		}, []want{
			{srvB + ".id", "is not reachable"},
			{lbP + ".server_covered[1]", `covers server "srv-b" but has no edge to it`},
			{"topology_graph.edges[3].source", `client "client" already has an outgoing edge (edges[1])`},
		}},
		{"ErrLBCoversTwice", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"srv-a", "srv-b", "srv-a"}
		}, []want{{lbP + ".server_covered[2]", `server "srv-a" is listed twice`}}},
		{"ErrLBNoEdges", func(sc *scenario.Scenario) {
			sc.Topology.Edges = append(sc.Topology.Edges[:2:2], sc.Topology.Edges[4:]...)
			sc.Topology.Nodes.LoadBalancer.ServerCovered = nil
		}, []want{
			{srvA + ".id", "is not reachable"},
			{srvB + ".id", "is not reachable"},
			{lbP + ".id", `load balancer "lb" has no outgoing edge`},
		}},
		{"ErrLBAlgorithm", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.LoadBalancer.Algorithm = "fastest"
		}, []want{{lbP + ".algorithms", `unknown value "fastest"; accepted values: round_robin, least_connection, random, weighted_round_robin, power_of_two_choices`}}},
		{"ErrNoServers", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers = nil
			sc.Topology.Nodes.LoadBalancer = nil
			sc.Topology.Edges = sc.Topology.Edges[:1]
			sc.Events = nil
		}, []want{
			{"topology_graph.nodes.client.id", "has no outgoing edge"},
			{"topology_graph.nodes.servers", "must list at least one server"},
		}},
		{"ErrEdgeType", func(sc *scenario.Scenario) {
			sc.Topology.Edges[0].EdgeType = "wifi"
		}, []want{{"topology_graph.edges[0].edge_type", "accepted values: network_connection"}}},
		{"ErrDropoutRange", func(sc *scenario.Scenario) {
			sc.Topology.Edges[0].DropoutRate = 1.5
		}, []want{{"topology_graph.edges[0].dropout_rate", "must be a probability in [0, 1], got 1.5"}}},
		{"ErrEmptyID", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Client.ID = ""
			sc.Topology.Edges[0].Target = ""
			sc.Topology.Edges[1].Source = ""
			sc.Topology.Edges[4].Target = ""
			sc.Topology.Edges[5].Target = ""
		}, []want{
			{"topology_graph.nodes.client.id", "must not be empty"},
			{"topology_graph.edges[0].target", "must not be empty"},
			{"topology_graph.edges[1].source", "must not be empty"},
			{"topology_graph.edges[4].target", "must not be empty"},
			{"topology_graph.edges[5].target", "must not be empty"},
		}},
		// §5 servers and endpoints
		{"ErrCores", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Resources.CPUCores = 0
		}, []want{{srvA + ".server_resources.cpu_cores", "must be a whole number >= 1, got 0"}}},
		{"ErrRAM", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Resources.RAMMB = 255
		}, []want{{srvB + ".server_resources.ram_mb", "must be a whole number >= 256 (MB), got 255"}}},
		{"ErrDBPool", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Resources.DBConnectionPool = ptr(0)
		}, []want{{srvA + ".server_resources.db_connection_pool", "must be a whole number >= 1 when set"}}},
		{"ErrEndpointRAMExceedsServer", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.NecessaryRAM = ptr(2000.0)
		}, []want{{srvA + ".endpoints[0]", `endpoint "/read" of server "srv-a" needs 2000 MB of RAM (the sum of its ram steps) but the server has ram_mb 1024`}}},
		{"ErrNoEndpoints", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints = nil
		}, []want{{srvB + ".endpoints", "must list at least one endpoint"}}},
		{"ErrDuplicateEndpoint", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[1].Name = "/READ"
		}, []want{{srvA + ".endpoints[1].endpoint_name", `duplicate endpoint name "/READ" (also endpoints[0])`}}},
		{"ErrStepKeyMismatch", func(sc *scenario.Scenario) {
			op := &sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[0].Operation
			op.IOWaitingTime, op.CPUTime = op.CPUTime, nil
		}, []want{{srvB + ".endpoints[0].steps[0].step_operation.io_waiting_time", "does not match kind cpu_bound_operation, which takes cpu_time"}}},
		{"ErrStepTwoKeys", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[0].Operation.NecessaryRAM = ptr(1.0)
		}, []want{{srvB + ".endpoints[0].steps[0].step_operation", "must have exactly one key, got 2; kind cpu_bound_operation takes only cpu_time"}}},
		{"ErrStepNoKey", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[1].Operation = scenario.Operation{}
		}, []want{{srvB + ".endpoints[0].steps[1].step_operation", "must have exactly one key; kind io_llm takes io_waiting_time"}}},
		{"ErrStepKind", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[0].Kind = "cpu_parse"
		}, []want{{srvB + ".endpoints[0].steps[0].kind", `unknown value "cpu_parse"; accepted values: initial_parsing, cpu_bound_operation, ram`}}},
		{"ErrStepTimeZero", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[3].Operation.IOWaitingTime.Value = 0
		}, []want{{srvB + ".endpoints[0].steps[3].step_operation.io_waiting_time", "must be a positive number of seconds"}}},
		{"ErrRAMZero", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.NecessaryRAM = ptr(0.0)
		}, []want{{srvA + ".endpoints[0].steps[1].step_operation.necessary_ram", "must be a positive number of MB"}}},
		{"ErrProbabilityPartial", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[1].Probability = nil
		}, []want{{srvA + ".endpoints", "probability is set on 1 of 2 endpoints"}}},
		{"ErrProbabilitySum", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[1].Probability = ptr(0.5)
		}, []want{{srvA + ".endpoints", "endpoint probabilities sum to 1.25; they must sum to 1"}}},
		{"ErrProbabilityRange", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Probability = ptr(1.25)
			sc.Topology.Nodes.Servers[0].Endpoints[1].Probability = ptr(-0.25)
		}, []want{
			{srvA + ".endpoints[0].probability", "must be in [0, 1], got 1.25"},
			{srvA + ".endpoints[1].probability", "must be in [0, 1], got -0.25"},
		}},
		{"ErrProbabilityAndWeight", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Weight = ptr(2.0)
		}, []want{{srvA + ".endpoints", "both probability and weight are set on this server's endpoints; use one of them"}}},
		{"ErrWeightPartial", func(sc *scenario.Scenario) {
			eps := sc.Topology.Nodes.Servers[0].Endpoints
			eps[0].Probability, eps[1].Probability = nil, nil
			eps[0].Weight = ptr(3.0)
		}, []want{{srvA + ".endpoints", "weight is set on 1 of 2 endpoints"}}},
		{"ErrWeightNegative", func(sc *scenario.Scenario) {
			eps := sc.Topology.Nodes.Servers[0].Endpoints
			eps[0].Probability, eps[1].Probability = nil, nil
			eps[0].Weight, eps[1].Weight = ptr(-1.0), ptr(3.0)
		}, []want{{srvA + ".endpoints[0].weight", "must be >= 0, got -1"}}},
		{"ErrWeightsZero", func(sc *scenario.Scenario) {
			eps := sc.Topology.Nodes.Servers[0].Endpoints
			eps[0].Probability, eps[1].Probability = nil, nil
			eps[0].Weight, eps[1].Weight = ptr(0.0), ptr(0.0)
		}, []want{{srvA + ".endpoints", "endpoint weights add up to 0"}}},
		{"ErrServerType", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Type = "srv"
		}, []want{{srvA + ".type", "accepted values: server"}}},
		// §6 events
		{"ErrDuplicateEventID", func(sc *scenario.Scenario) {
			sc.Events[3].ID = "a-down"
		}, []want{{"events[3].event_id", `duplicate event id "a-down" (also events[0])`}}},
		{"ErrOutageTargetNotServer", func(sc *scenario.Scenario) {
			sc.Events[0].TargetID = "lb-a"
		}, []want{{"events[0].target_id", `"lb-a" is not a server; a server_down event targets one of: srv-a, srv-b`}}},
		{"ErrSpikeTargetNotEdge", func(sc *scenario.Scenario) {
			sc.Events[3].TargetID = "srv-a"
		}, []want{{"events[3].target_id", `"srv-a" is not an edge; a network spike targets one of: gen-client, client-lb`}}},
		{"ErrKindsMismatch", func(sc *scenario.Scenario) {
			sc.Events[0].End.Kind = scenario.NetworkSpikeEnd
		}, []want{{"events[0].end.kind", "network_spike_end does not close server_down; use server_up"}}},
		{"ErrStartKindUnknown", func(sc *scenario.Scenario) {
			sc.Events[0].Start.Kind = scenario.ServerUp
		}, []want{{"events[0].start.kind", `unknown value "server_up"; accepted values: server_down, network_spike_start`}}},
		{"ErrSpikeOnOutage", func(sc *scenario.Scenario) {
			sc.Events[0].Start.SpikeS = ptr(0.1)
		}, []want{{"events[0].start.spike_s", "is only allowed on network_spike_start"}}},
		{"ErrSpikeMissing", func(sc *scenario.Scenario) {
			sc.Events[3].Start.SpikeS = nil
		}, []want{{"events[3].start.spike_s", "is required on network_spike_start"}}},
		{"ErrSpikeNotPositive", func(sc *scenario.Scenario) {
			sc.Events[3].Start.SpikeS = ptr(0.0)
		}, []want{{"events[3].start.spike_s", "must be > 0 seconds, got 0"}}},
		{"ErrTStartNegative", func(sc *scenario.Scenario) {
			sc.Events[3].Start.TStart = -1
		}, []want{{"events[3].start.t_start", "must be >= 0, got -1"}}},
		{"ErrTEndBeforeStart", func(sc *scenario.Scenario) {
			sc.Events[3].End.TEnd = 50
		}, []want{{"events[3].end.t_end", "must be after t_start (50), got 50"}}},
		{"ErrTEndAfterHorizon", func(sc *scenario.Scenario) {
			sc.Events[3].End.TEnd = 120.5
		}, []want{{"events[3].end.t_end", "must be <= total_simulation_time (120), got 120.5"}}},
		{"ErrOutagesOverlap", func(sc *scenario.Scenario) {
			sc.Events[2].Start.TStart = 15
			sc.Events[2].End.TEnd = 18
		}, []want{
			{"events[2].start.t_start", `outage of server "srv-a" starting at 15 overlaps events[0] (down until 20)`},
		}},
		{"ErrAllServersDown", func(sc *scenario.Scenario) {
			sc.Events[1].Start.TStart = 15
		}, []want{{"events[1].start.t_start", "at t=15 every server (srv-a, srv-b) is down"}}},
		{"ErrOnlyServerDown", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers = sc.Topology.Nodes.Servers[:1]
			sc.Topology.Nodes.LoadBalancer.ServerCovered = nil
			sc.Topology.Edges = append(sc.Topology.Edges[:3:3], sc.Topology.Edges[4])
			sc.Events = sc.Events[:1]
		}, []want{{"events[0].target_id", `takes down "srv-a", the only server, at t=10`}}},
		// §7 settings
		{"ErrHorizon", func(sc *scenario.Scenario) {
			sc.Settings.TotalSimulationTime = 4
			sc.Events = nil
		}, []want{{"sim_settings.total_simulation_time", "must be a whole number of seconds >= 5, got 4"}}},
		{"ErrSamplePeriod", func(sc *scenario.Scenario) {
			sc.Settings.SamplePeriodS = 0.2
		}, []want{{"sim_settings.sample_period_s", "must be in [0.001, 0.1] seconds, got 0.2"}}},
		{"ErrSampleMetric", func(sc *scenario.Scenario) {
			sc.Settings.EnabledSampleMetrics = append(sc.Settings.EnabledSampleMetrics, "cpu", scenario.RAMInUse)
		}, []want{
			{"sim_settings.enabled_sample_metrics[2]", `unknown value "cpu"; accepted values: ready_queue_len, event_loop_io_sleep, ram_in_use, edge_concurrent_connection`},
			{"sim_settings.enabled_sample_metrics[3]", "ram_in_use is listed twice"},
		}},
		{"ErrEventMetric", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = []scenario.EventMetric{"latency"}
		}, []want{{"sim_settings.enabled_event_metrics[0]", "accepted values: rqs_clock, llm_cost"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := loadFull(t)
			tt.mutate(sc)
			checkErrors(t, sc.Validate(), tt.want)
		})
	}
}

func TestValidateDoesNotModify(t *testing.T) {
	t.Parallel()
	sc := loadFull(t)
	before, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	sc.Topology.Edges[0].Latency.Mean = -1
	_ = sc.Validate()
	sc.Topology.Edges[0].Latency.Mean = 0.002
	after, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Errorf("Validate changed the scenario:\n%s\n%s", before, after)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	sc := loadFull(t)
	sc.Settings.EnabledEventMetrics = []scenario.EventMetric{scenario.RqsClock} // full.yml lists llm_cost too
	if w := sc.Warnings(); len(w) != 0 {
		t.Fatalf("full.yml warnings = %v, want none", w)
	}
	sc.Topology.Edges[1].Latency.Distribution = scenario.Poisson
	sc.Topology.Nodes.Servers[1].Endpoints[0].Steps[2].Operation.IOWaitingTime.RV.Distribution = scenario.Poisson
	sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[2].Kind = scenario.IOWait
	w := sc.Warnings()
	wants := []want{
		{srvA + ".server_resources.db_connection_pool", `server "srv-a" has a connection pool but no io_db step uses it`},
		{srvB + ".endpoints[0].steps[2].step_operation.io_waiting_time.distribution", "poisson draws whole seconds, so this step time with mean 0.001 s is mostly 0 s"},
		{"topology_graph.edges[1].latency.distribution", "this latency with mean 0.001 s"},
	}
	if len(w) != len(wants) {
		t.Fatalf("warnings = %v, want %d", w, len(wants))
	}
	for i, wt := range wants {
		if w[i].Path != wt.path || !strings.Contains(w[i].Message, wt.phrase) {
			t.Errorf("warning %d = %v, want %q containing %q", i, w[i], wt.path, wt.phrase)
		}
	}
	if err := sc.Validate(); err != nil {
		t.Errorf("warnings must not make the scenario invalid: %v", err)
	}
}

func TestWarningsTruncationAndEventMetrics(t *testing.T) {
	t.Parallel()
	// Effective means of a normal truncated at 0 by redrawing: with
	// a = mean/sd, mean·(1 + φ(a)/(a·Φ(a))); a = 1 gives ×1.2876 and
	// a = 2 gives ×1.0276; a = 3.16 (full.yml's lb-a) moves it by 0.1 %,
	// under the 1 % threshold (a = 2.3785).
	const lbA = "topology_graph.edges[2].latency"
	tests := []struct {
		name   string
		mutate func(sc *scenario.Scenario)
		want   []want
	}{
		{"OK", func(sc *scenario.Scenario) {}, []want{
			{"sim_settings.enabled_event_metrics[1]", "llm_cost changes nothing: FastSim does not measure it; remove it"},
		}},
		{"TimeDefaultVariance", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = nil
			sc.Topology.Edges[2].Latency.Variance = nil
		}, []want{
			{lbA + ".distribution", "a normal with mean 0.001 and the default variance mean² (sd 0.001) is truncated at 0 by redrawing negative values, which raises its mean to 0.001288 (+29 %); for a mean within 1 % use a variance of at most 1.768e-07, or log_normal, which keeps its mean"},
		}},
		{"TimeGivenVariance", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = nil
			sc.Topology.Edges[2].Latency.Variance = ptr(0.00000025) // sd 0.0005, a = 2
		}, []want{
			{lbA + ".variance", "a normal with mean 0.001 and variance 2.5e-07 (sd 0.0005) is truncated at 0 by redrawing negative values, which raises its mean to 0.001028 (+3 %)"},
		}},
		{"UserCount", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = nil
			sc.Workload.AvgActiveUsers.Variance = ptr(2500.0) // sd 50 = mean
		}, []want{
			{"rqs_input.avg_active_users.variance", "a normal with mean 50 and variance 2500 (sd 50) is truncated at 0 by redrawing negative values, which raises its mean to 64.38 (+29 %)"},
		}},
		{"UserCountDefaultIsMean", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = nil
			sc.Workload.AvgActiveUsers = scenario.RV{Mean: 2, Distribution: scenario.Normal} // sd √2, a = 1.41: φ(a)/Φ(a) = 0.1593
		}, []want{
			{"rqs_input.avg_active_users.distribution", "a normal with mean 2 and the default variance mean (sd 1.414) is truncated at 0 by redrawing negative values, which raises its mean to 2.225 (+11 %)"},
		}},
		{"NoRqsClock", func(sc *scenario.Scenario) {
			sc.Settings.EnabledEventMetrics = []scenario.EventMetric{}
		}, []want{
			{"sim_settings.enabled_event_metrics", "rqs_clock is not listed, but latency is always measured"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := loadFull(t)
			tc.mutate(sc)
			w := sc.Warnings()
			if len(w) != len(tc.want) {
				t.Fatalf("warnings = %v, want %d", w, len(tc.want))
			}
			for i, wt := range tc.want {
				if w[i].Path != wt.path || !strings.Contains(w[i].Message, wt.phrase) {
					t.Errorf("warning %d = %v, want %q containing %q", i, w[i], wt.path, wt.phrase)
				}
			}
		})
	}
}

func TestTruncatedNormalMean(t *testing.T) {
	t.Parallel()
	// Reference values of μ + σφ(a)/Φ(a), a = μ/σ, from the closed form
	// with φ(1) = 0.2419707245, Φ(1) = 0.8413447461, φ(0) = 0.3989422804.
	tests := []struct{ mu, sd, want float64 }{
		{1, 0, 1},
		{1, 1, 1 + 0.2419707245/0.8413447461},
		{0, 1, 0.3989422804 / 0.5}, // |N(0,1)|: sqrt(2/π)
		{10, 1, 10 + 7.69e-23},     // no visible shift
	}
	for _, tc := range tests {
		if got := scenario.TruncatedNormalMean(tc.mu, tc.sd); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("TruncatedNormalMean(%v, %v) = %v, want %v", tc.mu, tc.sd, got, tc.want)
		}
	}
}
