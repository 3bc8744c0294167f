package engine

import "math/rand/v2"

// generator is a compiled workload, one request class (spec §3, §11): an
// open doubly stochastic Poisson process whose rate is redrawn at the start
// of every user-sampling window and optionally shaped by a profile, or a
// closed population of users.
type generator struct {
	id       string
	idx      int32   // its index in sim.gens
	out      int32   // outgoing edge
	users    rv      // active users per window
	perUser  float64 // requests per second of one user (rpm / 60)
	window   float64 // window length in seconds
	winEnd   float64 // end of the current window
	rate     float64 // aggregate rate in the current window
	rngUsers *rand.Rand
	rngGaps  *rand.Rand

	// The profile (nil without one) and thinning against its maximum.
	prof profile
	// rngThin decides the thinning of candidate arrivals (with a profile).
	rngThin *rand.Rand

	// A closed workload: users users each think for think.
	closed   bool
	nUsers   int32
	think    rv
	rngThink *rand.Rand

	// epOn[s] is the endpoint its requests run on server s when that is
	// the first server they reach; nil when the class names no endpoint.
	epOn []int32

	next    event // the pending arrival, kept out of the heap
	pending bool  // next is scheduled
}

// scheduleNext schedules the first arrival of open generator g after time
// t. Inside a window the gaps are exponential with the window's rate; a gap
// that would cross the window end is discarded and the clock jumps to the
// window end, where the number of users is redrawn. By the memorylessness of
// the exponential distribution this is exact for a piecewise-constant rate.
// With a profile, candidates come at the window's rate times the profile's
// maximum and one at time s is kept with probability x(s) / max (thinning,
// Lewis and Shedler 1979), which is exact for the rate times x(t). Nothing
// arrives at or after the horizon.
func (m *sim) scheduleNext(g *generator, t float64) {
	for {
		if g.rate > 0 {
			next := t + g.rngGaps.ExpFloat64()/(g.rate*g.prof.max)
			if next < g.winEnd {
				if g.prof.ts != nil && g.rngThin.Float64()*g.prof.max >= g.prof.at(next) {
					t = next // rejected candidate: keep drawing from it
					continue
				}
				if next < m.horizon {
					g.next = event{t: next, key: prioNormal<<62 | m.seq, a: g.idx, kind: evArrival}
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

// arrival creates a request of class c at its generator and sends it on
// the generator's outgoing edge; an open generator then schedules its next
// arrival.
func (m *sim) arrival(c int32) {
	g := &m.gens[c]
	r := m.newRequest()
	m.reqs[r].class = uint8(c)
	m.generated++
	if m.cls != nil {
		m.cls[c].generated++
	}
	if m.hooks != nil {
		if m.hooks.arrival != nil {
			m.hooks.arrival(m.now)
		}
		if m.hooks.classArrival != nil {
			m.hooks.classArrival(c, m.now)
		}
	}
	m.send(r, g.out)
	if !g.closed {
		m.scheduleNext(g, m.now)
	}
}

// startClosed schedules every user's first request of closed generator c:
// at time 0 every user starts with a think time (spec §11).
func (m *sim) startClosed(c int32) {
	g := &m.gens[c]
	for range g.nUsers {
		m.schedule(g.think.sample(g.rngThink), prioNormal, evArrival, c)
	}
}

// userDone lets the user of a closed request of class c think, then send
// its next request; it is called at the request's outcome (completed,
// failed, rejected, timed out, or dropped: a drop is noticed at the
// client's deadline, or at once without one).
func (m *sim) userDone(c uint8) {
	g := &m.gens[c]
	if !g.closed {
		return
	}
	if t := m.now + g.think.sample(g.rngThink); t < m.horizon {
		m.schedule(t, prioNormal, evArrival, int32(c))
	}
}

// profile is a compiled load profile: the piecewise-linear x(t) through
// the points (ts, xs), held at the last x after the last point.
type profile struct {
	ts, xs []float64
	max    float64 // the largest x; 1 without a profile
	area   float64 // the integral of x over the horizon (Estimate)
	i      int     // the segment of the last lookup: times only grow
}

// at returns x(t); t must not be before the previous call's.
func (p *profile) at(t float64) float64 {
	n := len(p.ts)
	for p.i+1 < n && p.ts[p.i+1] <= t {
		p.i++
	}
	if p.i+1 == n {
		return p.xs[n-1]
	}
	t0, t1 := p.ts[p.i], p.ts[p.i+1]
	return p.xs[p.i] + (p.xs[p.i+1]-p.xs[p.i])*(t-t0)/(t1-t0)
}
