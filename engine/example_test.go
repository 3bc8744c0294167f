package engine_test

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/scenario"
)

// ExampleRun decodes a small scenario (defaults applied, validated) and
// simulates it. With deterministic step times and edges and no dropout,
// every latency is exactly 2 ms of CPU + 10 ms of I/O + 3 × 1 ms of network.
func ExampleRun() {
	doc := []byte(`
rqs_input:
  id: gen
  avg_active_users: { mean: 10 }
  avg_request_per_minute_per_user: { mean: 6 }
topology_graph:
  nodes:
    client: { id: client }
    servers:
      - id: api
        server_resources: { cpu_cores: 4, ram_mb: 1024 }
        endpoints:
          - endpoint_name: /hello
            steps:
              - { kind: initial_parsing, step_operation: { cpu_time: 0.002 } }
              - { kind: io_db, step_operation: { io_waiting_time: 0.010 } }
  edges:
    - { id: in, source: gen, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: req, source: client, target: api, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: resp, source: api, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
sim_settings:
  total_simulation_time: 60
`)
	sc, err := scenario.Decode(doc, scenario.FormatYAML)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := engine.Run(context.Background(), sc, engine.Options{Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("completed %d of %d, dropped %d\n", r.Counts.Completed, r.Counts.Generated, r.Counts.Dropped)
	fmt.Printf("latency min %.3f s, max %.3f s\n", r.Latency.Min, r.Latency.Max)
	// Output:
	// completed 76 of 76, dropped 0
	// latency min 0.015 s, max 0.015 s
}
