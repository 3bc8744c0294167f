package scenario_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// singleServerBuilder builds examples/single_server.yml in Go.
func singleServerBuilder() *scenario.Builder {
	return scenario.New().
		Generator("rqs-1", 100, 30).
		Client("client-1").
		Server(scenario.NewServer("srv-1").RAM(2048).
			Endpoint("/api",
				scenario.CPUStep(scenario.InitialParsing, scenario.Fixed(0.001)),
				scenario.RAM(100),
				scenario.IO(0.1))).
		Edge("gen-to-client", "rqs-1", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("client-to-server", "client-1", "srv-1", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("server-to-client", "srv-1", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Horizon(300).
		SamplePeriod(0.05)
}

func TestBuilderMatchesDecode(t *testing.T) {
	t.Parallel()
	built, err := singleServerBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := decodeFile(filepath.Join("..", "examples", "single_server.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decoded, built); diff != "" {
		t.Errorf("built scenario differs from the YAML one (-yaml +built):\n%s", diff)
	}
}

func TestBuilderFull(t *testing.T) {
	t.Parallel()
	b := scenario.New().
		Workload(scenario.Workload{ID: "gen", AvgActiveUsers: scenario.NormalRV(50, 25), AvgRequestPerMinutePerUser: scenario.PoissonRV(30)}).
		Window(30).
		Client("client").
		LoadBalancer("lb", scenario.LeastConnection, "srv-a", "srv-b").
		Server(scenario.NewServer("srv-a").Cores(2).RAM(1024).DBPool(5).
			WeightedEndpoint("/Read", 0.75,
				scenario.CPUStep(scenario.InitialParsing, scenario.Fixed(0.0005)),
				scenario.RAM(64),
				scenario.IOStep(scenario.IODB, scenario.Random(scenario.LogNormalRV(0.02, 0.0001)))).
			WeightedEndpoint("/write", 0.25,
				scenario.CPUStep(scenario.CPUBoundOperation, scenario.Random(scenario.ExpRV(0.002))),
				scenario.IOStep(scenario.IOCache, scenario.Fixed(0.001)))).
		Server(scenario.NewServer("srv-b").
			Endpoint("/read",
				scenario.CPU(0.001),
				scenario.IOStep(scenario.IOLLM, scenario.Random(scenario.UniformRV(0.5, 0.01))),
				scenario.IOStep(scenario.IOTaskSpawn, scenario.Random(scenario.DetRV(0.001))),
				scenario.IO(0.01))).
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.002), scenario.Dropout(0)).
		Edge("client-lb", "client", "lb", scenario.DetRV(0.001)).
		Edge("lb-a", "lb", "srv-a", scenario.NormalRV(0.001, 0.0000001)).
		Edge("lb-b", "lb", "srv-b", scenario.ExpRV(0.001)).
		Edge("a-client", "srv-a", "client", scenario.ExpRV(0.002)).
		Edge("b-client", "srv-b", "client", scenario.ExpRV(0.002), scenario.Dropout(0.001)).
		Settings(scenario.Settings{
			TotalSimulationTime:  120,
			SamplePeriodS:        0.05,
			EnabledSampleMetrics: []scenario.SampleMetric{scenario.ReadyQueueLen, scenario.RAMInUse},
			EnabledEventMetrics:  []scenario.EventMetric{scenario.RqsClock, scenario.LLMCost},
		}).
		Outage("a-down", "srv-a", 10, 20).
		Outage("b-down", "srv-b", 20, 30).
		Outage("a-down-again", "srv-a", 30, 40).
		Spike("spike", "client-lb", 50, 120, 0.05)
	built, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(loadFull(t), built); diff != "" {
		t.Errorf("built scenario differs from testdata/valid/full.yml (-yaml +built):\n%s", diff)
	}
	// Building again gives an independent copy.
	again, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	again.Topology.Nodes.Servers[0].Endpoints[0].Steps[2].Operation.IOWaitingTime.RV.Mean = 9
	*again.Topology.Nodes.Servers[0].Resources.DBConnectionPool = 9
	if diff := cmp.Diff(loadFull(t), built); diff != "" {
		t.Errorf("changing a second build changed the first:\n%s", diff)
	}
}

func TestBuilderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func() *scenario.Builder
		want  []want
	}{
		{"ErrTwoGenerators", func() *scenario.Builder {
			return singleServerBuilder().Generator("rqs-1", 1, 1)
		}, []want{{"rqs_input", "the generator is set twice"}}},
		{"ErrTwoClients", func() *scenario.Builder {
			return singleServerBuilder().Client("client-1")
		}, []want{{"topology_graph.nodes.client", "the client is set twice"}}},
		{"ErrTwoLoadBalancers", func() *scenario.Builder {
			return singleServerBuilder().LoadBalancer("lb", scenario.RoundRobin).LoadBalancer("lb", scenario.RoundRobin)
		}, []want{
			{"topology_graph.nodes.load_balancer", "the load balancer is set twice"},
			{"topology_graph.nodes.load_balancer.id", `load balancer "lb" has no outgoing edge`},
			{"topology_graph.nodes.load_balancer.id", `load balancer "lb" is not reachable from the generator "rqs-1"`},
		}},
		{"ErrValidation", func() *scenario.Builder {
			return singleServerBuilder().Edge("bad", "srv-1", "client-1", scenario.ExpRV(-1)).Horizon(2)
		}, []want{
			{"topology_graph.edges[3].source", `server "srv-1" already has an outgoing edge (edges[2])`},
			{"topology_graph.edges[3].latency.mean", "must be > 0 for a latency"},
			{"sim_settings.total_simulation_time", "must be a whole number of seconds >= 5, got 2"},
		}},
		{"ErrEmpty", scenario.New, []want{
			{"rqs_input.id", "must not be empty"},
			{"rqs_input.avg_active_users.mean", "must be > 0"},
			{"rqs_input.avg_request_per_minute_per_user.mean", "must be > 0"},
			{"topology_graph.nodes.client.id", "must not be empty"},
			{"topology_graph.nodes.servers", "must list at least one server"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := tt.build().Build()
			if sc != nil {
				t.Errorf("Build returned a scenario with an error")
			}
			checkErrors(t, err, tt.want)
		})
	}
}
