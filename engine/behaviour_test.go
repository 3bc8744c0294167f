package engine

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// closeTo is the tolerance of "exact" latency checks: latencies are
// differences of sums of a few float64 times below 10^3 s, whose rounding
// error is below 10^-12 s.
const closeTo = 1e-9

func TestPureIOLatencyIsIOPlusEdges(t *testing.T) {
	t.Parallel()
	const ioTime = 0.05
	// With no CPU step and ample RAM nothing queues, so whatever the load
	// (here 5,000 requests per second on one core) every latency is the
	// I/O time plus the three edges, exactly.
	for _, rate := range []float64{10, 5000} {
		sc := singleServer(constantRate(rate), 20, tinyEdges(),
			srv("srv", 1, 1024, io(scenario.IOWait, fixed(ioTime))))
		r := mustRun(t, sc, Options{Seed: 3}, nil)
		want := ioTime + 3*tiny
		l := r.Latency
		if math.Abs(l.Min-want) > closeTo || math.Abs(l.Max-want) > closeTo || math.Abs(l.Mean-want) > closeTo {
			t.Errorf("rate %v: latency min/mean/max = %v/%v/%v, want %v", rate, l.Min, l.Mean, l.Max, want)
		}
		// The sketch reports quantiles within its 0.5 % relative accuracy.
		if math.Abs(l.P99-want) > 0.005*want {
			t.Errorf("rate %v: p99 = %v, want %v ± 0.5 %%", rate, l.P99, want)
		}
		if r.Servers["srv"].Utilization != 0 {
			t.Errorf("utilisation = %v with no CPU step", r.Servers["srv"].Utilization)
		}
	}
}

func TestPureIOExponentialDistribution(t *testing.T) {
	t.Parallel()
	const mean = 0.05
	sc := singleServer(constantRate(2000), shortOr(20, 60), tinyEdges(),
		srv("srv", 1, 1024, io(scenario.IODB, random(expo(mean)))))
	lat := latencies(t, sc, 5)
	// Latency − 3·tiny is Exp(mean) whatever the load. With n ≈ 1.2·10^5
	// independent draws the sample mean has SE mean/√n ≈ 0.29 % (2 % is
	// 7 SE) and the fraction below the true 0.9-quantile has SE
	// sqrt(0.09/n) ≈ 0.0009 (0.01 is 11 SE); in -short mode, 40,000
	// draws, 4 and 6 SE.
	var sum float64
	below := 0
	q90 := -mean * math.Log(0.1)
	for _, x := range lat {
		sum += x - 3*tiny
		if x-3*tiny <= q90 {
			below++
		}
	}
	n := float64(len(lat))
	if got := sum / n; math.Abs(got-mean) > 0.02*mean {
		t.Errorf("mean I/O time = %v, want %v ± 2 %%", got, mean)
	}
	if got := float64(below) / n; math.Abs(got-0.9) > 0.01 {
		t.Errorf("P(I/O <= q90) = %v, want 0.9 ± 0.01", got)
	}
}

func TestRoundRobinSplitsEvenly(t *testing.T) {
	t.Parallel()
	servers := []scenario.Server{
		srv("a", 1, 1024, cpu(fixed(0.0001))),
		srv("b", 1, 1024, cpu(fixed(0.0001))),
		srv("c", 1, 1024, cpu(fixed(0.0001))),
	}
	sc := lbScenario(constantRate(300), 30, scenario.RoundRobin, expo(0.001), servers...)
	picks := make([]int64, 3)
	r := mustRun(t, sc, Options{Seed: 9}, &hooks{lbPick: func(_ float64, s int32) { picks[s]++ }})
	lo, hi := picks[0], picks[0]
	for _, p := range picks {
		lo, hi = min(lo, p), max(hi, p)
	}
	// Round robin is exact: the counts differ by at most one.
	if hi-lo > 1 {
		t.Errorf("round robin picks %v differ by more than 1", picks)
	}
	total := picks[0] + picks[1] + picks[2]
	// Every request but the few still travelling to the load balancer at
	// the horizon (in flight on two edges of mean 1 ms) has been routed.
	if total > r.Counts.Generated || total < r.Counts.Generated-10 {
		t.Errorf("picks %d, generated %d", total, r.Counts.Generated)
	}
}

func TestLeastConnectionBeatsRoundRobinOnUnequalServers(t *testing.T) {
	t.Parallel()
	// A fast server (1 ms) declared first and a slow one (4 ms). Round
	// robin sends each half of 450 rps: the slow one runs at ρ = 0.9.
	// Least connection picks the server with the fewest outstanding
	// requests, so the fast server takes the larger share and the slow one
	// stays far from saturation.
	servers := []scenario.Server{
		srv("fast", 1, 1024, cpu(random(expo(0.001)))),
		srv("slow", 1, 1024, cpu(random(expo(0.004)))),
	}
	run := func(alg scenario.Algorithm) (mean, slowQueue float64) {
		sc := lbScenario(constantRate(450), 100, alg, expo(0.001), servers...)
		r := mustRun(t, sc, Options{Seed: 21}, nil)
		return r.Latency.Mean, r.Servers["slow"].ReadyQueueLen.Mean
	}
	rrMean, rrQueue := run(scenario.RoundRobin)
	lcMean, lcQueue := run(scenario.LeastConnection)
	t.Logf("round robin: mean latency %.4f s, slow ready queue %.2f; least connection: %.4f s, %.2f", rrMean, rrQueue, lcMean, lcQueue)
	// The gap is large (M/M/1 at ρ = 0.9 waits 36 ms on the slow server
	// against a few ms), far beyond run-to-run noise: demand a factor 2.
	if !(lcMean < rrMean/2) {
		t.Errorf("least connection mean latency %.4f is not below half of round robin's %.4f", lcMean, rrMean)
	}
	if !(lcQueue < rrQueue/2) {
		t.Errorf("least connection slow-server queue %.3f is not below half of round robin's %.3f", lcQueue, rrQueue)
	}
}

func TestOutageLoadBalancerRoutesAround(t *testing.T) {
	t.Parallel()
	servers := []scenario.Server{
		srv("a", 1, 1024, cpu(fixed(0.0005))),
		srv("b", 1, 1024, cpu(fixed(0.0005))),
	}
	for _, alg := range scenario.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			sc := lbScenario(constantRate(200), 60, alg, expo(0.002), servers...)
			sc.Events = []scenario.Event{{
				ID: "b-down", TargetID: "b",
				Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 20},
				End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 40},
			}}
			var before, inside, after int
			r := mustRun(t, sc, Options{Seed: 4}, &hooks{lbPick: func(now float64, s int32) {
				if s != 1 {
					return
				}
				switch {
				case now < 20:
					before++
				case now < 40:
					inside++
				default:
					after++
				}
			}})
			if inside != 0 || before == 0 || after == 0 {
				t.Errorf("picks of b before/inside/after the window = %d/%d/%d, want >0/0/>0", before, inside, after)
			}
			if r.Counts.Failed != 0 {
				t.Errorf("failed = %d; a covered server's outage fails nothing", r.Counts.Failed)
			}
		})
	}
}

func TestNetworkSpikeAddsExactly(t *testing.T) {
	t.Parallel()
	const ioTime = 0.01
	sc := singleServer(constantRate(200), 50, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(ioTime))))
	sc.Events = []scenario.Event{
		{ID: "s1", TargetID: "client-srv",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 20, SpikeS: ptr(0.1)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 30}},
		{ID: "s2", TargetID: "client-srv",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 25, SpikeS: ptr(0.05)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 35}},
	}
	base := ioTime + 3*tiny
	counts := map[float64]int{}
	mustRun(t, sc, Options{Seed: 2}, &hooks{complete: func(born, now float64) {
		enter := born + tiny // when the request enters client→srv
		want := base
		if enter >= 20 && enter < 30 {
			want += 0.1
		}
		if enter >= 25 && enter < 35 {
			want += 0.05 // overlapping spikes add up
		}
		if got := now - born; math.Abs(got-want) > closeTo {
			t.Fatalf("request born at %v: latency %v, want %v", born, got, want)
		}
		counts[want]++
	}})
	if len(counts) != 4 {
		t.Errorf("latency levels seen: %v, want 4 (none, +0.1, +0.15, +0.05)", counts)
	}
}

func TestNetworkSpikeSumIsExact(t *testing.T) {
	t.Parallel()
	// Spikes of 0.7 s in [5, 20), 10⁶ s in [6, 10) and 10⁻¹² s in [7, 30)
	// on client→srv, whose poisson latency of mean 1 ms draws 0 (with
	// probability e^-0.001): a running sum would leave
	// 0.7 + 10⁶ + 10⁻¹² − 10⁶ − 0.7 = −4.7·10⁻¹¹ in [20, 30), schedule an
	// arrival in the past and panic. Every request must get exactly the
	// active spikes (to the clock's rounding, ulp(30) = 3.6·10⁻¹⁵ per
	// addition) and nothing after 30.
	const ioTime = 0.01
	sc := singleServer(constantRate(100), 40,
		[3]scenario.RV{det(tiny), {Mean: 0.001, Distribution: scenario.Poisson}, det(tiny)},
		srv("srv", 1, 1024, io(scenario.IOWait, fixed(ioTime))))
	spike := func(id string, from, to, s float64) scenario.Event {
		return scenario.Event{ID: id, TargetID: "client-srv",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: from, SpikeS: ptr(s)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: to}}
	}
	sc.Events = []scenario.Event{spike("mid", 5, 20, 0.7), spike("huge", 6, 10, 1e6), spike("tiny", 7, 30, 1e-12)}
	base := ioTime + 2*tiny
	byLevel := map[string]int{}
	mustRun(t, sc, Options{Seed: 2}, &hooks{complete: func(born, now float64) {
		enter := born + tiny
		want, level := 0.0, "none"
		switch {
		case enter >= 5 && enter < 6:
			want, level = 0.7, "mid"
		case enter >= 7 && enter < 10:
			t.Fatalf("request entering at %v completed despite the 10⁶ s spike", enter)
		case enter >= 10 && enter < 20:
			want, level = 0.7+1e-12, "mid+tiny"
		case enter >= 20 && enter < 30:
			want, level = 1e-12, "tiny"
		}
		extra := now - born - base
		if extra-want >= 0.5 {
			return // one of the rare poisson draws of 1 s or more
		}
		if math.Abs(extra-want) > 1e-13 {
			t.Fatalf("request entering at %v: added %.17g s, want %.17g (%s)", enter, extra, want, level)
		}
		byLevel[level]++
	}})
	for _, level := range []string{"none", "mid", "mid+tiny", "tiny"} {
		if byLevel[level] < 50 {
			t.Errorf("only %d requests at spike level %s: %v", byLevel[level], level, byLevel)
		}
	}
}

func TestRAMAdmitsOnlyK(t *testing.T) {
	t.Parallel()
	// 1024 MB admit k = 3 requests of 300 MB. Each holds its RAM for
	// exactly 0.1 s of I/O, so the server completes 30 requests per second
	// while 100 per second arrive: the rest wait in the RAM queue.
	const horizon = 20
	s := srv("srv", 1, 1024, ram(300), io(scenario.IOWait, fixed(0.1)))
	sc := singleServer(constantRate(100), horizon, tinyEdges(), s)
	r := mustRun(t, sc, Options{Seed: 6, Series: true}, nil)
	st := r.Servers["srv"]
	if st.RAMInUse.Max != 900 {
		t.Errorf("ram_in_use max = %v, want 900 (3 × 300 MB)", st.RAMInUse.Max)
	}
	for i, v := range r.Series.Servers["srv"].RAMInUse {
		if v != 0 && v != 300 && v != 600 && v != 900 {
			t.Fatalf("ram_in_use sample %d = %v, not a multiple of 300 up to 900", i, v)
		}
	}
	// Back-to-back batches of 3 from the first arrival (t ≈ 0.01 s) on:
	// 3·floor((20 − t0)/0.1) served, within one batch.
	if got := st.Requests; got < 3*199-3 || got > 3*200 {
		t.Errorf("served = %d, want about %d", got, 3*199)
	}
	if st.EventLoopIOSleep.Max != 3 {
		t.Errorf("event_loop_io_sleep max = %v, want 3", st.EventLoopIOSleep.Max)
	}
	if r.Counts.InFlight < 1000 {
		t.Errorf("in flight = %d, want the ~1400 requests queued for RAM", r.Counts.InFlight)
	}
}

func TestEndpointWithoutRAMNeverWaitsForRAM(t *testing.T) {
	t.Parallel()
	// The case: one core and 256 MB; endpoint "hold" reserves all
	// of it for 1 s of I/O, endpoint "cpu" only needs 1 ms of CPU. At 2
	// requests per second split uniformly, "hold" is a D/1 queue at
	// ρ ≈ 1 whose RAM queue grows for the whole run, while "cpu" never
	// waits for RAM: its latency is its 1 ms plus three 0.1 ms hops
	// (1.3 ms), or up to 1 ms more in the rare case (probability ~λ·1 ms
	// = 0.1 %) that another "cpu" request holds the core. Before the fix
	// "cpu" queued behind the RAM waiters: p50 of seconds.
	s := scenario.Server{
		ID:        "srv",
		Resources: scenario.ServerResources{CPUCores: 1, RAMMB: 256},
		Endpoints: []scenario.Endpoint{
			{Name: "hold", Steps: []scenario.Step{ram(256), io(scenario.IOWait, fixed(1))}},
			{Name: "cpu", Steps: []scenario.Step{cpu(fixed(0.001))}},
		},
	}
	const horizon = 200
	sc := singleServer(constantRate(2), horizon, tinyEdges(), s)
	var fast, slow []float64
	r := mustRun(t, sc, Options{Seed: 4}, &hooks{complete: func(born, now float64) {
		if lat := now - born; lat < 0.5 {
			fast = append(fast, lat)
		} else {
			slow = append(slow, lat)
		}
	}})
	slices.Sort(fast)
	const want = 0.001 + 3*tiny
	if len(fast) == 0 || math.Abs(fast[len(fast)/2]-want) > closeTo || fast[len(fast)-1] > 2*want {
		t.Fatalf("cpu endpoint latencies: %d, p50 %v, max %v; want p50 %v and max < %v",
			len(fast), fast[len(fast)/2], fast[len(fast)-1], want, 2*want)
	}
	// Half of ~400 arrivals pick "cpu" (binomial SD 10): 160 is 4 SD low.
	// Every one of them completes; "hold" completes at most one per second.
	if len(fast) < 160 || len(slow) > horizon {
		t.Errorf("completed cpu = %d (want >= 160), hold = %d (want <= %d)", len(fast), len(slow), horizon)
	}
	if c := r.Counts; c.Completed != int64(len(fast)+len(slow)) || c.InFlight < 5 {
		t.Errorf("counts %+v; want the hold requests still queued for RAM in flight", c)
	}
}

func TestDBConnectionPool(t *testing.T) {
	t.Parallel()
	// A pool of 2 connections and a 0.1 s io_db step: at most 2 requests
	// sleep on the database at once, so 20 per second are served.
	s := srv("srv", 1, 4096, io(scenario.IODB, fixed(0.1)), io(scenario.IOWait, fixed(0.05)))
	s.Resources.DBConnectionPool = ptr(2)
	sc := singleServer(constantRate(50), 20, tinyEdges(), s)
	r := mustRun(t, sc, Options{Seed: 6}, nil)
	if got := r.Servers["srv"].Requests; got < 2*199-2 || got > 2*200 {
		t.Errorf("served = %d, want about 398", got)
	}
	// Without a pool the same endpoint serves everything that arrives.
	s.Resources.DBConnectionPool = nil
	r = mustRun(t, singleServer(constantRate(50), 20, tinyEdges(), s), Options{Seed: 6}, nil)
	if c := r.Counts; c.InFlight > 20 {
		t.Errorf("without a pool %d requests are still in flight", c.InFlight)
	}
}

func TestDropout(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(1000), 20, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
	sc.Topology.Edges[1].DropoutRate = 0.1
	sc.Topology.Edges[2].DropoutRate = 1
	r := mustRun(t, sc, Options{Seed: 12}, nil)
	c := r.Counts
	// Edge 1 drops a Binomial(n, 0.1): SE = sqrt(0.09 n) ≈ 42 of ~2000;
	// 200 is over 4 SE. Edge 2 drops everything that reaches it.
	d1, d2 := r.Edges["client-srv"].Dropped, r.Edges["srv-client"].Dropped
	if math.Abs(float64(d1)-0.1*float64(c.Generated)) > 200 {
		t.Errorf("client-srv dropped %d of %d, want about 10 %%", d1, c.Generated)
	}
	if c.Completed != 0 || c.Dropped != d1+d2 || d2 < c.Generated-d1-20 {
		t.Errorf("counts %+v, drops %d + %d", c, d1, d2)
	}
	// No completion at all still encodes (no NaN in the result).
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("encode a result without completions: %v", err)
	}
}

func TestEndpointSelection(t *testing.T) {
	t.Parallel()
	ep := func(name string, ioTime float64, p, w *float64) scenario.Endpoint {
		return scenario.Endpoint{Name: name, Probability: p, Weight: w, Steps: []scenario.Step{io(scenario.IOWait, fixed(ioTime))}}
	}
	tests := []struct {
		name    string
		probs   [2]*float64
		weights [2]*float64
		wantA   float64
	}{
		{"Uniform", [2]*float64{nil, nil}, [2]*float64{nil, nil}, 0.5},
		{"Probabilities", [2]*float64{ptr(0.25), ptr(0.75)}, [2]*float64{nil, nil}, 0.25},
		{"RelativeWeights", [2]*float64{nil, nil}, [2]*float64{ptr(1.0), ptr(3.0)}, 0.25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := srv("srv", 1, 1024)
			s.Endpoints = []scenario.Endpoint{ep("a", 0.01, tc.probs[0], tc.weights[0]), ep("b", 0.02, tc.probs[1], tc.weights[1])}
			sc := singleServer(constantRate(1000), 20, tinyEdges(), s)
			var a, n float64
			mustRun(t, sc, Options{Seed: 1}, &hooks{complete: func(born, now float64) {
				n++
				if now-born < 0.015 {
					a++
				}
			}})
			// Binomial with n ≈ 20,000: SE ≤ 0.0036; 0.02 is over 5 SE.
			if math.Abs(a/n-tc.wantA) > 0.02 {
				t.Errorf("share of endpoint a = %.4f, want %.2f", a/n, tc.wantA)
			}
		})
	}
}

func TestSampledMetricsLittlesLaw(t *testing.T) {
	t.Parallel()
	// Little's law: the mean number sleeping on a 0.1 s I/O is λ·0.1 = 50
	// and the mean number in transit on a 2 ms edge is λ·0.002 = 1. The
	// time-average over T = 100 s of an M/G/∞ occupancy with mean L and
	// holding time h has SE ≈ sqrt(2·L·h/T) (≈ 0.32 for the I/O, 0.006
	// for the edge); tolerances of 4 % and 5 % are over 5 SE.
	const rate = 500
	sc := singleServer(constantRate(rate), 100, [3]scenario.RV{det(tiny), det(0.002), det(tiny)},
		srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.1))))
	r := mustRun(t, sc, Options{Seed: 17, Series: true}, nil)
	ioMean := r.Servers["srv"].EventLoopIOSleep.Mean
	if math.Abs(ioMean-50) > 2 {
		t.Errorf("event_loop_io_sleep mean = %v, want 50 ± 2", ioMean)
	}
	edgeMean := r.Edges["client-srv"].EdgeConcurrentConnection.Mean
	if math.Abs(edgeMean-1) > 0.05 {
		t.Errorf("edge_concurrent_connection mean = %v, want 1 ± 0.05", edgeMean)
	}
	// Sample k is at k·0.01 for k·0.01 < 100: exactly 10,000 samples.
	if n := len(r.Series.Servers["srv"].EventLoopIOSleep); n != 10000 {
		t.Errorf("series length = %d, want 10000", n)
	}
	if r.Series.Servers["srv"].ReadyQueueLen == nil || r.Series.Edges["gen-client"].EdgeConcurrentConnection == nil {
		t.Error("enabled series missing")
	}
	// Throughput: completions per second over the horizon.
	if n := len(r.Throughput.Series); n != 100 {
		t.Errorf("throughput series length = %d, want 100", n)
	}
	var sum float64
	for _, v := range r.Throughput.Series {
		sum += v
	}
	if int64(sum) != r.Counts.Completed || r.Throughput.MeanRPS != float64(r.Counts.Completed)/100 {
		t.Errorf("throughput series sums to %v, mean %v; completed %d", sum, r.Throughput.MeanRPS, r.Counts.Completed)
	}
}

func TestDisabledMetricsAreAbsent(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(10), 10, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.001))))
	sc.Settings.EnabledSampleMetrics = []scenario.SampleMetric{scenario.RAMInUse}
	r := mustRun(t, sc, Options{Seed: 1, Series: true}, nil)
	st := r.Servers["srv"]
	if st.RAMInUse == nil || st.ReadyQueueLen != nil || st.EventLoopIOSleep != nil || r.Edges["client-srv"].EdgeConcurrentConnection != nil {
		t.Errorf("summaries present: %+v %+v", st, r.Edges["client-srv"])
	}
	if ss := r.Series.Servers["srv"]; ss.RAMInUse == nil || ss.ReadyQueueLen != nil {
		t.Errorf("series present: %+v", ss)
	}
}

func TestProgressAndCancellation(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(1000), 1000, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.0005))))
	t.Run("Progress", func(t *testing.T) {
		t.Parallel()
		sc := singleServer(constantRate(100), 100, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.0005))))
		var ps []Progress
		r, err := Run(context.Background(), sc, Options{Progress: func(p Progress) { ps = append(ps, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) < 95 || len(ps) > 102 {
			t.Errorf("%d progress calls, want about 100", len(ps))
		}
		for i := 1; i < len(ps); i++ {
			if ps[i].SimTime < ps[i-1].SimTime || ps[i].Events < ps[i-1].Events {
				t.Fatalf("progress went backwards: %+v then %+v", ps[i-1], ps[i])
			}
		}
		if last := ps[len(ps)-1]; last.SimTime != 100 || last.Horizon != 100 || last.Events != r.Counts.Events {
			t.Errorf("last progress %+v, want the horizon and %d events", last, r.Counts.Events)
		}
	})
	t.Run("CancelledDuringRun", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen float64
		_, err := Run(ctx, sc, Options{Progress: func(p Progress) {
			seen = p.SimTime
			if p.SimTime >= 100 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		// The loop looks at the context every 4096 events, about 1.3 s of
		// simulated time here: it stops long before the next 1 % step.
		if seen > 110 {
			t.Errorf("progress reached %v s after cancellation at 100 s", seen)
		}
	})
	t.Run("CancelledBefore", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Run(ctx, sc, Options{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestLeastConnectionTiesGoToLongestWaiting(t *testing.T) {
	t.Parallel()
	// At 1 request per second on 10 µs deterministic edges and a 1 ms
	// step, every request finds both servers with no outstanding request
	// (a gap under 1.04 ms has probability ~10^-3 per request; seed 5 has
	// none): the tie goes to the server that has waited longest, so the
	// picks alternate a, b, a, b, ...
	servers := []scenario.Server{
		srv("a", 1, 1024, cpu(fixed(0.001))),
		srv("b", 1, 1024, cpu(fixed(0.001))),
	}
	sc := lbScenario(constantRate(1), 100, scenario.LeastConnection, det(0.00001), servers...)
	var seq []int32
	mustRun(t, sc, Options{Seed: 5}, &hooks{lbPick: func(_ float64, s int32) { seq = append(seq, s) }})
	for i, s := range seq {
		if s != int32(i%2) {
			t.Fatalf("pick %d went to server %d, want %d (picks %v)", i, s, i%2, seq)
		}
	}
	if len(seq) < 80 {
		t.Errorf("%d picks, want ~100", len(seq))
	}
}
func TestCoreHeldAcrossCPUStepsAndReleasedOnIO(t *testing.T) {
	t.Parallel()
	t.Run("ConsecutiveCPUStepsAreOneBurst", func(t *testing.T) {
		t.Parallel()
		// Two consecutive CPU steps of 0.6 and 0.4 ms behave exactly as
		// one step of 1 ms: the request keeps its core in between.
		split := singleServer(constantRate(800), 20, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.0006)), cpu(fixed(0.0004))))
		whole := singleServer(constantRate(800), 20, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.001))))
		a := mustRun(t, split, Options{Seed: 3}, nil)
		b := mustRun(t, whole, Options{Seed: 3}, nil)
		if a.Counts != b.Counts || math.Abs(a.Latency.Mean-b.Latency.Mean) > closeTo {
			t.Errorf("split steps: %+v mean %v; one step: %+v mean %v", a.Counts, a.Latency.Mean, b.Counts, b.Latency.Mean)
		}
	})
	t.Run("IOReleasesTheCore", func(t *testing.T) {
		t.Parallel()
		// 1 ms CPU, 100 ms I/O, 1 ms CPU at 200 rps on one core. Were the
		// core held through the I/O, at most ~10 requests per second could
		// be served; released, the core is busy 200 × 2 ms = 40 % of the
		// time. The busy time is a deterministic 2 ms per served request
		// plus at most 2 ms for each request still in flight.
		sc := singleServer(constantRate(200), 50, tinyEdges(),
			srv("srv", 1, 1024, cpu(fixed(0.001)), io(scenario.IOWait, fixed(0.1)), cpu(fixed(0.001))))
		r := mustRun(t, sc, Options{Seed: 3}, nil)
		st := r.Servers["srv"]
		if r.Counts.InFlight > 60 {
			t.Errorf("%d requests in flight at the end; the I/O step holds the core?", r.Counts.InFlight)
		}
		lo := 0.002 * float64(st.Requests) / 50
		hi := lo + 0.002*float64(r.Counts.InFlight)/50
		if st.Utilization < lo-closeTo || st.Utilization > hi+closeTo || lo < 0.38 {
			t.Errorf("utilisation = %v, want in [%v, %v] (2 ms per served request)", st.Utilization, lo, hi)
		}
	})
}
