package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Exact checks of the mechanisms of spec §12 on tiny deterministic
// scenarios: closed workloads of users with deterministic think times
// send requests at known instants, over edges of known constant latency.

// closedUsers is a closed workload of n users thinking think seconds.
func closedUsers(n int, think float64) scenario.Workload {
	return scenario.Workload{ID: "gen", Type: scenario.WorkloadClosed, Users: n, ThinkTime: ptr(det(think))}
}

// near reports whether a and b agree to 1e-9.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

// checkCounts compares the run's counts of outcomes with want.
func checkCounts(t *testing.T, got, want result.Counts) {
	t.Helper()
	got.Events = 0
	if got != want {
		t.Errorf("counts = %+v\nwant     %+v", got, want)
	}
}

// A 2 s CPU step behind a 1 s client deadline: every attempt times out,
// the server's work goes on, and the core-seconds after the deadline are
// wasted.
func TestTimeoutWastesWorkAfterTheDeadline(t *testing.T) {
	sc := singleServer(closedUsers(1, 10), 30, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(2))))
	sc.Topology.Nodes.Client.TimeoutS = ptr(1.0)
	var routes []float64
	r := mustRun(t, sc, Options{}, &hooks{route: func(t float64, _ int32) { routes = append(routes, t) }})
	// Born at 10, leaves the client at 10+tiny, deadline 11+tiny, timed
	// out then; the user thinks 10 s and sends again at 21+tiny; the next
	// one would be born after the horizon.
	checkCounts(t, r.Counts, result.Counts{Generated: 2, TimedOut: 2, Attempts: 2})
	if len(routes) != 2 || !near(routes[0], 10+2*tiny) || !near(routes[1], 21+3*tiny) {
		t.Errorf("requests reached the server at %v, want 10+2·tiny and 21+3·tiny", routes)
	}
	// Each burst runs on the server from 2·tiny after its attempt left
	// until 2 s later; its deadline is 1 s after it left: 1+tiny wasted.
	if w := r.Servers["srv"].WastedS; !near(w, 2*(1+tiny)) {
		t.Errorf("wasted_s = %v, want 2·(1+tiny) = %v", w, 2*(1+tiny))
	}
	if r.Servers["srv"].Requests != 2 {
		t.Errorf("the server served %d requests, want 2 (its work goes on)", r.Servers["srv"].Requests)
	}
	la := r.LatencyAll
	if la.TotalRequests != 2 || !near(la.Min, 1+tiny) || !near(la.Max, 1+tiny) {
		t.Errorf("latency_all = %+v, want two latencies of 1+tiny", la)
	}
	if r.Latency.TotalRequests != 0 {
		t.Errorf("latency counts %d completed requests, want 0", r.Latency.TotalRequests)
	}
	if o := r.Outcomes; o == nil || o.TimedOut[11] != 1 || o.TimedOut[22] != 1 || sum(o.TimedOut) != 2 {
		t.Errorf("outcomes = %+v, want one timed-out request in windows 11 and 22", o)
	}
}

// Retries on an endpoint that always fails, with backoff 0.5·2^(k−1) and
// no jitter: the attempts reach the server at exact instants.
func TestRetriesWithoutJitterAtExactInstants(t *testing.T) {
	s := srv("srv", 1, 1024, cpu(fixed(0.1)))
	s.Endpoints[0].ErrorRate = 1
	sc := singleServer(closedUsers(1, 10), 20, tinyEdges(), s)
	sc.Topology.Nodes.Client.Retry = retryOf(3, 0.5, 2, 10.0, scenario.JitterNone)
	var routes []float64
	r := mustRun(t, sc, Options{}, &hooks{route: func(t float64, _ int32) { routes = append(routes, t) }})
	checkCounts(t, r.Counts, result.Counts{Generated: 1, Failed: 1, Attempts: 3, Retries: 2})
	// Attempt 1 fails back at the client at 10.1+3·tiny, attempt 2 leaves
	// 0.5 s later and fails at 10.7+5·tiny, attempt 3 leaves 1 s later.
	want := []float64{10 + 2*tiny, 10.6 + 4*tiny, 11.7 + 6*tiny}
	if len(routes) != 3 {
		t.Fatalf("attempts reached the server at %v, want %v", routes, want)
	}
	for i := range want {
		if !near(routes[i], want[i]) {
			t.Errorf("attempt %d reached the server at %v, want %v", i+1, routes[i], want[i])
		}
	}
	if f := r.Servers["srv"].Failed; f != 3 {
		t.Errorf("server failed = %d, want 3", f)
	}
	if la := r.LatencyAll; la.TotalRequests != 1 || !near(la.Max, 1.8+7*tiny) {
		t.Errorf("latency_all = %+v, want one latency of 1.8+7·tiny", la)
	}
}

// max_concurrency 1: of two requests arriving together the second is
// rejected at once, and the rejection travels back over the response
// edge with its latency.
func TestRejectionTravelsOverTheResponseEdge(t *testing.T) {
	s := srv("srv", 1, 1024, cpu(fixed(1)))
	s.Resources.MaxConcurrency = ptr(1)
	sc := singleServer(closedUsers(2, 2), 5, [3]scenario.RV{det(tiny), det(0.5), det(0.25)}, s)
	r := mustRun(t, sc, Options{}, nil)
	// Both are born at 2; one runs from 2.5+tiny and is back at
	// 3.75+tiny, its next request born at 5.75+tiny; the other is rejected
	// at 2.5+tiny and back at 2.75+tiny, sends again at 4.75+tiny, which
	// reaches the server at 5.25+tiny, after the horizon.
	checkCounts(t, r.Counts, result.Counts{Generated: 3, Completed: 1, Rejected: 1, InFlight: 1, Attempts: 3})
	if got := r.Servers["srv"].Rejected; got != 1 {
		t.Errorf("server rejected = %d, want 1", got)
	}
	if la := r.LatencyAll; la.TotalRequests != 2 || !near(la.Min, 0.75+tiny) || !near(la.Max, 1.75+tiny) {
		t.Errorf("latency_all = %+v, want the rejection at 0.75+tiny and the completion at 1.75+tiny", la)
	}
}

// max_queue 0 on one core: a request that needs the busy core is
// rejected, releases its RAM and responds with the rejection.
func TestFullReadyQueueRejects(t *testing.T) {
	s := srv("srv", 1, 512, ram(200), cpu(fixed(1)))
	s.Resources.MaxQueue = ptr(0)
	sc := singleServer(closedUsers(2, 1), 10, tinyEdges(), s)
	r := mustRun(t, sc, Options{}, nil)
	// Round 1 at t=1: one runs, the other is rejected at once (its user
	// thinks until 2+3·tiny), so the two never meet again: the rejected
	// user's requests come while the core is busy.
	if r.Counts.Rejected == 0 || r.Servers["srv"].Rejected != r.Counts.Rejected {
		t.Errorf("rejected = %d, server rejected = %d; want equal and > 0", r.Counts.Rejected, r.Servers["srv"].Rejected)
	}
	if r.Counts.Completed == 0 {
		t.Errorf("nothing completed: %+v", r.Counts)
	}
}

// A token bucket of 1 request per second and burst 1 on the load
// balancer: of three requests arriving together one passes, and the other
// two are rejected at once, their latency the two edges to the balancer.
func TestLoadBalancerRateLimitRejectsAtOnce(t *testing.T) {
	sc := lbScenario(closedUsers(3, 3), 5, scenario.RoundRobin, det(tiny), srv("a", 1, 1024, cpu(fixed(0.1))))
	sc.Topology.Nodes.LoadBalancer.RateLimit = &scenario.RateLimit{RPS: 1, Burst: 1}
	r := mustRun(t, sc, Options{}, nil)
	// At 3+2·tiny the bucket holds 1 token: one passes, two are rejected;
	// their users send again at 6+2·tiny, after the horizon.
	checkCounts(t, r.Counts, result.Counts{Generated: 3, Completed: 1, Rejected: 2, Attempts: 3})
	if la := r.LatencyAll; la.TotalRequests != 3 || !near(la.Min, 2*tiny) {
		t.Errorf("latency_all = %+v, want the rejections at 2·tiny", la)
	}
}

// A lost attempt is noticed at its deadline and retried; the request's
// outcome is dropped when its last attempt is lost too.
func TestDroppedAttemptNoticedAtTheDeadline(t *testing.T) {
	sc := singleServer(closedUsers(1, 1), 5, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.1))))
	sc.Topology.Edges[1].DropoutRate = 1
	sc.Topology.Nodes.Client.TimeoutS = ptr(1.0)
	sc.Topology.Nodes.Client.Retry = retryOf(2, 0.5, 2, 10.0, scenario.JitterNone)
	r := mustRun(t, sc, Options{}, nil)
	// Born at 1, attempt 1 lost, noticed at 2+tiny, attempt 2 at
	// 2.5+tiny, lost, noticed at 3.5+tiny: dropped; the next request is
	// born at 4.5+tiny, lost, and its deadline is after the horizon.
	checkCounts(t, r.Counts, result.Counts{Generated: 2, Dropped: 1, InFlight: 1, Attempts: 3, Retries: 1})
	if d := r.Edges["client-srv"].Dropped; d != 3 {
		t.Errorf("edge dropped = %d, want 2 (every lost attempt)", d)
	}
}

// Without a deadline a lost attempt is never noticed: the request is
// dropped at once and not retried (Part I).
func TestDroppedAttemptWithoutDeadlineIsNotRetried(t *testing.T) {
	sc := singleServer(closedUsers(1, 1), 5, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.1))))
	sc.Topology.Edges[1].DropoutRate = 1
	sc.Topology.Nodes.Client.Retry = retryOf(3, 0.5, 2, 10.0, scenario.JitterNone)
	r := mustRun(t, sc, Options{}, nil)
	// Born at 1, 2+tiny, 3+2·tiny, 4+3·tiny, dropped at once each time
	// (the user notices).
	checkCounts(t, r.Counts, result.Counts{Generated: 4, Dropped: 4, Attempts: 4})
}

// An open client breaker refuses attempts without sending them.
func TestClientBreakerRefusesWhileOpen(t *testing.T) {
	s := srv("srv", 1, 1024, cpu(fixed(0.1)))
	s.Endpoints[0].ErrorRate = 1
	sc := singleServer(closedUsers(1, 1), 20, tinyEdges(), s)
	sc.Topology.Nodes.Client.CircuitBreaker = &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 2, WindowS: 10, OpenS: 5, HalfOpenCalls: 1}
	var routes []float64
	r := mustRun(t, sc, Options{}, &hooks{route: func(t float64, _ int32) { routes = append(routes, t) }})
	// Requests born at 1 and 2.1+3·tiny fail (back at 1.1+3·tiny and
	// 2.2+6·tiny): the breaker opens at 2.2+6·tiny. Refused at once: the
	// requests born at 3.2+6·tiny, … (every 1+tiny… every 1 s) until the
	// breaker is half-open at 7.2+6·tiny; the next one is sent and fails:
	// open again.
	cb := r.Client
	if cb == nil || cb.CircuitBreaker == nil {
		t.Fatalf("no client breaker in the result")
	}
	tl := cb.CircuitBreaker.Timeline
	if len(tl) < 3 || tl[0].State != "open" || !near(tl[0].T, 2.2+6*tiny) || tl[1].State != "half_open" || !near(tl[1].T, 7.2+6*tiny) || tl[2].State != "open" {
		t.Errorf("timeline = %+v", tl)
	}
	if int64(len(routes)) >= r.Counts.Generated {
		t.Errorf("%d of %d requests reached the server: the open breaker sent some", len(routes), r.Counts.Generated)
	}
	if r.Counts.Rejected == 0 || r.Counts.Rejected+r.Counts.Failed+r.Counts.InFlight != r.Counts.Generated {
		t.Errorf("counts = %+v: want every request failed or rejected", r.Counts)
	}
}

// A call whose attempt times out fails its caller (on_failure: fail); the
// callee's work after the call's deadline is wasted.
func TestCallTimeout(t *testing.T) {
	sc := callScenario(closedUsers(1, 10), 20, scenario.Call{Target: "db", OnFailure: scenario.FailOnFailure, TimeoutS: ptr(1.0)}, cpu(fixed(2)))
	r := mustRun(t, sc, Options{}, nil)
	checkCounts(t, r.Counts, result.Counts{Generated: 1, Failed: 1, Attempts: 1})
	c := r.Calls["api->db"]
	if c.Attempts != 1 || c.TimedOut != 1 || c.Completed != 0 {
		t.Errorf("calls = %+v, want one timed-out attempt", c)
	}
	// The sub-request leaves api at t0, reaches db at t0+tiny and runs
	// 2 s; its deadline is t0+1: 1+tiny wasted.
	if w := r.Servers["db"].WastedS; !near(w, 1+tiny) {
		t.Errorf("db wasted_s = %v, want 1+tiny", w)
	}
}

// A call retried on an endpoint that always fails: every attempt is
// counted, the last failure fails the caller.
func TestCallRetries(t *testing.T) {
	call := scenario.Call{Target: "db", OnFailure: scenario.FailOnFailure, Retry: retryOf(3, 0.1, 2, 1.0, scenario.JitterEqual)}
	sc := callScenario(closedUsers(1, 10), 20, call, cpu(fixed(0.01)))
	sc.Topology.Nodes.Servers[1].Endpoints[0].ErrorRate = 1
	r := mustRun(t, sc, Options{}, nil)
	checkCounts(t, r.Counts, result.Counts{Generated: 1, Failed: 1, Attempts: 1})
	if c := r.Calls["api->db"]; c.Attempts != 3 || c.Failed != 3 {
		t.Errorf("calls = %+v, want 3 failed attempts", c)
	}
}

// callScenario is gen → client → api → client, where api's endpoint is
// one call to db, whose endpoint has the given steps.
func callScenario(w scenario.Workload, horizon int, call scenario.Call, steps ...scenario.Step) *scenario.Scenario {
	api := srv("api", 1, 1024, scenario.Step{Kind: scenario.CallStep, Operation: scenario.Operation{Call: &call}})
	sc := singleServer(w, horizon, tinyEdges(), api)
	sc.Topology.Nodes.Servers = append(sc.Topology.Nodes.Servers, srv("db", 1, 1024, steps...))
	sc.Topology.Edges = append(sc.Topology.Edges, link("api-db", "api", "db", det(tiny)), link("db-api", "db", "api", det(tiny)))
	return sc
}

// retryOf is a retry key with every field set, retrying every outcome.
func retryOf(n int, initial, mult, maxS float64, jitter scenario.Jitter) *scenario.Retry {
	r := scenario.RetryOf(n, jitter).WithBackoff(initial, mult, maxS)
	r.RetryOn = scenario.RetryOutcomes
	return &r
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// everyMechanism is a loaded service with every mechanism of spec §12:
// client timeout, retries and breaker; a load balancer with a rate limit
// in front of two api servers with max_queue, max_concurrency, a rate
// limit and an error rate; api calls db with a timeout, retries and a
// breaker; db has a lossy edge back.
func everyMechanism(horizon int) *scenario.Scenario {
	w := scenario.Workload{
		ID:                         "gen",
		AvgActiveUsers:             scenario.RV{Mean: 100, Distribution: scenario.Poisson},
		AvgRequestPerMinutePerUser: scenario.RV{Mean: 60, Distribution: scenario.Poisson},
		UserSamplingWindow:         10,
	}
	backoff := scenario.Backoff{InitialS: ptr(0.05), Multiplier: 2, MaxS: ptr(1.0), Jitter: scenario.JitterFull}
	bk := &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 20, WindowS: 5, OpenS: 2, HalfOpenCalls: 2}
	call := scenario.Call{Target: "db", OnFailure: scenario.FailOnFailure, TimeoutS: ptr(0.05),
		Retry:          &scenario.Retry{MaxAttempts: 2, Backoff: backoff, RetryOn: scenario.RetryOutcomes},
		CircuitBreaker: bk}
	api := func(id string) scenario.Server {
		s := srv(id, 1, 1024, cpu(random(expo(0.008))),
			scenario.Step{Kind: scenario.CallStep, Operation: scenario.Operation{Call: &call}}, cpu(random(expo(0.002))))
		s.Resources.MaxQueue = ptr(20)
		s.Resources.MaxConcurrency = ptr(40)
		s.RateLimit = &scenario.RateLimit{RPS: 60, Burst: 10}
		s.Endpoints[0].ErrorRate = 0.02
		return s
	}
	sc := lbScenario(w, horizon, scenario.LeastConnection, expo(0.001), api("a"), api("b"))
	sc.Topology.Nodes.LoadBalancer.RateLimit = &scenario.RateLimit{RPS: 110, Burst: 20}
	db := srv("db", 2, 1024, io(scenario.IODB, random(expo(0.02))))
	db.Resources.MaxConcurrency = ptr(6)
	sc.Topology.Nodes.Servers = append(sc.Topology.Nodes.Servers, db)
	for _, a := range []string{"a", "b"} {
		back := link("db-"+a, "db", a, expo(0.001))
		back.DropoutRate = 0.01
		sc.Topology.Edges = append(sc.Topology.Edges, link(a+"-db", a, "db", expo(0.001)), back)
	}
	cl := &sc.Topology.Nodes.Client
	cl.TimeoutS = ptr(0.1)
	cl.Retry = &scenario.Retry{MaxAttempts: 3, Backoff: backoff, RetryOn: scenario.RetryOutcomes}
	cl.CircuitBreaker = bk
	return sc
}

// Every mechanism at once: the counts add up (mustRun), every outcome
// occurs, the run is deterministic and lanes do not change it.
func TestEveryMechanism(t *testing.T) {
	t.Parallel()
	sc := everyMechanism(60)
	r := mustRun(t, sc, Options{Seed: 3, Series: true}, nil)
	c := r.Counts
	t.Logf("counts %+v", c)
	if c.Completed == 0 || c.Failed == 0 || c.Rejected == 0 || c.TimedOut == 0 || c.Retries == 0 {
		t.Errorf("some outcome never occurs: %+v", c)
	}
	if r.Outcomes == nil || sum(r.Outcomes.Completed) != float64(c.Completed) || sum(r.Outcomes.Failed) != float64(c.Failed) ||
		sum(r.Outcomes.Rejected) != float64(c.Rejected) || sum(r.Outcomes.TimedOut) != float64(c.TimedOut) {
		t.Errorf("the outcomes series do not sum to the counts")
	}
	if r.LatencyAll.TotalRequests != c.Completed+c.Failed+c.Rejected+c.TimedOut {
		t.Errorf("latency_all counts %d requests, want %d", r.LatencyAll.TotalRequests, c.Completed+c.Failed+c.Rejected+c.TimedOut)
	}
	a := encode(t, r)
	b := encode(t, mustRun(t, sc, Options{Seed: 3, Series: true}, &hooks{noLanes: true}))
	if string(a) != string(b) {
		t.Errorf("lanes change the result")
	}
	if string(a) != string(encode(t, mustRun(t, sc, Options{Seed: 3, Series: true}, nil))) {
		t.Errorf("two runs with one seed differ")
	}
}

// TestResilienceAllocations: with every mechanism on, allocations do not
// grow with the number of requests.
func TestResilienceAllocations(t *testing.T) {
	checkAllocationsDoNotGrow(t, everyMechanism)
}

// A Part I scenario has no outcomes series; Attempts equals Generated.
func TestPartOneHasNoOutcomes(t *testing.T) {
	sc := singleServer(constantRate(20), 10, tinyEdges(), srv("srv", 1, 1024, cpu(random(expo(0.01)))))
	r := mustRun(t, sc, Options{}, nil)
	if r.Outcomes != nil || r.Client != nil || r.Counts.Attempts != r.Counts.Generated {
		t.Errorf("outcomes %v, client %v, counts %+v", r.Outcomes, r.Client, r.Counts)
	}
	if r.LatencyAll != r.Latency {
		t.Errorf("latency_all %+v differs from latency %+v without failures", r.LatencyAll, r.Latency)
	}
}

// Merging replications sums the new counts, server figures and call
// figures, and merges latency_all from both kinds of latencies.
func TestResilienceMerge(t *testing.T) {
	t.Parallel()
	sc := everyMechanism(20)
	a, b := mustRun(t, sc, Options{Seed: 1}, nil), mustRun(t, sc, Options{Seed: 2}, nil)
	m, err := result.Merge([]*result.Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	checkConservation(t, m)
	if m.Counts.TimedOut != a.Counts.TimedOut+b.Counts.TimedOut || m.Counts.Rejected != a.Counts.Rejected+b.Counts.Rejected ||
		m.Counts.Retries != a.Counts.Retries+b.Counts.Retries {
		t.Errorf("merged counts %+v from %+v and %+v", m.Counts, a.Counts, b.Counts)
	}
	if m.LatencyAll.TotalRequests != a.LatencyAll.TotalRequests+b.LatencyAll.TotalRequests {
		t.Errorf("merged latency_all counts %d, want %d", m.LatencyAll.TotalRequests, a.LatencyAll.TotalRequests+b.LatencyAll.TotalRequests)
	}
	sa, sb, sm := a.Servers["a"], b.Servers["a"], m.Servers["a"]
	if sm.Rejected != sa.Rejected+sb.Rejected || !near(sm.WastedS, sa.WastedS+sb.WastedS) {
		t.Errorf("merged server a: rejected %d wasted %v, from %+v and %+v", sm.Rejected, sm.WastedS, sa, sb)
	}
	ca, cb, cm := a.Calls["a->db"], b.Calls["a->db"], m.Calls["a->db"]
	if cm.TimedOut != ca.TimedOut+cb.TimedOut || cm.Rejected != ca.Rejected+cb.Rejected ||
		cm.CircuitBreaker == nil || cm.CircuitBreaker.Opened != ca.CircuitBreaker.Opened+cb.CircuitBreaker.Opened {
		t.Errorf("merged call a->db %+v", cm)
	}
	if m.Client == nil || m.Client.CircuitBreaker.Opened != a.Client.CircuitBreaker.Opened+b.Client.CircuitBreaker.Opened {
		t.Errorf("merged client %+v", m.Client)
	}
	if m.Outcomes == nil || len(m.Outcomes.TimedOut) != 20 {
		t.Errorf("merged outcomes %+v", m.Outcomes)
	}
}

// Estimate counts attempts, their retry and deadline events: within
// [0.75, 1.1] of the mean events of 5 runs, as on the examples.
func TestEstimateWithRetries(t *testing.T) {
	t.Parallel()
	s := srv("srv", 4, 1024, cpu(random(expo(0.01))))
	s.Endpoints[0].ErrorRate = 0.5
	retried := singleServer(constantRate(50), 60, tinyEdges(), s)
	retried.Topology.Nodes.Client.TimeoutS = ptr(1.0)
	retried.Topology.Nodes.Client.Retry = retryOf(4, 0.01, 2, 1.0, scenario.JitterFull)
	call := scenario.Call{Target: "db", OnFailure: scenario.ContinueOnFailure, TimeoutS: ptr(1.0), Retry: retryOf(3, 0.01, 2, 1.0, scenario.JitterNone)}
	calls := callScenario(constantRate(50), 60, call, io(scenario.IOWait, random(expo(0.005))))
	calls.Topology.Nodes.Servers[1].Endpoints[0].ErrorRate = 0.3
	for name, sc := range map[string]*scenario.Scenario{"client retries": retried, "call retries": calls, "every mechanism": everyMechanism(60)} {
		est, err := Estimate(sc)
		if err != nil {
			t.Fatal(err)
		}
		var events int64
		for seed := int64(1); seed <= 5; seed++ {
			events += mustRun(t, sc, Options{Seed: seed}, nil).Counts.Events
		}
		ratio := float64(events) / 5 / float64(est.Events)
		t.Logf("%s: estimate %d events, mean of 5 runs %d: ratio %.3f", name, est.Events, events/5, ratio)
		if name != "every mechanism" && (ratio > 1.1 || ratio < 0.75) {
			t.Errorf("%s: ratio %.3f outside [0.75, 1.1]", name, ratio)
		}
	}
}

// With a key of spec §12 the failure at a server that is down travels
// back over the response edge; without, it is immediate (Part I).
func TestDownServerFailureTravelsBack(t *testing.T) {
	for _, resilient := range []bool{false, true} {
		call := scenario.Call{Target: "db", OnFailure: scenario.FailOnFailure}
		sc := callScenario(closedUsers(1, 2), 5, call, cpu(fixed(0.1)))
		sc.Topology.Edges[4].Latency = det(0.5) // db → api
		sc.Events = []scenario.Event{{ID: "down", TargetID: "db",
			Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 1},
			End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 5}}}
		// Born at 2: gen → client → api → db, fails, api → client; the
		// user sends again 2 s after the outcome.
		want, failed := 4*tiny, int64(2)
		if resilient {
			sc.Topology.Nodes.Client.TimeoutS = ptr(10.0)
			// The failure travels db → api: back at 2.5+4·tiny; the next
			// request fails at db at 4.5+7·tiny and is on its way back
			// at the horizon.
			want, failed = 0.5+4*tiny, 1
		}
		r := mustRun(t, sc, Options{}, nil)
		if r.Counts.Failed != failed || r.Servers["db"].Failed != 2 || !near(r.LatencyAll.Min, want) || !near(r.LatencyAll.Max, want) {
			t.Errorf("resilient %v: failed %d (db %d), latency_all %+v; want %d failed, db 2, every failure at %v",
				resilient, r.Counts.Failed, r.Servers["db"].Failed, r.LatencyAll, failed, want)
		}
	}
}

// Per class counts add up with retries and timeouts, and a closed class's
// user waits for the outcome after every retry.
func TestClassesCountOutcomes(t *testing.T) {
	s := srv("srv", 1, 1024, cpu(random(expo(0.008))))
	s.Endpoints[0].ErrorRate = 0.3
	open := constantRate(30)
	open.ID = "open"
	sc := singleServer(open, 20, tinyEdges(), s)
	sc.MoreWorkloads = []scenario.Workload{{ID: "closed", Type: scenario.WorkloadClosed, Users: 5, ThinkTime: ptr(expo(0.2))}}
	sc.Topology.Edges = append(sc.Topology.Edges, link("closed-client", "closed", "client", det(tiny)))
	sc.Topology.Nodes.Client.TimeoutS = ptr(0.05)
	sc.Topology.Nodes.Client.Retry = retryOf(3, 0.01, 2, 1, scenario.JitterFull)
	r := mustRun(t, sc, Options{}, nil) // checks every class's conservation
	var sum result.Counts
	for _, c := range r.Classes {
		addCountsForTest(&sum, c.Counts)
	}
	sum.Events = r.Counts.Events
	if sum != r.Counts {
		t.Errorf("classes sum to %+v, want %+v", sum, r.Counts)
	}
	if r.Counts.TimedOut == 0 || r.Counts.Failed == 0 || r.Counts.Retries == 0 {
		t.Errorf("counts %+v: want timeouts, failures and retries", r.Counts)
	}
}

func addCountsForTest(a *result.Counts, b result.Counts) {
	a.Generated += b.Generated
	a.Completed += b.Completed
	a.Dropped += b.Dropped
	a.Failed += b.Failed
	a.Rejected += b.Rejected
	a.TimedOut += b.TimedOut
	a.InFlight += b.InFlight
	a.Attempts += b.Attempts
	a.Retries += b.Retries
}

// The backoff before attempt k+1 is min(max_s, initial_s·multiplier^(k−1))
// without jitter, uniform on [0, delay] with full jitter and on
// [delay/2, delay] with equal jitter; only retry_on outcomes and attempts
// below max_attempts are retried.
func TestBackoff(t *testing.T) {
	m := &sim{seed: 1}
	r := retryOf(5, 0.1, 3, 1, scenario.JitterNone)
	r.RetryOn = []scenario.Outcome{scenario.OutcomeTimedOut, scenario.OutcomeRejected}
	p := &m.retries[m.compileRetry(r, "test")]
	for k, want := range []float64{0.1, 0.3, 0.9, 1} {
		if d, ok := p.next(int32(k+1), outTimedOut); !ok || !near(d, want) {
			t.Errorf("after attempt %d: delay %v, %v; want %v", k+1, d, ok, want)
		}
	}
	if _, ok := p.next(5, outTimedOut); ok {
		t.Error("attempt 5 of 5 is retried")
	}
	if _, ok := p.next(1, outFailed); ok {
		t.Error("failed is retried without being in retry_on")
	}
	if _, ok := p.next(1, outDropped); !ok {
		t.Error("a lost attempt noticed at its deadline is not retried as timed out")
	}
	for _, tc := range []struct {
		jitter scenario.Jitter
		lo, hi float64
	}{{scenario.JitterFull, 0, 0.9}, {scenario.JitterEqual, 0.45, 0.9}} {
		p := &m.retries[m.compileRetry(retryOf(5, 0.1, 3, 1, tc.jitter), "test", string(tc.jitter))]
		lo, hi, sum := math.Inf(1), 0.0, 0.0
		const n = 10000
		for range n {
			d, _ := p.next(3, outFailed)
			lo, hi, sum = min(lo, d), max(hi, d), sum+d
		}
		// The mean of n uniforms is within 4 standard deviations
		// ((hi−lo)/√12/√n) of the middle.
		mid, sd := (tc.lo+tc.hi)/2, (tc.hi-tc.lo)/math.Sqrt(12*n)
		if lo < tc.lo || hi > tc.hi || math.Abs(sum/n-mid) > 4*sd {
			t.Errorf("%s: delays from %v to %v, mean %v; want within [%v, %v], mean %v", tc.jitter, lo, hi, sum/n, tc.lo, tc.hi, mid)
		}
	}
}

// A call's breaker opens after min_calls failures and refuses the next
// calls without sending them: they are rejected attempts of the call.
func TestCallBreaker(t *testing.T) {
	call := scenario.Call{Target: "db", OnFailure: scenario.ContinueOnFailure,
		CircuitBreaker: &scenario.CircuitBreaker{FailureRate: 1, MinCalls: 2, WindowS: 60, OpenS: 100, HalfOpenCalls: 1}}
	sc := callScenario(closedUsers(1, 1), 10, call, cpu(fixed(0.01)))
	sc.Topology.Nodes.Servers[1].Endpoints[0].ErrorRate = 1
	var db int
	r := mustRun(t, sc, Options{}, &hooks{route: func(_ float64, s int32) {
		if s == 1 {
			db++
		}
	}})
	c := r.Calls["api->db"]
	// Two calls fail and open the breaker for the rest of the run; every
	// later call is refused, and on_failure: continue completes the
	// request.
	if db != 2 || c.Failed != 2 || c.Rejected != c.Attempts-2 || c.Rejected == 0 || c.CircuitBreaker == nil || c.CircuitBreaker.Opened != 1 {
		t.Errorf("db reached %d times, call stats %+v, breaker %+v", db, c, c.CircuitBreaker)
	}
	if r.Counts.Completed != r.Counts.Generated-r.Counts.InFlight {
		t.Errorf("counts %+v: with on_failure: continue every request completes", r.Counts)
	}
}

// Beyond MaxOutcomeWindows seconds the outcomes series count per longer
// windows, and still sum to the counts.
func TestOutcomesOfALongRun(t *testing.T) {
	s := srv("srv", 1, 1024, cpu(fixed(0.01)))
	s.Endpoints[0].ErrorRate = 0.5
	sc := singleServer(constantRate(0.02), 2*MaxOutcomeWindows+1, tinyEdges(), s)
	r := mustRun(t, sc, Options{}, nil)
	o := r.Outcomes
	if o == nil || o.WindowS != 3 || len(o.Completed) != 57_601 || len(o.Failed) != len(o.Completed) {
		t.Fatalf("outcomes window %v s, %d windows; want 3 s and 57,601", o.WindowS, len(o.Completed))
	}
	if sum(o.Completed) != float64(r.Counts.Completed) || sum(o.Failed) != float64(r.Counts.Failed) || r.Counts.Failed == 0 {
		t.Errorf("outcomes sum to %v completed and %v failed, counts %+v", sum(o.Completed), sum(o.Failed), r.Counts)
	}
}

// Attempts whose deadline is pending count towards Options.MaxInFlight
// even after their response: the limit bounds their memory too.
func TestPendingDeadlinesCountInFlight(t *testing.T) {
	sc := singleServer(constantRate(1000), 30, tinyEdges(), srv("srv", 4, 1024, cpu(random(expo(0.0005)))))
	sc.Topology.Nodes.Client.TimeoutS = ptr(20.0)
	_, err := Run(context.Background(), sc, Options{MaxInFlight: 5000})
	var limit *LimitError
	if !errors.As(err, &limit) || limit.Limit != LimitInFlight || !strings.Contains(limit.Hint, "deadline") {
		t.Fatalf("err = %v, want the in-flight limit with a hint on deadlines", err)
	}
	if limit.SimTime < 4 || limit.SimTime > 6 {
		t.Errorf("stopped at t=%v, want about 5 s (1000 attempts a second, each held 20 s)", limit.SimTime)
	}
}
