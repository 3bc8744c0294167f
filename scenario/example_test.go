package scenario_test

import (
	"fmt"

	"github.com/fastsim/fastsim/scenario"
)

// Build the spec's single-server scenario in Go and print its shape.
func ExampleBuilder() {
	sc, err := scenario.New().
		Generator("rqs-1", 100, 20).
		Client("client-1").
		Server(scenario.NewServer("srv-1").Cores(2).RAM(2048).
			Endpoint("/API", scenario.CPU(0.001), scenario.RAM(100), scenario.IO(0.1))).
		Edge("gen-client", "rqs-1", "client-1", scenario.ExpRV(0.003)).
		Edge("client-srv", "client-1", "srv-1", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("srv-client", "srv-1", "client-1", scenario.ExpRV(0.003)).
		Horizon(300).
		Spike("spike-1", "client-srv", 100, 160, 0.02).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sc.Topology.Nodes.Servers[0]
	fmt.Println(s.ID, s.Resources.CPUCores, "cores", s.Resources.RAMMB, "MB, endpoint", s.Endpoints[0].Name)
	fmt.Println("dropout", sc.Topology.Edges[0].DropoutRate, sc.Topology.Edges[1].DropoutRate)
	fmt.Println("horizon", sc.Settings.TotalSimulationTime, "sample period", sc.Settings.SamplePeriodS)
	fmt.Println("metrics", sc.Settings.EnabledSampleMetrics, sc.Settings.EnabledEventMetrics)
	// Output:
	// srv-1 2 cores 2048 MB, endpoint /api
	// dropout 0.01 0
	// horizon 300 sample period 0.01
	// metrics [ready_queue_len event_loop_io_sleep ram_in_use edge_concurrent_connection] [rqs_clock]
}

// Validation reports every problem at once, each with its path.
func ExampleDecode() {
	doc := []byte(`
rqs_input:
  id: gen-1
  avg_active_users: { mean: 10 }
  avg_request_per_minute_per_user: { mean: 10, distribution: gamma }
topology_graph:
  nodes:
    client: { id: cli }
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 0 }
        endpoints:
          - endpoint_name: ep
            steps:
              - { kind: cpu_bound_operation, step_operation: { io_waiting_time: 0.1 } }
  edges:
    - { id: e1, source: gen-1, target: cli, latency: { mean: 0.001, distribution: exponential } }
    - { id: e2, source: cli, target: srv-1, latency: { mean: 0.001, distribution: exponential } }
    - { id: e3, source: srv-1, target: cli, latency: { mean: 0.001, distribution: exponential }, dropout: 0 }
sim_settings: { total_simulation_time: 60 }
`)
	_, err := scenario.Decode(doc, scenario.FormatYAML)
	fmt.Println(err)
	// Output:
	// rqs_input.avg_request_per_minute_per_user.distribution: unknown value "gamma"; accepted values: exponential, normal, log_normal, uniform, poisson, deterministic (line 5)
	// topology_graph.nodes.servers[0].server_resources.cpu_cores: must be a whole number >= 1, got 0 (line 11)
	// topology_graph.nodes.servers[0].endpoints[0].steps[0].step_operation.io_waiting_time: does not match kind cpu_bound_operation, which takes cpu_time (line 15)
	// topology_graph.edges[2].dropout: unknown key "dropout" (did you mean "dropout_rate"?); accepted keys: id, source, target, latency, edge_type, dropout_rate (line 19)
}

// Canonical JSON is what a cache key is computed from: defaults are
// filled in and keys come in a fixed order, whatever the input looked like.
func ExampleCanonical() {
	sc, err := scenario.New().
		Generator("gen", 10, 6).
		Client("c").
		Server(scenario.NewServer("s").Endpoint("EP", scenario.CPU(0.01))).
		Edge("e1", "gen", "c", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("e2", "c", "s", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("e3", "s", "c", scenario.DetRV(0.001), scenario.Dropout(0)).
		Horizon(60).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := scenario.Canonical(sc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(c))
	// Output:
	// {"rqs_input":{"id":"gen","avg_active_users":{"mean":10,"distribution":"poisson"},"avg_request_per_minute_per_user":{"mean":6,"distribution":"poisson"},"user_sampling_window":60},"topology_graph":{"nodes":{"client":{"id":"c"},"servers":[{"id":"s","server_resources":{"cpu_cores":1,"ram_mb":1024},"endpoints":[{"endpoint_name":"ep","steps":[{"kind":"cpu_bound_operation","step_operation":{"cpu_time":0.01}}]}]}]},"edges":[{"id":"e1","source":"gen","target":"c","latency":{"mean":0.001,"distribution":"deterministic"},"edge_type":"network_connection","dropout_rate":0},{"id":"e2","source":"c","target":"s","latency":{"mean":0.001,"distribution":"deterministic"},"edge_type":"network_connection","dropout_rate":0},{"id":"e3","source":"s","target":"c","latency":{"mean":0.001,"distribution":"deterministic"},"edge_type":"network_connection","dropout_rate":0}]},"sim_settings":{"total_simulation_time":60,"sample_period_s":0.01,"enabled_sample_metrics":["ready_queue_len","event_loop_io_sleep","ram_in_use","edge_concurrent_connection"],"enabled_event_metrics":["rqs_clock"]}}
}
