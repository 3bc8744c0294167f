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
//     with retries and timeouts are counted the same way.
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
	requests, events := 0.0, 0.0
	for i := range m.gens {
		g := &m.gens[i]
		m.estEP = g.epOn
		perRequest, err := m.edgeEvents(g.out, false, 0)
		if err != nil {
			return Cost{}, fmt.Errorf("engine: estimate: %w", err)
		}
		perRequest++ // the arrival
		if m.res {
			// The first attempt is counted; add the others, their retry
			// events and every attempt's deadline.
			attempt, err := m.edgeEvents(m.client.out, false, 1)
			if err != nil {
				return Cost{}, fmt.Errorf("engine: estimate: %w", err)
			}
			a := m.expectedAttempts(m.client.retry, m.routeFailure(m.client.out, false, 1))
			deadline := 0.0
			if m.client.timeout > 0 {
				deadline = 1
			}
			perRequest += (1 - m.edges[g.out].dropout) * ((a-1)*(attempt+1) + a*deadline)
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
	return Cost{Requests: ceilInt64(requests), EventsPerRequest: perRequest, Events: ceilInt64(events)}, nil
}

// ceilInt64 rounds x up to an int64, saturating at math.MaxInt64.
func ceilInt64(x float64) int64 {
	if !(x < math.MaxInt64) {
		return math.MaxInt64
	}
	return int64(math.Ceil(x))
}

// edgeEvents returns the expected events of a request sent on edge e,
// visited telling whether it has been on a server, until it completes.
// depth counts the edges crossed so far: a route longer than the number
// of edges goes round a cycle.
func (m *sim) edgeEvents(e int32, visited bool, depth int) (float64, error) {
	if depth > len(m.edges) {
		return 0, fmt.Errorf("a request can go round a cycle of edges (through %q); a route must end at the client", m.edges[e].id)
	}
	ed := &m.edges[e]
	n := 1.0 // its arrival at the target
	switch ed.targetKind {
	case nodeClient:
		if !visited {
			rest, err := m.edgeEvents(m.client.out, false, depth+1)
			if err != nil {
				return 0, err
			}
			n += rest
		}
	case nodeServer:
		sv := &m.servers[ed.target]
		rest, err := m.edgeEvents(sv.out, true, depth+1)
		if err != nil {
			return 0, err
		}
		if !visited && m.estEP != nil {
			ep := &m.eps[m.estEP[ed.target]] // the class's endpoint (spec §11)
			n += float64(ep.hi-ep.lo) + rest
			break
		}
		n += m.serverEvents(sv) + rest
	case nodeLB:
		worst := 0.0
		for _, le := range m.lbs[ed.target].edges {
			rest, err := m.edgeEvents(le, visited, depth+1)
			if err != nil {
				return 0, err
			}
			worst = max(worst, rest)
		}
		n += worst
	}
	return (1 - ed.dropout) * n, nil
}

// serverEvents returns the expected number of events of the endpoint
// server sv picks: one per segment, and those of its calls.
func (m *sim) serverEvents(sv *server) float64 {
	n := sv.epHi - sv.epLo
	sum, prev := 0.0, 0.0
	for i := range n {
		segs := m.endpointEvents(sv.epLo+i, 0)
		if sv.weights == nil {
			sum += segs / float64(n)
			continue
		}
		sum += segs * (sv.weights[i] - prev) / sv.weights[n-1]
		prev = sv.weights[i]
	}
	return sum
}

// endpointEvents returns the expected events of endpoint ep: one per
// segment but call segments (a call's step ends with the arrival of its
// last response), plus those of every call (spec §10). depth bounds the
// recursion (the call graph is acyclic).
func (m *sim) endpointEvents(ep int32, depth int) float64 {
	e := &m.eps[ep]
	n := 0.0
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
			n += m.callEvents(c, depth+1)
		}
	}
	return n
}

// callEvents returns the expected events of one call: its arrival at the
// target, at the server when the target is a load balancer (the mean over
// its choices), the server's endpoint, and the response's arrival.
func (m *sim) callEvents(c int32, depth int) float64 {
	spec := &m.calls[c]
	ed := &m.edges[spec.edge]
	at := func(s int32) float64 {
		sv := &m.servers[s]
		var n float64
		if spec.endpoint >= 0 {
			n = m.endpointEvents(sv.epLo+m.callEPs[spec.endpoint+s], depth)
		} else {
			n = m.serverEvents(sv)
		}
		return n + 1 // the response's arrival
	}
	n := 1.0
	fail := 0.0 // the chance that an attempt fails by an error response
	switch ed.targetKind {
	case nodeServer:
		n += at(ed.target)
		fail = m.serverFailure(&m.servers[ed.target])
	case nodeLB:
		lb := &m.lbs[ed.target]
		sum := 0.0
		for _, s := range lb.servers {
			sum += 1 + at(s)
			fail += m.serverFailure(&m.servers[s]) / float64(len(lb.servers))
		}
		n += sum / float64(len(lb.servers))
	}
	n *= 1 - ed.dropout
	if spec.retry < 0 && spec.timeout == 0 {
		return n
	}
	if spec.timeout > 0 {
		fail = 1 - (1-fail)*(1-ed.dropout)
	}
	a := m.expectedAttempts(spec.retry, fail)
	deadline := 0.0
	if spec.timeout > 0 {
		deadline = 1
	}
	return a*n + (a - 1) + a*deadline
}

// expectedAttempts returns the expected attempts of a request or call
// with retry policy retry (-1: none) whose attempts fail with probability
// p: (1−pⁿ)/(1−p) when its retry_on retries failures, 1 otherwise.
func (m *sim) expectedAttempts(retry int32, p float64) float64 {
	if retry < 0 {
		return 1
	}
	pol := &m.retries[retry]
	if pol.on&retryBit(outFailed) == 0 {
		p = 0
	}
	n := float64(pol.max)
	if p >= 1 {
		return n
	}
	return (1 - math.Pow(p, n)) / (1 - p)
}

// routeFailure returns the chance that an attempt sent on edge e fails
// with an error response, or is lost (counted only when the client has a
// deadline), as far as the scenario states it: the endpoints' error rates
// and the edges' dropout, the mean over a load balancer's choices.
func (m *sim) routeFailure(e int32, visited bool, depth int) float64 {
	if depth > len(m.edges) {
		return 0
	}
	ed := &m.edges[e]
	ok := 1.0
	if m.client.timeout > 0 {
		ok = 1 - ed.dropout
	}
	switch ed.targetKind {
	case nodeServer:
		sv := &m.servers[ed.target]
		ok *= (1 - m.serverFailure(sv)) * (1 - m.routeFailure(sv.out, true, depth+1))
	case nodeLB:
		sum := 0.0
		for _, le := range m.lbs[ed.target].edges {
			sum += 1 - m.routeFailure(le, visited, depth+1)
		}
		ok *= sum / float64(len(m.lbs[ed.target].edges))
	}
	return 1 - ok
}

// serverFailure returns the mean error rate of the endpoints of sv.
func (m *sim) serverFailure(sv *server) float64 {
	sum := 0.0
	for ep := sv.epLo; ep < sv.epHi; ep++ {
		sum += m.eps[ep].errRate
	}
	return sum / float64(sv.epHi-sv.epLo)
}
