package engine

// fault is a compiled injected event (spec §6): a server outage or a
// network spike on an edge.
type fault struct {
	outage bool
	target int32   // server index (outage) or edge index (spike)
	spike  float64 // added latency of a spike
}

// faultStart opens the window of injected event f.
func (m *sim) faultStart(f int32) {
	if m.evWin != nil {
		m.evWin.start(f)
	}
	ft := &m.faults[f]
	if ft.outage {
		m.servers[ft.target].down++
		return
	}
	ed := &m.edges[ft.target]
	ed.spikes++
	ed.spike += ft.spike
}

// faultEnd closes the window of injected event f.
func (m *sim) faultEnd(f int32) {
	if m.evWin != nil {
		m.evWin.end(f)
	}
	ft := &m.faults[f]
	if ft.outage {
		m.servers[ft.target].down--
		return
	}
	ed := &m.edges[ft.target]
	ed.spikes--
	ed.spike -= ft.spike
	if ed.spikes == 0 {
		ed.spike = 0 // no floating-point residue once every spike has ended
	}
}
