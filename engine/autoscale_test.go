package engine

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
	"github.com/google/go-cmp/cmp"
)

// scriptedSteps returns arrival times for a piecewise-constant rate: in
// every whole second k, rate(k) arrivals at k + 0.05 + j·0.85/rate(k),
// j = 0 … rate(k)−1.
func scriptedSteps(horizon int, rate func(k int) int) []float64 {
	var ts []float64
	for k := 0; k < horizon; k++ {
		n := rate(k)
		for j := 0; j < n; j++ {
			ts = append(ts, float64(k)+0.05+float64(j)*0.85/float64(n))
		}
	}
	return ts
}

// scaleLog records the actions of the autoscalers of a run, one line
// each: time, action, instance name, running count, and for a decision
// the observed metric and the desired count (9 decimals).
type scaleLog struct {
	lines []string
}

func (l *scaleLog) hook(t float64, e scaleEvent) {
	if e.kind == "decide" {
		l.lines = append(l.lines, fmt.Sprintf("%.4f decide count=%d observed=%.9f desired=%d", t, e.count, e.observed, e.desired))
		return
	}
	l.lines = append(l.lines, fmt.Sprintf("%.4f %s #%d count=%d", t, e.kind, e.inst+1, e.count))
}

// stepAPI is the autoscaled server of the timeline tests: 2 cores, a
// 0.1 s CPU burst then a 1 s I/O wait per request, so that an instance
// scaled down drains visibly.
func stepAPI(as scenario.Autoscaling) scenario.Server {
	api := srv("api", 2, 4096, cpu(fixed(0.1)), io(scenario.IOWait, fixed(1)))
	api.Autoscaling = &as
	return api
}

func TestAutoscalingTimelineOnADeterministicStepLoad(t *testing.T) {
	t.Parallel()
	// Step load, deterministic arrivals (scriptedSteps), round robin,
	// every edge 1 ms: a request's burst runs [a+0.003, a+0.103] and it is
	// answered at a+1.103. Per whole second the bursts end by k+0.953, so
	// the busy core-seconds of a decision period are exactly 0.1 × the
	// requests that arrived in it; an instance has 2 cores and never queues
	// (its bursts are at least 0.85/15 s apart).
	//   [0, 30) 6/s, [30, 60) 15/s, [60, 80) 30/s, [80, 130) 4/s.
	// Target 0.4, every 10 s, up cooldown 20 s, down cooldown 30 s,
	// start-up 5 s, 1…4 instances. observed = busy / (2 × in-service
	// instance-seconds of the period); desired = ceil(count·observed/0.4):
	//   10, 20, 30: 0.6/2 = 0.3 → ceil(0.75) = 1.
	//   40: 1.5/2 = 0.75 → ceil(1.875) = 2: #2 starts, in service at 45.
	//   50: 15 / (2·(5·1 + 5·2)) = 0.5 → ceil(2.5) = 3, but the last
	//       scale-up was 10 s ago (< 20): nothing.
	//   60: 15/40 = 0.375 → ceil(1.875) = 2.
	//   70: 30/40 = 0.75 → ceil(3.75) = 4 (30 s since the last scale-up):
	//       #3 and #4 start, in service at 75.
	//   80: 30 / (2·(5·2 + 5·4)) = 0.5 → 5, clamped to 4.
	//   90: 4/80 = 0.05 → ceil(0.5) = 1, but the last change was 20 s ago
	//       (< 30): nothing.
	//   100: the same, 30 s after the last change: the three newest drain,
	//       #4 and #3 (decided at 70, highest number first), then #2. The
	//       4/s of [80, 100) go to the 4 instances in turn, #1 first each
	//       second, so each holds the request it got at 99.05, 99.2625,
	//       99.475 or 99.6875 and stops when that one is answered, 1.103 s
	//       later.
	//   110, 120: 4/20 = 0.2 → 1.
	want := []string{
		"10.0000 decide count=1 observed=0.300000000 desired=1",
		"20.0000 decide count=1 observed=0.300000000 desired=1",
		"30.0000 decide count=1 observed=0.300000000 desired=1",
		"40.0000 decide count=1 observed=0.750000000 desired=2",
		"40.0000 start #2 count=2",
		"45.0000 ready #2 count=2",
		"50.0000 decide count=2 observed=0.500000000 desired=3",
		"60.0000 decide count=2 observed=0.375000000 desired=2",
		"70.0000 decide count=2 observed=0.750000000 desired=4",
		"70.0000 start #3 count=3",
		"70.0000 start #4 count=4",
		"75.0000 ready #3 count=4",
		"75.0000 ready #4 count=4",
		"80.0000 decide count=4 observed=0.500000000 desired=4",
		"90.0000 decide count=4 observed=0.050000000 desired=1",
		"100.0000 decide count=4 observed=0.050000000 desired=1",
		"100.0000 drain #4 count=4",
		"100.0000 drain #3 count=4",
		"100.0000 drain #2 count=4",
		"100.3655 stop #2 count=3",
		"100.5780 stop #3 count=2",
		"100.7905 stop #4 count=1",
		"110.0000 decide count=1 observed=0.200000000 desired=1",
		"120.0000 decide count=1 observed=0.200000000 desired=1",
	}
	api := stepAPI(scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 4, Metric: scenario.MetricUtilization,
		Target: 0.4, EveryS: 10, UpCooldownS: 20, DownCooldownS: ptr(30.0), StartupS: ptr(fixed(5))})
	api.CostPerReplicaHour = ptr(0.36)
	sc := lbScenario(constantRate(1), 130, scenario.RoundRobin, det(0.001), api)
	rate := func(k int) int {
		switch {
		case k < 30:
			return 6
		case k < 60:
			return 15
		case k < 80:
			return 30
		}
		return 4
	}
	for _, alg := range []scenario.Algorithm{scenario.RoundRobin, scenario.LeastConnection} {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			sc := sc.Clone()
			sc.Topology.Nodes.LoadBalancer.Algorithm = alg
			var log scaleLog
			r := mustRun(t, sc, Options{Series: true}, &hooks{arrivals: scriptedSteps(130, rate), scale: log.hook})
			want := want
			if alg != scenario.RoundRobin {
				// Least connection spreads the last requests differently:
				// only the decisions are the same.
				log.lines = slices.DeleteFunc(log.lines, func(l string) bool { return strings.Contains(l, "stop") })
				want = slices.DeleteFunc(slices.Clone(want), func(l string) bool { return strings.Contains(l, "stop") })
			}
			if diff := cmp.Diff(want, log.lines); diff != "" {
				t.Fatalf("timeline (-want +got):\n%s", diff)
			}
			if alg != scenario.RoundRobin {
				return
			}
			// Running instances: 1 on [0, 40), 2 on [40, 70), 4 on [70, 100)
			// and until the first stop, then 3, 2, 1.
			area := 40*1 + 30*2 + 30*4 + 0.3655*4 + (100.578-100.3655)*3 + (100.7905-100.578)*2 + (130-100.7905)*1
			st := r.Servers["api"]
			checkClose(t, "replicas.mean", st.Replicas.Mean, area/130, 1e-12)
			if st.Replicas.Min != 1 || st.Replicas.Max != 4 {
				t.Errorf("replicas min, max = %d, %d, want 1, 4", st.Replicas.Min, st.Replicas.Max)
			}
			checkClose(t, "cost", *st.Cost, area/3600*0.36, 1e-12)
			// 1430 requests of 0.1 core-second over 2 cores × the
			// instance-seconds.
			checkClose(t, "utilization", st.Utilization, 143/(2*area), 1e-12)
			if got := len(st.Instances); got != 4 {
				t.Errorf("%d instances, want 4", got)
			}
			series := r.Series.Servers["api"].Replicas
			for _, c := range []struct {
				t    float64
				want float64
			}{{0, 1}, {39.99, 1}, {40, 2}, {69.99, 2}, {70, 4}, {100.36, 4}, {100.37, 3}, {100.58, 2}, {100.8, 1}, {129.99, 1}} {
				if got := series[int(math.Round(c.t/0.01))]; got != c.want {
					t.Errorf("replicas series at %v = %v, want %v", c.t, got, c.want)
				}
			}
		})
	}
}

func TestAutoscalingCancelsAStartingInstanceAndObservesConcurrency(t *testing.T) {
	t.Parallel()
	// Concurrency target 10, every 10 s, no cooldowns, start-up 15 s, 1…3
	// instances; 10/s for [0, 10), then 2/s. A request is inside its
	// instance from its arrival there (a+0.003) until it is answered 1.1 s
	// later (the edges are 1 ms; "current" counts a starting instance,
	// observed divides by in-service instance-seconds only).
	//   10: the requests of [0, 9) count 1.1 s each, those of second 9 (at
	//       9.05 + j·0.085) until 10: observed ≈ 10.1 → ceil(1.01) = 2: #2
	//       starts, to take traffic at 25.
	//   20: the 2/s of [10, 20) count 22 s over [10, 20], less the spill of
	//       a 2/s second 9 into it (0.153 + 0.578 s), plus the actual spill
	//       of second 9 (Σ 0.153 + 0.085·j) → 2.6624 → ceil(2·0.266) = 1:
	//       the starting #2 is removed and stops at once; its start-up end
	//       at 25 does nothing.
	//   30: 2.2, periodic → 1.
	// #3 never starts: it has no figures under `instances`.
	api := stepAPI(scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 3, Metric: scenario.MetricConcurrency,
		Target: 10, EveryS: 10, UpCooldownS: 0, DownCooldownS: ptr(0.0), StartupS: ptr(fixed(15))})
	sc := lbScenario(constantRate(1), 40, scenario.RoundRobin, det(0.001), api)
	rate := func(k int) int {
		if k < 10 {
			return 10
		}
		return 2
	}
	var log scaleLog
	r := mustRun(t, sc, Options{}, &hooks{arrivals: scriptedSteps(40, rate), scale: log.hook})
	at10 := 9 * 10 * 1.1
	spill := 0.0
	for j := 0; j < 10; j++ {
		at10 += 10 - (9.053 + float64(j)*0.085)
		spill += 9.053 + float64(j)*0.085 + 1.1 - 10
	}
	at20 := 22 - (0.153 + 0.578) + spill
	want := []string{
		fmt.Sprintf("10.0000 decide count=1 observed=%.9f desired=2", at10/10),
		"10.0000 start #2 count=2",
		fmt.Sprintf("20.0000 decide count=2 observed=%.9f desired=1", at20/10),
		"20.0000 cancel #2 count=1",
		"30.0000 decide count=1 observed=2.200000000 desired=1",
	}
	if diff := cmp.Diff(want, log.lines); diff != "" {
		t.Fatalf("timeline (-want +got):\n%s", diff)
	}
	st := r.Servers["api"]
	// 1 instance, 2 on [10, 20), then 1.
	checkClose(t, "replicas.mean", st.Replicas.Mean, (10+20+20)/40.0, 1e-12)
	if st.Cost != nil {
		t.Errorf("cost = %v without a price", *st.Cost)
	}
	if _, ok := st.Instances["api#3"]; len(st.Instances) != 2 || ok || st.Instances["api#2"].Requests != 0 {
		t.Errorf("instances = %v, want api#1 and an idle api#2", st.Instances)
	}
}

func TestFixedReplicasCost(t *testing.T) {
	t.Parallel()
	// Three fixed replicas over 600 s at 1.2 per replica-hour: 0.5
	// instance-hours × 1.2 = 0.6 exactly, whatever the load.
	api := srv("api", 1, 1024, cpu(random(expo(0.01))))
	api.Replicas = ptr(3)
	api.CostPerReplicaHour = ptr(1.2)
	sc := lbScenario(constantRate(50), 600, scenario.RoundRobin, det(0.001), api)
	r := mustRun(t, sc, Options{Series: true}, nil)
	st := r.Servers["api"]
	if st.Cost == nil || *st.Cost != 0.6 {
		t.Errorf("cost = %v, want 0.6", st.Cost)
	}
	if want := (result.ReplicaStats{Mean: 3, Min: 3, Max: 3}); st.Replicas == nil || *st.Replicas != want {
		t.Errorf("replicas = %v, want %v", st.Replicas, want)
	}
	for k, v := range r.Series.Servers["api"].Replicas {
		if v != 3 {
			t.Fatalf("replicas series[%d] = %v, want 3", k, v)
		}
	}
	if _, ok := r.Series.Servers["api#1"]; ok {
		t.Error("series kept per instance")
	}
}

// checkClose fails when got is not within tol of want.
func checkClose(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.15g, want %.15g (± %g)", name, got, want, tol)
	}
}

// TestAutoscaledOutages: server_down on an autoscaled server takes out
// every instance, one started before the outage included; on `<id>#k` it
// takes out that instance only, even when the autoscaler starts it
// during the outage.
func TestAutoscaledOutages(t *testing.T) {
	t.Parallel()
	// 30/s over api and a plain server b (round robin): api#1 takes 15/s,
	// utilization 0.75 → at 10 s api#2 starts (target 0.4, no start-up
	// delay), and api#1, api#2 and b then share the load.
	build := func(target string, from, to float64) *scenario.Scenario {
		api := stepAPI(scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 2, Metric: scenario.MetricUtilization,
			Target: 0.4, EveryS: 10, UpCooldownS: 0, DownCooldownS: ptr(300.0), StartupS: ptr(fixed(0))})
		sc := lbScenario(constantRate(1), 30, scenario.RoundRobin, det(0.001), api, srv("b", 2, 4096, cpu(fixed(0.1))))
		sc.Events = []scenario.Event{{ID: "down", TargetID: target,
			Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: from},
			End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: to}}}
		return sc
	}
	// picks[w][s]: the load balancer's picks of api#1, api#2 and b in the
	// windows [0, 10), [10, 12), [12, 15), [15, 25), [25, 30).
	picks := func(sc *scenario.Scenario) (p [5][3]int) {
		edges := []float64{10, 12, 15, 25, 30}
		hk := &hooks{arrivals: scriptedSteps(30, func(int) int { return 30 }), lbPick: func(t float64, s int32) {
			w := 0
			for t >= edges[w] {
				w++
			}
			p[w][s]++
		}}
		mustRun(t, sc, Options{}, hk)
		return p
	}
	all := picks(build("api", 12, 25))
	if all[0][0] != 150 || all[0][1] != 0 || all[1][0] != 20 || all[1][1] != 20 ||
		all[2][0]+all[2][1]+all[3][0]+all[3][1] != 0 || all[4][0] != 50 || all[4][1] != 50 {
		t.Errorf("api down over [12, 25): picks %v", all)
	}
	one := picks(build("api#2", 5, 15))
	if one[0][1] != 0 || one[1][1] != 0 || one[2][1] != 0 || one[1][0] != 30 || one[3][1] != 100 {
		t.Errorf("api#2 down over [5, 15): picks %v", one)
	}
}

// TestAutoscalingAllocations: scaling up and down allocates nothing per
// event (the instances are allocated at compile): a run ten times longer
// allocates (almost) nothing more. Poisson load with a concurrency of
// about 6 against a target of 2 per instance, decided every second
// without cooldowns, makes the count move all the time.
func TestAutoscalingAllocations(t *testing.T) {
	checkAllocationsDoNotGrow(t, func(horizon int) *scenario.Scenario {
		api := srv("api", 1, 4096, cpu(random(expo(0.01))), io(scenario.IOWait, random(expo(0.02))))
		api.Autoscaling = &scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 20, Metric: scenario.MetricConcurrency,
			Target: 2, EveryS: 1, UpCooldownS: 0, DownCooldownS: ptr(0.0), StartupS: ptr(random(expo(0.5)))}
		return lbScenario(constantRate(200), horizon, scenario.RoundRobin, expo(0.001), api)
	})
}

// TestAutoscalingIsDeterministic: the autoscaled example gives
// byte-identical results for a seed (series included), whether constant
// delays wait in lanes or in the heap, and another seed changes them.
func TestAutoscalingIsDeterministic(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, filepath.Join(repoRoot(t), "examples", "autoscaled_diurnal.yml"))
	a := encode(t, mustRun(t, sc, Options{Seed: 3, Series: true}, nil))
	b := encode(t, mustRun(t, sc, Options{Seed: 3, Series: true}, &hooks{noLanes: true}))
	c := encode(t, mustRun(t, sc, Options{Seed: 4, Series: true}, nil))
	if !bytes.Equal(a, b) {
		t.Errorf("lanes change the result:\n%s", cmp.Diff(string(b), string(a)))
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 3 and 4 give the same result")
	}
}

// TestAutoscalingRandomStartUp: an RV start-up is drawn per started
// instance from the autoscaler's own stream: uniform on [2, 8] (mean 5,
// variance 3), each ready time is its start plus a draw in that range,
// the two instances started together get different draws, and the draws
// are the same for the same seed whatever the server's service times.
func TestAutoscalingRandomStartUp(t *testing.T) {
	t.Parallel()
	startups := func(cpuS float64) []float64 {
		api := srv("api", 2, 4096, cpu(fixed(cpuS)), io(scenario.IOWait, fixed(1)))
		api.Autoscaling = &scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 4, Metric: scenario.MetricUtilization,
			Target: 0.1, EveryS: 10, UpCooldownS: 0, DownCooldownS: ptr(300.0),
			StartupS: ptr(random(scenario.RV{Mean: 5, Distribution: scenario.Uniform, Variance: ptr(3.0)}))}
		sc := lbScenario(constantRate(1), 30, scenario.RoundRobin, det(0.001), api)
		start := map[int32]float64{}
		var ds []float64
		hk := &hooks{arrivals: scriptedSteps(30, func(int) int { return 6 }), scale: func(t float64, e scaleEvent) {
			switch e.kind {
			case "start":
				start[e.inst] = t
			case "ready":
				ds = append(ds, t-start[e.inst])
			}
		}}
		mustRun(t, sc, Options{Seed: 9}, hk)
		return ds
	}
	// 6/s of 0.1 s on one 2-core instance: utilization 0.3 against 0.1 →
	// ceil(3) = 3 at 10 s: #2 and #3 start together (and later ones with
	// the slower CPU too; the draws come in the same order).
	a, b := startups(0.1), startups(0.12)
	if len(a) < 2 || len(b) < 2 || a[0] == a[1] {
		t.Fatalf("start-ups %v, want two different draws at least", a)
	}
	for k := range min(len(a), len(b)) {
		// The ready time minus the start time: equal to rounding.
		checkClose(t, fmt.Sprintf("start-up %d", k), b[k], a[k], 1e-12)
	}
	for _, d := range a {
		if d < 2 || d > 8 {
			t.Errorf("start-up %v outside [2, 8]", d)
		}
	}
}

// TestAutoscalingDecisionInstants: decisions are at exactly k·every_s
// (a product, not a running sum, which would drift for every_s = 0.1).
func TestAutoscalingDecisionInstants(t *testing.T) {
	t.Parallel()
	api := stepAPI(scenario.Autoscaling{MinReplicas: 1, MaxReplicas: 2, Metric: scenario.MetricUtilization,
		Target: 0.5, EveryS: 0.1, DownCooldownS: ptr(300.0), StartupS: ptr(fixed(0))})
	sc := lbScenario(constantRate(1), 20, scenario.RoundRobin, det(0.001), api)
	var ts []float64
	mustRun(t, sc, Options{}, &hooks{arrivals: []float64{}, scale: func(t float64, e scaleEvent) {
		if e.kind == "decide" {
			ts = append(ts, t)
		}
	}})
	if len(ts) != 199 {
		t.Fatalf("%d decisions, want 199 (0.1 … 19.9)", len(ts))
	}
	for k, got := range ts {
		if want := float64(k+1) * 0.1; got != want {
			t.Fatalf("decision %d at %v, want %v", k+1, got, want)
		}
	}
}

// TestEveryAlgorithmPicksOnlyInstancesInService: with 2 of 4 instances
// running (a target the load never reaches), every load-balancing
// algorithm sends every request to #1 or #2, and to both.
func TestEveryAlgorithmPicksOnlyInstancesInService(t *testing.T) {
	t.Parallel()
	for _, alg := range scenario.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			api := srv("api", 1, 1024, cpu(random(expo(0.001))))
			api.Replicas = ptr(2)
			api.Autoscaling = &scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 4, Metric: scenario.MetricUtilization,
				Target: 1, EveryS: 5, DownCooldownS: ptr(300.0), StartupS: ptr(fixed(0))}
			sc := lbScenario(constantRate(100), 30, alg, expo(0.001), api)
			picks := map[int32]int{}
			mustRun(t, sc, Options{Seed: 3}, &hooks{lbPick: func(_ float64, s int32) { picks[s]++ }})
			if len(picks) != 2 || picks[0] < 1000 || picks[1] < 1000 {
				t.Errorf("picks per instance %v, want #1 and #2 (0 and 1) only, over 1000 each", picks)
			}
		})
	}
}
