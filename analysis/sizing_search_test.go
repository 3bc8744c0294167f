package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// fakeRunner answers without simulating: every run completes 100
// requests whose latency is latency(cores of srv-1, number of servers,
// arrival rate, seed). It records the seeds each candidate was run with.
type fakeRunner struct {
	latency func(cores, servers int, rate float64, seed int64) float64
	mu      sync.Mutex
	seeds   map[string][]int64
}

// run is the fake's RunFunc.
func (f *fakeRunner) run(_ context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
	cores := sc.Topology.Nodes.Servers[0].Resources.CPUCores
	servers := len(sc.Topology.Nodes.Servers)
	rate := sc.Workload.AvgActiveUsers.Mean * sc.Workload.AvgRequestPerMinutePerUser.Mean / 60
	v := f.latency(cores, servers, rate, seed)
	sk := result.NewSketch()
	var m result.Moments
	for range 100 {
		sk.Add(v)
		m.Add(v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := fmt.Sprintf("%d/%d/%g", cores, servers, rate)
	if f.seeds == nil {
		f.seeds = map[string][]int64{}
	}
	f.seeds[key] = append(f.seeds[key], seed)
	srv := map[string]result.ServerStats{}
	for _, s := range sc.Topology.Nodes.Servers {
		srv[s.ID] = result.ServerStats{Utilization: 0.5}
	}
	return &result.Result{
		Counts:        result.Counts{Generated: 100, Completed: 100},
		Latency:       result.LatencyFrom(m, sk),
		LatencySketch: sk,
		Servers:       srv,
	}, nil
}

// twoServers is a scenario with a round-robin load balancer in front of
// api and db, and a single-server scenario without one.
func twoServers(t *testing.T, lb bool) *scenario.Scenario {
	t.Helper()
	b := scenario.New().Generator("gen", 10, 60).Client("client").
		Edge("gen-client", "gen", "client", scenario.DetRV(hop), scenario.Dropout(0)).Horizon(10)
	if !lb {
		sc, err := b.Server(scenario.NewServer("api").Endpoint("e", scenario.CPU(0.001))).
			Edge("client-api", "client", "api", scenario.DetRV(hop), scenario.Dropout(0)).
			Edge("api-client", "api", "client", scenario.DetRV(hop), scenario.Dropout(0)).Build()
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	b.LoadBalancer("lb", scenario.RoundRobin).Edge("client-lb", "client", "lb", scenario.DetRV(hop), scenario.Dropout(0))
	for _, id := range []string{"api", "db"} {
		b.Server(scenario.NewServer(id).Endpoint("e", scenario.CPU(0.001))).
			Edge("lb-"+id, "lb", id, scenario.DetRV(hop), scenario.Dropout(0)).
			Edge(id+"-client", id, "client", scenario.DetRV(hop), scenario.Dropout(0))
	}
	sc, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestSizeCoresSearch(t *testing.T) {
	t.Parallel()
	// Latency 1/cores seconds against an SLA of 1/answer: the answer is
	// found exactly, with the candidates of doubling, bisection, and the
	// check of answer + 1 (unless already run or above max).
	tests := []struct {
		name   string
		answer int
		max    int
		want   []float64
	}{
		{"One", 1, 64, []float64{1, 2}},
		{"Two", 2, 64, []float64{1, 2, 3}},
		{"Thirteen", 13, 64, []float64{1, 2, 4, 8, 12, 13, 14, 16}},
		{"Sixteen", 16, 64, []float64{1, 2, 4, 8, 12, 14, 15, 16, 17}},
		{"AtMax", 20, 20, []float64{1, 2, 4, 8, 16, 18, 19, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeRunner{latency: func(cores, _ int, _ float64, _ int64) float64 { return 1 / float64(cores) }}
			sla := analysis.SLA{Percentile: 0.99, LatencyS: 1.001 / float64(tt.answer)}
			res, err := analysis.SizeCores(context.Background(), twoServers(t, false), "api", sla,
				analysis.Options{Run: f.run, Seeds: []int64{5, 6, 7}, Max: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			if res.Answer != tt.answer || res.What != "cores" || res.Server != "api" || res.Max != tt.max {
				t.Errorf("answer %d %s of %q (max %d), want %d cores of api (max %d)", res.Answer, res.What, res.Server, res.Max, tt.answer, tt.max)
			}
			if diff := cmp.Diff(tt.want, values(res.Evaluations)); diff != "" {
				t.Errorf("evaluated (-want +got):\n%s", diff)
			}
			// Common random numbers: every candidate ran with the same seeds.
			for key, s := range f.seeds {
				slices.Sort(s)
				if diff := cmp.Diff([]int64{5, 6, 7}, s); diff != "" {
					t.Errorf("candidate %s seeds (-want +got):\n%s", key, diff)
				}
			}
		})
	}
}

func TestSizeCoresAllServers(t *testing.T) {
	t.Parallel()
	sc := twoServers(t, true)
	var mu sync.Mutex
	saw := map[[2]int]bool{}
	run := func(_ context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		mu.Lock()
		saw[[2]int{sc.Topology.Nodes.Servers[0].Resources.CPUCores, sc.Topology.Nodes.Servers[1].Resources.CPUCores}] = true
		mu.Unlock()
		f := &fakeRunner{latency: func(cores, _ int, _ float64, _ int64) float64 { return 1 / float64(cores) }}
		return f.run(context.Background(), sc, seed)
	}
	res, err := analysis.SizeCores(context.Background(), sc, "", analysis.SLA{Percentile: 0.5, LatencyS: 0.26}, analysis.Options{Run: run, Seeds: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Answer != 4 || res.Server != "" {
		t.Errorf("answer %d for server %q, want 4 for every server", res.Answer, res.Server)
	}
	want := map[[2]int]bool{{1, 1}: true, {2, 2}: true, {4, 4}: true, {3, 3}: true, {5, 5}: true}
	if diff := cmp.Diff(want, saw); diff != "" {
		t.Errorf("cores of (api, db) run (-want +got):\n%s", diff)
	}
}

func TestSizeReplicasTopology(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got *scenario.Scenario
	run := func(_ context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		if len(sc.Topology.Nodes.Servers) == 4 {
			mu.Lock()
			got = sc
			mu.Unlock()
		}
		f := &fakeRunner{latency: func(_, servers int, _ float64, _ int64) float64 { return 1 / float64(servers) }}
		return f.run(context.Background(), sc, seed)
	}
	// 1 replica of api is 2 servers (api, db), 3 replicas are 4.
	res, err := analysis.SizeReplicas(context.Background(), twoServers(t, true), "api", analysis.SLA{Percentile: 0.99, LatencyS: 0.26},
		analysis.Options{Run: run, Seeds: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Answer != 3 {
		t.Errorf("answer %d replicas, want 3", res.Answer)
	}
	if got == nil {
		t.Fatal("no run with 3 replicas")
	}
	var ids, edges []string
	for _, s := range got.Topology.Nodes.Servers {
		ids = append(ids, s.ID)
	}
	for _, e := range got.Topology.Edges {
		edges = append(edges, e.ID+":"+e.Source+">"+e.Target)
	}
	if diff := cmp.Diff([]string{"api", "db", "api-2", "api-3"}, ids); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	wantEdges := []string{
		"gen-client:gen>client", "client-lb:client>lb",
		"lb-api:lb>api", "api-client:api>client", "lb-db:lb>db", "db-client:db>client",
		"lb-api-2:lb>api-2", "api-client-2:api-2>client", "lb-api-3:lb>api-3", "api-client-3:api-3>client",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestSizeReplicasCovered(t *testing.T) {
	t.Parallel()
	sc := twoServers(t, true)
	sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"api", "db"}
	var mu sync.Mutex
	var covered []string
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		mu.Lock()
		if len(sc.Topology.Nodes.Servers) == 3 {
			covered = sc.Topology.Nodes.LoadBalancer.ServerCovered
		}
		mu.Unlock()
		f := &fakeRunner{latency: func(_, servers int, _ float64, _ int64) float64 { return 1 / float64(servers) }}
		return f.run(ctx, sc, seed)
	}
	if _, err := analysis.SizeReplicas(context.Background(), sc, "api", analysis.SLA{Percentile: 0.99, LatencyS: 0.34},
		analysis.Options{Run: run, Seeds: []int64{1}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"api", "db", "api-2"}, covered); diff != "" {
		t.Errorf("server_covered with 2 replicas (-want +got):\n%s", diff)
	}
}

func TestConservative(t *testing.T) {
	t.Parallel()
	// With seeds −1 and 1 the latencies at c cores are 0.9/c and 1.1/c:
	// mean 1/c, which meets an SLA of 0.55 s from 2 cores; half-width
	// t(0.975, 1)·s/√2 = 12.706205·0.1/c, so the upper bound 2.2706/c
	// meets it from 5 cores.
	f := func() *fakeRunner {
		return &fakeRunner{latency: func(cores, _ int, _ float64, seed int64) float64 {
			return 1/float64(cores) + 0.1*float64(seed)/float64(cores)
		}}
	}
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.55}
	for _, tt := range []struct {
		name         string
		conservative bool
		want         int
	}{{"Mean", false, 2}, {"UpperBound", true, 5}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := analysis.SizeCores(context.Background(), twoServers(t, false), "api", sla,
				analysis.Options{Run: f().run, Seeds: []int64{-1, 1}, Conservative: tt.conservative})
			if err != nil {
				t.Fatal(err)
			}
			if res.Answer != tt.want {
				t.Errorf("answer %d, want %d", res.Answer, tt.want)
			}
		})
	}
}

func TestSizeErrors(t *testing.T) {
	t.Parallel()
	f := &fakeRunner{latency: func(cores, _ int, _ float64, _ int64) float64 { return 1 / float64(cores) }}
	ok := analysis.Options{Run: f.run, Seeds: []int64{1}}
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.1}
	failing := func(context.Context, *scenario.Scenario, int64) (*result.Result, error) {
		return nil, errors.New("disk on fire")
	}
	tests := []struct {
		name string
		call func() (*analysis.SizeResult, error)
		want []string
	}{
		{"ErrUnknownServer", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, true), "web", sla, ok)
		}, []string{`no server "web"`, "api, db"}},
		{"ErrReplicasUnknownServer", func() (*analysis.SizeResult, error) {
			return analysis.SizeReplicas(context.Background(), twoServers(t, true), "web", sla, ok)
		}, []string{`no server "web"`}},
		{"ErrNoLoadBalancer", func() (*analysis.SizeResult, error) {
			return analysis.SizeReplicas(context.Background(), twoServers(t, false), "api", sla, ok)
		}, []string{"needs a load balancer", "has none", "size cores instead"}},
		{"ErrReplicasServerRequired", func() (*analysis.SizeResult, error) {
			return analysis.SizeReplicas(context.Background(), twoServers(t, true), "", sla, ok)
		}, []string{"needs a server id", "2 servers: api, db"}},
		{"ErrNotCovered", func() (*analysis.SizeResult, error) {
			sc := twoServers(t, true)
			sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"db"}
			return analysis.SizeReplicas(context.Background(), sc, "api", sla, ok)
		}, []string{`does not cover it`, "server_covered"}},
		{"ErrIDClash", func() (*analysis.SizeResult, error) {
			sc := twoServers(t, true)
			sc.Topology.Nodes.Servers[1].ID = "api-2"
			sc.Topology.Edges[4].Target, sc.Topology.Edges[5].Source = "api-2", "api-2"
			return analysis.SizeReplicas(context.Background(), sc, "api", sla, ok)
		}, []string{"with 2 replicas", "clash", "api-2"}},
		{"ErrSLAPercentile", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, false), "", analysis.SLA{Percentile: 99, LatencyS: 0.1}, ok)
		}, []string{"percentile must be a fraction in (0, 1)", "got 99"}},
		{"ErrSLALatency", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, false), "", analysis.SLA{Percentile: 0.99}, ok)
		}, []string{"latency must be a finite number of seconds > 0"}},
		{"ErrNoRun", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, false), "", sla, analysis.Options{Seeds: []int64{1}})
		}, []string{"Options.Run is nil"}},
		{"ErrNoSeeds", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, false), "", sla, analysis.Options{Run: f.run})
		}, []string{"Options.Seeds is empty"}},
		{"ErrRun", func() (*analysis.SizeResult, error) {
			return analysis.SizeCores(context.Background(), twoServers(t, false), "", sla, analysis.Options{Run: failing, Seeds: []int64{1, 2}})
		}, []string{"evaluating 1 cores", "disk on fire"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := tt.call()
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if res != nil {
				t.Errorf("result %+v with error %v", res, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestSizeUnreachable(t *testing.T) {
	t.Parallel()
	f := &fakeRunner{latency: func(cores, _ int, _ float64, _ int64) float64 { return 0.1 + 1/float64(cores) }}
	res, err := analysis.SizeCores(context.Background(), twoServers(t, false), "api", analysis.SLA{Percentile: 0.99, LatencyS: 0.1},
		analysis.Options{Run: f.run, Seeds: []int64{1}, Max: 8})
	var ue *analysis.UnreachableError
	if !errors.Is(err, analysis.ErrSLAUnreachable) || !errors.As(err, &ue) {
		t.Fatalf("error %v, want an *UnreachableError", err)
	}
	// The sketch gives 224.243 ms for 0.225 s, within its 0.5 % accuracy.
	want := "SLA not met (p99 <= 100 ms) with up to 8 cores; best found: p99 = 224.243 ms with 8 cores (p99 mean 224.243 ms > 100.000 ms)"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if ue.Best.Value != 8 || res == nil || res.Answer != 0 {
		t.Fatalf("best %v, result %+v", ue.Best.Value, res)
	}
	if diff := cmp.Diff([]float64{1, 2, 4, 8}, values(res.Evaluations)); diff != "" {
		t.Errorf("evaluated (-want +got):\n%s", diff)
	}
}

func TestSizeNonMonotone(t *testing.T) {
	t.Parallel()
	// Fails below 4 cores and at 5: doubling and bisection (1, 2, 4, 3)
	// answer 4, and the check of answer + 1 finds the failure above it.
	f := &fakeRunner{latency: func(cores, _ int, _ float64, _ int64) float64 {
		if cores == 5 || cores < 4 {
			return 1
		}
		return 0.01
	}}
	res, err := analysis.SizeCores(context.Background(), twoServers(t, false), "api", analysis.SLA{Percentile: 0.99, LatencyS: 0.1},
		analysis.Options{Run: f.run, Seeds: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Answer != 4 {
		t.Errorf("answer %d, want 4", res.Answer)
	}
	if diff := cmp.Diff([]float64{1, 2, 3, 4, 5}, values(res.Evaluations)); diff != "" {
		t.Errorf("evaluated (-want +got):\n%s", diff)
	}
	// The sketch gives 995 ms for 1 s, within its 0.5 % accuracy.
	want := []string{"not monotone: 4 cores pass but 5 cores fail (p99 mean 995.000 ms > 100.000 ms); the search assumes more cores never hurt, so check the answer"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestSizeCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := analysis.SizeCores(ctx, queueScenario(t, 100, scenario.ExpRV(0.01), 1, false, 10), "", analysis.SLA{Percentile: 0.99, LatencyS: 1},
		analysis.Options{Run: runFastsim, Seeds: seeds(2)})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("SizeCores with a cancelled context: %v, %v; want context.Canceled and no result", res, err)
	}
}
