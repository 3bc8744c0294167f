package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Overload and resilience (spec §12): attempts and their outcomes,
// deadlines, retries, circuit breakers, admission and rate limits.
//
// A request is created by its generator; each attempt of it is a request
// of the slab sent by the client, and each attempt of a call is a
// sub-request. In a run with resilience keys (sim.res) every attempt has
// a call state (m.cstates) holding its number, its deadline and its
// outcome flags, so that the requests of other runs stay as small and
// fast as in Part I. An attempt whose deadline passed keeps running on
// the servers (they are not told). A call state is freed once both its
// request and its pending deadline event are gone.

// retryPolicy is a compiled `retry` key.
type retryPolicy struct {
	max                 int32 // max_attempts
	initial, mult, maxS float64
	jitter              scenario.Jitter
	on                  uint8      // retried outcomes: a bit per outcome (retryBit)
	rng                 *rand.Rand // the jitter's own stream; nil without jitter
}

// retryBit returns the retry_on bit of an attempt's outcome; a lost
// attempt, noticed at its deadline, counts as timed out (spec §12).
func retryBit(o int) uint8 {
	switch o {
	case outTimedOut, outDropped:
		return 1
	case outRejected:
		return 2
	case outFailed:
		return 4
	}
	return 0
}

// next returns the delay before the attempt after attempt number attempt,
// which ended with outcome o, and false when it is not retried:
// min(max_s, initial_s·multiplier^(attempt−1)), randomised by the jitter.
func (p *retryPolicy) next(attempt int32, o int) (float64, bool) {
	if attempt >= p.max || p.on&retryBit(o) == 0 {
		return 0, false
	}
	d := min(p.maxS, p.initial*math.Pow(p.mult, float64(attempt-1)))
	switch p.jitter {
	case scenario.JitterFull:
		d *= p.rng.Float64()
	case scenario.JitterEqual:
		d = d/2 + p.rng.Float64()*d/2
	}
	return d, true
}

// compileRetry compiles a retry key into m.retries, drawing its jitter
// from the stream named by name; it returns its index, or -1 without one.
// The defaults of spec §12 stand in for unset fields.
func (m *sim) compileRetry(r *scenario.Retry, name ...string) int32 {
	if r == nil {
		return -1
	}
	p := retryPolicy{max: int32(max(r.MaxAttempts, 1)), initial: 0.1, mult: r.Backoff.Multiplier, maxS: 10, jitter: r.Backoff.Jitter}
	if r.Backoff.InitialS != nil {
		p.initial = *r.Backoff.InitialS
	}
	if r.Backoff.MaxS != nil {
		p.maxS = *r.Backoff.MaxS
	}
	if p.mult == 0 {
		p.mult = 2
	}
	if p.jitter == "" {
		p.jitter = scenario.JitterFull
	}
	on := r.RetryOn
	if on == nil {
		on = scenario.RetryOutcomes
	}
	for _, o := range on {
		switch o {
		case scenario.OutcomeTimedOut:
			p.on |= retryBit(outTimedOut)
		case scenario.OutcomeRejected:
			p.on |= retryBit(outRejected)
		case scenario.OutcomeFailed:
			p.on |= retryBit(outFailed)
		}
	}
	if p.jitter != scenario.JitterNone {
		p.rng = newStream(m.seed, name...)
	}
	m.retries = append(m.retries, p)
	return int32(len(m.retries) - 1)
}

// compileBreaker compiles a circuit breaker into m.breakers for the
// results of call stat (-1: the client's); it returns its index, or -1
// without one. The defaults of spec §12 stand in for unset fields.
func (m *sim) compileBreaker(cb *scenario.CircuitBreaker, stat int32) int32 {
	if cb == nil {
		return -1
	}
	m.breakers = append(m.breakers, newBreaker(*cb)) // zero fields take the defaults
	m.bkStat = append(m.bkStat, stat)
	return int32(len(m.breakers) - 1)
}

// compileCallResilience compiles the timeout, retry and breaker of call
// c, the idx-th call of m.calls, made by server instance caller.
func (m *sim) compileCallResilience(spec *callSpec, c scenario.Call, caller int32, idx int) {
	if c.TimeoutS != nil {
		spec.timeout = *c.TimeoutS
	}
	k := 0 // earlier calls of this caller over the same edge
	for i := range idx {
		if m.calls[i].edge == spec.edge && m.callCaller[i] == caller {
			k++
		}
	}
	m.callCaller = append(m.callCaller, caller)
	spec.retry = m.compileRetry(c.Retry, "call", m.servers[caller].id, c.Target, strconv.Itoa(k), "retry")
	spec.bk = m.compileBreaker(c.CircuitBreaker, spec.stat)
}

// compileResilience compiles the keys of spec §12 other than the calls':
// the client's, the servers' admission and rate limits, the endpoints'
// error rates and the load balancers' rate limits.
func (m *sim) compileResilience(sc *scenario.Scenario) {
	m.res = sc.HasResilience()
	n := &sc.Topology.Nodes
	cl := n.Client
	m.client.retry, m.client.bk = -1, -1
	if cl.TimeoutS != nil {
		m.client.timeout = *cl.TimeoutS
	}
	m.client.retry = m.compileRetry(cl.Retry, "client", cl.ID, "retry")
	m.client.bk = m.compileBreaker(cl.CircuitBreaker, -1)
	m.wasteOn = m.client.timeout > 0
	for i := range m.calls {
		m.wasteOn = m.wasteOn || m.calls[i].timeout > 0
	}
	for i := range m.servers {
		sv := &m.servers[i]
		s := n.Servers[m.base[i]]
		sv.maxQueue = -1
		if p := s.Resources.MaxConcurrency; p != nil {
			sv.maxConc = int32(*p)
		}
		if p := s.Resources.MaxQueue; p != nil {
			sv.maxQueue = int32(*p)
		}
		if rl := s.RateLimit; rl != nil {
			b := newTokenBucket(rl.RPS, rl.Burst) // one bucket per instance
			sv.limit = &b
		}
		for j, ep := range s.Endpoints {
			if ep.ErrorRate > 0 {
				e := &m.eps[sv.epLo+int32(j)]
				e.errRate = ep.ErrorRate
				e.rngErr = newStream(m.seed, "endpoint", sv.id, ep.Name, "error")
			}
		}
	}
	for k, lb := range n.AllLoadBalancers() {
		if rl := lb.RateLimit; rl != nil {
			b := newTokenBucket(rl.RPS, rl.Burst)
			m.lbs[k].limit = &b
		}
	}
}

// firstAttempt sends the first attempt of request r, which reached the
// client.
func (m *sim) firstAttempt(r int32) {
	st := m.callState(r)
	st.born, st.class, st.attempt = m.reqs[r].born, m.reqs[r].class, 1
	m.sendAttempt(r)
}

// guardAttempt passes attempt r (of the client or of a call) through its
// circuit breaker bk (-1: none) and starts its deadline of timeout seconds
// (0: none), before it is sent. When the open breaker refuses it, the
// attempt is done and freed without being sent, and guardAttempt returns
// its call state and false: the caller records the outcome rejected.
func (m *sim) guardAttempt(r, bk int32, timeout float64) (callState, bool) {
	c := m.reqs[r].cs
	if bk >= 0 {
		g, ok := m.breakers[bk].allow(m.now)
		if !ok {
			m.cstates[c].done = true
			s := m.cstates[c]
			m.freeRequest(r)
			return s, false
		}
		m.cstates[c].bkGen = g
	}
	m.cstates[c].sent = true
	if timeout > 0 {
		m.setDeadline(c, timeout)
	}
	return callState{}, true
}

// sendAttempt sends attempt r from the client: an open breaker refuses it
// at once (outcome rejected, not sent); with timeout_s its deadline starts
// now.
func (m *sim) sendAttempt(r int32) {
	if s, ok := m.guardAttempt(r, m.client.bk, m.client.timeout); !ok {
		m.attemptOutcome(s, outRejected)
		return
	}
	m.send(r, m.client.out)
}

// setDeadline gives the attempt with call state c a deadline d seconds
// from now.
func (m *sim) setDeadline(c int32, d float64) {
	st := &m.cstates[c]
	st.deadline = m.now + d
	st.timer = true
	m.schedule(st.deadline, prioNormal, evDeadline, c)
}

// respOutcome returns the outcome of an attempt whose response carries
// resp.
func respOutcome(resp uint8) int {
	switch resp {
	case respFailed:
		return outFailed
	case respRejected:
		return outRejected
	}
	return outCompleted
}

// attemptBack takes the response (error, rejection) of client attempt r
// at the client; a response after the attempt's deadline is discarded.
func (m *sim) attemptBack(r int32) {
	c := m.reqs[r].cs
	if m.cstates[c].done {
		m.freeRequest(r)
		return
	}
	m.cstates[c].done = true
	s := m.cstates[c]
	m.freeRequest(r)
	m.attemptOutcome(s, respOutcome(s.resp))
}

// attemptOutcome acts on outcome o of the client attempt whose call state
// was s: its breaker records it, a failure is retried when the retry
// policy allows, and otherwise o is the request's outcome.
func (m *sim) attemptOutcome(s callState, o int) {
	if s.sent && m.client.bk >= 0 {
		m.breakers[m.client.bk].record(m.now, s.bkGen, o != outCompleted)
	}
	if o != outCompleted && m.client.retry >= 0 {
		if d, ok := m.retries[m.client.retry].next(s.attempt, o); ok {
			r := m.newRequest()
			m.reqs[r].born, m.reqs[r].class = s.born, s.class
			st := m.callState(r)
			st.born, st.class, st.attempt = s.born, s.class, s.attempt+1
			m.retried++
			if m.cls != nil {
				m.cls[s.class].retries++
			}
			m.schedule(m.now+d, prioNormal, evRetry, r)
			return
		}
	}
	m.finish(s.born, s.class, o)
}

// deadline handles the deadline of the attempt with call state c: unless
// its outcome is known, its waiter stops waiting (timed out, or lost and
// noticed now).
func (m *sim) deadline(c int32) {
	st := &m.cstates[c]
	st.timer = false
	if st.done {
		if !st.live {
			m.cfree = append(m.cfree, c)
		}
		return
	}
	st.done = true
	o := outTimedOut
	if st.dropped {
		o = outDropped
	}
	s := *st
	if !st.live {
		m.cfree = append(m.cfree, c)
	}
	if s.parent >= 0 {
		m.callAttemptOutcome(s, o)
		return
	}
	m.attemptOutcome(s, o)
}

// retry sends retry r when its backoff has passed: from the client, or
// from the calling server when the caller still awaits the call's step.
func (m *sim) retry(r int32) {
	c := m.reqs[r].cs
	if s := m.cstates[c]; s.parent >= 0 {
		pc := m.reqs[s.parent].cs
		if pc < 0 || m.cstates[pc].token != s.ptoken {
			m.freeRequest(r) // the caller no longer awaits the step
			return
		}
		m.reqs[r].born = m.now // a call's latency is per attempt
		m.sendSub(r)
		return
	}
	m.sendAttempt(r)
}

// lost handles request r lost on an edge in a run with resilience keys.
// An attempt with a deadline is noticed then; without one, nobody notices
// (Part I): a client request's outcome is dropped now, and a lost
// sub-request leaves its caller waiting.
func (m *sim) lost(r int32) {
	c := m.reqs[r].cs
	if c < 0 { // lost before it left the client
		m.finish(m.reqs[r].born, m.reqs[r].class, outDropped)
		m.freeRequest(r)
		return
	}
	st := &m.cstates[c]
	switch {
	case st.done:
		// Its waiter gave up already: nothing is left to notice.
	case st.timer:
		st.dropped = true // noticed at the deadline
	case st.parent >= 0:
		// A lost sub-request without a deadline: its caller waits.
	default:
		st.done = true
		s := *st
		m.freeRequest(r)
		m.finish(s.born, s.class, outDropped)
		return
	}
	m.freeRequest(r)
}

// refuse sends request r, which server s did not admit (down, rate
// limited, max_concurrency), back to its sender over the response edge
// with resp; it holds nothing.
func (m *sim) refuse(r, s int32, resp uint8) {
	m.callState(r).resp = resp
	m.reqs[r].visited = true
	m.respond(r, s)
}

// rejectInside rejects request r, inside its server, that needs a core
// when the ready queue is full: it releases what it holds and responds
// with the rejection.
func (m *sim) rejectInside(r int32) {
	s := m.reqs[r].server
	m.servers[s].rejected++
	m.callState(r).resp = respRejected
	m.release(r)
	m.respond(r, s)
}

// lbRefuse rejects request r at a load balancer whose rate limit is
// reached: the sender learns it at once.
func (m *sim) lbRefuse(r int32) {
	m.callState(r).resp = respRejected
	if m.isSub(r) {
		m.callReturn(r)
		return
	}
	m.attemptBack(r)
}

// waste counts, for a CPU burst of d seconds of request r starting now on
// sv, the core-seconds after the attempt's deadline (up to the horizon):
// its waiter has stopped waiting by then, so the work is wasted.
func (m *sim) waste(sv *server, r int32, d float64) {
	c := m.reqs[r].cs
	if c < 0 {
		return
	}
	dl := m.cstates[c].deadline
	if dl == 0 {
		return
	}
	if end := min(m.now+d, m.horizon); end > dl {
		sv.wasted += end - max(m.now, dl)
	}
}

// other records the latency of a request created at born whose outcome,
// now, is failed, rejected or timed out (latency_all).
func (m *sim) other(born float64) {
	lat := m.now - born
	m.otherMoments.Add(lat)
	m.otherSketch.Add(lat)
}

// outcomeSeries counts the non-completed outcomes per window.
type outcomeSeries struct {
	window                     float64 // seconds (outcomeWindow)
	failed, rejected, timedOut []float64
}

// MaxOutcomeWindows bounds the windows of the outcomes series: a run
// longer than that many seconds counts outcomes per window of
// ceil(horizon / MaxOutcomeWindows) seconds, so that the four series take
// at most 2.8 MB, whatever the horizon.
const MaxOutcomeWindows = 86_400

// outcomeWindow returns the window of the outcomes series of a run of
// the given horizon: 1 s, or longer beyond MaxOutcomeWindows seconds.
func outcomeWindow(horizon float64) float64 {
	return max(1, math.Ceil(horizon/MaxOutcomeWindows))
}

// finish records outcome o of a request of class class created at born.
func (m *sim) finish(born float64, class uint8, o int) {
	w := int(m.now / m.outc.window)
	switch o {
	case outCompleted:
		m.complete(born, class)
		return
	case outFailed:
		m.failed++
		m.other(born)
		m.outc.failed[w]++
	case outRejected:
		m.rejected++
		m.other(born)
		m.outc.rejected[w]++
	case outTimedOut:
		m.timedOut++
		m.other(born)
		m.outc.timedOut[w]++
	case outDropped:
		m.dropped++
	}
	if m.recov != nil {
		m.recov.left(m.now, born)
	}
	if m.perClass {
		m.classOutcome(class, born, o)
	}
}

// breakerStats returns the figures of the breakers of call stat (-1: the
// client's), summed, with their timelines merged in time order; nil when
// it has none.
func (m *sim) breakerStats(stat int32) *result.BreakerStats {
	var out *result.BreakerStats
	for i := range m.breakers {
		if m.bkStat[i] != stat {
			continue
		}
		b := m.breakers[i].stats(m.horizon)
		if out == nil {
			out = &result.BreakerStats{}
		}
		out.Opened += b.Opened
		out.OpenS += b.OpenS
		out.Timeline = append(out.Timeline, b.Timeline...)
	}
	if out != nil {
		slices.SortStableFunc(out.Timeline, func(a, b result.BreakerTransition) int {
			switch {
			case a.T < b.T:
				return -1
			case a.T > b.T:
				return 1
			}
			return 0
		})
		if len(out.Timeline) > result.MaxBreakerTransitions {
			out.Timeline = out.Timeline[:result.MaxBreakerTransitions]
		}
	}
	return out
}

// outcomeResults adds the results of spec §14 that come with resilience
// keys to r: latency_all, outcomes, the client's breaker, and the
// non-completed latencies kept for merging.
func (m *sim) outcomeResults(r *result.Result) {
	all := m.moments
	all.Merge(m.otherMoments)
	allSketch := result.NewSketch()
	allSketch.Merge(m.sketch)
	allSketch.Merge(m.otherSketch)
	r.LatencyAll = result.LatencyFrom(all, allSketch)
	if m.otherMoments.Count > 0 {
		om := m.otherMoments
		r.LatencyOtherMoments, r.LatencyOtherSketch = &om, m.otherSketch
	}
	if m.outc != nil {
		completed := make([]float64, len(m.outc.failed))
		for t, x := range m.throughput {
			completed[int(float64(t)/m.outc.window)] += x
		}
		r.Outcomes = &result.OutcomeSeries{
			WindowS:   m.outc.window,
			Completed: completed,
			Failed:    m.outc.failed,
			Rejected:  m.outc.rejected,
			TimedOut:  m.outc.timedOut,
		}
	}
	if b := m.breakerStats(-1); b != nil {
		r.Client = &result.ClientStats{CircuitBreaker: b}
	}
}

// countInFlight counts the requests in flight, independently of the
// counters: the client's requests in the slab whose outcome is not known
// (in transit, on a server, or waiting for a retry), and the lost
// attempts whose deadline has not passed yet. Tests compare it with
// counts.in_flight.
func (m *sim) countInFlight() int64 {
	freeReq := make([]bool, len(m.reqs))
	for _, r := range m.free {
		freeReq[r] = true
	}
	freeCS := make([]bool, len(m.cstates))
	for _, c := range m.cfree {
		freeCS[c] = true
	}
	n := int64(0)
	for r := range m.reqs {
		c := m.reqs[r].cs
		if freeReq[r] || m.isSub(int32(r)) || c >= 0 && m.cstates[c].done {
			continue
		}
		n++
	}
	for c := range m.cstates {
		if st := &m.cstates[c]; !freeCS[c] && !st.live && st.timer && !st.done && st.parent < 0 {
			n++
		}
	}
	return n
}
