package engine

import (
	"fmt"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// classStats are the results of one request class (spec §14 `classes`),
// kept only when the scenario has several generators: with one, they are
// the totals.
type classStats struct {
	generated, completed, dropped, failed int64
	timedOut, rejected, retries           int64

	moments    result.Moments
	sketch     *result.Sketch
	throughput []float64 // completions per 1 s window
}

// request.class is a uint8: the generators must fit.
const _ = uint8(scenario.MaxGenerators - 1)

// Outcomes of a request, for its class (classOutcome).
const (
	outCompleted = iota
	outDropped
	outFailed
	outRejected
	outTimedOut
)

// newGenerators creates one generator per class of sc, in document order,
// with no outgoing edge yet.
func newGenerators(sc *scenario.Scenario) []generator {
	ws := sc.Generators()
	gens := make([]generator, len(ws))
	for i, w := range ws {
		gens[i] = generator{id: w.ID, out: -1}
	}
	return gens
}

// generatorIndex returns the index of the generator with the given id, or
// -1.
func (m *sim) generatorIndex(id string) int32 {
	for i := range m.gens {
		if m.gens[i].id == id {
			return int32(i)
		}
	}
	return -1
}

// compileWorkload compiles every generator. Each draws from its own
// streams, named by its id, so that adding or changing a class leaves
// every other class's arrivals alone (common random numbers).
func (m *sim) compileWorkload(sc *scenario.Scenario, seed int64) {
	for i, w := range sc.Generators() {
		g := &m.gens[i]
		g.prof.max = 1
		if w.Closed() {
			g.closed = true
			g.nUsers = int32(w.Users)
			g.think = compileRV(*w.ThinkTime, scenario.RoleTime)
			g.rngThink = newStream(seed, "generator", w.ID, "think")
			m.closed = true
		} else {
			g.users = compileRV(w.AvgActiveUsers, scenario.RoleCount)
			g.perUser = w.AvgRequestPerMinutePerUser.Mean / 60
			g.window = float64(w.UserSamplingWindow)
			g.rngUsers = newStream(seed, "generator", w.ID, "users")
			g.rngGaps = newStream(seed, "generator", w.ID, "gaps")
		}
		if len(w.Profile) > 0 {
			g.prof.max = 0
			for _, p := range w.Profile {
				g.prof.ts = append(g.prof.ts, p.T)
				g.prof.xs = append(g.prof.xs, p.X)
				g.prof.max = max(g.prof.max, p.X)
			}
			g.rngThin = newStream(seed, "generator", w.ID, "thin")
			g.prof.area = w.ProfileArea(m.horizon)
		}
		if w.Endpoint != "" {
			g.epOn = m.endpointOn(sc, w.Endpoint)
		}
	}
	m.perClass = len(m.gens) > 1 || m.closed
}

// endpointOn returns, per server, the index in m.eps of its endpoint
// named name, or -1 when it has none (validation has made sure that the
// servers a request reaches first have it).
func (m *sim) endpointOn(sc *scenario.Scenario, name string) []int32 {
	on := make([]int32, len(m.servers))
	for s := range m.servers {
		srv := sc.Topology.Nodes.Servers[m.base[s]] // instances of a replicated server share its endpoints
		on[s] = -1
		for j, e := range srv.Endpoints {
			if e.Name == name {
				on[s] = m.servers[s].epLo + int32(j)
				break
			}
		}
	}
	return on
}

// startWorkload schedules the first arrival of every open generator and
// the first think time of every closed user.
func (m *sim) startWorkload() {
	if len(m.gens) > 1 {
		m.cls = make([]classStats, len(m.gens))
		for i := range m.cls {
			m.cls[i].sketch = result.NewSketch()
			m.cls[i].throughput = make([]float64, int(m.horizon))
		}
	}
	for i := range m.gens {
		g := &m.gens[i]
		g.idx = int32(i)
		if g.closed {
			m.startClosed(int32(i))
			continue
		}
		m.scheduleNext(g, 0)
	}
}

// classOutcome records the outcome of a request of class c created at
// born for its class and, for a closed class, lets its user think before
// the next request. Callers check m.perClass first, so that a single open
// generator pays nothing.
func (m *sim) classOutcome(c uint8, born float64, outcome int) {
	if outcome == outCompleted && m.hooks != nil && m.hooks.classComplete != nil {
		m.hooks.classComplete(int32(c), born, m.now)
	}
	if m.cls != nil {
		cs := &m.cls[c]
		switch outcome {
		case outCompleted:
			lat := m.now - born
			cs.completed++
			cs.moments.Add(lat)
			cs.sketch.Add(lat)
			cs.throughput[int(m.now)]++
		case outDropped:
			cs.dropped++
		case outFailed:
			cs.failed++
		case outRejected:
			cs.rejected++
		case outTimedOut:
			cs.timedOut++
		default:
			panic(fmt.Sprintf("engine: unknown outcome %d", outcome))
		}
	}
	m.userDone(c)
}

// classResults returns the `classes` results, or nil with one generator.
func (m *sim) classResults() map[string]result.ClassStats {
	if m.cls == nil {
		return nil
	}
	out := make(map[string]result.ClassStats, len(m.cls))
	for i := range m.cls {
		cs := &m.cls[i]
		out[m.gens[i].id] = result.ClassStats{
			Counts: result.Counts{
				Generated: cs.generated,
				Completed: cs.completed,
				Dropped:   cs.dropped,
				Failed:    cs.failed,
				TimedOut:  cs.timedOut,
				Rejected:  cs.rejected,
				Attempts:  cs.generated + cs.retries,
				Retries:   cs.retries,
				InFlight:  cs.generated - cs.completed - cs.dropped - cs.failed - cs.timedOut - cs.rejected,
			},
			Latency:        result.LatencyFrom(cs.moments, cs.sketch),
			LatencySketch:  cs.sketch,
			LatencyMoments: cs.moments,
			Throughput: result.Throughput{
				WindowS: 1,
				MeanRPS: float64(cs.completed) / m.horizon,
				Series:  cs.throughput,
			},
		}
	}
	return out
}

// expectedRequests returns the expected number of requests generator g
// creates over the horizon (Estimate). Open: the horizon times E[users] ×
// requests per user per second, times the mean of the profile over the
// horizon. Closed: an upper bound, users × horizon / E[think time], as if
// every response were instantaneous.
func (m *sim) expectedRequests(g *generator) float64 {
	if g.closed {
		return float64(g.nUsers) * m.horizon / g.think.effectiveMean()
	}
	rate := g.users.effectiveMean() * g.perUser
	if g.prof.ts == nil {
		return m.horizon * rate
	}
	return rate * g.prof.area
}
