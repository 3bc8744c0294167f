package engine

import "math/rand/v2"

// Segment classes. Consecutive CPU steps are merged into one segment (the
// request keeps its core across them and nothing observable happens in
// between), and so are consecutive I/O steps that need no database
// connection (the request sleeps through them).
const (
	segCPU uint8 = iota // needs a core
	segIO               // sleeps without a core
	segDB               // io_db step on a server with a connection pool
)

// segment is a run of steps of one class; its duration is the sum of the
// steps' samples m.steps[lo:hi].
type segment struct {
	class  uint8
	lane   int8 // lane of its constant duration, or -1
	lo, hi int32
}

// endpoint is a compiled endpoint: the RAM it reserves and its segments
// m.segs[lo:hi].
type endpoint struct {
	ram    float64
	lo, hi int32

	errRate float64    // error_rate (spec §12)
	rngErr  *rand.Rand // its own stream; nil when errRate is 0
}

// server is a compiled server with its event-loop state (spec §5).
type server struct {
	id      string
	group   string    // the server's id when this is an instance <id>#k of a replicated server, else ""
	out     int32     // outgoing edge
	epLo    int32     // endpoints m.eps[epLo:epHi]
	epHi    int32     //
	weights []float64 // cumulative endpoint weights; nil means uniform
	covered bool      // some load balancer routes to it

	cores     int32
	freeCores int32
	ramTotal  float64
	ramUsed   float64
	pool      int32 // database connections; 0 means no pool
	poolFree  int32
	ioSleep   int32 // requests sleeping on I/O (or waiting for a connection)
	down      int32 // number of active outage windows

	ready   ring // requests waiting for a core
	ramWait ring // requests waiting for RAM
	dbWait  ring // requests waiting for a database connection

	rngEndpoint *rand.Rand // the choice of endpoint

	busyArea float64 // integral of busy cores over time
	busyLast float64 // time of the last change of freeCores
	served   int64
	failed   int64

	// Admission (spec §12).
	inside   int32        // requests inside: admitted and not yet gone
	maxConc  int32        // max_concurrency; 0: none
	maxQueue int32        // max_queue; -1: none
	limit    *tokenBucket // rate_limit; nil: none
	rejected int64
	wasted   float64 // core-seconds after a deadline (wasted_s)
}

// ramEpsilon absorbs floating-point drift in RAM accounting (MB).
const ramEpsilon = 1e-9

// integrateBusy accumulates busy core-seconds up to now.
func (sv *server) integrateBusy(now float64) {
	sv.busyArea += float64(sv.cores-sv.freeCores) * (now - sv.busyLast)
	sv.busyLast = now
}

// serverArrive starts request r on server s: it fails if the server is down
// and no load balancer can route around it; otherwise an endpoint is chosen
// and its RAM is reserved (FIFO wait when it does not fit; never a wait
// when it reserves none).
func (m *sim) serverArrive(r int32, s int32) {
	sv := &m.servers[s]
	if sv.down > 0 && !sv.covered {
		sv.failed++
		if m.res {
			m.refuse(r, s, respFailed) // the failure travels back (spec §12)
			return
		}
		m.failRequest(r)
		return
	}
	if m.hooks != nil && m.hooks.route != nil {
		m.hooks.route(m.now, s)
	}
	if sv.limit != nil && !sv.limit.take(m.now) || sv.maxConc > 0 && sv.inside >= sv.maxConc {
		sv.rejected++
		m.refuse(r, s, respRejected)
		return
	}
	sv.inside++
	req := &m.reqs[r]
	if req.scHeld && !req.scIn {
		m.scaledEnter(r, s)
	}
	first := !req.visited
	req.visited = true
	req.server = s
	ep := sv.epLo
	if c := req.cs; c >= 0 && m.cstates[c].parent >= 0 && m.calls[m.cstates[c].call].endpoint >= 0 {
		ep += m.callEPs[m.calls[m.cstates[c].call].endpoint+s]
	} else if first && m.gens[req.class].epOn != nil {
		ep = m.gens[req.class].epOn[s] // the class's endpoint on the first server it reaches (spec §11)
	} else if n := sv.epHi - sv.epLo; n > 1 {
		if sv.weights == nil {
			ep += int32(sv.rngEndpoint.IntN(int(n)))
		} else {
			u := sv.rngEndpoint.Float64() * sv.weights[n-1]
			i := int32(0)
			for i < n-1 && u >= sv.weights[i] {
				i++
			}
			ep += i
		}
	}
	req.ep = ep
	req.seg = m.eps[ep].lo
	// An endpoint that reserves no RAM never waits for it (spec §5.1:
	// a request waits only when not enough RAM is free; AsyncFlow skips
	// the reservation when it is 0). Others queue FIFO behind the waiters.
	need := m.eps[ep].ram
	if need == 0 || sv.ramWait.len() == 0 && sv.ramUsed+need <= sv.ramTotal+ramEpsilon {
		sv.ramUsed += need
		m.advance(r)
		return
	}
	sv.ramWait.push(r)
}

// advance starts the current segment of request r, or lets it leave the
// server after its last segment.
func (m *sim) advance(r int32) {
	req := &m.reqs[r]
	sv := &m.servers[req.server]
	if req.seg == m.eps[req.ep].hi {
		m.leave(r)
		return
	}
	sg := &m.segs[req.seg]
	switch sg.class {
	case segCPU:
		if req.core || sv.freeCores > 0 {
			if !req.core {
				sv.integrateBusy(m.now)
				sv.freeCores--
				req.core = true
			}
			d := m.segTime(sv, sg)
			if m.wasteOn {
				m.waste(sv, r, d)
			}
			m.after(sg.lane, d, evCPUDone, r)
		} else if sv.maxQueue >= 0 && int32(sv.ready.len()) >= sv.maxQueue {
			m.rejectInside(r) // the ready queue is full (spec §12 max_queue)
		} else {
			sv.ready.push(r)
		}
	case segIO:
		if req.core {
			req.core = false
			m.releaseCore(sv)
		}
		sv.ioSleep++
		m.after(sg.lane, m.segTime(sv, sg), evIODone, r)
	case segDB:
		if req.core {
			req.core = false
			m.releaseCore(sv)
		}
		sv.ioSleep++
		if sv.poolFree > 0 {
			sv.poolFree--
			req.db = true
			m.after(sg.lane, m.segTime(sv, sg), evIODone, r)
		} else {
			sv.dbWait.push(r)
		}
	case segCall:
		m.startCalls(r)
	}
}

// segTime samples the duration of a segment, each step from its own
// stream.
func (m *sim) segTime(sv *server, sg *segment) float64 {
	if sg.hi-sg.lo == 1 {
		return m.steps[sg.lo].sample(m.stepRNG[sg.lo])
	}
	d := 0.0
	for i := sg.lo; i < sg.hi; i++ {
		d += m.steps[i].sample(m.stepRNG[i])
	}
	return d
}

// releaseCore hands a freed core to the head of the ready queue, or returns
// it to the pool.
func (m *sim) releaseCore(sv *server) {
	if sv.ready.len() > 0 {
		r := sv.ready.pop()
		req := &m.reqs[r]
		req.core = true
		sg := &m.segs[req.seg]
		d := m.segTime(sv, sg)
		if m.wasteOn {
			m.waste(sv, r, d) // the part after the attempt's deadline (wasted_s)
		}
		m.after(sg.lane, d, evCPUDone, r)
		return
	}
	sv.integrateBusy(m.now)
	sv.freeCores++
}

// cpuDone ends the CPU segment of request r.
func (m *sim) cpuDone(r int32) {
	m.reqs[r].seg++
	m.advance(r)
}

// ioDone ends the I/O segment of request r, handing its database
// connection, if any, to the next waiter.
func (m *sim) ioDone(r int32) {
	req := &m.reqs[r]
	sv := &m.servers[req.server]
	sv.ioSleep--
	if req.db {
		req.db = false
		if sv.dbWait.len() > 0 {
			w := sv.dbWait.pop()
			m.reqs[w].db = true
			sg := &m.segs[m.reqs[w].seg]
			m.after(sg.lane, m.segTime(sv, sg), evIODone, w)
		} else {
			sv.poolFree++
		}
	}
	req.seg++
	m.advance(r)
}

// leave ends request r on its server after its last step: with the
// endpoint's error_rate it responds with an error (spec §12); it releases
// what it holds (release, inline here on the hot path) and responds to
// its sender.
func (m *sim) leave(r int32) {
	req := &m.reqs[r]
	s := req.server
	sv := &m.servers[s]
	ep := &m.eps[req.ep]
	if ep.errRate > 0 && ep.rngErr.Float64() < ep.errRate {
		m.callState(r).resp = respFailed
		sv.failed++
	}
	sv.inside--
	if req.core {
		req.core = false
		m.releaseCore(sv)
	}
	sv.ramUsed -= ep.ram
	if sv.ramWait.len() == 0 && sv.ramUsed < ramEpsilon {
		sv.ramUsed = 0 // no drift while idle
	}
	for sv.ramWait.len() > 0 {
		w := sv.ramWait.peek()
		need := m.eps[m.reqs[w].ep].ram
		if sv.ramUsed+need > sv.ramTotal+ramEpsilon {
			break
		}
		sv.ramWait.pop()
		sv.ramUsed += need
		m.advance(w)
	}
	sv.served++
	m.respond(r, s)
}

// release releases the core and the RAM of request r and admits RAM
// waiters in FIFO order while they fit; r is no longer inside its server.
// leave does the same inline: a change here belongs there too.
func (m *sim) release(r int32) {
	req := &m.reqs[r]
	sv := &m.servers[req.server]
	sv.inside--
	if req.core {
		req.core = false
		m.releaseCore(sv)
	}
	sv.ramUsed -= m.eps[req.ep].ram
	if sv.ramWait.len() == 0 && sv.ramUsed < ramEpsilon {
		sv.ramUsed = 0 // no drift while idle
	}
	for sv.ramWait.len() > 0 {
		w := sv.ramWait.peek()
		need := m.eps[m.reqs[w].ep].ram
		if sv.ramUsed+need > sv.ramTotal+ramEpsilon {
			break
		}
		sv.ramWait.pop()
		sv.ramUsed += need
		m.advance(w)
	}
}
