package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/fastsim/fastsim/scenario"
)

// loadOverload decodes testdata/valid/overload.yml, which uses every key
// of spec §12 and §13's autoscaling and cost.
func loadOverload(t *testing.T) *scenario.Scenario {
	t.Helper()
	sc, err := decodeFile(filepath.Join("testdata", "valid", "overload.yml"))
	if err != nil {
		t.Fatalf("overload.yml: %v", err)
	}
	return sc
}

// TestDecodeOverload checks the value of every key of overload.yml and
// the defaults of the keys it leaves out.
func TestDecodeOverload(t *testing.T) {
	t.Parallel()
	sc := loadOverload(t)
	ns := sc.Topology.Nodes
	wantClient := scenario.Client{
		ID:       "client",
		TimeoutS: ptr(2.0),
		Retry: &scenario.Retry{
			MaxAttempts: 3,
			Backoff:     scenario.Backoff{InitialS: ptr(0.05), Multiplier: 3, MaxS: ptr(1.0), Jitter: scenario.JitterEqual},
			RetryOn:     []scenario.Outcome{scenario.OutcomeTimedOut, scenario.OutcomeRejected},
		},
		CircuitBreaker: &scenario.CircuitBreaker{FailureRate: 0.4, MinCalls: 10, WindowS: 30, OpenS: 8, HalfOpenCalls: 2},
	}
	if diff := cmp.Diff(wantClient, ns.Client); diff != "" {
		t.Errorf("client (-want +got):\n%s", diff)
	}
	// Absent keys take the defaults of spec §12.
	wantCall := scenario.Call{
		Target: "catalog-lb", Endpoint: "/items", OnFailure: scenario.FailOnFailure, TimeoutS: ptr(0.5),
		Retry: &scenario.Retry{
			MaxAttempts: 2,
			Backoff:     scenario.Backoff{InitialS: ptr(0.1), Multiplier: 2, MaxS: ptr(10.0), Jitter: scenario.JitterNone},
			RetryOn:     []scenario.Outcome{scenario.OutcomeTimedOut, scenario.OutcomeRejected, scenario.OutcomeFailed},
		},
		CircuitBreaker: &scenario.CircuitBreaker{FailureRate: 1, MinCalls: 20, WindowS: 10, OpenS: 5, HalfOpenCalls: 1},
	}
	api := ns.Servers[0]
	if diff := cmp.Diff(wantCall, *api.Endpoints[0].Steps[1].Operation.Call); diff != "" {
		t.Errorf("call (-want +got):\n%s", diff)
	}
	par := api.Endpoints[0].Steps[2].Operation.Calls[0]
	if *par.TimeoutS != 0.25 || par.Retry != nil || par.CircuitBreaker != nil || par.OnFailure != scenario.ContinueOnFailure {
		t.Errorf("parallel call = %+v", par)
	}
	if r := api.Resources; *r.MaxConcurrency != 200 || *r.MaxQueue != 50 {
		t.Errorf("api admission = %d, %d, want 200, 50", *r.MaxConcurrency, *r.MaxQueue)
	}
	if got := api.Endpoints[0].ErrorRate; got != 0.001 {
		t.Errorf("error_rate = %v, want 0.001", got)
	}
	if diff := cmp.Diff(&scenario.RateLimit{RPS: 250, Burst: 250}, api.RateLimit); diff != "" {
		t.Errorf("api rate_limit, burst defaulting to rps (-want +got):\n%s", diff)
	}
	startup := scenario.Random(scenario.RV{Mean: 20, Distribution: scenario.Uniform, Variance: ptr(12.0)})
	wantAPI := &scenario.Autoscaling{
		MinReplicas: 2, MaxReplicas: 8, Metric: scenario.MetricUtilization, Target: 0.6, EveryS: 10,
		UpCooldownS: 30, DownCooldownS: ptr(120.0), StartupS: &startup,
	}
	if diff := cmp.Diff(wantAPI, api.Autoscaling); diff != "" {
		t.Errorf("api autoscaling (-want +got):\n%s", diff)
	}
	if *api.CostPerReplicaHour != 0.096 || *api.Replicas != 3 || api.ReplicaCount() != 3 || api.MaxInstances() != 8 {
		t.Errorf("api cost %v, replicas %d, ReplicaCount %d, MaxInstances %d; want 0.096, 3, 3, 8",
			*api.CostPerReplicaHour, *api.Replicas, api.ReplicaCount(), api.MaxInstances())
	}
	cat := ns.Servers[1]
	fixed5 := scenario.Fixed(5)
	wantCat := &scenario.Autoscaling{
		MinReplicas: 1, MaxReplicas: 4, Metric: scenario.MetricConcurrency, Target: 20, EveryS: 15,
		UpCooldownS: 0, DownCooldownS: ptr(300.0), StartupS: &fixed5,
	}
	if diff := cmp.Diff(wantCat, cat.Autoscaling); diff != "" {
		t.Errorf("catalog autoscaling, defaults of every_s and cooldowns (-want +got):\n%s", diff)
	}
	// Without replicas, an autoscaled server starts with min_replicas.
	if cat.Replicas == nil || *cat.Replicas != 1 || cat.MaxInstances() != 4 {
		t.Errorf("catalog replicas = %v, MaxInstances %d; want 1 (min_replicas), 4", cat.Replicas, cat.MaxInstances())
	}
	if *cat.CostPerReplicaHour != 0 || *cat.Resources.MaxQueue != 0 || cat.Resources.MaxConcurrency != nil {
		t.Errorf("catalog cost %v, max_queue %v, max_concurrency %v; want 0, 0, nil", *cat.CostPerReplicaHour, *cat.Resources.MaxQueue, cat.Resources.MaxConcurrency)
	}
	if diff := cmp.Diff(&scenario.RateLimit{RPS: 400, Burst: 50}, ns.LoadBalancer.RateLimit); diff != "" {
		t.Errorf("load_balancer rate_limit (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&scenario.RateLimit{RPS: 0.5, Burst: 1}, ns.LoadBalancers[0].RateLimit); diff != "" {
		t.Errorf("load_balancers[0] rate_limit, burst max(1, rps) (-want +got):\n%s", diff)
	}
	// Instances count max_replicas: 8 + 4.
	if got := sc.InstanceCount(); got != 12 {
		t.Errorf("InstanceCount = %d, want 12", got)
	}
	if !sc.HasServiceGraph() {
		t.Error("HasServiceGraph = false")
	}
	// Both calls have a timeout: no dropout warning despite dropout_rate 0.001.
	if w := sc.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	again := sc.Clone()
	again.ApplyDefaults()
	if diff := cmp.Diff(sc, again); diff != "" {
		t.Errorf("ApplyDefaults changed a decoded scenario:\n%s", diff)
	}
}

// TestOverloadRoundTrips checks decode → encode → decode through the
// canonical JSON, through the JSON of MarshalJSON read as YAML, and
// through go.yaml.in/yaml/v3.
func TestOverloadRoundTrips(t *testing.T) {
	t.Parallel()
	sc := loadOverload(t)
	checkRoundTrip(t, sc)
	out, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scenario.Decode(out, scenario.FormatYAML)
	if err != nil {
		t.Fatalf("marshalled YAML does not decode: %v\n%s", err, out)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("YAML round trip (-want +got):\n%s", diff)
	}
}

// TestOverloadCanonicalEquivalent checks that writing a default and
// leaving it out give the same canonical bytes.
func TestOverloadCanonicalEquivalent(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "valid", "overload.yml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	swap := func(old, new string) string {
		t.Helper()
		if !strings.Contains(doc, old) {
			t.Fatalf("overload.yml has no %q", old)
		}
		return strings.Replace(doc, old, new, 1)
	}
	explicit := swap("retry: { max_attempts: 2, backoff: { jitter: none } }",
		"retry: { max_attempts: 2, backoff: { initial_s: 0.1, multiplier: 2, max_s: 10, jitter: none }, retry_on: [timed_out, rejected, failed] }")
	explicit = strings.Replace(explicit, "circuit_breaker: { failure_rate: 1 }",
		"circuit_breaker: { failure_rate: 1, min_calls: 20, window_s: 10, open_s: 5, half_open_calls: 1 }", 1)
	explicit = strings.Replace(explicit, "rate_limit: { rps: 0.5 }", "rate_limit: { rps: 0.5, burst: 1 }", 1)
	explicit = strings.Replace(explicit, "autoscaling: { min_replicas: 1, max_replicas: 4, metric: concurrency, target: 20, startup_s: 5 }",
		"replicas: 1\n        autoscaling: { min_replicas: 1, max_replicas: 4, metric: concurrency, target: 20, startup_s: 5, every_s: 15, up_cooldown_s: 0, down_cooldown_s: 300 }", 1)
	canon := func(doc string) string {
		t.Helper()
		sc, err := scenario.Decode([]byte(doc), scenario.FormatYAML)
		if err != nil {
			t.Fatal(err)
		}
		c, err := scenario.Canonical(sc)
		if err != nil {
			t.Fatal(err)
		}
		return string(c)
	}
	if a, b := canon(doc), canon(explicit); a != b {
		t.Errorf("canonical forms differ:\n%s\n%s", a, b)
	}
}

// TestOverloadClone checks that Clone copies every pointer and slice of
// the new keys: changing the copy leaves the original alone.
func TestOverloadClone(t *testing.T) {
	t.Parallel()
	sc := loadOverload(t)
	orig := loadOverload(t)
	c := sc.Clone()
	ns := &c.Topology.Nodes
	*ns.Client.TimeoutS = 9
	*ns.Client.Retry.Backoff.InitialS = 9
	*ns.Client.Retry.Backoff.MaxS = 9
	ns.Client.Retry.RetryOn[0] = scenario.OutcomeFailed
	ns.Client.CircuitBreaker.MinCalls = 9
	api := &ns.Servers[0]
	*api.Resources.MaxConcurrency = 9
	*api.Resources.MaxQueue = 9
	api.RateLimit.RPS = 9
	api.Autoscaling.MaxReplicas = 9
	*api.Autoscaling.DownCooldownS = 9
	api.Autoscaling.StartupS.RV.Mean = 9
	*api.Autoscaling.StartupS.RV.Variance = 9
	*api.CostPerReplicaHour = 9
	call := api.Endpoints[0].Steps[1].Operation.Call
	*call.TimeoutS = 9
	*call.Retry.Backoff.InitialS = 9
	call.Retry.RetryOn[0] = scenario.OutcomeFailed
	call.CircuitBreaker.OpenS = 9
	*api.Endpoints[0].Steps[2].Operation.Calls[0].TimeoutS = 9
	ns.LoadBalancer.RateLimit.Burst = 9
	ns.LoadBalancers[0].RateLimit.Burst = 9
	if diff := cmp.Diff(orig, sc); diff != "" {
		t.Errorf("changing the clone changed the original (-want +got):\n%s", diff)
	}
}

// TestReplicaCount checks ReplicaCount, MaxInstances and InstanceCount
// with and without autoscaling, before and after ApplyDefaults.
func TestReplicaCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		s                  scenario.Server
		replicas, maxInsts int
	}{
		{"Plain", scenario.Server{}, 1, 1},
		{"Replicas", scenario.Server{Replicas: ptr(3)}, 3, 3},
		{"AutoscalingDefault", scenario.Server{Autoscaling: &scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 5}}, 2, 5},
		{"AutoscalingReplicas", scenario.Server{Replicas: ptr(4), Autoscaling: &scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 5}}, 4, 5},
		{"AutoscalingInvalidMin", scenario.Server{Autoscaling: &scenario.Autoscaling{MinReplicas: 0, MaxReplicas: 5}}, 1, 5},
		{"AutoscalingMaxBelowReplicas", scenario.Server{Replicas: ptr(7), Autoscaling: &scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 5}}, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.ReplicaCount(); got != tt.replicas {
				t.Errorf("ReplicaCount = %d, want %d", got, tt.replicas)
			}
			if got := tt.s.MaxInstances(); got != tt.maxInsts {
				t.Errorf("MaxInstances = %d, want %d", got, tt.maxInsts)
			}
			sc := &scenario.Scenario{Topology: scenario.Topology{Nodes: scenario.Nodes{Servers: []scenario.Server{tt.s, tt.s}}}}
			if got := sc.InstanceCount(); got != 2*tt.maxInsts {
				t.Errorf("InstanceCount = %d, want %d", got, 2*tt.maxInsts)
			}
			sc.ApplyDefaults()
			if got := sc.Topology.Nodes.Servers[0].ReplicaCount(); got != tt.replicas {
				t.Errorf("ReplicaCount after ApplyDefaults = %d, want %d", got, tt.replicas)
			}
		})
	}
}

// TestDecodeOverloadExplicitZero checks that a key written as 0 where 0 is
// out of range is reported, not replaced by its default, and a few other
// decoding rules of the new keys on the smallest document.
func TestDecodeOverloadExplicitZero(t *testing.T) {
	t.Parallel()
	minimal := string(readFile(t, filepath.Join("testdata", "valid", "minimal.yml")))
	client := func(keys string) string {
		return strings.Replace(minimal, "client: { id: client }", "client: { id: client, "+keys+" }", 1)
	}
	const c = "topology_graph.nodes.client"
	tests := []struct {
		name string
		doc  string
		want []want
	}{
		{"OKDefaults", client("timeout_s: 1, retry: { max_attempts: 1 }, circuit_breaker: {}"), nil},
		{"ErrMultiplierZero", client("retry: { max_attempts: 2, backoff: { multiplier: 0 } }"),
			[]want{{c + ".retry.backoff.multiplier", "must be >= 1, got 0"}}},
		{"ErrBreakerZeroes", client("circuit_breaker: { failure_rate: 0, min_calls: 0, window_s: 0, open_s: 0, half_open_calls: 0 }"), []want{
			{c + ".circuit_breaker.failure_rate", "got 0"},
			{c + ".circuit_breaker.min_calls", "got 0"},
			{c + ".circuit_breaker.window_s", "got 0"},
			{c + ".circuit_breaker.open_s", "got 0"},
			{c + ".circuit_breaker.half_open_calls", "got 0"},
		}},
		{"ErrRetryOnEmpty", client("retry: { max_attempts: 2, retry_on: [] }"),
			[]want{{c + ".retry.retry_on", "must list at least one outcome"}}},
		{"ErrRetryOnMisspelt", client("retry: { max_attempts: 2, on: [failed] }"),
			[]want{{c + ".retry.on", `unknown key "on" (did you mean "retry_on"? the key is not "on", which YAML 1.1 readers turn into true)`}}},
		{"ErrRetryNoAttempts", client("retry: {}"),
			[]want{{c + ".retry.max_attempts", `is required (missing key "max_attempts")`}}},
		{"ErrMaxAttemptsFraction", client("retry: { max_attempts: 2.5 }"),
			[]want{{c + ".retry.max_attempts", "must be a whole number, got 2.5"}}},
		{"ErrBurstZero", strings.Replace(minimal, "- id: srv\n", "- id: srv\n        rate_limit: { rps: 10, burst: 0 }\n", 1),
			[]want{{"topology_graph.nodes.servers[0].rate_limit.burst", "must be >= 1"}}},
		{"ErrAutoscaledWithoutLB", strings.Replace(minimal, "- id: srv\n", "- id: srv\n        autoscaling: { min_replicas: 1, max_replicas: 2, target: 0.5 }\n", 1),
			[]want{{"topology_graph.edges[1].target", `server "srv" has autoscaling and is reached only through a load balancer; send the client's edge to a load balancer that covers it`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenario.Decode([]byte(tt.doc), scenario.FormatYAML)
			checkErrors(t, err, tt.want)
		})
	}
}
