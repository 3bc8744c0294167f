package engine

import (
	"fmt"
	"math"

	"github.com/fastsim/fastsim/scenario"
)

// Cost is the estimated work of one run of a scenario, before running it.
type Cost struct {
	// Requests is the expected number of requests generated: the horizon
	// times the expected arrival rate.
	Requests int64
	// EventsPerRequest is the expected number of events one request causes
	// when it goes all the way through the longest route; with several
	// request classes, their mean weighted by their expected requests.
	EventsPerRequest float64
	// Events bounds the expected number of events the run processes
	// (result counts.events): Requests × EventsPerRequest plus the start
	// and end of every injected event inside the horizon.
	Events int64
}

// Estimate returns the expected work of one run of sc, which must have its
// defaults applied, without running it; like Run it refuses a scenario that
// does not pass scenario.Validate. It counts the
// events the engine schedules, and only those:
//
//   - one arrival per generated request, summed over the request classes
//     (spec §11); the expected number of requests of an open class is
//     E[users] × requests per minute / 60 times the integral of its
//     profile over the horizon (the horizon itself without a profile),
//     where E[users] is the mean of what the engine draws (a normal
//     truncated at 0 by resampling has the larger truncated mean, see
//     rv.effectiveMean); a closed class counts users × horizon / E[think
//     time], as if every response were instantaneous (an upper bound);
//   - one event per edge a request crosses, times the chance that the
//     edges before it did not drop it;
//   - one event per segment of the endpoint a server picks (the class's
//     `endpoint` on the first server), weighted by the endpoints'
//     probabilities otherwise: consecutive CPU steps make one segment, and
//     so do consecutive I/O steps that need no database connection; RAM
//     steps make none;
//   - the start and end of each injected event inside the horizon;
//   - with resilience keys (spec §12), per attempt rather than per
//     request: a request makes E[attempts] = (1−pⁿ)/(1−p) attempts, where
//     n is max_attempts and p the chance that an attempt ends with an
//     outcome retry_on retries, as far as the scenario states it (the
//     endpoints' error rates and, with a deadline, the edges' dropout;
//     congestion, rate limits and breakers are not foreseen); each retry
//     costs its own event and each attempt with a deadline one more. Calls
//     with retries and timeouts are counted the same way;
//   - each autoscaling decision inside the horizon (spec §13), but not
//     the end of a new instance's start-up, at most one per instance
//     started.
//
// Periodic samples and user-sampling windows cost no event: the loop takes
// them between events.
//
// Events is an upper bound on the expected count: a load balancer's choice
// is counted as its costliest target, and requests that a server outage
// fails or that are still in flight at the horizon are counted whole. It is
// not a bound on one run: the number of users is random per window, so a
// run with few windows and a large variance of users can process several
// times its expectation. The run-time limits (Options.MaxEvents,
// Options.MaxInFlight) are what bounds a run.
func Estimate(sc *scenario.Scenario) (Cost, error) {
	if sc == nil {
		return Cost{}, fmt.Errorf("engine: estimate: scenario is nil")
	}
	if err := sc.Validate(); err != nil {
		return Cost{}, fmt.Errorf("engine: estimate: scenario refused: %w", err)
	}
	m := compile(sc, Options{})
	total := 0.0 // requests of every class: the load on shared nodes
	for i := range m.gens {
		total += m.expectedRequests(&m.gens[i])
	}
	rate := total / m.horizon
	requests, events := 0.0, 0.0
	for i := range m.gens {
		g := &m.gens[i]
		m.estEP = g.epOn
		perRequest, _, err := m.edgeEvents(g.out, false, 0, rate)
		if err != nil {
			return Cost{}, fmt.Errorf("engine: estimate: %w", err)
		}
		perRequest++ // the arrival
		if m.res {
			more, err := m.moreAttempts(rate)
			if err != nil {
				return Cost{}, fmt.Errorf("engine: estimate: %w", err)
			}
			perRequest += (1 - m.edges[g.out].dropout) * more
			if f, storm := m.retryStorm(rate); f > 0 {
				perRequest = (1-f)*perRequest + f*storm
			}
		}
		n := m.expectedRequests(g)
		requests += n
		events += n * perRequest
	}
	perRequest := 0.0
	if requests > 0 {
		perRequest = events / requests
	}
	events += float64(m.q.len()) // the faults compile scheduled
	for i := range m.scalers {
		events += float64(sampleCount(m.scalers[i].every, m.horizon) - 1) // decisions at k·every_s, k ≥ 1
	}
	return Cost{Requests: ceilInt64(requests), EventsPerRequest: perRequest, Events: ceilInt64(events)}, nil
}

// moreAttempts returns the events a request adds, in a run with
// resilience keys, to those of its first attempt counted by edgeEvents:
// the other attempts, their retry events, every attempt's deadline event;
// an attempt an open breaker refuses costs nothing but its retry.
func (m *sim) moreAttempts(rate float64) (float64, error) {
	first, fail, err := m.edgeEvents(m.client.out, false, 1, rate)
	if err != nil {
		return 0, err
	}
	sent := m.breakerSent(m.client.bk, fail, rate)
	p := 1 - sent*(1-fail)
	a := m.expectedAttempts(m.client.retry, p)
	attempt := first
	if a > 1 {
		// The retries add to the load.
		if attempt, _, err = m.edgeEvents(m.client.out, false, 1, rate*a); err != nil {
			return 0, err
		}
	}
	deadline := 0.0
	if m.client.timeout > 0 {
		deadline = 1
	}
	return a*sent*(attempt+deadline) - first + (a - 1), nil
}

// retryStorm foresees a retry storm (spec §12): a client with a deadline
// and retries of timed-out attempts but no breaker, and a network spike on
// the attempts' route at least as long as the deadline. During the spike
// every attempt times out, so every request makes max_attempts attempts;
// when those attempts ask more of the first servers' cores than they
// have, the storm outlives the spike (a metastable failure) until the
// horizon. It returns the share of the horizon the storm lasts (0: none)
// and the events per request meanwhile: the servers process attempts at
// most at their cores' pace, and the rest wait in their ready queues.
func (m *sim) retryStorm(rate float64) (float64, float64) {
	if m.client.timeout == 0 || m.client.retry < 0 || m.client.bk >= 0 || rate <= 0 ||
		m.retries[m.client.retry].on&retryBit(outTimedOut) == 0 {
		return 0, 0
	}
	route := m.routeEdges(m.client.out, make(map[int32]bool))
	t0, t1 := math.Inf(1), 0.0
	for _, f := range m.faults {
		if !f.outage && f.spike >= m.client.timeout && route[f.target] && f.t0 < m.horizon {
			t0, t1 = min(t0, f.t0), max(t1, min(f.t1, m.horizon))
		}
	}
	if t0 >= t1 {
		return 0, 0
	}
	attempt, _, err := m.edgeEvents(m.client.out, false, 1, rate)
	if err != nil {
		return 0, 0
	}
	// The first servers an attempt reaches, and their pace in attempts
	// per second.
	ed := &m.edges[m.client.out]
	first, pre := []int32{ed.target}, 1.0
	if ed.targetKind == nodeLB {
		first, pre = m.lbs[ed.target].servers, 2
	} else if ed.targetKind != nodeServer {
		return 0, 0
	}
	pace := 0.0
	for _, s := range first {
		sv := &m.servers[s]
		if d := m.cpuDemand(sv); d > 0 {
			pace += float64(sv.cores) / d
		} else {
			pace = math.Inf(1)
		}
	}
	n := float64(m.retries[m.client.retry].max)
	if rate*n >= pace {
		t1 = m.horizon // the storm outlives its trigger
	}
	served := min(n, pace/rate)
	storm := 2 + n*(pre+1) + (n - 1) + served*(attempt-pre)
	return (t1 - t0) / m.horizon, storm
}

// routeEdges returns the edges an attempt sent on e can cross: to the
// servers, their calls and their responses.
func (m *sim) routeEdges(e int32, seen map[int32]bool) map[int32]bool {
	if seen[e] {
		return seen
	}
	seen[e] = true
	ed := &m.edges[e]
	switch ed.targetKind {
	case nodeServer:
		sv := &m.servers[ed.target]
		m.routeEdges(sv.out, seen)
		for ep := sv.epLo; ep < sv.epHi; ep++ {
			for i := m.eps[ep].lo; i < m.eps[ep].hi; i++ {
				if sg := &m.segs[i]; sg.class == segCall {
					for c := sg.lo; c < sg.hi; c++ {
						m.routeEdges(m.calls[c].edge, seen)
						if t := m.edges[m.calls[c].edge]; t.targetKind == nodeServer {
							if r := m.respEdge[t.target*int32(len(m.servers))+ed.target]; r >= 0 {
								m.routeEdges(r, seen)
							}
						}
					}
				}
			}
		}
	case nodeLB:
		for _, le := range m.lbs[ed.target].edges {
			m.routeEdges(le, seen)
		}
	}
	return seen
}

// cpuDemand returns the mean CPU seconds a request spends on server sv,
// over its endpoints (weighted as the server chooses).
func (m *sim) cpuDemand(sv *server) float64 {
	n := sv.epHi - sv.epLo
	sum, prev := 0.0, 0.0
	for i := range n {
		w := 1 / float64(n)
		if sv.weights != nil {
			w = (sv.weights[i] - prev) / sv.weights[n-1]
			prev = sv.weights[i]
		}
		e := &m.eps[sv.epLo+i]
		for j := e.lo; j < e.hi; j++ {
			if sg := &m.segs[j]; sg.class == segCPU {
				for k := sg.lo; k < sg.hi; k++ {
					sum += w * m.steps[k].mean
				}
			}
		}
	}
	return sum
}

// breakerSent returns the share of attempts breaker bk (-1: none) lets
// through when they fail with probability fail at rate per second: all
// while it stays closed, one round of half-open trials per open period
// once failures reach its failure rate.
func (m *sim) breakerSent(bk int32, fail, rate float64) float64 {
	if bk < 0 || rate <= 0 {
		return 1
	}
	b := &m.breakers[bk]
	if fail < b.failureRate {
		return 1
	}
	return min(1, float64(b.halfOpenCalls)/(b.openS*rate))
}

// passing returns the share of requests arriving at rate per second that
// token bucket b (nil: none) lets through in the long run.
func passing(b *tokenBucket, rate float64) float64 {
	if b == nil || rate <= b.rps {
		return 1
	}
	return b.rps / rate
}

// ceilInt64 rounds x up to an int64, saturating at math.MaxInt64.
func ceilInt64(x float64) int64 {
	if !(x < math.MaxInt64) {
		return math.MaxInt64
	}
	return int64(math.Ceil(x))
}

// edgeEvents returns the expected events of a request sent on edge e,
// visited telling whether it has been on a server, until it completes,
// and the chance that it fails: an error response, a rejection by a rate
// limit (the share above its rate, given rate requests per second on e),
// a failed call, or, with a client deadline, a loss. depth counts the
// edges crossed so far: a route longer than the number of edges goes
// round a cycle.
func (m *sim) edgeEvents(e int32, visited bool, depth int, rate float64) (float64, float64, error) {
	if depth > len(m.edges) {
		return 0, 0, fmt.Errorf("a request can go round a cycle of edges (through %q); a route must end at the client", m.edges[e].id)
	}
	ed := &m.edges[e]
	n, fail := 1.0, 0.0 // its arrival at the target
	switch ed.targetKind {
	case nodeClient:
		if !visited {
			rest, f, err := m.edgeEvents(m.client.out, false, depth+1, rate)
			if err != nil {
				return 0, 0, err
			}
			n += rest
			fail = f
		}
	case nodeServer:
		sv := &m.servers[ed.target]
		rest, _, err := m.edgeEvents(sv.out, true, depth+1, rate)
		if err != nil {
			return 0, 0, err
		}
		pass := passing(sv.limit, rate)
		if !visited && m.estEP != nil {
			ep := &m.eps[m.estEP[ed.target]] // the class's endpoint (spec §11)
			n += pass*float64(ep.hi-ep.lo) + rest
			fail = 1 - pass*(1-ep.errRate)
			break
		}
		se, sf := m.serverEvents(sv, rate*pass)
		n += pass*se + rest
		fail = 1 - pass*(1-sf)
	case nodeLB:
		lb := &m.lbs[ed.target]
		pass := passing(lb.limit, rate)
		worst, ok := 0.0, 0.0
		for _, le := range lb.edges {
			rest, f, err := m.edgeEvents(le, visited, depth+1, rate*pass/float64(len(lb.edges)))
			if err != nil {
				return 0, 0, err
			}
			worst = max(worst, rest)
			ok += (1 - f) / float64(len(lb.edges))
		}
		n += pass * worst
		fail = 1 - pass*ok
	}
	if m.client.timeout > 0 {
		fail = 1 - (1-fail)*(1-ed.dropout)
	}
	return (1 - ed.dropout) * n, fail, nil
}

// serverEvents returns the expected number of events of the endpoint
// server sv picks (one per segment, and those of its calls) at rate
// requests per second, and the chance that it responds with an error.
func (m *sim) serverEvents(sv *server, rate float64) (float64, float64) {
	n := sv.epHi - sv.epLo
	sum, fail, prev := 0.0, 0.0, 0.0
	for i := range n {
		w := 1 / float64(n)
		if sv.weights != nil {
			w = (sv.weights[i] - prev) / sv.weights[n-1]
			prev = sv.weights[i]
		}
		segs, f := m.endpointEvents(sv.epLo+i, 0, rate*w)
		fail += f * w
		if sv.weights == nil {
			sum += segs / float64(n)
			continue
		}
		sum += segs * w
	}
	return sum, fail
}

// endpointEvents returns the expected events of endpoint ep at rate
// requests per second: one per segment but call segments (a call's step
// ends with the arrival of its last response), plus those of every call
// (spec §10); and the chance that it responds with an error (its
// error_rate, or a failed call with on_failure: fail). depth bounds the
// recursion (the call graph is acyclic).
func (m *sim) endpointEvents(ep int32, depth int, rate float64) (float64, float64) {
	e := &m.eps[ep]
	n, ok := 0.0, 1-e.errRate
	for i := e.lo; i < e.hi; i++ {
		sg := &m.segs[i]
		if sg.class != segCall {
			n++
			continue
		}
		if depth > len(m.servers) {
			continue
		}
		for c := sg.lo; c < sg.hi; c++ {
			cn, cf := m.callEvents(c, depth+1, rate)
			n += cn
			if !m.calls[c].cont {
				ok *= 1 - cf
			}
		}
	}
	return n, 1 - ok
}

// callEvents returns the expected events of one call at rate calls per
// second: per attempt, its arrival at the target, at the server when the
// target is a load balancer (the mean over its choices), the server's
// endpoint and the response's arrival; with resilience keys, times the
// expected attempts, plus their retry and deadline events. It returns the
// chance that the call fails after its retries too.
func (m *sim) callEvents(c int32, depth int, rate float64) (float64, float64) {
	spec := &m.calls[c]
	ed := &m.edges[spec.edge]
	attempt := func(rate float64) (float64, float64) {
		at := func(s int32, rate float64) (float64, float64) {
			sv := &m.servers[s]
			pass := passing(sv.limit, rate)
			var n, f float64
			if spec.endpoint >= 0 {
				n, f = m.endpointEvents(sv.epLo+m.callEPs[spec.endpoint+s], depth, rate*pass)
			} else {
				n, f = m.serverEvents(sv, rate*pass)
			}
			return pass*n + 1, 1 - pass*(1-f) // the response's arrival
		}
		n, fail := 1.0, 0.0
		switch ed.targetKind {
		case nodeServer:
			an, af := at(ed.target, rate)
			n += an
			fail = af
		case nodeLB:
			lb := &m.lbs[ed.target]
			pass := passing(lb.limit, rate)
			sum, ok := 0.0, 0.0
			for _, s := range lb.servers {
				an, af := at(s, rate*pass/float64(len(lb.servers)))
				sum += 1 + an
				ok += (1 - af) / float64(len(lb.servers))
			}
			n += pass * sum / float64(len(lb.servers))
			fail = 1 - pass*ok
		}
		if spec.timeout > 0 {
			fail = 1 - (1-fail)*(1-ed.dropout)
		}
		return (1 - ed.dropout) * n, fail
	}
	n, fail := attempt(rate)
	if spec.retry < 0 && spec.timeout == 0 && spec.bk < 0 {
		return n, fail
	}
	sent := m.breakerSent(spec.bk, fail, rate)
	p := 1 - sent*(1-fail)
	a := m.expectedAttempts(spec.retry, p)
	if a > 1 {
		n, _ = attempt(rate * a)
	}
	deadline := 0.0
	if spec.timeout > 0 {
		deadline = 1
	}
	final := p
	if spec.retry >= 0 && m.retries[spec.retry].on != 0 {
		final = math.Pow(p, float64(m.retries[spec.retry].max))
	}
	return a*sent*(n+deadline) + (a - 1), final
}

// expectedAttempts returns the expected attempts of a request or call
// with retry policy retry (-1: none) whose attempts fail with probability
// p: (1−pⁿ)/(1−p), 1 without a retry policy.
func (m *sim) expectedAttempts(retry int32, p float64) float64 {
	if retry < 0 {
		return 1
	}
	n := float64(m.retries[retry].max)
	if p >= 1 {
		return n
	}
	return (1 - math.Pow(p, n)) / (1 - p)
}
