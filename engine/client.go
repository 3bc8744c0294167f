package engine

// client is the compiled client node (spec §4) with its resilience keys
// (spec §12).
type client struct {
	out     int32   // outgoing edge
	timeout float64 // each attempt's deadline in seconds; 0: none
	retry   int32   // its retry policy in m.retries, or -1
	bk      int32   // its circuit breaker in m.breakers, or -1
}

// clientArrive forwards a new request on the client's outgoing edge, or
// completes a request that has visited a server.
func (m *sim) clientArrive(r int32) {
	req := &m.reqs[r]
	if !req.visited {
		if m.res {
			m.firstAttempt(r)
			return
		}
		m.send(r, m.client.out)
		return
	}
	if m.res {
		m.attemptBack(r)
		return
	}
	if req.cs >= 0 && m.cstates[req.cs].resp == respFailed {
		m.failed++ // an error response (spec §10, on_failure: fail)
		if m.recov != nil {
			m.recov.left(m.now, req.born)
		}
		m.other(req.born)
		if m.perClass {
			m.classOutcome(req.class, req.born, outFailed)
		}
		m.freeRequest(r)
		return
	}
	m.complete(req.born, req.class)
	m.freeRequest(r)
}

// complete records a completed request of class class created at born.
func (m *sim) complete(born float64, class uint8) {
	lat := m.now - born
	m.completed++
	m.moments.Add(lat)
	m.sketch.Add(lat)
	m.throughput[int(m.now)]++
	if m.latWin != nil {
		m.latWin.add(m.now, lat)
	}
	if m.evWin != nil {
		m.evWin.add(lat)
	}
	if m.recov != nil {
		m.recov.add(m.now, born)
	}
	if m.hooks != nil && m.hooks.complete != nil {
		m.hooks.complete(born, m.now)
	}
	if m.perClass {
		m.classOutcome(class, born, outCompleted)
	}
}
