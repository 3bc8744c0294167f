package engine

// fault is a compiled injected event (spec §6): a server outage or a
// network spike on an edge.
type fault struct {
	outage bool
	active bool    // inside its window
	target int32   // server index (outage) or edge index (spike)
	count  int32   // outage: the instances target, target+1, …
	spike  float64 // added latency of a spike
	t0, t1 float64 // its window (Estimate)
}

// faultStart opens the window of injected event f.
func (m *sim) faultStart(f int32) {
	if m.evWin != nil {
		m.evWin.start(f)
	}
	ft := &m.faults[f]
	if ft.outage {
		for i := ft.target; i < ft.target+ft.count; i++ {
			m.servers[i].down++
		}
		return
	}
	ft.active = true
	m.sumSpikes(&m.edges[ft.target])
}

// faultEnd closes the window of injected event f.
func (m *sim) faultEnd(f int32) {
	if m.evWin != nil {
		m.evWin.end(f)
	}
	if m.recov != nil {
		m.recov.ended(f, m.generated)
	}
	ft := &m.faults[f]
	if ft.outage {
		for i := ft.target; i < ft.target+ft.count; i++ {
			m.servers[i].down--
		}
		return
	}
	ft.active = false
	m.sumSpikes(&m.edges[ft.target])
}

// sumSpikes sets the added latency of edge ed to the sum of its active
// spikes, recomputed in declaration order at every start and end rather
// than updated by += and -=: a running sum of a huge and a tiny spike loses
// the tiny one, and can even drift below zero (0.7 + 10⁶ + 10⁻¹² − 10⁶ −
// 0.7 < 0), which would schedule an arrival in the past. The sum is exact
// for one spike, 0 for none, and never negative.
func (m *sim) sumSpikes(ed *edge) {
	s := 0.0
	for _, f := range ed.spikeFaults {
		if m.faults[f].active {
			s += m.faults[f].spike
		}
	}
	ed.spike = s
}
