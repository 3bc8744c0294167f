package engine

import (
	"fmt"
	"math"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Size limits that keep a run's memory bounded whatever the input.
const (
	// maxHorizon bounds the horizon: the throughput series holds one
	// float64 per simulated second (80 MB at the limit).
	maxHorizon = 1e7
	// minSamplePeriod bounds the number of samples to 10^13, which keeps
	// sample indices exact in an int64 and a float64.
	minSamplePeriod = 1e-6
	// maxRate bounds the workload's peak arrival rate in requests per
	// second: beyond it a run could not end in reasonable time or memory,
	// and gaps would fall below the resolution of the clock.
	maxRate = 1e8
	// maxSeriesValues bounds the values of all kept sampled series
	// together (512 MB at the limit).
	maxSeriesValues = 1 << 26
)

// nodeRef locates a node of the compiled model.
type nodeRef struct {
	kind nodeKind
	idx  int32
}

// compile translates a validated scenario into the flat model of a run. It
// returns an error, naming the offending value, on anything inconsistent it
// meets; Validate reports the same problems with more detail.
func compile(sc *scenario.Scenario, opts Options) (*sim, error) {
	m := &sim{}
	st := sc.Settings
	if st.TotalSimulationTime <= 0 || st.TotalSimulationTime > maxHorizon {
		return nil, fmt.Errorf("sim_settings.total_simulation_time: %d is not in 1..%d seconds",
			st.TotalSimulationTime, int(maxHorizon))
	}
	m.horizon = float64(st.TotalSimulationTime)
	if p := st.SamplePeriodS; !(p >= minSamplePeriod) || math.IsInf(p, 0) {
		return nil, fmt.Errorf("sim_settings.sample_period_s: %v is not a number >= %g; use 0.001..0.1", p, minSamplePeriod)
	}

	nodes, err := m.compileNodes(sc)
	if err != nil {
		return nil, err
	}
	if err := m.compileEdges(sc, nodes, opts.Seed); err != nil {
		return nil, err
	}
	if err := m.compileServers(sc, opts.Seed); err != nil {
		return nil, err
	}
	if err := m.compileLoadBalancer(sc, opts.Seed); err != nil {
		return nil, err
	}
	if err := m.compileSampler(sc, opts.Series); err != nil {
		return nil, err
	}
	if err := m.compileWorkload(sc, opts.Seed); err != nil {
		return nil, err
	}
	if err := m.compileEvents(sc); err != nil {
		return nil, err
	}
	m.assignLanes()
	return m, nil
}

// start allocates the state of a run of the compiled model and schedules
// its first arrival. Estimate compiles without starting.
func (m *sim) start(opts Options) {
	m.sketch = result.NewSketch()
	if opts.Series {
		m.latWin = newLatencyWindows(m.horizon)
	}
	if len(m.faults) > 0 && len(m.faults) <= result.MaxEventWindows {
		m.evWin = newEventWindows(len(m.faults))
	}
	m.throughput = make([]float64, int(m.horizon))
	m.reqs = make([]request, 0, 1024)
	m.free = make([]int32, 0, 1024)
	m.scheduleNext(0)
}

// assignLanes gives each distinct constant delay (a segment whose steps are
// all deterministic, a deterministic edge latency) a FIFO lane, up to
// maxLanes; the rest use the heap.
func (m *sim) assignLanes() {
	ids := make(map[float64]int8)
	laneOf := func(d float64) int8 {
		if id, ok := ids[d]; ok {
			return id
		}
		if len(m.lanes) == maxLanes {
			return -1
		}
		id := int8(len(m.lanes))
		ids[d] = id
		m.lanes = append(m.lanes, lane{d: d})
		return id
	}
	for i := range m.segs {
		sg := &m.segs[i]
		sg.lane = -1
		d, constant := 0.0, true
		for j := sg.lo; j < sg.hi; j++ {
			constant = constant && m.steps[j].kind == rvDeterministic
			d += m.steps[j].mean // the sum segTime computes, in the same order
		}
		if constant {
			sg.lane = laneOf(d)
		}
	}
	for i := range m.edges {
		ed := &m.edges[i]
		ed.lane = -1
		if ed.latency.kind == rvDeterministic {
			ed.lane = laneOf(ed.latency.mean)
		}
	}
}

// dropLanes sends every event through the heap; tests use it to check that
// lanes do not change the order of events.
func (m *sim) dropLanes() {
	m.lanes = nil
	for i := range m.segs {
		m.segs[i].lane = -1
	}
	for i := range m.edges {
		m.edges[i].lane = -1
	}
}

// compileNodes indexes the node ids.
func (m *sim) compileNodes(sc *scenario.Scenario) (map[string]nodeRef, error) {
	n := sc.Topology.Nodes
	nodes := make(map[string]nodeRef, len(n.Servers)+2)
	add := func(id, path string, ref nodeRef) error {
		if id == "" {
			return fmt.Errorf("%s.id: empty; give the node an id", path)
		}
		if _, dup := nodes[id]; dup {
			return fmt.Errorf("%s.id: %q is used by another node; node ids must be unique", path, id)
		}
		nodes[id] = ref
		return nil
	}
	if err := add(n.Client.ID, "topology_graph.nodes.client", nodeRef{kind: nodeClient}); err != nil {
		return nil, err
	}
	if len(n.Servers) == 0 {
		return nil, fmt.Errorf("topology_graph.nodes.servers: empty; declare at least one server")
	}
	m.servers = make([]server, len(n.Servers))
	for i, s := range n.Servers {
		if err := add(s.ID, fmt.Sprintf("topology_graph.nodes.servers[%d]", i), nodeRef{kind: nodeServer, idx: int32(i)}); err != nil {
			return nil, err
		}
		m.servers[i].id = s.ID
		m.servers[i].out = -1
	}
	if n.LoadBalancer != nil {
		if err := add(n.LoadBalancer.ID, "topology_graph.nodes.load_balancer", nodeRef{kind: nodeLB}); err != nil {
			return nil, err
		}
	}
	m.client.out = -1
	m.gen.out = -1
	return nodes, nil
}

// compileEdges compiles the edges and records each node's outgoing edges.
func (m *sim) compileEdges(sc *scenario.Scenario, nodes map[string]nodeRef, seed int64) error {
	genID := sc.Workload.ID
	if _, clash := nodes[genID]; clash || genID == "" {
		return fmt.Errorf("rqs_input.id: %q must be a non-empty id that is not a node id", genID)
	}
	m.edges = make([]edge, len(sc.Topology.Edges))
	seen := make(map[string]bool, len(m.edges))
	for i, e := range sc.Topology.Edges {
		path := fmt.Sprintf("topology_graph.edges[%d]", i)
		if e.ID == "" || seen[e.ID] {
			return fmt.Errorf("%s.id: %q is empty or used by another edge; edge ids must be unique", path, e.ID)
		}
		seen[e.ID] = true
		to, ok := nodes[e.Target]
		if !ok {
			return fmt.Errorf("%s.target: %q is not a declared node", path, e.Target)
		}
		if e.Source == e.Target {
			return fmt.Errorf("%s: source and target are both %q; an edge joins two different nodes", path, e.Source)
		}
		lat, err := compileRV(e.Latency, path+".latency", true)
		if err != nil {
			return err
		}
		if !(lat.mean > 0) {
			return fmt.Errorf("%s.latency.mean: %v must be > 0", path, lat.mean)
		}
		if !(e.DropoutRate >= 0 && e.DropoutRate <= 1) {
			return fmt.Errorf("%s.dropout_rate: %v is not in [0, 1]", path, e.DropoutRate)
		}
		ed := &m.edges[i]
		*ed = edge{
			id:         e.ID,
			targetKind: to.kind,
			target:     to.idx,
			latency:    lat,
			dropout:    e.DropoutRate,
			rngLatency: newStream(seed, "edge", e.ID, "latency"),
			rngDropout: newStream(seed, "edge", e.ID, "dropout"),
		}
		from, isNode := nodes[e.Source]
		switch {
		case !isNode && e.Source == genID:
			if m.gen.out >= 0 {
				return fmt.Errorf("%s.source: generator %q already has an outgoing edge; it must have exactly one", path, genID)
			}
			m.gen.out = int32(i)
		case !isNode:
			return fmt.Errorf("%s.source: %q is neither a node nor the generator %q", path, e.Source, genID)
		case from.kind == nodeClient:
			if m.client.out >= 0 {
				return fmt.Errorf("%s.source: client %q already has an outgoing edge; only the load balancer may have several", path, e.Source)
			}
			m.client.out = int32(i)
		case from.kind == nodeServer:
			if m.servers[from.idx].out >= 0 {
				return fmt.Errorf("%s.source: server %q already has an outgoing edge; only the load balancer may have several", path, e.Source)
			}
			m.servers[from.idx].out = int32(i)
		}
	}
	if m.gen.out < 0 {
		return fmt.Errorf("topology_graph.edges: no edge leaves the generator %q; add one", genID)
	}
	if m.edges[m.gen.out].targetKind == nodeClient && m.client.out < 0 {
		return fmt.Errorf("topology_graph.edges: the client %q has no outgoing edge; add one", sc.Topology.Nodes.Client.ID)
	}
	for i := range m.servers {
		if m.servers[i].out < 0 {
			return fmt.Errorf("topology_graph.nodes.servers[%d]: server %q has no outgoing edge; add one back to the client", i, m.servers[i].id)
		}
	}
	return nil
}

// compileServers compiles resources, endpoints and steps.
func (m *sim) compileServers(sc *scenario.Scenario, seed int64) error {
	for i, s := range sc.Topology.Nodes.Servers {
		path := fmt.Sprintf("topology_graph.nodes.servers[%d]", i)
		sv := &m.servers[i]
		res := s.Resources
		if res.CPUCores < 1 {
			return fmt.Errorf("%s.server_resources.cpu_cores: %d must be >= 1", path, res.CPUCores)
		}
		if res.RAMMB < 0 {
			return fmt.Errorf("%s.server_resources.ram_mb: %d must be >= 0", path, res.RAMMB)
		}
		sv.cores, sv.freeCores = int32(res.CPUCores), int32(res.CPUCores)
		sv.ramTotal = float64(res.RAMMB)
		if res.DBConnectionPool != nil {
			if *res.DBConnectionPool < 1 {
				return fmt.Errorf("%s.server_resources.db_connection_pool: %d must be >= 1", path, *res.DBConnectionPool)
			}
			sv.pool, sv.poolFree = int32(*res.DBConnectionPool), int32(*res.DBConnectionPool)
		}
		if len(s.Endpoints) == 0 {
			return fmt.Errorf("%s.endpoints: empty; declare at least one endpoint", path)
		}
		sv.epLo = int32(len(m.eps))
		weighted := false
		for _, ep := range s.Endpoints {
			weighted = weighted || ep.Probability != nil || ep.Weight != nil
		}
		total := 0.0
		for j, ep := range s.Endpoints {
			epPath := fmt.Sprintf("%s.endpoints[%d]", path, j)
			if err := m.compileEndpoint(ep, epPath, sv); err != nil {
				return err
			}
			if weighted {
				w := 0.0
				switch {
				case ep.Probability != nil:
					w = *ep.Probability
				case ep.Weight != nil:
					w = *ep.Weight
				}
				if !(w >= 0) || math.IsInf(w, 0) {
					return fmt.Errorf("%s.probability: %v must be a finite number >= 0", epPath, w)
				}
				total += w
				sv.weights = append(sv.weights, total)
			}
		}
		if weighted && !(total > 0) {
			return fmt.Errorf("%s.endpoints: the probabilities or weights add up to 0; give at least one endpoint a positive one", path)
		}
		sv.epHi = int32(len(m.eps))
		sv.rngEndpoint = newStream(seed, "server", s.ID, "endpoint")
		sv.rngService = newStream(seed, "server", s.ID, "service")
	}
	return nil
}

// compileEndpoint compiles one endpoint's steps into segments.
func (m *sim) compileEndpoint(ep scenario.Endpoint, path string, sv *server) error {
	e := endpoint{lo: int32(len(m.segs))}
	for k, st := range ep.Steps {
		stPath := fmt.Sprintf("%s.steps[%d]", path, k)
		op := st.Operation
		var q *scenario.Quantity
		var class uint8
		switch st.Kind.Class() {
		case scenario.ClassRAM:
			if op.NecessaryRAM == nil || !(*op.NecessaryRAM >= 0) || math.IsInf(*op.NecessaryRAM, 0) {
				return fmt.Errorf("%s.step_operation: a ram step needs necessary_ram, a finite number >= 0", stPath)
			}
			e.ram += *op.NecessaryRAM
			continue
		case scenario.ClassCPU:
			q, class = op.CPUTime, segCPU
		case scenario.ClassIO:
			q, class = op.IOWaitingTime, segIO
			if st.Kind == scenario.IODB && sv.pool > 0 {
				class = segDB
			}
		default:
			return fmt.Errorf("%s.kind: unknown step kind %q; use one of %v", stPath, st.Kind, scenario.StepKinds)
		}
		if q == nil {
			key := "io_waiting_time"
			if class == segCPU {
				key = "cpu_time"
			}
			return fmt.Errorf("%s.step_operation: a %s step needs %s", stPath, st.Kind, key)
		}
		var v rv
		if q.RV != nil {
			var err error
			if v, err = compileRV(*q.RV, stPath+".step_operation", true); err != nil {
				return err
			}
		} else {
			if !(q.Value >= 0) || math.IsInf(q.Value, 0) {
				return fmt.Errorf("%s.step_operation: %v is not a finite number >= 0", stPath, q.Value)
			}
			v = constRV(q.Value)
		}
		m.steps = append(m.steps, v)
		last := len(m.segs) - 1
		if last >= int(e.lo) && m.segs[last].class == class && class != segDB {
			m.segs[last].hi++
			continue
		}
		n := int32(len(m.steps))
		m.segs = append(m.segs, segment{class: class, lo: n - 1, hi: n})
	}
	e.hi = int32(len(m.segs))
	if e.ram > sv.ramTotal {
		return fmt.Errorf("%s: its ram steps need %g MB but server %q has %g MB; it could never run",
			path, e.ram, sv.id, sv.ramTotal)
	}
	m.eps = append(m.eps, e)
	return nil
}

// compileLoadBalancer compiles the load balancer's algorithm, routing set,
// weights and random stream.
func (m *sim) compileLoadBalancer(sc *scenario.Scenario, seed int64) error {
	lbs := sc.Topology.Nodes.LoadBalancer
	if lbs == nil {
		return nil
	}
	const path = "topology_graph.nodes.load_balancer"
	switch lbs.Algorithm {
	case "", scenario.RoundRobin:
		m.lb.alg = lbRoundRobin
	case scenario.LeastConnection:
		m.lb.alg = lbLeastConnection
	case scenario.RandomChoice:
		m.lb.alg = lbRandom
	case scenario.WeightedRoundRobin:
		m.lb.alg = lbWeightedRoundRobin
	case scenario.PowerOfTwoChoices:
		m.lb.alg = lbPowerOfTwo
	default:
		return fmt.Errorf("%s.algorithms: unknown %q; use one of %v", path, lbs.Algorithm, scenario.Algorithms)
	}
	covered := make(map[int32]bool, len(lbs.ServerCovered))
	for i, id := range lbs.ServerCovered {
		idx := int32(-1)
		for j := range m.servers {
			if m.servers[j].id == id {
				idx = int32(j)
			}
		}
		if idx < 0 {
			return fmt.Errorf("%s.server_covered[%d]: %q is not a declared server", path, i, id)
		}
		covered[idx] = true
	}
	has := make(map[int32]bool)
	for i, e := range sc.Topology.Edges {
		if e.Source != lbs.ID || m.edges[i].targetKind != nodeServer {
			continue
		}
		s := m.edges[i].target
		if len(covered) > 0 && !covered[s] {
			continue
		}
		m.lb.edges = append(m.lb.edges, int32(i))
		m.lb.servers = append(m.lb.servers, s)
		m.servers[s].covered = true
		has[s] = true
	}
	for i, id := range lbs.ServerCovered {
		for j := range m.servers {
			if m.servers[j].id == id && !has[int32(j)] {
				return fmt.Errorf("%s.server_covered[%d]: no edge goes from %q to %q; add one", path, i, lbs.ID, id)
			}
		}
	}
	if len(m.lb.edges) == 0 {
		return fmt.Errorf("%s: %q has no outgoing edge to a server; add one", path, lbs.ID)
	}
	if len(lbs.Weights) > 0 && m.lb.alg != lbWeightedRoundRobin {
		return fmt.Errorf("%s.weights: only weighted_round_robin uses weights, not %s; remove them", path, lbs.Algorithm)
	}
	if m.lb.alg == lbWeightedRoundRobin {
		n := len(m.lb.edges)
		m.lb.weight = make([]int64, n)
		m.lb.current = make([]int64, n)
		for i := range m.lb.weight {
			m.lb.weight[i] = scenario.DefaultLBWeight
		}
		for id, w := range lbs.Weights {
			if w < 1 || w > scenario.MaxLBWeight {
				return fmt.Errorf("%s.weights.%s: %d is not a whole number in 1..%d", path, id, w, scenario.MaxLBWeight)
			}
			found := false
			for i, s := range m.lb.servers {
				if m.servers[s].id == id {
					m.lb.weight[i], found = int64(w), true
				}
			}
			if !found {
				return fmt.Errorf("%s.weights.%s: %q is not a server the load balancer covers; remove it", path, id, id)
			}
		}
	}
	if m.lb.alg == lbRandom || m.lb.alg == lbPowerOfTwo {
		m.lb.rng = newStream(seed, "load_balancer", lbs.ID, "route")
	}
	return nil
}

// compileSampler compiles the enabled sampled metrics.
func (m *sim) compileSampler(sc *scenario.Scenario, keepSeries bool) error {
	s := &m.samp
	for i, x := range sc.Settings.EnabledSampleMetrics {
		switch x {
		case scenario.ReadyQueueLen:
			s.readyQueue = true
		case scenario.EventLoopIOSleep:
			s.ioSleep = true
		case scenario.RAMInUse:
			s.ramInUse = true
		case scenario.EdgeConcurrentConnection:
			s.edgeConn = true
		default:
			return fmt.Errorf("sim_settings.enabled_sample_metrics[%d]: unknown %q; use any of %v", i, x, scenario.SampleMetrics)
		}
	}
	if keepSeries {
		per := 0
		for _, on := range []bool{s.readyQueue, s.ioSleep, s.ramInUse} {
			if on {
				per += len(m.servers)
			}
		}
		if s.edgeConn {
			per += len(m.edges)
		}
		if n := sampleCount(sc.Settings.SamplePeriodS, m.horizon); float64(n)*float64(per) > maxSeriesValues {
			return fmt.Errorf("sim_settings.sample_period_s: %g s over %g s gives %d values per series and %d series, more than %d values; use a longer period or run without the full series",
				sc.Settings.SamplePeriodS, m.horizon, n, per, maxSeriesValues)
		}
	}
	s.init(sc.Settings.SamplePeriodS, m.horizon, len(m.servers), len(m.edges), keepSeries)
	return nil
}

// compileWorkload compiles the generator.
func (m *sim) compileWorkload(sc *scenario.Scenario, seed int64) error {
	w := sc.Workload
	users, err := compileRV(w.AvgActiveUsers, "rqs_input.avg_active_users", false)
	if err != nil {
		return err
	}
	rpm := w.AvgRequestPerMinutePerUser.Mean
	if !(rpm >= 0) || math.IsInf(rpm, 0) {
		return fmt.Errorf("rqs_input.avg_request_per_minute_per_user.mean: %v is not a finite number >= 0", rpm)
	}
	if w.UserSamplingWindow < 1 {
		return fmt.Errorf("rqs_input.user_sampling_window: %d must be >= 1 second", w.UserSamplingWindow)
	}
	peak := users.mean
	switch users.kind {
	case rvNormal:
		peak += 6 * users.a
	case rvUniform:
		peak = users.b
	case rvLogNormal, rvExponential:
		peak *= 10
	}
	if peak*rpm/60 > maxRate {
		return fmt.Errorf("rqs_input: avg_active_users × avg_request_per_minute_per_user / 60 reaches %g requests/s, more than %g; lower them",
			peak*rpm/60, float64(maxRate))
	}
	m.gen.users = users
	m.gen.perUser = rpm / 60
	m.gen.window = float64(w.UserSamplingWindow)
	m.gen.rngUsers = newStream(seed, "generator", w.ID, "users")
	m.gen.rngGaps = newStream(seed, "generator", w.ID, "gaps")
	return nil
}

// compileEvents compiles the injected events and schedules their windows.
func (m *sim) compileEvents(sc *scenario.Scenario) error {
	for i, ev := range sc.Events {
		path := fmt.Sprintf("events[%d]", i)
		f := fault{target: -1}
		switch {
		case ev.Start.Kind == scenario.ServerDown && ev.End.Kind == scenario.ServerUp:
			f.outage = true
			for j := range m.servers {
				if m.servers[j].id == ev.TargetID {
					f.target = int32(j)
				}
			}
			if f.target < 0 {
				return fmt.Errorf("%s.target_id: %q is not a declared server", path, ev.TargetID)
			}
		case ev.Start.Kind == scenario.NetworkSpikeStart && ev.End.Kind == scenario.NetworkSpikeEnd:
			for j := range m.edges {
				if m.edges[j].id == ev.TargetID {
					f.target = int32(j)
				}
			}
			if f.target < 0 {
				return fmt.Errorf("%s.target_id: %q is not a declared edge", path, ev.TargetID)
			}
			if ev.Start.SpikeS == nil || !(*ev.Start.SpikeS > 0) || math.IsInf(*ev.Start.SpikeS, 0) {
				return fmt.Errorf("%s.start.spike_s: a network spike needs spike_s, a finite number > 0", path)
			}
			f.spike = *ev.Start.SpikeS
		default:
			return fmt.Errorf("%s: start kind %q and end kind %q do not match; use server_down…server_up or network_spike_start…network_spike_end",
				path, ev.Start.Kind, ev.End.Kind)
		}
		t0, t1 := ev.Start.TStart, ev.End.TEnd
		if !(t0 >= 0) || !(t1 > t0) || math.IsInf(t1, 0) {
			return fmt.Errorf("%s: window [%v, %v) is invalid; need 0 <= t_start < t_end <= horizon", path, t0, t1)
		}
		idx := int32(len(m.faults))
		m.faults = append(m.faults, f)
		if t0 < m.horizon {
			m.schedule(t0, prioStart, evFaultStart, idx)
			if t1 < m.horizon {
				m.schedule(t1, prioEnd, evFaultEnd, idx)
			}
		}
	}
	return nil
}
