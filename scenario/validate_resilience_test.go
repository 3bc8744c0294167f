package scenario_test

import (
	"math"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// Paths into testdata/valid/overload.yml.
const (
	clientP  = "topology_graph.nodes.client"
	apiP     = "topology_graph.nodes.servers[0]"
	catP     = "topology_graph.nodes.servers[1]"
	callP    = apiP + ".endpoints[0].steps[1].step_operation.call"
	edgeLBP  = "topology_graph.nodes.load_balancer"
	catLBP   = "topology_graph.nodes.load_balancers[0]"
	apiScale = apiP + ".autoscaling"
)

// TestValidateOverloadRules checks every rule of spec §12 and §13's
// autoscaling and cost on overload.yml, each at its boundary (accepted)
// and just beyond it (refused, with its path).
func TestValidateOverloadRules(t *testing.T) {
	t.Parallel()
	type sc = scenario.Scenario
	client := func(s *sc) *scenario.Client { return &s.Topology.Nodes.Client }
	api := func(s *sc) *scenario.Server { return &s.Topology.Nodes.Servers[0] }
	cat := func(s *sc) *scenario.Server { return &s.Topology.Nodes.Servers[1] }
	call := func(s *sc) *scenario.Call { return api(s).Endpoints[0].Steps[1].Operation.Call }
	tests := []struct {
		name   string
		mutate func(s *sc)
		want   []want
	}{
		{"OK", func(*sc) {}, nil},
		// timeout_s
		{"OKTimeoutTiny", func(s *sc) { client(s).TimeoutS = ptr(1e-9) }, nil},
		{"ErrTimeoutZero", func(s *sc) { client(s).TimeoutS = ptr(0.0) }, []want{{clientP + ".timeout_s", "must be a positive number of seconds, got 0"}}},
		{"ErrTimeoutInf", func(s *sc) { call(s).TimeoutS = ptr(math.Inf(1)) }, []want{{callP + ".timeout_s", "must be a finite number"}}},
		// retry
		{"OKMaxAttemptsBounds", func(s *sc) { client(s).Retry.MaxAttempts = 1; call(s).Retry.MaxAttempts = scenario.MaxRetryAttempts }, nil},
		{"ErrMaxAttemptsZero", func(s *sc) { client(s).Retry.MaxAttempts = 0 }, []want{{clientP + ".retry.max_attempts", "must be a whole number in 1..100"}}},
		{"ErrMaxAttemptsTooMany", func(s *sc) { call(s).Retry.MaxAttempts = 101 }, []want{{callP + ".retry.max_attempts", "got 101"}}},
		{"OKBackoffZeroes", func(s *sc) {
			b := &client(s).Retry.Backoff
			b.InitialS, b.MaxS, b.Multiplier = ptr(0.0), ptr(0.0), 1
		}, nil},
		{"ErrInitialNegative", func(s *sc) { client(s).Retry.Backoff.InitialS = ptr(-0.1) }, []want{{clientP + ".retry.backoff.initial_s", "must be >= 0 seconds"}}},
		{"ErrMultiplierBelowOne", func(s *sc) { client(s).Retry.Backoff.Multiplier = 0.99 }, []want{{clientP + ".retry.backoff.multiplier", "must be >= 1, got 0.99"}}},
		{"ErrMaxBelowInitial", func(s *sc) { client(s).Retry.Backoff.MaxS = ptr(0.04) }, []want{{clientP + ".retry.backoff.max_s", "must be >= initial_s (0.05), got 0.04"}}},
		{"ErrJitter", func(s *sc) { client(s).Retry.Backoff.Jitter = "half" }, []want{{clientP + ".retry.backoff.jitter", `unknown value "half"; accepted values: none, full, equal`}}},
		{"ErrBackoffUnset", func(s *sc) { client(s).Retry.Backoff = scenario.Backoff{Multiplier: 2, Jitter: scenario.JitterFull} }, []want{
			{clientP + ".retry.backoff.initial_s", "is missing (call ApplyDefaults"},
			{clientP + ".retry.backoff.max_s", "is missing (call ApplyDefaults"},
		}},
		{"ErrRetryOnEmpty", func(s *sc) { client(s).Retry.RetryOn = []scenario.Outcome{} }, []want{{clientP + ".retry.retry_on", "must list at least one outcome"}}},
		{"ErrRetryOnCompleted", func(s *sc) { client(s).Retry.RetryOn = []scenario.Outcome{scenario.OutcomeCompleted} }, []want{{clientP + ".retry.retry_on[0]", `unknown value "completed"`}}},
		{"ErrRetryOnDropped", func(s *sc) { client(s).Retry.RetryOn = []scenario.Outcome{scenario.OutcomeDropped} }, []want{{clientP + ".retry.retry_on[0]", `unknown value "dropped"; accepted values: timed_out, rejected, failed`}}},
		{"ErrRetryOnTwice", func(s *sc) {
			call(s).Retry.RetryOn = []scenario.Outcome{scenario.OutcomeRejected, scenario.OutcomeRejected}
		}, []want{{callP + ".retry.retry_on[1]", "rejected is listed twice"}}},
		// circuit breaker
		{"OKBreakerBounds", func(s *sc) {
			*client(s).CircuitBreaker = scenario.CircuitBreaker{FailureRate: 1e-9, MinCalls: 1, WindowS: 1e-9, OpenS: 1e-9, HalfOpenCalls: 1}
		}, nil},
		{"ErrBreakerRanges", func(s *sc) {
			*client(s).CircuitBreaker = scenario.CircuitBreaker{FailureRate: 1.01, MinCalls: -1, WindowS: 0, OpenS: -1, HalfOpenCalls: 0}
		}, []want{
			{clientP + ".circuit_breaker.failure_rate", "must be a share in (0, 1], got 1.01"},
			{clientP + ".circuit_breaker.min_calls", "must be a whole number >= 1, got -1"},
			{clientP + ".circuit_breaker.window_s", "must be a positive number of seconds, got 0"},
			{clientP + ".circuit_breaker.open_s", "must be a positive number of seconds, got -1"},
			{clientP + ".circuit_breaker.half_open_calls", "must be a whole number >= 1, got 0"},
		}},
		{"ErrCallBreakerRateZero", func(s *sc) { call(s).CircuitBreaker.FailureRate = 0 }, []want{{callP + ".circuit_breaker.failure_rate", "got 0"}}},
		{"ErrBreakerNaN", func(s *sc) { call(s).CircuitBreaker.WindowS = math.NaN() }, []want{{callP + ".circuit_breaker.window_s", "must be a finite number"}}},
		// admission
		{"OKAdmissionBounds", func(s *sc) { api(s).Resources.MaxConcurrency, api(s).Resources.MaxQueue = ptr(1), ptr(0) }, nil},
		{"ErrAdmission", func(s *sc) { api(s).Resources.MaxConcurrency, api(s).Resources.MaxQueue = ptr(0), ptr(-1) }, []want{
			{apiP + ".server_resources.max_concurrency", "must be a whole number >= 1 when set, got 0"},
			{apiP + ".server_resources.max_queue", "must be a whole number >= 0 when set, got -1"},
		}},
		// error_rate
		{"OKErrorRateBounds", func(s *sc) { api(s).Endpoints[0].ErrorRate, cat(s).Endpoints[0].ErrorRate = 0, 1 }, nil},
		{"ErrErrorRate", func(s *sc) { cat(s).Endpoints[0].ErrorRate = 1.0001 }, []want{{catP + ".endpoints[0].error_rate", "must be a probability in [0, 1], got 1.0001"}}},
		// rate limits
		{"OKRateLimitBounds", func(s *sc) {
			*api(s).RateLimit = scenario.RateLimit{RPS: scenario.MaxRequestRate, Burst: 1}
			*s.Topology.Nodes.LoadBalancer.RateLimit = scenario.RateLimit{RPS: 1e-6, Burst: 1}
		}, nil},
		{"ErrRateLimitServer", func(s *sc) { *api(s).RateLimit = scenario.RateLimit{RPS: 0, Burst: 0.99} }, []want{
			{apiP + ".rate_limit.rps", "must be a number of requests per second in (0, 1e+08], got 0"},
			{apiP + ".rate_limit.burst", "must be >= 1"},
		}},
		{"ErrRateLimitLB", func(s *sc) { s.Topology.Nodes.LoadBalancer.RateLimit.RPS = -1 }, []want{{edgeLBP + ".rate_limit.rps", "got -1"}}},
		{"ErrRateLimitLBs", func(s *sc) { s.Topology.Nodes.LoadBalancers[0].RateLimit.Burst = 0 }, []want{{catLBP + ".rate_limit.burst", "got 0"}}},
		{"OKRateLimitBurstDefault", func(s *sc) {
			rl := &scenario.RateLimit{RPS: 0.25}
			s.Topology.Nodes.LoadBalancers[0].RateLimit = rl
			s.ApplyDefaults()
			if rl.Burst != 1 {
				t.Errorf("burst for rps 0.25 = %v, want max(1, rps) = 1", rl.Burst)
			}
		}, nil},
		// autoscaling and replicas
		{"OKReplicasAtBounds", func(s *sc) { api(s).Replicas = ptr(8) }, nil},
		{"OKMinEqualsMax", func(s *sc) {
			a := api(s).Autoscaling
			a.MinReplicas, a.MaxReplicas = 3, 3
			s.Events[0].TargetID = "api#3"
		}, nil},
		{"OKMaxReplicasBound", func(s *sc) { api(s).Autoscaling.MaxReplicas = scenario.MaxReplicas }, nil},
		{"ErrReplicasBelowMin", func(s *sc) { api(s).Replicas = ptr(1) }, []want{{apiP + ".replicas", "must be in min_replicas..max_replicas (2..8) with autoscaling, got 1"}}},
		{"ErrReplicasAboveMax", func(s *sc) { api(s).Replicas = ptr(9) }, []want{{apiP + ".replicas", "got 9"}}},
		{"ErrMinReplicas", func(s *sc) { api(s).Autoscaling.MinReplicas = 0 }, []want{{apiScale + ".min_replicas", "must be a whole number in 1..1000, got 0"}}},
		{"ErrMaxBelowMin", func(s *sc) {
			api(s).Autoscaling.MaxReplicas = 2
			api(s).Autoscaling.MinReplicas = 3
			s.Events[0].TargetID = "api"
		},
			[]want{{apiScale + ".max_replicas", "must be >= min_replicas (3), got 2"}}},
		{"ErrMaxReplicasTooMany", func(s *sc) { api(s).Autoscaling.MaxReplicas = scenario.MaxReplicas + 1; s.Events[0].TargetID = "api" }, []want{{apiScale + ".max_replicas", "must be a whole number in 1..1000, got 1001"}}},
		{"ErrMetric", func(s *sc) { api(s).Autoscaling.Metric = "cpu" }, []want{{apiScale + ".metric", `unknown value "cpu"; accepted values: utilization, concurrency`}}},
		{"OKUtilizationTargetOne", func(s *sc) { api(s).Autoscaling.Target = 1 }, nil},
		{"ErrUtilizationTargetAboveOne", func(s *sc) { api(s).Autoscaling.Target = 1.01 }, []want{{apiScale + ".target", "must be in (0, 1] for metric utilization"}}},
		{"OKConcurrencyTargetLarge", func(s *sc) { cat(s).Autoscaling.Target = 500 }, nil},
		{"ErrTargetZero", func(s *sc) { cat(s).Autoscaling.Target = 0 }, []want{{catP + ".autoscaling.target", "must be > 0, got 0"}}},
		{"OKTimesAtBounds", func(s *sc) {
			a := api(s).Autoscaling
			a.EveryS, a.UpCooldownS, a.DownCooldownS = scenario.MinAutoscalingEveryS, 0, ptr(0.0)
			zero := scenario.Fixed(0)
			a.StartupS = &zero
		}, nil},
		{"ErrTimes", func(s *sc) {
			a := api(s).Autoscaling
			a.EveryS, a.UpCooldownS, a.DownCooldownS = 0.009, -1, ptr(-1.0)
			neg := scenario.Fixed(-0.5)
			a.StartupS = &neg
		}, []want{
			{apiScale + ".every_s", "must be a number of seconds >= 0.01, got 0.009"},
			{apiScale + ".up_cooldown_s", "must be >= 0 seconds, got -1"},
			{apiScale + ".down_cooldown_s", "must be >= 0 seconds, got -1"},
			{apiScale + ".startup_s", "must be a number of seconds >= 0"},
		}},
		{"ErrStartupRV", func(s *sc) { api(s).Autoscaling.StartupS.RV.Variance = ptr(200.0) }, []want{{apiScale + ".startup_s.variance", "would draw negative times"}}},
		{"OKStartupNil", func(s *sc) { api(s).Autoscaling.StartupS = nil }, nil},
		{"ErrCost", func(s *sc) { api(s).CostPerReplicaHour = ptr(-0.01) }, []want{{apiP + ".cost_per_replica_hour", "must be >= 0, got -0.01"}}},
		{"ErrCostInf", func(s *sc) { api(s).CostPerReplicaHour = ptr(math.Inf(1)) }, []want{{apiP + ".cost_per_replica_hour", "must be a finite number"}}},
		// an autoscaled server is reached only through a load balancer
		{"ErrAutoscaledWithoutLB", func(s *sc) { call(s).Target = "catalog" }, []want{
			{callP + ".target", `server "catalog" has autoscaling and is reached only through a load balancer; call a load balancer that covers it`},
			{callP + ".target", `there is no edge from "api" to "catalog"`},
		}},
		// events on instances: k in 1..max_replicas
		{"OKEventLastInstance", func(s *sc) { s.Events[1].TargetID = "catalog#4" }, nil},
		{"ErrEventInstanceBeyondMax", func(s *sc) { s.Events[1].TargetID = "catalog#5" }, []want{
			{"events[1].target_id", `"catalog#5" is not an instance of server "catalog", whose instances are catalog#1..catalog#4; use one of them, or "catalog" for every instance`},
		}},
		{"ErrEventInstanceZero", func(s *sc) { s.Events[0].TargetID = "api#0" }, []want{{"events[0].target_id", `"api#0" is not an instance of server "api"`}}},
		{"ErrEventUnknown", func(s *sc) { s.Events[0].TargetID = "web" }, []want{
			{"events[0].target_id", `"web" is not a server; a server_down event targets one of: api (or one instance api#1..api#8), catalog (or one instance catalog#1..catalog#4)`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := loadOverload(t)
			tt.mutate(s)
			checkErrors(t, s.Validate(), tt.want)
		})
	}
}

// TestOverloadWarnings checks that only a call without timeout_s over a
// lossy edge draws the dropout warning.
func TestOverloadWarnings(t *testing.T) {
	t.Parallel()
	s := loadOverload(t)
	s.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.Call.TimeoutS = nil
	w := s.Warnings()
	if len(w) != 1 || w[0].Path != callP || !strings.Contains(w[0].Message, "has no timeout") || !strings.Contains(w[0].Message, "set timeout_s on the call") {
		t.Errorf("warnings = %v, want one about the call without timeout_s", w)
	}
}
