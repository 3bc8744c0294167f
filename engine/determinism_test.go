package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fastsim/fastsim/scenario"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCases are the scenarios whose results are pinned byte for byte.
func goldenCases() []struct {
	name string
	sc   *scenario.Scenario
	seed int64
} {
	single := singleServer(
		scenario.Workload{
			ID:                         "gen",
			AvgActiveUsers:             scenario.RV{Mean: 100, Distribution: scenario.Poisson},
			AvgRequestPerMinutePerUser: scenario.RV{Mean: 20, Distribution: scenario.Poisson},
			UserSamplingWindow:         10,
		},
		30,
		[3]scenario.RV{expo(0.003), expo(0.003), {Mean: 0.003, Distribution: scenario.LogNormal, Variance: ptr(1e-6)}},
		srv("srv-1", 2, 2048, cpu(fixed(0.001)), ram(100), io(scenario.IOWait, random(scenario.RV{Mean: 0.1, Distribution: scenario.Uniform}))),
	)
	single.Settings.SamplePeriodS = 0.1
	single.Topology.Edges[2].DropoutRate = 0.01

	lb := lbScenario(
		scenario.Workload{
			ID:                         "gen",
			AvgActiveUsers:             scenario.RV{Mean: 50, Distribution: scenario.Normal, Variance: ptr(25.0)},
			AvgRequestPerMinutePerUser: scenario.RV{Mean: 60, Distribution: scenario.Poisson},
			UserSamplingWindow:         5,
		},
		20, scenario.LeastConnection, expo(0.002),
		srv("a", 1, 1024, cpu(random(expo(0.002))), io(scenario.IODB, fixed(0.02))),
		srv("b", 2, 1024, cpu(random(scenario.RV{Mean: 0.003, Distribution: scenario.Normal, Variance: ptr(1e-6)})), ram(256)),
	)
	lb.Settings.SamplePeriodS = 0.1
	lb.Topology.Nodes.Servers[0].Resources.DBConnectionPool = ptr(1)
	lb.Events = []scenario.Event{
		{ID: "a-down", TargetID: "a",
			Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 5},
			End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 8}},
		{ID: "spike", TargetID: "client-lb",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 10, SpikeS: ptr(0.01)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 12}},
	}
	return []struct {
		name string
		sc   *scenario.Scenario
		seed int64
	}{
		{"single_server_seed42", single, 42},
		{"single_server_seed7", single, 7},
		{"lb_events_seed42", lb, 42},
	}
}

// TestGolden pins the JSON of a few runs, series included, byte for byte.
// Rewrite with: go test ./engine -run TestGolden -update
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := encode(t, mustRun(t, tc.sc, Options{Seed: tc.seed, Series: true}, nil))
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestGoldenFromYAML decodes testdata/lb_two_servers.yml with the scenario
// package (defaults and validation included) and pins its result.
func TestGoldenFromYAML(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "lb_two_servers.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	got := encode(t, mustRun(t, sc, Options{Seed: 42}, nil))
	path := filepath.Join("testdata", "lb_two_servers_seed42.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("result differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases() {
		a := encode(t, mustRun(t, tc.sc, Options{Seed: tc.seed, Series: true}, nil))
		b := encode(t, mustRun(t, tc.sc, Options{Seed: tc.seed, Series: true}, nil))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs with the same seed differ", tc.name)
		}
		c := encode(t, mustRun(t, tc.sc, Options{Seed: tc.seed + 1, Series: true}, nil))
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds %d and %d give the same result", tc.name, tc.seed, tc.seed+1)
		}
	}
}

// TestLanesKeepTheOrderOfEvents checks that scheduling constant delays in
// FIFO lanes instead of the heap gives byte-identical results.
func TestLanesKeepTheOrderOfEvents(t *testing.T) {
	t.Parallel()
	var cases []*scenario.Scenario
	for _, tc := range goldenCases() {
		cases = append(cases, tc.sc)
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 20 {
		cases = append(cases, randomScenario(r))
	}
	for i, sc := range cases {
		a := encode(t, mustRun(t, sc, Options{Seed: int64(i), Series: true}, nil))
		b := encode(t, mustRun(t, sc, Options{Seed: int64(i), Series: true}, &hooks{noLanes: true}))
		if !bytes.Equal(a, b) {
			t.Errorf("scenario %d: lanes change the result:\n%s", i, cmp.Diff(string(b), string(a)))
		}
	}
}

// TestCommonRandomNumbers checks that changing one server's parameters
// leaves the arrival sequence, and the other server's draws, unchanged.
func TestCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	mk := func(cpuA float64) *scenario.Scenario {
		return lbScenario(
			scenario.Workload{
				ID:                         "gen",
				AvgActiveUsers:             scenario.RV{Mean: 40, Distribution: scenario.Poisson},
				AvgRequestPerMinutePerUser: scenario.RV{Mean: 30, Distribution: scenario.Poisson},
				UserSamplingWindow:         7,
			},
			60, scenario.RoundRobin, expo(0.002),
			srv("a", 1, 1024, cpu(random(expo(cpuA)))),
			srv("b", 1, 1024, cpu(random(expo(0.002)))),
		)
	}
	timeline := func(sc *scenario.Scenario) ([]float64, int64) {
		var ts []float64
		r := mustRun(t, sc, Options{Seed: 99}, &hooks{arrival: func(now float64) { ts = append(ts, now) }})
		return ts, r.Counts.Generated
	}
	base, nBase := timeline(mk(0.002))
	slower, nSlower := timeline(mk(0.008))
	if nBase != nSlower || !slices.Equal(base, slower) {
		t.Errorf("arrivals changed with server a's CPU: %d vs %d requests", nBase, nSlower)
	}
	if nBase < 1000 {
		t.Errorf("only %d arrivals", nBase)
	}
	// Sanity: a different seed does change the timeline.
	var other []float64
	mustRun(t, mk(0.002), Options{Seed: 100}, &hooks{arrival: func(now float64) { other = append(other, now) }})
	if slices.Equal(base, other) {
		t.Error("seeds 99 and 100 give the same arrivals")
	}
}

// TestCommonRandomNumbersPerEndpoint checks that changing one endpoint's
// step distribution leaves the draws of the server's other endpoint
// unchanged (each step has its own stream). Endpoint "fast" runs 0.5..1.5
// ms of CPU, endpoint "slow" sleeps 50 ms plus an exponential I/O time and
// uses no core, so its latency, 50 ms + its draw + three 0.1 ms hops, never
// depends on "fast" and is always above 50 ms while "fast" at 20 rps stays
// below it. The arrivals and the endpoint choices (their own streams) are
// the same in both runs, so the same requests pick "slow" and must get
// bit-identical latencies.
func TestCommonRandomNumbersPerEndpoint(t *testing.T) {
	t.Parallel()
	mk := func(fast scenario.RV) *scenario.Scenario {
		s := scenario.Server{
			ID:        "srv",
			Resources: scenario.ServerResources{CPUCores: 1, RAMMB: 1024},
			Endpoints: []scenario.Endpoint{
				{Name: "fast", Steps: []scenario.Step{cpu(random(fast))}},
				{Name: "slow", Steps: []scenario.Step{io(scenario.IOWait, fixed(0.05)), io(scenario.IODB, random(expo(0.2)))}},
			},
		}
		return singleServer(constantRate(20), 60, tinyEdges(), s)
	}
	latencies := func(sc *scenario.Scenario) (slow, fast map[float64]float64) {
		slow, fast = map[float64]float64{}, map[float64]float64{}
		mustRun(t, sc, Options{Seed: 12}, &hooks{complete: func(born, now float64) {
			if now-born > 0.05 {
				slow[born] = now - born
			} else {
				fast[born] = now - born
			}
		}})
		return slow, fast
	}
	slowA, fastA := latencies(mk(scenario.RV{Mean: 0.001, Distribution: scenario.Uniform, Variance: ptr(1.0 / 12 * 1e-6)}))
	slowB, fastB := latencies(mk(scenario.RV{Mean: 0.0008, Distribution: scenario.Normal, Variance: ptr(1e-8)}))
	if len(slowA) < 400 || !maps.Equal(slowA, slowB) {
		t.Errorf("the slow endpoint's %d latencies changed when the fast endpoint's distribution did (%d after)", len(slowA), len(slowB))
	}
	if len(fastA) != len(fastB) || maps.Equal(fastA, fastB) {
		t.Errorf("the fast endpoint's latencies (%d, %d) did not change with its distribution", len(fastA), len(fastB))
	}
}

// TestAllocationsDoNotGrowWithRequests runs the benchmark scenario for 10 s
// and for 100 s (8,000 and 80,000 requests): the number of allocations
// must not grow with the number of requests, only the slab, heap and rings
// reach their working size, and the throughput series is one allocation
// whatever its length.
func TestAllocationsDoNotGrowWithRequests(t *testing.T) {
	checkAllocationsDoNotGrow(t, func(horizon int) *scenario.Scenario { return benchScenario(800, horizon) })
}

// checkAllocationsDoNotGrow runs the scenario that build makes for 10 s
// and for 100 s and fails when the longer run allocates more than a few
// more objects: the kernel allocates per run, never per event. A few extra
// allocations may come from a slab, heap or sketch growth reaching a
// rarer extreme in the longer run, or from a per-second series allocated
// once.
func checkAllocationsDoNotGrow(t *testing.T, build func(horizon int) *scenario.Scenario) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are not measured under the race detector (its runtime allocates); the default go test checks them")
	}
	allocs := func(horizon int) float64 {
		sc := build(horizon)
		return testing.AllocsPerRun(1, func() {
			if _, err := Run(context.Background(), sc, Options{Seed: 1}); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := allocs(10), allocs(100)
	t.Logf("allocations per run: %v at 10 s, %v at 100 s", short, long)
	if long > short+10 {
		t.Errorf("allocations grow with the run: %v at 10 s, %v at 100 s", short, long)
	}
}
