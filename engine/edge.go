package engine

import "math/rand/v2"

// nodeKind is the kind of an edge's target.
type nodeKind uint8

const (
	nodeClient nodeKind = iota
	nodeServer
	nodeLB
)

// edge is a compiled network link (spec §4).
type edge struct {
	id         string
	targetKind nodeKind
	target     int32 // server index when targetKind is nodeServer
	latency    rv
	lane       int8 // lane of its deterministic latency, or -1
	dropout    float64
	rngLatency *rand.Rand
	rngDropout *rand.Rand

	spike       float64 // sum of the active spikes' spike_s
	spikeFaults []int32 // the spikes on this edge, in declaration order
	inFlight    int32   // requests in transit
	dropped     int64
}

// send puts request r on edge e: it is lost with the edge's dropout
// probability, and otherwise arrives at the target after the sampled latency
// plus the active spikes.
func (m *sim) send(r int32, e int32) {
	ed := &m.edges[e]
	if ed.dropout > 0 && ed.rngDropout.Float64() < ed.dropout {
		ed.dropped++
		if m.res {
			m.lost(r)
			return
		}
		if !m.isSub(r) {
			m.dropped++ // a lost sub-request is never answered: its caller waits
			if m.recov != nil {
				m.recov.left(m.now, m.reqs[r].born)
			}
			if m.perClass {
				m.classOutcome(m.reqs[r].class, m.reqs[r].born, outDropped)
			}
		}
		m.freeRequest(r)
		return
	}
	ed.inFlight++
	m.reqs[r].edge = e
	if ed.spike != 0 || ed.lane < 0 {
		d := ed.latency.sample(ed.rngLatency) + ed.spike
		m.schedule(m.now+d, prioNormal, evEdgeArrive, r)
		return
	}
	m.after(ed.lane, ed.latency.mean, evEdgeArrive, r)
}

// edgeArrive delivers request r to the target of the edge it travelled on.
func (m *sim) edgeArrive(r int32) {
	ed := &m.edges[m.reqs[r].edge]
	ed.inFlight--
	switch ed.targetKind {
	case nodeClient:
		m.clientArrive(r)
	case nodeServer:
		if c := m.reqs[r].cs; c >= 0 && m.cstates[c].responding {
			m.callReturn(r)
			return
		}
		s := ed.target
		if req := &m.reqs[r]; req.lbSlot >= 0 {
			// Sent by a load balancer: to the instance it chose.
			if m.lbEdge[req.lbSlot] == req.edge {
				s = m.lbServer[req.lbSlot]
			}
		}
		m.serverArrive(r, s)
	case nodeLB:
		m.lbArrive(r)
	}
}
