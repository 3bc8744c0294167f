package scenario_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// TestBuilderOverload builds testdata/valid/overload.yml, which sets every
// key of spec §12 and §13's autoscaling and cost, with the Builder.
func TestBuilderOverload(t *testing.T) {
	t.Parallel()
	det := scenario.DetRV
	exp := scenario.ExpRV
	startup := scenario.Random(scenario.UniformRV(20, 12))
	catalogStartup := scenario.Fixed(5)
	downCooldown := 120.0
	catalogCall := scenario.CallTo("catalog-lb", "/items").
		WithTimeout(0.5).
		WithRetry(scenario.RetryOf(2, scenario.JitterNone)).
		WithBreaker(scenario.CircuitBreaker{FailureRate: 1})
	built, err := scenario.New().
		Generator("gen", 50, 60).
		Client("client").
		ClientTimeout(2).
		ClientRetry(scenario.RetryOf(3, scenario.JitterEqual).WithBackoff(0.05, 3, 1).
			WithRetryOn(scenario.OutcomeTimedOut, scenario.OutcomeRejected)).
		ClientBreaker(scenario.CircuitBreaker{FailureRate: 0.4, MinCalls: 10, WindowS: 30, OpenS: 8, HalfOpenCalls: 2}).
		LoadBalancer("edge-lb", "").
		LBRateLimit("edge-lb", 400, 50).
		AddLoadBalancer("catalog-lb", scenario.LeastConnection).
		LBRateLimit("catalog-lb", 0.5, 0).
		Server(scenario.NewServer("api").Cores(2).RAM(2048).Replicas(3).
			Autoscale(scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 8, Metric: scenario.MetricUtilization, Target: 0.6,
				EveryS: 10, UpCooldownS: 30, DownCooldownS: &downCooldown, StartupS: &startup}).
			CostPerReplicaHour(0.096).
			RateLimit(250, 0).
			MaxConcurrency(200).
			MaxQueue(50).
			FailingEndpoint("/page", 0.001,
				scenario.CPU(0.002),
				scenario.CallStepOf(catalogCall),
				scenario.Parallel(scenario.CallTo("catalog-lb", "/items").WithTimeout(0.25).WithOnFailure(scenario.ContinueOnFailure)))).
		Server(scenario.NewServer("catalog").
			Autoscale(scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 4, Metric: scenario.MetricConcurrency, Target: 20, StartupS: &catalogStartup}).
			CostPerReplicaHour(0).
			MaxQueue(0).
			FailingEndpoint("/items", 0.05, scenario.CPU(0.004))).
		Edge("gen-client", "gen", "client", det(0.001), scenario.Dropout(0)).
		Edge("client-lb", "client", "edge-lb", exp(0.003), scenario.Dropout(0.001)).
		Edge("lb-api", "edge-lb", "api", det(0.0002), scenario.Dropout(0)).
		Edge("api-client", "api", "client", exp(0.003), scenario.Dropout(0)).
		Edge("api-catalog-lb", "api", "catalog-lb", det(0.0005), scenario.Dropout(0.001)).
		Edge("catalog-lb-catalog", "catalog-lb", "catalog", det(0.0002), scenario.Dropout(0)).
		Edge("catalog-api", "catalog", "api", det(0.0005), scenario.Dropout(0)).
		Horizon(600).
		Outage("api-3-down", "api#8", 100, 160).
		Outage("catalog-down", "catalog", 300, 330).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := decodeFile(filepath.Join("testdata", "valid", "overload.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decoded, built); diff != "" {
		t.Errorf("built scenario differs from the YAML one (-yaml +built):\n%s", diff)
	}
}

// TestBuilderOverloadErrors: the Builder's own misuse and the validator's
// rules reach Build's error with their paths.
func TestBuilderOverloadErrors(t *testing.T) {
	t.Parallel()
	_, err := scenario.New().
		Generator("gen", 10, 60).
		Client("client").
		ClientRetry(scenario.RetryOf(0, scenario.JitterFull)).
		LBRateLimit("nowhere", 10, 0).
		Server(scenario.NewServer("srv").MaxQueue(-1).FailingEndpoint("/x", 1.5, scenario.CPU(0.01))).
		Edge("gen-client", "gen", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("client-srv", "client", "srv", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("srv-client", "srv", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Build()
	if err == nil {
		t.Fatal("Build accepted a scenario with four errors")
	}
	for _, want := range []string{
		`load balancer "nowhere", which is not added yet`,
		"topology_graph.nodes.client.retry.max_attempts",
		"server_resources.max_queue",
		"endpoints[0].error_rate",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}
