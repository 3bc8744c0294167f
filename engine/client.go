package engine

// client is the compiled client node (spec §4).
type client struct {
	out int32 // outgoing edge
}

// clientArrive forwards a new request on the client's outgoing edge, or
// completes a request that has visited a server.
func (m *sim) clientArrive(r int32) {
	req := &m.reqs[r]
	if !req.visited {
		m.send(r, m.client.out)
		return
	}
	if req.cs >= 0 && m.cstates[req.cs].errResp {
		m.failed++ // an error response (spec §10, on_failure: fail)
		if m.perClass {
			m.classOutcome(r, outFailed)
		}
		m.freeRequest(r)
		return
	}
	lat := m.now - req.born
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
	if m.hooks != nil && m.hooks.complete != nil {
		m.hooks.complete(req.born, m.now)
	}
	if m.perClass {
		m.classOutcome(r, outCompleted)
	}
	m.freeRequest(r)
}
