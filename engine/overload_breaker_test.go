package engine

import (
	"math"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// breakerScenario is a deterministic run for the client's circuit breaker
// (spec §12): one closed-workload user who thinks 0.6875 s, edges of
// 0.0625 s, a server spending 0.0625 s of CPU then 0.0625 s of I/O, a
// client timeout of 0.5 s and a breaker { failure_rate 0.5, min_calls 4,
// window_s 10, open_s 5, half_open_calls 1 }. A latency spike of 1 s on
// the client→server edge during [20, 35) makes every attempt sent then
// time out. Every time is a multiple of 1/16, so every instant below is
// exact in binary floating point.
func breakerScenario() *scenario.Scenario {
	const q = 0.0625
	w := scenario.Workload{ID: "gen", Type: scenario.WorkloadClosed, Users: 1, ThinkTime: ptr(det(0.6875))}
	sc := singleServer(w, 60, [3]scenario.RV{det(q), det(q), det(q)},
		srv("srv", 1, 1024, cpu(fixed(q)), io(scenario.IOWait, fixed(q))))
	sc.Topology.Nodes.Client.TimeoutS = ptr(0.5)
	sc.Topology.Nodes.Client.CircuitBreaker = &scenario.CircuitBreaker{
		FailureRate: 0.5, MinCalls: 4, WindowS: 10, OpenS: 5, HalfOpenCalls: 1}
	sc.Events = []scenario.Event{{ID: "slow", TargetID: "client-srv",
		Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 20, SpikeS: ptr(1.0)},
		End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 35}}}
	return sc
}

// TestClientBreakerTimeline runs breakerScenario and checks the breaker's
// timeline event by event, and every count, against this derivation.
//
// The user's cycle. A request created at b reaches the client at b+1/16
// (its attempt leaves then, if the breaker allows it). Healthy, the
// response is back 0.25 s later (three 1/16 s pieces and the edge back),
// so the outcome is at b+0.3125 and the next request is created 0.6875 s
// later: attempts leave at 0.75, 1.75, …, 19.75 and complete at 1, 2, …,
// 20 (20 completed, latency 0.3125).
//
// The spike. The attempt leaving at 20.75 enters the spiked edge, reaches
// the server after its deadline and times out at 21.25; the cycle becomes
// 1/16 + 0.5 + 0.6875 = 1.25 s: timeouts at 21.25, 22.5, 23.75, 25, 26.25.
// The breaker is evaluated at each: at 25 the window (15, 25] holds the
// successes at 16…20 and 4 failures (4/9 < 0.5); at 26.25 the window
// (16.25, 26.25] holds 17…20 and 5 failures (5/9 ≥ 0.5): it OPENS at
// 26.25.
//
// Open. An attempt is refused at once (rejected, latency 1/16): the cycle
// is 0.75 s, so attempts at 27, 27.75, …, 30.75 are rejected (6). At 31.5
// the open period (until 26.25+5 = 31.25) is over: HALF-OPEN dated 31.25,
// and the attempt at 31.5 is the trial. It is still inside the spike: it
// times out at 32, and the breaker OPENS again at 32. Attempts at 32.75,
// …, 36.5 are rejected (6 more); at 37.25 it is HALF-OPEN dated 37, the
// spike is over (35), the trial completes at 37.5 and the breaker CLOSES
// at 37.5.
//
// After. Attempts leave at 38.25, …, 59.25 and complete at 38.5, …, 59.5;
// with the trial, 23 completed. The next request would be created at
// 60.1875, after the horizon.
//
// Totals: 43 completed, 6 timed out, 12 rejected, 61 generated and
// attempts, no retries, nothing in flight. Each timed-out attempt reaches
// the server 1.0625 s after leaving the client, past its 0.5 s deadline,
// so its whole CPU step is wasted: wasted_s = 6 · 0.0625 = 0.375. The
// breaker opened twice and was open 5 + 5 = 10 s.
func TestClientBreakerTimeline(t *testing.T) {
	t.Parallel()
	r := runOverload(t, breakerScenario(), 1)
	c := r.Counts
	want := result.Counts{Generated: 61, Completed: 43, TimedOut: 6, Rejected: 12, Attempts: 61}
	if c.Generated != want.Generated || c.Completed != want.Completed || c.TimedOut != want.TimedOut ||
		c.Rejected != want.Rejected || c.Attempts != want.Attempts || c.Retries != 0 || c.Failed != 0 ||
		c.Dropped != 0 || c.InFlight != 0 {
		t.Errorf("counts %+v, want generated 61, completed 43, timed_out 6, rejected 12, attempts 61, the rest 0", c)
	}
	if r.Client == nil || r.Client.CircuitBreaker == nil {
		t.Fatalf("client.circuit_breaker is missing: %+v", r.Client)
	}
	b := r.Client.CircuitBreaker
	wantTimeline := []result.BreakerTransition{
		{T: 26.25, State: "open"}, {T: 31.25, State: "half_open"},
		{T: 32, State: "open"}, {T: 37, State: "half_open"},
		{T: 37.5, State: "closed"},
	}
	if b.Opened != 2 || b.OpenS != 10 {
		t.Errorf("circuit_breaker opened %d, open_s %v; want 2, 10", b.Opened, b.OpenS)
	}
	if len(b.Timeline) != len(wantTimeline) {
		t.Errorf("timeline has %d transitions, want %d:\n got %v\nwant %v", len(b.Timeline), len(wantTimeline), b.Timeline, wantTimeline)
	}
	for i := range min(len(b.Timeline), len(wantTimeline)) {
		if b.Timeline[i] != wantTimeline[i] {
			t.Errorf("transition %d = %+v, want %+v", i, b.Timeline[i], wantTimeline[i])
		}
	}
	if got := r.Servers["srv"].WastedS; got != 0.375 {
		t.Errorf("servers.srv.wasted_s = %v, want 6 · 0.0625 = 0.375", got)
	}
	if l := r.Latency; l.TotalRequests != 43 || l.Min != 0.3125 || l.Max != 0.3125 {
		t.Errorf("latency count %d, min %v, max %v; want 43, 0.3125, 0.3125", l.TotalRequests, l.Min, l.Max)
	}
	// latency_all: 43 × 0.3125, 6 timeouts × (1/16 + 0.5), 12 rejections × 1/16.
	wantMean := (43*0.3125 + 6*0.5625 + 12*0.0625) / 61
	if l := r.LatencyAll; l.TotalRequests != 61 || l.Min != 0.0625 || l.Max != 0.5625 || math.Abs(l.Mean-wantMean) > 1e-12 {
		t.Errorf("latency_all count %d, min %v, max %v, mean %v; want 61, 0.0625, 0.5625, %v", l.TotalRequests, l.Min, l.Max, l.Mean, wantMean)
	}
}

// TestCallBreakerTimeline is TestClientBreakerTimeline with the timeout and
// the breaker on a call: the closed user's request goes to a gateway "gw"
// whose endpoint is one call to "be" (0.0625 s of CPU then 0.0625 s of
// I/O) with timeout_s 0.5, on_failure fail and the same breaker; every
// edge takes 0.0625 s and the user thinks 0.5625 s; the spike of 1 s is on
// the gw→be edge during [20, 35).
//
// Healthy, a request created at b sends its call at b+0.125, the call
// completes at b+0.375 and the request at b+0.4375: calls are sent at
// 0.6875 + k and complete at 0.9375 + k (k = 0..19). Spiked, the call times
// out 0.5 s after it was sent, the request fails at the client 0.0625 s
// later, and the cycle is 1.25 s: timeouts at 21.1875, 22.4375, 23.6875,
// 24.9375 (window (14.9375, 24.9375]: 5 successes, 4 failures) and
// 26.1875 (4 successes, 5 failures): OPEN at 26.1875. Open, the call is
// rejected at once and the request fails (on_failure fail): the cycle is
// 0.75 s, calls at 26.9375 … 30.6875 are rejected (6); the call at
// 31.4375 is the trial (HALF-OPEN dated 31.1875), still spiked: it times
// out and the breaker OPENS at 31.9375; calls at 32.6875 … 36.4375 are
// rejected (6); the call at 37.1875 (HALF-OPEN dated 36.9375) completes
// at 37.4375: CLOSED. Then requests complete at 37.5 + j, j = 0..22.
//
// Totals: call attempts 61 = 43 completed + 6 timed out + 12 rejected;
// requests 61 = 43 completed + 18 failed; be wastes its whole CPU step on
// each timed-out call (it arrives 1.0625 s after being sent): 0.375.
func TestCallBreakerTimeline(t *testing.T) {
	t.Parallel()
	const q = 0.0625
	w := scenario.Workload{ID: "gen", Type: scenario.WorkloadClosed, Users: 1, ThinkTime: ptr(det(0.5625))}
	call := to("be")
	call.TimeoutS = ptr(0.5)
	call.CircuitBreaker = &scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 4, WindowS: 10, OpenS: 5, HalfOpenCalls: 1}
	sc := graph(w, 60, srv("gw", 1, 1024, callOf(call)), srv("be", 1, 1024, cpu(fixed(q)), io(scenario.IOWait, fixed(q))))
	for i := range sc.Topology.Edges {
		sc.Topology.Edges[i].Latency = det(q)
	}
	sc.Events = []scenario.Event{{ID: "slow", TargetID: "gw-be",
		Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 20, SpikeS: ptr(1.0)},
		End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 35}}}
	r := runOverload(t, sc, 1)

	if c := r.Counts; c.Generated != 61 || c.Completed != 43 || c.Failed != 18 || c.InFlight != 0 || c.Rejected != 0 || c.TimedOut != 0 {
		t.Errorf("counts %+v, want generated 61, completed 43, failed 18", c)
	}
	cs, ok := r.Calls["gw->be"]
	if !ok {
		t.Fatalf("calls has no gw->be: %v", r.Calls)
	}
	if cs.Attempts != 61 || cs.Completed != 43 || cs.TimedOut != 6 || cs.Rejected != 12 || cs.Failed != 0 {
		t.Errorf("calls[gw->be] attempts %d, completed %d, timed_out %d, rejected %d, failed %d; want 61, 43, 6, 12, 0",
			cs.Attempts, cs.Completed, cs.TimedOut, cs.Rejected, cs.Failed)
	}
	if cs.CircuitBreaker == nil {
		t.Fatal("calls[gw->be].circuit_breaker is missing")
	}
	b := cs.CircuitBreaker
	want := []result.BreakerTransition{
		{T: 26.1875, State: "open"}, {T: 31.1875, State: "half_open"},
		{T: 31.9375, State: "open"}, {T: 36.9375, State: "half_open"},
		{T: 37.4375, State: "closed"},
	}
	if b.Opened != 2 || b.OpenS != 10 {
		t.Errorf("circuit_breaker opened %d, open_s %v; want 2, 10", b.Opened, b.OpenS)
	}
	if len(b.Timeline) != len(want) {
		t.Errorf("timeline\n got %v\nwant %v", b.Timeline, want)
	}
	for i := range min(len(b.Timeline), len(want)) {
		if b.Timeline[i] != want[i] {
			t.Errorf("transition %d = %+v, want %+v", i, b.Timeline[i], want[i])
		}
	}
	if r.Client != nil && r.Client.CircuitBreaker != nil {
		t.Errorf("client.circuit_breaker present without a client breaker: %+v", r.Client.CircuitBreaker)
	}
	if got := r.Servers["be"].WastedS; got != 0.375 {
		t.Errorf("servers.be.wasted_s = %v, want 0.375", got)
	}
	if got := r.Servers["gw"].Failed; got != 18 {
		t.Errorf("servers.gw.failed = %d, want 18 (failed calls fail the request there)", got)
	}
}
