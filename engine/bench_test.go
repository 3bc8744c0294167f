package engine

import (
	"context"
	"flag"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// benchScenario is the single-server example shaped like the spec's
// AsyncFlow example: CPU 1 ms, RAM 100 MB, I/O 100 ms, three exponential
// edges of 3 ms, no dropout, at rate requests per second (the server's
// capacity is 1000 requests per second).
func benchScenario(rate float64, horizon int) *scenario.Scenario {
	s := srv("srv-1", 1, 2048,
		scenario.Step{Kind: scenario.InitialParsing, Operation: scenario.Operation{CPUTime: &scenario.Quantity{Value: 0.001}}},
		ram(100),
		io(scenario.IOWait, fixed(0.1)))
	// RAM: 2048 MB / 100 MB admits 20 requests at once; at 800 rps each
	// holds RAM for about 104 ms, so ~83 would be needed: give it room.
	s.Resources.RAMMB = 65536
	sc := singleServer(constantRate(rate), horizon, [3]scenario.RV{expo(0.003), expo(0.003), expo(0.003)}, s)
	sc.Settings.SamplePeriodS = 0.01
	return sc
}

// BenchmarkSingleServer simulates 1000 s of the single-server example at
// 800 requests per second (ρ = 0.8) per op: 800,000 requests.
//
//	go test -run '^$' -bench SingleServer -benchtime 5x ./engine
func BenchmarkSingleServer(b *testing.B) {
	sc := benchScenario(800, 1000)
	reqs, events, cpu := benchRuns(b, sc)
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(reqs)/s, "requests/s")
	b.ReportMetric(float64(events)/s, "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	if cpu > 0 {
		b.ReportMetric(float64(reqs)/cpu, "requests/cpu-s")
		b.ReportMetric(float64(events)/cpu, "events/cpu-s")
	}
}

// BenchmarkLoadBalanced simulates 200 s of a load balancer (least
// connection) over four 2-core servers with CPU, RAM, database pool and I/O
// steps at 4,000 requests per second per op: 800,000 requests.
//
//	go test -run '^$' -bench LoadBalanced -benchtime 5x ./engine
func BenchmarkLoadBalanced(b *testing.B) {
	var servers []scenario.Server
	for _, id := range []string{"s1", "s2", "s3", "s4"} {
		s := srv(id, 2, 4096, cpu(random(expo(0.0008))), ram(64), io(scenario.IODB, random(expo(0.005))), io(scenario.IOCache, fixed(0.001)))
		s.Resources.DBConnectionPool = ptr(16)
		servers = append(servers, s)
	}
	sc := lbScenario(constantRate(4000), 200, scenario.LeastConnection, expo(0.002), servers...)
	reqs, events, cpu := benchRuns(b, sc)
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(reqs)/s, "requests/s")
	b.ReportMetric(float64(events)/s, "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(reqs)/cpu, "requests/cpu-s")
	}
}

var bigRun = flag.Int64("bigrun", 0, "TestBigRun: number of requests to simulate (e.g. 50000000)")

// TestBigRun simulates -bigrun requests of the benchmark scenario and
// reports the peak heap and the wall time. It is skipped unless -bigrun is
// given; the peak resident set size is measured around it with
//
//	go test -c -o /tmp/engine.test ./engine
//	/usr/bin/time -v /tmp/engine.test -test.run '^TestBigRun$' -bigrun 50000000 -test.v
func TestBigRun(t *testing.T) {
	if *bigRun <= 0 {
		t.Skip("set -bigrun N to simulate N requests")
	}
	const rate = 800.0
	horizon := int(float64(*bigRun)/rate) + 1
	sc := benchScenario(rate, horizon)
	start, cpu0 := time.Now(), cpuSeconds()
	r, err := Run(context.Background(), sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	wall, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(sample)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("requests %d, events %d, wall %.1f s, CPU %.1f s: %.0f requests/s, %.0f events/s, %.0f requests/cpu-s; Go memory total %.1f MB, heap sys %.1f MB",
		r.Counts.Generated, r.Counts.Events, wall, cpu, float64(r.Counts.Generated)/wall, float64(r.Counts.Events)/wall,
		float64(r.Counts.Generated)/cpu,
		float64(sample[0].Value.Uint64())/(1<<20), float64(ms.HeapSys)/(1<<20))
}

// BenchmarkServiceGraph simulates 1000 s of examples/three_tier.yml
// (gateway → auth and a load balancer over three catalog replicas →
// inventory; ~80 % utilisation on the catalog instances) per op: about
// 200,000 requests, each several calls deep.
//
//	go test -run '^$' -bench ServiceGraph -benchtime 5x ./engine
func BenchmarkServiceGraph(b *testing.B) {
	sc := loadScenario(b, filepath.Join(repoRoot(b), "examples", "three_tier.yml"))
	sc.Settings.TotalSimulationTime = 1000
	reqs, events, cpu := benchRuns(b, sc)
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(reqs)/s, "requests/s")
	b.ReportMetric(float64(events)/s, "events/s")
	b.ReportMetric(float64(events)/float64(reqs), "events/request")
	if cpu > 0 {
		b.ReportMetric(float64(reqs)/cpu, "requests/cpu-s")
		b.ReportMetric(float64(events)/cpu, "events/cpu-s")
	}
}

// benchRuns runs sc once per benchmark iteration, with seed i for
// iteration i, and returns the requests generated, the events processed
// and the CPU seconds the process spent (on a shared machine wall time
// includes waiting for a core; the process's CPU time does not).
func benchRuns(b *testing.B, sc *scenario.Scenario) (reqs, events int64, cpu float64) {
	b.Helper()
	c, cpu := benchCounts(b, sc)
	return c.Generated, c.Events, cpu
}

// benchCounts is benchRuns returning the sums of the runs' counts
// (requests, attempts, events, outcomes).
func benchCounts(b *testing.B, sc *scenario.Scenario) (sum result.Counts, cpu float64) {
	b.Helper()
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for i := 0; b.Loop(); i++ {
		r, err := Run(context.Background(), sc, Options{Seed: int64(i)})
		if err != nil {
			b.Fatal(err)
		}
		c := r.Counts
		sum.Generated += c.Generated
		sum.Attempts += c.Attempts
		sum.Events += c.Events
		sum.Completed += c.Completed
		sum.TimedOut += c.TimedOut
		sum.Rejected += c.Rejected
		sum.Failed += c.Failed
	}
	return sum, cpuSeconds() - cpu0
}

// retryStormAllOn is examples/retry_storm.yml with every mechanism of spec
// §12 switched on, for BenchmarkRetryStorm: the client's timeout, retries
// (now with full jitter) and a circuit breaker; on the api → db call a
// timeout, a retry and a breaker of its own; on the api max_concurrency,
// max_queue and a rate limit; on the db an error rate. The slowdown of
// the api → db edge (t = 60 to 90 s) still makes attempts time out, be
// retried, trip both breakers and be rejected.
func retryStormAllOn(tb testing.TB, horizon int) *scenario.Scenario {
	sc := loadScenario(tb, filepath.Join(repoRoot(tb), "examples", "retry_storm.yml"))
	sc.Settings.TotalSimulationTime = horizon
	c := &sc.Topology.Nodes.Client
	c.Retry.Backoff.Jitter = scenario.JitterFull
	c.CircuitBreaker = &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 20, WindowS: 10, OpenS: 5, HalfOpenCalls: 3}
	for i := range sc.Topology.Nodes.Servers {
		s := &sc.Topology.Nodes.Servers[i]
		switch s.ID {
		case "api":
			s.Resources.MaxConcurrency = ptr(2000)
			s.Resources.MaxQueue = ptr(500)
			s.RateLimit = &scenario.RateLimit{RPS: 300, Burst: 50}
			call := s.Endpoints[0].Steps[1].Operation.Call
			call.TimeoutS = ptr(0.8)
			call.Retry = &scenario.Retry{MaxAttempts: 2,
				Backoff: scenario.Backoff{InitialS: ptr(0.01), Multiplier: 2, MaxS: ptr(0.1), Jitter: scenario.JitterEqual},
				RetryOn: []scenario.Outcome{scenario.OutcomeTimedOut, scenario.OutcomeFailed}}
			call.CircuitBreaker = &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 20, WindowS: 10, OpenS: 2, HalfOpenCalls: 2}
		case "db":
			s.Endpoints[0].ErrorRate = 0.01
		}
	}
	return sc
}

// BenchmarkRetryStorm simulates 600 s of retryStormAllOn per op (100
// requests/s, a 30 s slowdown of the dependency; about 60,000 requests)
// and reports simulated requests and attempts per second and the cost of
// an event, to compare with BenchmarkSingleServer's ns/event (spec §15:
// at most 2×).
//
//	go test -run '^$' -bench 'RetryStorm$|SingleServer$' -benchtime 5x ./engine
func BenchmarkRetryStorm(b *testing.B) {
	sc := retryStormAllOn(b, 600)
	c, cpu := benchCounts(b, sc)
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(c.Generated)/s, "requests/s")
	b.ReportMetric(float64(c.Attempts)/s, "attempts/s")
	b.ReportMetric(float64(c.Events)/s, "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(c.Events), "ns/event")
	b.ReportMetric(float64(c.Events)/float64(c.Generated), "events/request")
	if cpu > 0 {
		b.ReportMetric(float64(c.Events)/cpu, "events/cpu-s")
	}
}
