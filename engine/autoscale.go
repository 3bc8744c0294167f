package engine

import (
	"math"
	"math/rand/v2"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Replica groups and autoscaling (spec §13).
//
// A server with replicas or autoscaling is compiled into a group of
// instances <id>#1 … <id>#n, contiguous in m.servers. An autoscaled
// server's group holds max_replicas instances from the start (allocated
// once, at compile); an instance is off, starting, in service or
// draining. Only an instance in service takes traffic: every other one
// has its server.down count raised by one, so that every load-balancing
// algorithm skips it exactly as it skips a server that is down, and the
// load balancers' code and speed do not change.
//
// The rules the spec leaves open (docs/scenario.md, "Autoscaling"):
//
//   - observed utilization over a period is the busy core-seconds of all
//     the group's instances in the period (draining ones included: their
//     work is the service's) divided by the core-seconds of the instances
//     in service in it (cores × the time each took traffic);
//     observed concurrency is the time integral of the requests inside
//     the group's instances (arrived and not yet answered) divided by
//     the same in-service instance-seconds. A period with no instance in
//     service (impossible with min_replicas ≥ 1, but cheap to guard)
//     makes no decision.
//   - desired = ceil(current · observed / target − 1e-9), clamped to
//     [min_replicas, max_replicas]; the 1e-9 absorbs the rounding of the
//     integrals, so a load exactly at the target does not scale up.
//   - a scale-up starts the lowest-numbered instances that are off; a
//     scale-down removes the newest instances first (latest decision,
//     then highest number; the newest are usually still starting): a
//     starting instance stops at once, an instance in service leaves the
//     load balancers at once and drains. At least one instance that is not
//     draining is always kept.
//   - an instance drains until the requests the load balancers sent it
//     (in transit to it included) have been answered; it then stops.
//   - startup_s is drawn per started instance from the autoscaler's own
//     stream; a start-up of 0 puts the instance in service at once.

// Instance lifecycle states.
const (
	instOff      uint8 = iota // not running: never started, or stopped
	instStarting              // decided, not yet taking traffic
	instServing               // in service: taking traffic
	instDraining              // out of the load balancers, finishing its requests
)

// replicaGroup is a server with replicas or autoscaling: its instances
// m.servers[first : first+n] and the count of running ones over time.
type replicaGroup struct {
	id     string // the server's id
	first  int32  // its first instance in m.servers
	n      int32  // its instances (max_replicas with autoscaling)
	init   int32  // the instances in service at time 0
	scaler int32  // its autoscaler in m.scalers, or -1 (fixed replicas)
	price  float64
	priced bool // cost_per_replica_hour is set

	count         int32   // running instances: starting, in service or draining
	serving       int32   // instances in service
	minC, maxC    int32   // the least and the most running instances
	area, last    float64 // integral of count over time, up to last
	serveArea     float64 // integral of serving over time, up to serveLast
	serveLast     float64
	replicaSeries acc // the sampled count
}

// instance is the state of one server as an instance of a replica group,
// kept apart from the server so that servers stay as small as without
// replicas.
type instance struct {
	grp        int32   // its group in m.groups; -1 for a server of no group
	life       uint8   // instOff, instStarting, instServing or instDraining
	scaled     bool    // an instance of an autoscaled server
	ran        bool    // it has run (been started) at some time
	held       int32   // requests the load balancers sent it, not yet answered
	inside     int32   // of those, the ones that arrived
	insideArea float64 // integral of inside over time
	insideLast float64 // time of the last change of inside
	decided    uint64  // the scale-up decision that started it (0: at time 0)
	readyAt    float64 // when a starting instance takes traffic
	ranSince   float64 // when it last started
	ranS       float64 // seconds it ran before it last stopped
}

// autoscaler is a compiled `autoscaling` key (spec §13).
type autoscaler struct {
	group       int32 // its replica group in m.groups
	min, max    int32
	concurrency bool // the metric is concurrency, not utilization
	target      float64
	every       float64
	upCool      float64
	downCool    float64
	startup     rv
	rngStartup  *rand.Rand

	k                  int64   // decisions made: the next is at (k+1)·every
	lastUp, lastChange float64 // -Inf before the first
	seq                uint64  // decisions that started instances, for "newest"
	// The group's integrals at the last decision.
	busyMark, insideMark, serveMark float64
}

// scaleEvent is what a test hook sees of an autoscaler's actions.
type scaleEvent struct {
	kind     string  // "decide", "start", "ready", "cancel", "drain", "stop"
	inst     int32   // the instance (index in m.servers); -1 for "decide"
	count    int32   // running instances after the action
	observed float64 // "decide": the observed metric
	desired  int32   // "decide": the clamped desired count
}

// compileGroups compiles the replica groups and the autoscalers; the
// instances are already laid out by compileNodes.
func (m *sim) compileGroups(sc *scenario.Scenario, seed int64) {
	for i := range sc.Topology.Nodes.Servers {
		s := &sc.Topology.Nodes.Servers[i]
		if !s.Scaled() {
			continue
		}
		g := replicaGroup{id: s.ID, first: m.inst[i], n: int32(s.MaxInstances()), init: int32(s.ReplicaCount()), scaler: -1}
		if s.CostPerReplicaHour != nil {
			g.price, g.priced = *s.CostPerReplicaHour, true
		}
		gi := int32(len(m.groups))
		if a := s.Autoscaling; a != nil {
			as := autoscaler{
				group:       gi,
				min:         int32(a.MinReplicas),
				max:         int32(a.MaxReplicas),
				concurrency: a.Metric == scenario.MetricConcurrency,
				target:      a.Target,
				every:       a.EveryS,
				upCool:      a.UpCooldownS,
				downCool:    scenario.DefaultDownCooldownS,
				startup:     constRV(0),
				lastUp:      math.Inf(-1),
				lastChange:  math.Inf(-1),
			}
			if a.DownCooldownS != nil {
				as.downCool = *a.DownCooldownS
			}
			if a.EveryS <= 0 {
				as.every = scenario.DefaultEveryS
			}
			if q := a.StartupS; q != nil {
				as.startup = constRV(q.Value)
				if q.RV != nil {
					as.startup = compileRV(*q.RV, scenario.RoleTime)
				}
			}
			as.rngStartup = newStream(seed, "autoscaling", s.ID, "startup")
			g.scaler = int32(len(m.scalers))
			m.scalers = append(m.scalers, as)
		}
		if m.insts == nil {
			m.insts = make([]instance, len(m.servers))
			for k := range m.insts {
				m.insts[k].grp = -1
			}
		}
		for k := g.first; k < g.first+g.n; k++ {
			m.servers[k].group = s.ID
			m.insts[k].grp = gi
		}
		m.groups = append(m.groups, g)
	}
}

// startGroups puts each group's initial instances in service at time 0,
// leaves the others off (out of the load balancers), and schedules the
// first decision of every autoscaler, at every_s.
func (m *sim) startGroups() {
	for gi := range m.groups {
		g := &m.groups[gi]
		init := g.init
		for k := g.first; k < g.first+g.n; k++ {
			in := &m.insts[k]
			in.scaled = g.scaler >= 0
			if k-g.first < init {
				in.life = instServing
				in.ranSince = 0
				in.ran = true
				continue
			}
			in.life = instOff
			m.servers[k].down++ // out of the load balancers
		}
		g.count, g.serving, g.minC, g.maxC = init, init, init, init
	}
	for i := range m.scalers {
		if as := &m.scalers[i]; as.every < m.horizon {
			m.schedule(as.every, prioNormal, evScaleDecide, int32(i))
		}
	}
}

// setCount integrates a group's counts up to now and sets them.
func (m *sim) setCount(g *replicaGroup, count, serving int32) {
	g.area += float64(g.count) * (m.now - g.last)
	g.last = m.now
	g.serveArea += float64(g.serving) * (m.now - g.serveLast)
	g.serveLast = m.now
	g.count, g.serving = count, serving
	g.minC, g.maxC = min(g.minC, count), max(g.maxC, count)
}

// integrateInside accumulates the requests inside instance in up to now.
func (in *instance) integrateInside(now float64) {
	in.insideArea += float64(in.inside) * (now - in.insideLast)
	in.insideLast = now
}

// scaledEnter counts request r as inside autoscaled instance s.
func (m *sim) scaledEnter(r int32, s int32) {
	in := &m.insts[s]
	in.integrateInside(m.now)
	in.inside++
	m.reqs[r].scIn = true
}

// scaledExit ends what request r holds on the autoscaled instance a load
// balancer sent it to: it counts no longer as inside it nor as its
// in-flight request; a draining instance whose last in-flight request
// this was stops. Called when the instance answers r (respond) or when r
// is freed before that (lost on its way to the instance).
func (m *sim) scaledExit(r int32) {
	req := &m.reqs[r]
	if !req.scHeld {
		return
	}
	s := m.lbServer[req.lbSlot]
	in := &m.insts[s]
	if req.scIn {
		in.integrateInside(m.now)
		in.inside--
		req.scIn = false
	}
	req.scHeld = false
	in.held--
	if in.held == 0 && in.life == instDraining {
		m.stopInstance(s)
	}
}

// scaleDecide is autoscaler a's decision at k·every_s (spec §13).
func (m *sim) scaleDecide(a int32) {
	as := &m.scalers[a]
	g := &m.groups[as.group]
	as.k++
	if t := float64(as.k+1) * as.every; t < m.horizon {
		m.schedule(t, prioNormal, evScaleDecide, a) // k·every_s, not a sum that drifts
	}
	m.setCount(g, g.count, g.serving)
	busy, inside := 0.0, 0.0
	for k := g.first; k < g.first+g.n; k++ {
		sv, in := &m.servers[k], &m.insts[k]
		sv.integrateBusy(m.now)
		in.integrateInside(m.now)
		busy += sv.busyArea
		inside += in.insideArea
	}
	capacity := g.serveArea - as.serveMark // in-service instance-seconds
	used := inside - as.insideMark
	if !as.concurrency {
		capacity *= float64(m.servers[g.first].cores)
		used = busy - as.busyMark
	}
	as.busyMark, as.insideMark, as.serveMark = busy, inside, g.serveArea
	if capacity <= 0 {
		return
	}
	observed := used / capacity
	desired := int32(math.Ceil(float64(g.count)*observed/as.target - 1e-9))
	desired = min(max(desired, as.min), as.max)
	m.scaleHook(scaleEvent{kind: "decide", inst: -1, count: g.count, observed: observed, desired: desired})
	switch {
	case desired > g.count && m.now-as.lastUp >= as.upCool:
		as.lastUp, as.lastChange = m.now, m.now
		as.seq++
		for n := desired - g.count; n > 0; n-- {
			m.startInstance(as, g)
		}
	case desired < g.count && m.now-as.lastChange >= as.downCool:
		changed := false
		for n := g.count - desired; n > 0; n-- {
			if !m.removeNewest(g) {
				break
			}
			changed = true
		}
		if changed {
			as.lastChange = m.now
		}
	}
}

// startInstance starts the lowest-numbered instance of g that is off: it
// takes traffic after its start-up delay.
func (m *sim) startInstance(as *autoscaler, g *replicaGroup) {
	k := g.first
	for m.insts[k].life != instOff {
		k++
		if k == g.first+g.n {
			panic("engine: autoscaling: no instance left to start")
		}
	}
	in := &m.insts[k]
	in.life = instStarting
	in.decided = as.seq
	in.ranSince = m.now
	in.ran = true
	m.setCount(g, g.count+1, g.serving)
	d := max(as.startup.sample(as.rngStartup), 0)
	in.readyAt = m.now + d
	m.scaleHook(scaleEvent{kind: "start", inst: k, count: g.count})
	if d == 0 {
		m.instanceReady(k)
		return
	}
	m.schedule(in.readyAt, prioNormal, evScaleReady, k)
}

// instanceReady puts starting instance k in service, unless it was
// removed (or removed and started again) since its start was scheduled.
func (m *sim) instanceReady(k int32) {
	in := &m.insts[k]
	if in.life != instStarting || in.readyAt != m.now {
		return
	}
	g := &m.groups[in.grp]
	in.life = instServing
	m.servers[k].down--
	m.setCount(g, g.count, g.serving+1)
	m.scaleHook(scaleEvent{kind: "ready", inst: k, count: g.count})
}

// removeNewest removes the newest instance of g that is starting or in
// service (latest decision, then highest number), keeping at least one of
// them; it reports whether it removed one.
func (m *sim) removeNewest(g *replicaGroup) bool {
	pick, live := int32(-1), 0
	for k := g.first; k < g.first+g.n; k++ {
		in := &m.insts[k]
		if in.life != instStarting && in.life != instServing {
			continue
		}
		live++
		if pick < 0 || in.decided >= m.insts[pick].decided {
			pick = k
		}
	}
	if live <= 1 {
		return false
	}
	in := &m.insts[pick]
	if in.life == instStarting {
		m.stopInstance(pick) // never took traffic: nothing to drain
		m.scaleHook(scaleEvent{kind: "cancel", inst: pick, count: g.count})
		return true
	}
	in.life = instDraining
	m.servers[pick].down++ // leaves the load balancers at once
	m.setCount(g, g.count, g.serving-1)
	m.scaleHook(scaleEvent{kind: "drain", inst: pick, count: g.count})
	if in.held == 0 {
		m.stopInstance(pick)
	}
	return true
}

// stopInstance stops a starting or draining instance k: it no longer
// counts as running.
func (m *sim) stopInstance(k int32) {
	in := &m.insts[k]
	g := &m.groups[in.grp]
	draining := in.life == instDraining
	in.life = instOff
	in.ranS += m.now - in.ranSince
	m.setCount(g, g.count-1, g.serving)
	if draining {
		m.scaleHook(scaleEvent{kind: "stop", inst: k, count: g.count})
	}
}

// scaleHook passes e to the test hook, if any.
func (m *sim) scaleHook(e scaleEvent) {
	if m.hooks != nil && m.hooks.scale != nil {
		m.hooks.scale(m.now, e)
	}
}

// sampleGroups records c samples of every group's running instances.
func (m *sim) sampleGroups(c int64) {
	for i := range m.groups {
		m.groups[i].replicaSeries.add(float64(m.groups[i].count), c)
	}
}

// groupResults completes the results of the replica groups (spec §14):
// `replicas`, `cost`, the `replicas` series, and for an autoscaled server
// its instances that ran and its utilization over the time they ran.
func (m *sim) groupResults(r *result.Result) {
	for gi := range m.groups {
		g := &m.groups[gi]
		m.setCount(g, g.count, g.serving) // integrate up to the horizon
		st := r.Servers[g.id]
		st.Replicas = &result.ReplicaStats{Mean: g.area / m.horizon, Min: int(g.minC), Max: int(g.maxC)}
		if g.priced {
			cost := g.area / 3600 * g.price
			st.Cost = &cost
		}
		if g.scaler >= 0 {
			m.scaledInstanceResults(g, &st)
		}
		r.Servers[g.id] = st
		if r.Series != nil {
			ss := r.Series.Servers[g.id]
			ss.Replicas = g.replicaSeries.series
			if ss.Replicas == nil {
				ss.Replicas = []float64{}
			}
			r.Series.Servers[g.id] = ss
		}
	}
}

// scaledInstanceResults keeps, under an autoscaled server's instances,
// only those that ran (an instance never started has no figures), each
// with its utilization over the time it ran, and sets the server's
// utilization to its busy core-seconds over the core-seconds of its
// running instances.
func (m *sim) scaledInstanceResults(g *replicaGroup, st *result.ServerStats) {
	busy := 0.0
	cores := float64(m.servers[g.first].cores)
	for k := g.first; k < g.first+g.n; k++ {
		sv, in := &m.servers[k], &m.insts[k]
		if !in.ran {
			delete(st.Instances, sv.id)
			continue
		}
		ran := in.ranS
		if in.life != instOff {
			ran += m.horizon - in.ranSince
		}
		busy += sv.busyArea
		is := st.Instances[sv.id]
		is.Utilization = 0
		if ran > 0 {
			is.Utilization = sv.busyArea / (cores * ran)
		}
		st.Instances[sv.id] = is
	}
	st.Utilization = 0
	if g.area > 0 {
		st.Utilization = busy / (cores * g.area)
	}
}
