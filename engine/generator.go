package engine

import "math/rand/v2"

// generator is the compiled workload (spec §3): a doubly stochastic Poisson
// process whose rate is redrawn at the start of every user-sampling window.
type generator struct {
	out      int32   // outgoing edge
	users    rv      // active users per window
	perUser  float64 // requests per second of one user (rpm / 60)
	window   float64 // window length in seconds
	winEnd   float64 // end of the current window
	rate     float64 // aggregate rate in the current window
	rngUsers *rand.Rand
	rngGaps  *rand.Rand

	next    event // the pending arrival, kept out of the heap
	pending bool  // next is scheduled
}

// scheduleNext schedules the first arrival after time t. Inside a window the
// gaps are exponential with the window's rate; a gap that would cross the
// window end is discarded and the clock jumps to the window end, where the
// number of users is redrawn. By the memorylessness of the exponential
// distribution this is exact for a piecewise-constant rate. Nothing arrives
// at or after the horizon.
func (m *sim) scheduleNext(t float64) {
	g := &m.gen
	for {
		if g.rate > 0 {
			next := t + g.rngGaps.ExpFloat64()/g.rate
			if next < g.winEnd {
				if next < m.horizon {
					g.next = event{t: next, key: prioNormal<<62 | m.seq, kind: evArrival}
					g.pending = true
					m.seq++
				}
				return
			}
		}
		t = g.winEnd
		if t >= m.horizon {
			return
		}
		u := g.users.sample(g.rngUsers)
		g.rate = max(u, 0) * g.perUser
		g.winEnd = t + g.window
	}
}

// arrival creates a request at the generator and sends it on the
// generator's outgoing edge.
func (m *sim) arrival() {
	r := m.newRequest()
	m.generated++
	if m.hooks != nil && m.hooks.arrival != nil {
		m.hooks.arrival(m.now)
	}
	m.send(r, m.gen.out)
	m.scheduleNext(m.now)
}
