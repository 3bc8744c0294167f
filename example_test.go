package fastsim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

// exampleScenario is a small service: one core, 1 ms of CPU then 100 ms of
// I/O per request, about 33 requests per second, no packet loss.
const exampleScenario = `
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 100 }
  avg_request_per_minute_per_user: { mean: 20 }
topology_graph:
  nodes:
    client: { id: client-1 }
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 1 }
        endpoints:
          - endpoint_name: api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.001 }
              - kind: io_db
                step_operation: { io_waiting_time: 0.1 }
  edges:
    - { id: gen-client, source: rqs-1, target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: client-srv, source: client-1, target: srv-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: srv-client, source: srv-1, target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
sim_settings:
  total_simulation_time: 120
`

func ExampleRun() {
	sc, err := scenario.Decode([]byte(exampleScenario), scenario.FormatYAML)
	if err != nil {
		log.Fatal(err)
	}
	r, err := fastsim.Run(context.Background(), sc, fastsim.WithSeed(1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("completed %d of %d requests\n", r.Counts.Completed, r.Counts.Generated)
	fmt.Printf("latency mean %.1f ms, p99 %.1f ms\n", 1000*r.Latency.Mean, 1000*r.Latency.P99)
	fmt.Printf("throughput %.2f req/s, CPU utilisation %.1f %%\n", r.Throughput.MeanRPS, 100*r.Servers["srv-1"].Utilization)
	// Output:
	// completed 4319 of 4323 requests
	// latency mean 110.1 ms, p99 126.8 ms
	// throughput 35.99 req/s, CPU utilisation 3.6 %
}

func ExampleRunReplications() {
	sc, err := scenario.Decode([]byte(exampleScenario), scenario.FormatYAML)
	if err != nil {
		log.Fatal(err)
	}
	rs, merged, err := fastsim.RunReplications(context.Background(), sc, 5)
	if err != nil {
		log.Fatal(err)
	}
	s := analysis.Summarize(rs)
	fmt.Printf("%d replications, %d requests completed in all\n", len(rs), merged.Counts.Completed)
	fmt.Printf("mean latency %.2f ± %.2f ms (95 %% CI)\n", 1000*s.LatencyMean.Mean, 1000*s.LatencyMean.HalfWidth)
	fmt.Printf("throughput %.2f ± %.2f req/s\n", s.ThroughputRPS.Mean, s.ThroughputRPS.HalfWidth)
	// Output:
	// 5 replications, 19720 requests completed in all
	// mean latency 110.03 ± 0.09 ms (95 % CI)
	// throughput 32.87 ± 1.41 req/s
}

func ExampleReplicationSeed() {
	for i := range 3 {
		fmt.Println(fastsim.ReplicationSeed(fastsim.DefaultSeed, i))
	}
	// Output:
	// 42
	// -4767286540954276203
	// 2949826092126892291
}
