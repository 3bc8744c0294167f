package testenv

import (
	"fmt"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// OneServerYAML is a scenario with one server (a 1 ms CPU step then a
// 50 ms I/O wait on 4 cores) behind the client; users sets the load (about
// users/3 requests per second, so 6000 users make some 18 000 events per
// simulated second) and horizon the simulated seconds.
func OneServerYAML(users, horizon int) string {
	return fmt.Sprintf(`
rqs_input:
  id: gen
  avg_active_users: { mean: %d }
  avg_request_per_minute_per_user: { mean: 20 }
topology_graph:
  nodes:
    client: { id: client }
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 4, ram_mb: 4096 }
        endpoints:
          - endpoint_name: api
            steps:
              - { kind: initial_parsing, step_operation: { cpu_time: 0.001 } }
              - { kind: io_db, step_operation: { io_waiting_time: 0.05 } }
  edges:
    - { id: gen-client, source: gen, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: client-srv, source: client, target: srv-1, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: srv-client, source: srv-1, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
sim_settings:
  total_simulation_time: %d
  sample_period_s: 0.1
`, users, horizon)
}

// Canonical decodes the YAML scenario yml and returns it with its
// canonical JSON (the body the API and the job queue carry). An invalid
// scenario fails the test.
func Canonical(t testing.TB, yml string) (*scenario.Scenario, []byte) {
	t.Helper()
	sc, err := scenario.Decode([]byte(yml), scenario.FormatYAML)
	if err != nil {
		t.Fatalf("testenv: decode scenario: %v", err)
	}
	b, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatalf("testenv: canonical scenario: %v", err)
	}
	return sc, b
}

// MMc is an M/M/c queue for sizing studies: Poisson arrivals at 500 req/s
// (a constant 500 users sending a Poisson 60 requests a minute each) to
// one server, srv-1, whose single endpoint takes an exponential CPU time
// of mean 10 ms, with 0.1 ms deterministic hops, over horizon simulated
// seconds. It is analysis's TestSizeCoresMMc scenario: by Erlang C,
// p95 ≤ 37.5 ms needs 7 cores.
func MMc(t testing.TB, horizon int) *scenario.Scenario {
	t.Helper()
	const hop = 0.0001
	cpu := scenario.ExpRV(0.01)
	sc, err := scenario.New().
		Workload(scenario.Workload{ID: "gen", AvgActiveUsers: scenario.NormalRV(500, 0), AvgRequestPerMinutePerUser: scenario.PoissonRV(60)}).
		Client("client").
		Edge("gen-client", "gen", "client", scenario.DetRV(hop), scenario.Dropout(0)).
		Horizon(horizon).
		SamplePeriod(0.1).
		Server(scenario.NewServer("srv-1").Endpoint("work", scenario.CPUStep(scenario.CPUBoundOperation, scenario.Quantity{Value: cpu.Mean, RV: &cpu}))).
		Edge("client-srv-1", "client", "srv-1", scenario.DetRV(hop), scenario.Dropout(0)).
		Edge("srv-1-client", "srv-1", "client", scenario.DetRV(hop), scenario.Dropout(0)).
		Build()
	if err != nil {
		t.Fatalf("testenv: build the M/M/c scenario: %v", err)
	}
	return sc
}
