package engine

import (
	"fmt"
	"strconv"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// instanceCount returns the number of server instances of sc.
// An autoscaled server has max_replicas of them, all allocated at compile.
func instanceCount(sc *scenario.Scenario) int { return sc.InstanceCount() }

// instanceID names the j-th (from 0) instance of a replicated server.
func instanceID(id string, j int) string {
	return id + "#" + strconv.Itoa(j+1)
}

// serverIndex returns the index of the server with the given id.
func serverIndex(sc *scenario.Scenario, id string) (int, bool) {
	for i, s := range sc.Topology.Nodes.Servers {
		if s.ID == id {
			return i, true
		}
	}
	return 0, false
}

// segCall is the segment class of a call or parallel step: the request
// awaits m.calls[lo:hi] on the caller's event loop (core released, RAM
// kept, no database connection held). A call segment is never merged.
const segCall uint8 = 3

// callSpec is one compiled call of a call or parallel step.
type callSpec struct {
	edge     int32 // caller → target edge
	cont     bool  // on_failure: continue
	stat     int32 // index in m.callStats ("<caller>-><target>")
	endpoint int32 // index in m.callEPs of the per-server endpoint table, or -1

	// Spec §12: the attempt's deadline in seconds (0: none), its retry
	// policy in m.retries and its breaker in m.breakers (-1: none).
	timeout   float64
	retry, bk int32
}

// callStat accumulates the results of one "<caller>-><target>" pair.
type callStat struct {
	key                                             string
	attempts, completed, failed, rejected, timedOut int64
	moments                                         result.Moments
	sketch                                          *result.Sketch
}

// compileCalls compiles the calls of one step into m.calls and returns
// the call segment. Each server's endpoint of the given name is looked
// up once, here, so that the hot path does no lookup.
func (m *sim) compileCall(sc *scenario.Scenario, nodes map[string]nodeRef, caller int32, st scenario.Step) segment {
	lo := int32(len(m.calls))
	for _, c := range st.StepCalls() {
		to := nodes[c.Target]
		e := int32(-1)
		for i := range m.edges {
			if m.edgeSource[i] == m.inst[m.base[caller]] && m.edges[i].targetKind == to.kind && m.edges[i].target == to.idx {
				e = int32(i)
				break
			}
		}
		if e < 0 {
			panic(fmt.Sprintf("engine: no edge from %q to %q", m.servers[caller].id, c.Target))
		}
		key := sc.Topology.Nodes.Servers[m.base[caller]].ID + "->" + c.Target
		stat := int32(-1)
		for i := range m.callStats {
			if m.callStats[i].key == key {
				stat = int32(i)
			}
		}
		if stat < 0 {
			stat = int32(len(m.callStats))
			m.callStats = append(m.callStats, callStat{key: key})
		}
		spec := callSpec{edge: e, cont: c.OnFailure == scenario.ContinueOnFailure, stat: stat, endpoint: -1, retry: -1, bk: -1}
		m.compileCallResilience(&spec, c, caller, len(m.calls))
		if c.Endpoint != "" {
			spec.endpoint = int32(len(m.callEPs))
			for i := range m.servers {
				s := sc.Topology.Nodes.Servers[m.base[i]]
				ep := int32(-1)
				for j, e := range s.Endpoints {
					if e.Name == c.Endpoint {
						ep = int32(j)
					}
				}
				m.callEPs = append(m.callEPs, ep)
			}
		}
		m.calls = append(m.calls, spec)
	}
	return segment{class: segCall, lane: -1, lo: lo, hi: int32(len(m.calls))}
}

// compileResponseEdges records, for every pair of servers, the edge from
// the first to the second: the response edge of a call (spec §10).
func (m *sim) compileResponseEdges() {
	n := int32(len(m.servers))
	m.respEdge = make([]int32, n*n)
	for i := range m.respEdge {
		m.respEdge[i] = -1
	}
	for i := range m.edges {
		src := m.edgeSource[i]
		if src < 0 || m.edges[i].targetKind != nodeServer {
			continue
		}
		// Instances share their server's edges, both ways.
		dst := m.edges[i].target
		for a := src; a < int32(len(m.servers)) && m.base[a] == m.base[src]; a++ {
			for b := dst; b < n && m.base[b] == m.base[dst]; b++ {
				m.respEdge[a*n+b] = int32(i)
			}
		}
	}
}

// callState is the state of a request that awaits calls or is itself a
// sub-request, kept in a slab of its own (m.cstates) so that the requests
// of scenarios without calls stay small.
type callState struct {
	parent     int32  // the calling request of a sub-request, or -1
	call       int32  // a sub-request's call in m.calls
	from       int32  // a sub-request's calling server
	pending    int32  // calls the request awaits in its current step
	token      uint64 // the step the request awaits (0: none)
	ptoken     uint64 // a sub-request's copy of its caller's token when sent
	responding bool   // a sub-request travelling back to its caller
	resp       uint8  // what the response carries: respOK, respFailed or respRejected

	// The attempt (spec §12), in runs with resilience keys only: the
	// attempts of the client's requests and of calls.
	born     float64 // a client request's creation (its latency runs from it)
	deadline float64 // when its waiter gives up; 0: never
	attempt  int32   // its number, from 1
	class    uint8   // a client request's class
	sent     bool    // its breaker let it through (it was sent)
	bkGen    uint32  // the breaker's generation when it let it through
	timer    bool    // its deadline event is pending: the entry outlives its request
	live     bool    // its request is in the slab
	done     bool    // its waiter has its outcome: a late response is discarded
	dropped  bool    // it was lost on an edge
}

// What a response carries back to the waiter (callState.resp).
const (
	respOK uint8 = iota
	respFailed
	respRejected
)

// callState returns the call state of request r, taking one from the
// free list or growing the slab when it has none. The pointer is valid
// until the next call of callState.
func (m *sim) callState(r int32) *callState {
	if c := m.reqs[r].cs; c >= 0 {
		return &m.cstates[c]
	}
	var c int32
	if n := len(m.cfree); n > 0 {
		c = m.cfree[n-1]
		m.cfree = m.cfree[:n-1]
	} else {
		c = int32(len(m.cstates))
		m.cstates = append(m.cstates, callState{})
		if int64(len(m.cstates)) > m.maxInFlight && m.overflowT < 0 {
			// Attempts whose deadline is pending keep their call state
			// after their request is gone: they count as in flight, so
			// that the limit bounds this slab too.
			m.overflowT = m.now
			m.nextCheck = m.events + 1
		}
	}
	m.cstates[c] = callState{parent: -1, live: true}
	m.reqs[r].cs = c
	return &m.cstates[c]
}

// isSub reports whether request r is a sub-request (a call's).
func (m *sim) isSub(r int32) bool {
	c := m.reqs[r].cs
	return c >= 0 && m.cstates[c].parent >= 0
}

// startCalls issues every call of the current (call) segment of request r
// at once and lets r await them: it gives its core back, keeps its RAM
// and counts as sleeping on the event loop.
func (m *sim) startCalls(r int32) {
	req := &m.reqs[r]
	sv := &m.servers[req.server]
	if req.core {
		req.core = false
		m.releaseCore(sv)
	}
	sv.ioSleep++
	sg := m.segs[req.seg]
	from := req.server
	m.tokenSeq++
	token := m.tokenSeq
	st := m.callState(r)
	st.token = token
	st.pending = sg.hi - sg.lo
	for c := sg.lo; c < sg.hi; c++ {
		sub := m.newSub(r, token, c, from, 1) // may move the slabs: keep indices, not pointers
		m.sendSub(sub)
	}
}

// newSub returns a new sub-request, attempt number attempt of call c of
// request parent awaiting step token on server from; it is not sent yet.
func (m *sim) newSub(parent int32, token uint64, c, from, attempt int32) int32 {
	sub := m.newRequest()
	s := m.callState(sub)
	s.parent, s.ptoken, s.call, s.from, s.attempt = parent, token, c, from, attempt
	m.reqs[sub].visited = true
	return sub
}

// sendSub sends sub-request sub on its call's edge: one attempt of the
// call. An open circuit breaker refuses it at once (outcome rejected); a
// call with timeout_s sets the attempt's deadline.
func (m *sim) sendSub(sub int32) {
	spec := &m.calls[m.cstates[m.reqs[sub].cs].call]
	m.callStats[spec.stat].attempts++
	if s, ok := m.guardAttempt(sub, spec.bk, spec.timeout); !ok {
		m.callAttemptOutcome(s, outRejected)
		return
	}
	m.send(sub, spec.edge)
}

// callReturn takes the response (error, rejection) of sub-request sub at
// its caller. A response to an attempt whose deadline passed, or to a
// step the caller no longer awaits (it failed earlier, or the caller is
// gone), is discarded.
func (m *sim) callReturn(sub int32) {
	c := m.reqs[sub].cs
	if m.cstates[c].done {
		m.freeRequest(sub) // the caller stopped waiting at the deadline
		return
	}
	m.cstates[c].done = true
	s := m.cstates[c]
	o := outCompleted
	switch s.resp {
	case respFailed:
		o = outFailed
	case respRejected:
		o = outRejected
	}
	if o == outCompleted {
		st := &m.callStats[m.calls[s.call].stat]
		lat := m.now - m.reqs[sub].born
		st.moments.Add(lat)
		st.sketch.Add(lat)
	}
	m.freeRequest(sub)
	m.callAttemptOutcome(s, o)
}

// callAttemptOutcome records the outcome of one attempt of a call, whose
// call state was s, and acts on it at the caller: a success counts towards
// the step; a failure is retried when the call's retry policy allows,
// otherwise it fails the step (on_failure: fail) or is passed over
// (continue).
func (m *sim) callAttemptOutcome(s callState, o int) {
	spec := &m.calls[s.call]
	st := &m.callStats[spec.stat]
	switch o {
	case outCompleted:
		st.completed++
	case outFailed:
		st.failed++
	case outRejected:
		st.rejected++
	default: // timed out, or lost and noticed at the deadline
		st.timedOut++
	}
	if s.sent && spec.bk >= 0 {
		m.breakers[spec.bk].record(m.now, s.bkGen, o != outCompleted)
	}
	pc := m.reqs[s.parent].cs
	if pc < 0 || m.cstates[pc].token != s.ptoken {
		return
	}
	if o != outCompleted && spec.retry >= 0 {
		if d, ok := m.retries[spec.retry].next(s.attempt, o); ok {
			sub := m.newSub(s.parent, s.ptoken, s.call, s.from, s.attempt+1)
			m.schedule(m.now+d, prioNormal, evRetry, sub)
			return
		}
	}
	p := &m.cstates[pc]
	server := m.reqs[s.parent].server
	if o != outCompleted && !spec.cont {
		// asyncio.gather: the first failure fails the step at once; the
		// other calls go on and their responses are discarded.
		p.token = 0
		m.servers[server].ioSleep--
		m.failAtServer(s.parent)
		return
	}
	p.pending--
	if p.pending > 0 {
		return
	}
	p.token = 0
	m.servers[server].ioSleep--
	m.reqs[s.parent].seg++
	m.advance(s.parent)
}

// failRequest ends a request that could not be served (its server is
// down, or no server of its load balancer is up): a sub-request returns
// an error to its caller at once; a request from the client fails (in a
// run with resilience keys, as the outcome of its attempt).
func (m *sim) failRequest(r int32) {
	if m.isSub(r) {
		m.cstates[m.reqs[r].cs].resp = respFailed
		m.callReturn(r)
		return
	}
	if m.res {
		m.cstates[m.reqs[r].cs].resp = respFailed
		m.attemptBack(r)
		return
	}
	m.failed++
	if m.recov != nil {
		m.recov.left(m.now, m.reqs[r].born)
	}
	m.other(m.reqs[r].born)
	if m.perClass {
		m.classOutcome(m.reqs[r].class, m.reqs[r].born, outFailed)
	}
	m.freeRequest(r)
}

// failAtServer makes request r fail at its server after a failed call
// with on_failure: fail: it releases what it holds and responds with an
// error to its sender.
func (m *sim) failAtServer(r int32) {
	m.callState(r).resp = respFailed
	m.servers[m.reqs[r].server].failed++
	m.release(r)
	m.servers[m.reqs[r].server].served++
	m.respond(r, m.reqs[r].server)
}

// respond sends request r, done on server s, back to its sender: the
// calling server over the response edge for a sub-request, the server's
// outgoing edge otherwise.
func (m *sim) respond(r int32, s int32) {
	if m.reqs[r].scHeld {
		m.scaledExit(r)
	}
	if !m.isSub(r) {
		m.send(r, m.servers[s].out)
		return
	}
	st := &m.cstates[m.reqs[r].cs]
	st.responding = true
	e := m.respEdge[s*int32(len(m.servers))+st.from]
	if e < 0 {
		panic(fmt.Sprintf("engine: no response edge from %q to %q", m.servers[s].id, m.servers[st.from].id))
	}
	m.send(r, e)
}

// callResults returns the `calls` results, or nil without calls.
func (m *sim) callResults() map[string]result.CallStats {
	if len(m.callStats) == 0 {
		return nil
	}
	out := make(map[string]result.CallStats, len(m.callStats))
	for i := range m.callStats {
		st := &m.callStats[i]
		cs := result.CallStats{
			Attempts:  st.attempts,
			Completed: st.completed,
			Failed:    st.failed,
			Rejected:  st.rejected,
			TimedOut:  st.timedOut,
			Latency:   result.LatencyFrom(st.moments, st.sketch),
		}
		cs.CircuitBreaker = m.breakerStats(int32(i))
		out[st.key] = cs
	}
	return out
}

// sumInstanceSeries replaces, for every replicated server, the series of
// its instances `<id>#k` by the series of the server's total (their
// element-wise sum, in instance order): the result keeps one set of
// series per declared server, as the plans' limits count them.
func (m *sim) sumInstanceSeries(ss *result.Series) {
	add := func(dst *[]float64, src []float64) {
		if src == nil {
			return
		}
		if *dst == nil {
			*dst = make([]float64, len(src))
		}
		for k, v := range src {
			(*dst)[k] += v
		}
	}
	for i := range m.servers {
		sv := &m.servers[i]
		if sv.group == "" {
			continue
		}
		total, in := ss.Servers[sv.group], ss.Servers[sv.id]
		add(&total.ReadyQueueLen, in.ReadyQueueLen)
		add(&total.EventLoopIOSleep, in.EventLoopIOSleep)
		add(&total.RAMInUse, in.RAMInUse)
		ss.Servers[sv.group] = total
		delete(ss.Servers, sv.id)
	}
}
