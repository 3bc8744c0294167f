package analysis_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// runFastsim is the RunFunc every caller passes: fastsim.Run with a seed.
func runFastsim(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
	return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
}

// seeds returns the seeds of n replications of a run seeded with 42, as
// `fastsim run --replications n` derives them.
func seeds(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = fastsim.ReplicationSeed(fastsim.DefaultSeed, i)
	}
	return out
}

// hop is the one-way latency of every edge of the test scenarios: 0.1 ms,
// deterministic, so it adds exactly hops·0.1 ms to every latency.
const hop = 0.0001

// queueScenario builds generator → client → [load balancer →] servers →
// client with a constant number of users (normal, variance 0), so that
// arrivals are a Poisson process of rate ratePerS, deterministic edges
// without loss, and servers of one core with one CPU step of the given
// distribution and mean.
func queueScenario(t *testing.T, ratePerS float64, cpu scenario.RV, servers int, lb bool, horizon int) *scenario.Scenario {
	t.Helper()
	b := scenario.New().
		Workload(scenario.Workload{
			ID:                         "gen",
			AvgActiveUsers:             scenario.NormalRV(ratePerS, 0),
			AvgRequestPerMinutePerUser: scenario.PoissonRV(60),
		}).
		Client("client").
		Edge("gen-client", "gen", "client", scenario.DetRV(hop), scenario.Dropout(0)).
		Horizon(horizon).
		SamplePeriod(0.1)
	from := "client"
	if lb {
		b.LoadBalancer("lb", scenario.RoundRobin).
			Edge("client-lb", "client", "lb", scenario.DetRV(hop), scenario.Dropout(0))
		from = "lb"
	}
	for i := 1; i <= servers; i++ {
		id := fmt.Sprintf("srv-%d", i)
		b.Server(scenario.NewServer(id).Endpoint("work", scenario.CPUStep(scenario.CPUBoundOperation, scenario.Quantity{Value: cpu.Mean, RV: &cpu}))).
			Edge(from+"-"+id, from, id, scenario.DetRV(hop), scenario.Dropout(0)).
			Edge(id+"-client", id, "client", scenario.DetRV(hop), scenario.Dropout(0))
	}
	sc, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// erlangC is the probability that an arrival waits in an M/M/c queue with
// offered load a = λ/μ < c (Erlang C formula; Kleinrock, Queueing
// Systems I, 1975, eq. 3.42).
func erlangC(c int, a float64) float64 {
	sum, term := 0.0, 1.0
	for k := range c {
		if k > 0 {
			term *= a / float64(k)
		}
		sum += term
	}
	top := term * a / float64(c) * float64(c) / (float64(c) - a)
	return top / (sum + top)
}

// mmcSojournQuantile is the q-quantile of the time in system of an M/M/c
// FCFS queue: T = Wq + S with Wq = 0 with probability 1 − C and
// Exp(cμ − λ) otherwise, S ~ Exp(μ) independent, so
// P(T > t) = (1−C)e^{−μt} + C(μe^{−θt} − θe^{−μt})/(μ − θ), θ = cμ − λ
// (with its limit (1 + μt)e^{−μt} in place of the fraction when θ = μ).
// Solved by bisection.
func mmcSojournQuantile(q float64, c int, lambda, mu float64) float64 {
	C, th := erlangC(c, lambda/mu), float64(c)*mu-lambda
	tail := func(t float64) float64 {
		if th == mu { // the limit θ → μ: P(E_μ + E_μ > t) = (1 + μt)e^{−μt}
			return (1-C)*math.Exp(-mu*t) + C*(1+mu*t)*math.Exp(-mu*t)
		}
		return (1-C)*math.Exp(-mu*t) + C*(mu*math.Exp(-th*t)-th*math.Exp(-mu*t))/(mu-th)
	}
	lo, hi := 0.0, 100.0
	for range 200 {
		m := (lo + hi) / 2
		if tail(m) > 1-q {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// TestSizeCoresMMc sizes an M/M/c server: Poisson arrivals at 500 req/s,
// exponential service of mean 10 ms (μ = 100/s, offered load 5 Erlangs),
// SLA p95 ≤ 37.5 ms. By Erlang C the p95 time in system is 42.47 ms with
// 6 cores and 32.67 ms with 7 (mmcSojournQuantile; plus 0.3 ms for three
// hops), so the answer is 7. The SLA sits 12–13 % from both neighbours;
// the p95 of one 60 s run (30,000 requests) at 6 cores (ρ = 0.83) ranged
// over 38.97–45.27 ms across replications 0..11 of seed 42 (SD 2.1 ms,
// 5 %; the mean over seeds 1..30 was 42.71 ms against Erlang C's 42.77),
// and over 32.6–33.5 ms at 7 cores, so the mean of three replications
// cannot cross it.
func TestSizeCoresMMc(t *testing.T) {
	t.Parallel()
	const lambda, mu = 500.0, 100.0
	p6, p7 := mmcSojournQuantile(0.95, 6, lambda, mu)+3*hop, mmcSojournQuantile(0.95, 7, lambda, mu)+3*hop
	const sla = 0.0375
	if !(p7 < 0.9*sla && p6 > 1.1*sla) {
		t.Fatalf("analytic p95 %v (6 cores) and %v (7 cores) are not 10 %% on either side of %v", p6, p7, sla)
	}
	sc := queueScenario(t, lambda, scenario.ExpRV(1/mu), 1, false, 60)
	res, err := analysis.SizeCores(context.Background(), sc, "srv-1", analysis.SLA{Percentile: 0.95, LatencyS: sla},
		analysis.Options{Run: runFastsim, Seeds: seeds(3)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Answer != 7 {
		t.Errorf("answer %d cores, want 7 (Erlang C)", res.Answer)
	}
	// Doubling 1, 2, 4, 8 then bisection 6, 7.
	if diff := cmp.Diff([]float64{1, 2, 4, 6, 7, 8}, values(res.Evaluations)); diff != "" {
		t.Errorf("evaluated cores (-want +got):\n%s", diff)
	}
	for _, ev := range res.Evaluations {
		if want := ev.Value >= 7; ev.Pass != want {
			t.Errorf("%v cores: pass %v, want %v (%s)", ev.Value, ev.Pass, want, ev.Reason)
		}
		// Where the queue is stable the simulated p95 matches Erlang C: a
		// mean of three runs has an SD of 5 %/√3 = 2.9 % at 6 cores (the
		// spread above); 9 % is 3 SD and covers the sketch's 0.5 %.
		if ev.Value >= 6 {
			want := mmcSojournQuantile(0.95, int(ev.Value), lambda, mu) + 3*hop
			if math.Abs(ev.Latency.Mean-want) > 0.09*want {
				t.Errorf("%v cores: p95 %.5f s, Erlang C %.5f s", ev.Value, ev.Latency.Mean, want)
			}
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	if cores := sc.Topology.Nodes.Servers[0].Resources.CPUCores; cores != 1 {
		t.Errorf("the input scenario was changed: %d cores", cores)
	}
}

func values(evs []analysis.Evaluation) []float64 {
	out := make([]float64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Value
	}
	return out
}

// enm1Sojourn95 is the p95 time in system of one of n round-robin copies
// of an exponential server (rate μ) fed by Poisson arrivals of rate λ:
// each copy sees every n-th arrival, an Erlang-n renewal process, so it
// is an E_n/M/1 queue, whose time in system is exponential with rate
// μ(1 − σ), σ the root in (0, 1) of σ = (λ/(λ + μ(1 − σ)))^n (GI/M/1;
// Kleinrock, Queueing Systems I, 1975, §6.4). Solved by fixed-point
// iteration, which converges from 0 for a stable queue.
func enm1Sojourn95(n int, lambda, mu float64) float64 {
	s := 0.0
	for range 10000 {
		s = math.Pow(lambda/(lambda+mu*(1-s)), float64(n))
	}
	return math.Log(20) / (mu * (1 - s))
}

// TestSizeReplicasRoundRobin sizes round-robin replicas of a one-core
// exponential server (mean 10 ms) under Poisson arrivals at 250 req/s,
// SLA p95 ≤ 80 ms. As E_n/M/1 queues (enm1Sojourn95), 3 copies give a p95
// of 123.5 ms and 4 copies 54.8 ms (plus 0.4 ms for four hops): the answer
// is 4, with the SLA 30 % and more from both neighbours. Across six seeds
// a 60 s run measured 114.8–183.6 ms at 3 copies (ρ = 0.83 makes the p95
// of one minute noisy; 600 s runs gave 123.1–130.7 ms) and 52.1–59.3 ms
// at 4: the mean of three runs stays on its side of 80 ms.
func TestSizeReplicasRoundRobin(t *testing.T) {
	t.Parallel()
	const lambda, mu = 250.0, 100.0
	p3, p4 := enm1Sojourn95(3, lambda, mu)+4*hop, enm1Sojourn95(4, lambda, mu)+4*hop
	const sla = 0.080
	if !(p4 < 0.75*sla && p3 > 1.25*sla) {
		t.Fatalf("analytic p95 %v (3 copies) and %v (4 copies) are not 25 %% on either side of %v", p3, p4, sla)
	}
	sc := queueScenario(t, lambda, scenario.ExpRV(1/mu), 1, true, 60)
	res, err := analysis.SizeReplicas(context.Background(), sc, "srv-1", analysis.SLA{Percentile: 0.95, LatencyS: sla},
		analysis.Options{Run: runFastsim, Seeds: seeds(3)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Answer != 4 {
		t.Errorf("answer %d replicas, want 4 (E_n/M/1)", res.Answer)
	}
	if diff := cmp.Diff([]float64{1, 2, 3, 4, 5}, values(res.Evaluations)); diff != "" {
		t.Errorf("evaluated replicas (-want +got):\n%s", diff)
	}
	for _, ev := range res.Evaluations[2:] {
		want := enm1Sojourn95(int(ev.Value), lambda, mu) + 4*hop
		// 10 % at 4 copies: the measured range above is −6 % … +7 % around
		// the analytic value for one run, less for a mean of three, plus
		// the sketch's 0.5 %. At 3 copies one minute is too noisy for a
		// tolerance that means anything; only the verdict is checked.
		if ev.Value == 4 && math.Abs(ev.Latency.Mean-want) > 0.10*want {
			t.Errorf("%v replicas: p95 %.5f s, E_n/M/1 %.5f s", ev.Value, ev.Latency.Mean, want)
		}
		if want := ev.Value >= 4; ev.Pass != want {
			t.Errorf("%v replicas: pass %v, want %v (%s)", ev.Value, ev.Pass, want, ev.Reason)
		}
		// Round robin gives every copy the same share of the work:
		// utilisation λ/(nμ).
		for id, u := range ev.Utilization {
			if want := lambda / (ev.Value * mu); math.Abs(u.Mean-want) > 0.03*want {
				t.Errorf("%v replicas: utilisation of %s %.4f, want %.4f", ev.Value, id, u.Mean, want)
			}
		}
		if len(ev.Utilization) != int(ev.Value) {
			t.Errorf("%v replicas: utilisation of %d servers", ev.Value, len(ev.Utilization))
		}
	}
}

// md1Sojourn99 holds the p99 time in system of an M/D/1 queue with
// service time D = 2 ms at utilisation ρ, from Erlang's waiting-time
// distribution P(W ≤ t) = (1−ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD−t))^k/k! e^{−λ(kD−t)}
// (Erlang 1909; Gross and Harris, Fundamentals of Queueing Theory, §5.1.2),
// evaluated with 600-digit arithmetic (mpmath) and bisection. A D of 10 ms
// gives 26.67, 43.36, 90.37 and 228.98 ms; the figures scale with D.
var md1Sojourn99 = map[float64]float64{0.25: 0.0053331, 0.5: 0.0086725, 0.75: 0.0180748, 0.9: 0.0457965}

// TestSweepMD1 sweeps an M/D/1 server (deterministic 2 ms of CPU, base
// load 250 req/s, ρ = 0.5) over multipliers 0.5 … 2.2 (ρ 0.25 … 1.1)
// against p99 ≤ 30 ms. The analytic p99 is 18.4 ms at ρ = 0.75 and 46.1 ms
// at ρ = 0.9 (md1Sojourn99 plus 0.3 ms for three hops), so the knee is
// 1.5, with the SLA 39 % and 54 % away; at ρ = 1.1 the queue grows without
// bound.
func TestSweepMD1(t *testing.T) {
	t.Parallel()
	const base, d = 250.0, 0.002
	sc := queueScenario(t, base, scenario.DetRV(d), 1, false, 60)
	res, err := analysis.Sweep(context.Background(), sc, []float64{2.2, 0.5, 1, 1.5, 1.8}, analysis.SLA{Percentile: 0.99, LatencyS: 0.030},
		analysis.Options{Run: runFastsim, Seeds: seeds(3)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Knee != 1.5 || res.KneeRateRPS != 375 {
		t.Errorf("knee x%v at %v req/s, want x1.5 at 375 req/s", res.Knee, res.KneeRateRPS)
	}
	if diff := cmp.Diff([]float64{0.5, 1, 1.5, 1.8, 2.2}, values(res.Levels)); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	for i, ev := range res.Levels {
		rho := ev.Value * base * d
		if i > 0 && !(ev.P99.Mean > res.Levels[i-1].P99.Mean) {
			t.Errorf("p99 at ρ = %v is %v, not above %v at the lower load", rho, ev.P99.Mean, res.Levels[i-1].P99.Mean)
		}
		if want, ok := md1Sojourn99[math.Round(rho*100)/100]; ok && rho <= 0.75 {
			want += 3 * hop
			// 12 %: across six seeds the p99 of one 60 s run measured
			// −3 % … +3 % of the analytic value at ρ = 0.25, −1 % … +5 %
			// at 0.5 and −1 % … +16 % at 0.75 (a minute of a queue near
			// saturation is noisy; a mean of three is tighter), plus the
			// sketch's 0.5 %. At 0.9 it ranged −11 % … +41 %, too wide to
			// check more than the verdict.
			if math.Abs(ev.P99.Mean-want) > 0.12*want {
				t.Errorf("ρ = %v: p99 %.5f s, M/D/1 %.5f s", rho, ev.P99.Mean, want)
			}
		}
		// Utilisation is ρ while the queue is stable, and close to 1 beyond.
		if u := ev.Utilization["srv-1"].Mean; math.Abs(u-min(rho, 1)) > 0.03 {
			t.Errorf("ρ = %v: utilisation %.4f", rho, u)
		}
	}
	over := res.Levels[4]
	// At ρ = 1.1 about 10 % of the arrivals (550 req/s for 60 s, minus
	// those served at 500 req/s) are still queued at the horizon.
	if over.InFlight.Mean < 2000 || over.Pass || over.ThroughputRPS.Mean > 501 {
		t.Errorf("overload level: in flight %v, pass %v, throughput %v", over.InFlight.Mean, over.Pass, over.ThroughputRPS.Mean)
	}
}
