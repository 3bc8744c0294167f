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
