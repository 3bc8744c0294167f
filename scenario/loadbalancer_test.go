package scenario_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// fullWithLB returns testdata/valid/full.yml with its load balancer's
// `algorithms: least_connection` line replaced by lines.
func fullWithLB(t *testing.T, lines string) string {
	t.Helper()
	full := string(readFile(t, filepath.Join("testdata", "valid", "full.yml")))
	const old = "      algorithms: least_connection\n"
	if !strings.Contains(full, old) {
		t.Fatalf("full.yml has no %q", old)
	}
	return strings.Replace(full, old, lines, 1)
}

// TestDecodeLBAlgorithms reads every algorithm name.
func TestDecodeLBAlgorithms(t *testing.T) {
	t.Parallel()
	for _, alg := range scenario.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			sc, err := scenario.Decode([]byte(fullWithLB(t, "      algorithms: "+string(alg)+"\n")), scenario.FormatYAML)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := sc.Topology.Nodes.LoadBalancer.Algorithm; got != alg {
				t.Errorf("algorithms = %q, want %q", got, alg)
			}
		})
	}
}

// TestDecodeLBWeights reads load_balancer.weights and keeps it through the
// canonical form, whose bytes are fixed (keys sorted).
func TestDecodeLBWeights(t *testing.T) {
	t.Parallel()
	doc := fullWithLB(t, "      algorithms: weighted_round_robin\n      weights: { srv-b: 1, srv-a: 3 }\n")
	sc, err := scenario.Decode([]byte(doc), scenario.FormatYAML)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	lb := sc.Topology.Nodes.LoadBalancer
	if diff := cmp.Diff(map[string]int{"srv-a": 3, "srv-b": 1}, lb.Weights); diff != "" {
		t.Errorf("weights (-want +got):\n%s", diff)
	}
	c, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	const frag = `"algorithms":"weighted_round_robin","server_covered":["srv-a","srv-b"],"weights":{"srv-a":3,"srv-b":1}}`
	if !strings.Contains(string(c), frag) {
		t.Errorf("canonical form lacks %s:\n%s", frag, c)
	}
	back, err := scenario.Decode(c, scenario.FormatJSON)
	if err != nil {
		t.Fatalf("Decode(Canonical): %v", err)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("canonical round trip (-want +got):\n%s", diff)
	}
	again, err := scenario.Canonical(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(c) {
		t.Errorf("canonical form is not a fixed point:\n%s\n%s", c, again)
	}
	// Clone copies the map: changing the copy leaves the original alone.
	cl := sc.Clone()
	cl.Topology.Nodes.LoadBalancer.Weights["srv-a"] = 7
	if got := lb.Weights["srv-a"]; got != 3 {
		t.Errorf("changing a clone's weight changed the original to %d", got)
	}
}

// TestLBWeightsErrors checks every decode and validation error of
// load_balancer.weights, with its exact path.
func TestLBWeightsErrors(t *testing.T) {
	t.Parallel()
	const wrr = "      algorithms: weighted_round_robin\n"
	tests := []struct {
		name  string
		lines string
		want  []want
	}{
		{"OK", wrr + "      weights: { srv-a: 2 }\n", nil},
		{"OKEmpty", wrr + "      weights: {}\n", nil},
		{"OKNoWeights", wrr, nil},
		{"OKMaxWeight", wrr + "      weights: { srv-a: 1000000, srv-b: 1 }\n", nil},
		{"ErrNotAMapping", wrr + "      weights: [3, 1]\n",
			[]want{{lbP + ".weights", "must be a mapping of server ids to whole-number weights, e.g. {srv-1: 3, srv-2: 1}, got a list"}}},
		{"ErrFraction", wrr + "      weights: { srv-a: 2.5 }\n",
			[]want{{lbP + ".weights.srv-a", "must be a whole number, got 2.5"}}},
		{"ErrNotANumber", wrr + "      weights: { srv-a: heavy }\n",
			[]want{{lbP + ".weights.srv-a", "heavy"}}},
		{"ErrDuplicate", wrr + "      weights: { srv-a: 2, srv-a: 3 }\n",
			[]want{{lbP + ".weights.srv-a", `server "srv-a" is given more than once`}}},
		{"ErrZero", wrr + "      weights: { srv-a: 0, srv-b: -2 }\n",
			[]want{
				{lbP + ".weights.srv-a", `weight of server "srv-a" must be a whole number in 1..1000000, got 0`},
				{lbP + ".weights.srv-b", `weight of server "srv-b" must be a whole number in 1..1000000, got -2`},
			}},
		{"ErrTooLarge", wrr + "      weights: { srv-b: 1000001 }\n",
			[]want{{lbP + ".weights.srv-b", "must be a whole number in 1..1000000, got 1000001"}}},
		{"ErrWrongAlgorithm", "      algorithms: least_connection\n      weights: { srv-a: 2 }\n",
			[]want{{lbP + ".weights", "weights are only used by algorithms: weighted_round_robin (this load balancer uses least_connection); remove weights or set algorithms to weighted_round_robin"}}},
		{"ErrDefaultAlgorithm", "      weights: { srv-a: 2 }\n",
			[]want{{lbP + ".weights", "(this load balancer uses round_robin)"}}},
		{"ErrNotCovered", wrr + "      weights: { srv-a: 2, ghost: 1 }\n",
			[]want{{lbP + ".weights.ghost", `"ghost" is not a server the load balancer covers; weights name covered servers only (covered: srv-a, srv-b)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenario.Decode([]byte(fullWithLB(t, tt.lines)), scenario.FormatYAML)
			checkErrors(t, err, tt.want)
		})
	}
}

// TestLBWeightsCoverageFromEdges checks that with no server_covered the
// covered servers, which weights may name, are the load balancer's edge
// targets.
func TestLBWeightsCoverageFromEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		covered []string
		weights map[string]int
		want    []want
	}{
		{"AllByEdges", nil, map[string]int{"srv-a": 3, "srv-b": 1}, nil},
		{"OnlyA", []string{"srv-a"}, map[string]int{"srv-b": 2},
			[]want{{lbP + ".weights.srv-b", `"srv-b" is not a server the load balancer covers; weights name covered servers only (covered: srv-a)`}}},
		{"NotAServer", nil, map[string]int{"client": 2},
			[]want{{lbP + ".weights.client", `"client" is not a server the load balancer covers; weights name covered servers only (covered: srv-a, srv-b)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := loadFull(t)
			lb := sc.Topology.Nodes.LoadBalancer
			lb.Algorithm = scenario.WeightedRoundRobin
			lb.ServerCovered = tt.covered
			lb.Weights = tt.weights
			checkErrors(t, sc.Validate(), tt.want)
		})
	}
}

// lbBuilder is a generator, a client, a weighted round-robin load
// balancer and two servers.
func lbBuilder() *scenario.Builder {
	b := scenario.New().Generator("gen", 10, 30).Client("client").
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.001)).
		Edge("client-lb", "client", "lb", scenario.ExpRV(0.001))
	for _, id := range []string{"srv-a", "srv-b"} {
		b.Server(scenario.NewServer(id).Endpoint("/", scenario.CPU(0.001))).
			Edge("lb-"+id, "lb", id, scenario.ExpRV(0.001)).
			Edge(id+"-client", id, "client", scenario.ExpRV(0.001))
	}
	return b
}

// TestBuilderLBWeights builds weights and reports their misuse.
func TestBuilderLBWeights(t *testing.T) {
	t.Parallel()
	w := map[string]int{"srv-a": 3}
	sc, err := lbBuilder().LoadBalancer("lb", scenario.WeightedRoundRobin).LBWeights(w).Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	w["srv-a"] = 9
	if diff := cmp.Diff(map[string]int{"srv-a": 3}, sc.Topology.Nodes.LoadBalancer.Weights); diff != "" {
		t.Errorf("weights (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		build func() *scenario.Builder
		want  []want
	}{
		{"ErrBeforeLoadBalancer", func() *scenario.Builder {
			return lbBuilder().LBWeights(w).LoadBalancer("lb", scenario.WeightedRoundRobin)
		}, []want{{lbP + ".weights", "weights set before the load balancer; call LoadBalancer first"}}},
		{"ErrWrongAlgorithm", func() *scenario.Builder {
			return lbBuilder().LoadBalancer("lb", scenario.RandomChoice).LBWeights(w)
		}, []want{{lbP + ".weights", "(this load balancer uses random)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.build().Build()
			checkErrors(t, err, tt.want)
		})
	}
}
