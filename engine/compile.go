package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// maxSeriesValues bounds the values of all kept sampled series together
// (512 MB at the limit) when Options.Series asks for them.
const maxSeriesValues = 1 << 26

// nodeRef locates a node of the compiled model.
type nodeRef struct {
	kind nodeKind
	idx  int32
}

// compile translates a scenario that passed scenario.Validate into the
// flat model of a run. Every rule lives in the scenario package: compile
// checks none of them, and panics ("engine: ...") only on a broken
// invariant, that is on a scenario that did not pass Validate.
func compile(sc *scenario.Scenario, opts Options) *sim {
	m := &sim{seed: opts.Seed}
	st := sc.Settings
	m.horizon = float64(st.TotalSimulationTime)
	nodes := m.compileNodes(sc)
	m.compileEdges(sc, nodes, opts.Seed)
	m.compileResponseEdges()
	m.compileServers(sc, nodes, opts.Seed)
	m.compileGroups(sc, opts.Seed)
	m.compileLoadBalancers(sc, nodes, opts.Seed)
	m.compileResilience(sc)
	m.compileSampler(sc, opts.Series)
	m.compileWorkload(sc, opts.Seed)
	m.compileEvents(sc, nodes)
	m.assignLanes()
	return m
}

// start allocates the state of a run of the compiled model and schedules
// its first arrival. Estimate compiles without starting.
func (m *sim) start(opts Options) {
	m.sketch = result.NewSketch()
	m.otherSketch = result.NewSketch()
	if m.res {
		w := outcomeWindow(m.horizon)
		n := int(math.Ceil(m.horizon / w))
		m.outc = &outcomeSeries{window: w, failed: make([]float64, n), rejected: make([]float64, n), timedOut: make([]float64, n)}
	}
	if opts.Series {
		m.latWin = newLatencyWindows(m.horizon)
	}
	if len(m.faults) > 0 && len(m.faults) <= result.MaxEventWindows {
		m.evWin = newEventWindows(len(m.faults))
	}
	m.throughput = make([]float64, int(m.horizon))
	m.reqs = make([]request, 0, 1024)
	m.free = make([]int32, 0, 1024)
	for i := range m.callStats {
		m.callStats[i].sketch = result.NewSketch()
	}
	m.startWorkload()
	m.startGroups()
	if opts.Series {
		for i := range m.groups {
			m.groups[i].replicaSeries.series = make([]float64, 0, m.samp.n)
		}
	}
}

// checkSeries returns an error when keeping the full sampled series of sc
// (Options.Series) would take more than maxSeriesValues values: a bound on
// the memory of one run, not a rule of the scenario.
func checkSeries(sc *scenario.Scenario) error {
	servers, edges := instanceCount(sc), len(sc.Topology.Edges)
	per := 0
	for i := range sc.Topology.Nodes.Servers {
		if sc.Topology.Nodes.Servers[i].Scaled() {
			per++ // its `replicas` series
		}
	}
	for _, x := range sc.Settings.EnabledSampleMetrics {
		if x == scenario.EdgeConcurrentConnection {
			per += edges
		} else {
			per += servers
		}
	}
	period, horizon := sc.Settings.SamplePeriodS, float64(sc.Settings.TotalSimulationTime)
	if n := sampleCount(period, horizon); float64(n)*float64(per) > maxSeriesValues {
		return fmt.Errorf("sim_settings.sample_period_s: %g s over %g s gives %d values per series and %d series, more than %d values; use a longer period or run without the full series",
			period, horizon, n, per, maxSeriesValues)
	}
	return nil
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
		if sg.class == segCall {
			continue // lo:hi index calls, not steps
		}
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
func (m *sim) compileNodes(sc *scenario.Scenario) map[string]nodeRef {
	n := sc.Topology.Nodes
	nodes := make(map[string]nodeRef, len(n.Servers)+2)
	nodes[n.Client.ID] = nodeRef{kind: nodeClient}
	// A server with replicas is compiled as that many instances <id>#k,
	// contiguous in m.servers; its node is its first instance.
	m.servers = make([]server, instanceCount(sc))
	m.inst = make([]int32, len(n.Servers))
	m.base = make([]int32, len(m.servers))
	k := int32(0)
	for i := range n.Servers {
		s := &n.Servers[i]
		nodes[s.ID] = nodeRef{kind: nodeServer, idx: k}
		m.inst[i] = k
		reps, named := s.MaxInstances(), s.Scaled()
		for j := 0; j < reps; j++ {
			id := s.ID
			if named {
				id = instanceID(s.ID, j)
				nodes[id] = nodeRef{kind: nodeServer, idx: k}
				m.servers[k].group = s.ID
			}
			m.servers[k].id = id
			m.servers[k].out = -1
			m.base[k] = int32(i)
			k++
		}
	}
	for k, lb := range n.AllLoadBalancers() {
		nodes[lb.ID] = nodeRef{kind: nodeLB, idx: int32(k)}
	}
	m.client.out = -1
	m.gens = newGenerators(sc)
	return nodes
}

// compileEdges compiles the edges and records each node's outgoing edge.
func (m *sim) compileEdges(sc *scenario.Scenario, nodes map[string]nodeRef, seed int64) {
	m.edges = make([]edge, len(sc.Topology.Edges))
	m.edgeSource = make([]int32, len(sc.Topology.Edges))
	for i, e := range sc.Topology.Edges {
		to, ok := nodes[e.Target]
		if !ok {
			panic(fmt.Sprintf("engine: edge %q targets %q, not a node", e.ID, e.Target))
		}
		m.edges[i] = edge{
			id:         e.ID,
			targetKind: to.kind,
			target:     to.idx,
			latency:    compileRV(e.Latency, scenario.RoleTime),
			dropout:    e.DropoutRate,
			rngLatency: newStream(seed, "edge", e.ID, "latency"),
			rngDropout: newStream(seed, "edge", e.ID, "dropout"),
		}
		from, isNode := nodes[e.Source]
		m.edgeSource[i] = -1
		if isNode && from.kind == nodeServer {
			m.edgeSource[i] = from.idx
		}
		switch {
		case !isNode:
			g := m.generatorIndex(e.Source) // the only sources that are not nodes
			if g < 0 {
				panic(fmt.Sprintf("engine: edge %q leaves %q, neither a node nor a generator", e.ID, e.Source))
			}
			m.gens[g].out = int32(i)
		case from.kind == nodeClient:
			m.client.out = int32(i)
		case from.kind == nodeServer && (m.servers[from.idx].out < 0 || to.kind == nodeClient):
			// With calls a server has several outgoing edges; its own
			// (to answer the client) is the one to the client.
			m.servers[from.idx].out = int32(i)
		}
	}
	for i := range m.gens {
		if m.gens[i].out < 0 {
			panic(fmt.Sprintf("engine: generator %q has no outgoing edge", m.gens[i].id))
		}
	}
	if m.client.out < 0 {
		panic("engine: the client has no outgoing edge")
	}
	for i := range m.servers {
		m.servers[i].out = m.servers[m.inst[m.base[i]]].out // instances share their server's edges
		if m.servers[i].out < 0 {
			panic(fmt.Sprintf("engine: server %q has no outgoing edge", m.servers[i].id))
		}
	}
}

// compileServers compiles resources, endpoints and steps.
func (m *sim) compileServers(sc *scenario.Scenario, nodes map[string]nodeRef, seed int64) {
	for i := range m.servers {
		s := sc.Topology.Nodes.Servers[m.base[i]]
		sv := &m.servers[i]
		res := s.Resources
		sv.cores, sv.freeCores = int32(res.CPUCores), int32(res.CPUCores)
		sv.ramTotal = float64(res.RAMMB)
		if p := res.DBConnectionPool; p != nil {
			sv.pool, sv.poolFree = int32(*p), int32(*p)
		}
		sv.epLo = int32(len(m.eps))
		weighted := false
		for _, ep := range s.Endpoints {
			weighted = weighted || ep.Probability != nil || ep.Weight != nil
		}
		total := 0.0
		for _, ep := range s.Endpoints {
			m.compileEndpoint(sc, nodes, int32(i), ep, sv, seed)
			if weighted {
				switch {
				case ep.Probability != nil:
					total += *ep.Probability
				case ep.Weight != nil:
					total += *ep.Weight
				}
				sv.weights = append(sv.weights, total)
			}
		}
		sv.epHi = int32(len(m.eps))
		sv.rngEndpoint = newStream(seed, "server", sv.id, "endpoint")
	}
}

// compileEndpoint compiles one endpoint's steps into segments. Each random
// step time draws from its own stream, named by server, endpoint and step
// index, so that changing one step leaves every other step's draws alone
// (common random numbers).
func (m *sim) compileEndpoint(sc *scenario.Scenario, nodes map[string]nodeRef, si int32, ep scenario.Endpoint, sv *server, seed int64) {
	e := endpoint{lo: int32(len(m.segs))}
	for k, st := range ep.Steps {
		op := st.Operation
		var q *scenario.Quantity
		var class uint8
		switch st.Kind.Class() {
		case scenario.ClassRAM:
			e.ram += *op.NecessaryRAM
			continue
		case scenario.ClassCall:
			m.segs = append(m.segs, m.compileCall(sc, nodes, si, st))
			continue
		case scenario.ClassCPU:
			q, class = op.CPUTime, segCPU
		case scenario.ClassIO:
			q, class = op.IOWaitingTime, segIO
			if st.Kind == scenario.IODB && sv.pool > 0 {
				class = segDB
			}
		default:
			panic(fmt.Sprintf("engine: step kind %q has no class", st.Kind))
		}
		v := constRV(q.Value)
		var rng *rand.Rand
		if q.RV != nil {
			v = compileRV(*q.RV, scenario.RoleTime)
			rng = newStream(seed, "step", sv.id, ep.Name, strconv.Itoa(k), "time")
		}
		m.steps = append(m.steps, v)
		m.stepRNG = append(m.stepRNG, rng)
		last := len(m.segs) - 1
		if last >= int(e.lo) && m.segs[last].class == class && class != segDB && class != segCall {
			m.segs[last].hi++
			continue
		}
		n := int32(len(m.steps))
		m.segs = append(m.segs, segment{class: class, lo: n - 1, hi: n})
	}
	e.hi = int32(len(m.segs))
	m.eps = append(m.eps, e)
}

// lbAlgorithms maps each scenario algorithm to its compiled form.
var lbAlgorithms = map[scenario.Algorithm]lbAlgorithm{
	scenario.RoundRobin:         lbRoundRobin,
	scenario.LeastConnection:    lbLeastConnection,
	scenario.RandomChoice:       lbRandom,
	scenario.WeightedRoundRobin: lbWeightedRoundRobin,
	scenario.PowerOfTwoChoices:  lbPowerOfTwo,
}

// compileLoadBalancers compiles every load balancer (`load_balancer`
// first, then `load_balancers`): its algorithm, routing set (its edges to
// the servers it covers, in edge order), weights and random stream.
func (m *sim) compileLoadBalancers(sc *scenario.Scenario, nodes map[string]nodeRef, seed int64) {
	all := sc.Topology.Nodes.AllLoadBalancers()
	if len(all) == 0 {
		return
	}
	m.lbs = make([]loadBalancer, len(all))
	for k, lbs := range all {
		lb := &m.lbs[k]
		m.compileLoadBalancer(lb, lbs, sc, nodes, seed)
		lb.base = int32(len(m.lbOut))
		m.lbOut = append(m.lbOut, lb.outstanding...)
		m.lbEdge = append(m.lbEdge, lb.edges...)
		m.lbServer = append(m.lbServer, lb.servers...)
	}
	for k := range m.lbs {
		// Windows of the shared arrays, so that freeRequest and
		// edgeArrive find a choice by its index alone.
		lb := &m.lbs[k]
		n := int32(len(lb.edges))
		lb.outstanding = m.lbOut[lb.base : lb.base+n : lb.base+n]
		lb.edges = m.lbEdge[lb.base : lb.base+n : lb.base+n]
		lb.servers = m.lbServer[lb.base : lb.base+n : lb.base+n]
	}
	m.lb = &m.lbs[0]
}

// compileLoadBalancer compiles one load balancer into lb.
func (m *sim) compileLoadBalancer(lb *loadBalancer, lbs *scenario.LoadBalancer, sc *scenario.Scenario, nodes map[string]nodeRef, seed int64) {
	alg, ok := lbAlgorithms[lbs.Algorithm]
	if !ok {
		panic(fmt.Sprintf("engine: unknown load-balancing algorithm %q", lbs.Algorithm))
	}
	lb.alg = alg
	covered := make(map[int32]bool, len(lbs.ServerCovered))
	for _, id := range lbs.ServerCovered {
		covered[nodes[id].idx] = true
	}
	for i, e := range sc.Topology.Edges {
		if e.Source != lbs.ID || m.edges[i].targetKind != nodeServer {
			continue
		}
		s := m.edges[i].target
		if len(covered) > 0 && !covered[s] {
			continue
		}
		// Every instance of a replicated server is a choice of its own,
		// over the server's one edge.
		for j := int32(0); j < int32(sc.Topology.Nodes.Servers[m.base[s]].MaxInstances()); j++ {
			lb.edges = append(lb.edges, int32(i))
			lb.servers = append(lb.servers, s+j)
			m.servers[s+j].covered = true
		}
	}
	if len(lb.edges) == 0 {
		panic(fmt.Sprintf("engine: load balancer %q routes to no server", lbs.ID))
	}
	n := len(lb.edges)
	lb.outstanding = make([]int32, n)
	lb.lastPick = make([]uint64, n)
	if alg == lbWeightedRoundRobin {
		lb.weight = make([]int64, n)
		lb.current = make([]int64, n)
		for i, s := range lb.servers {
			lb.weight[i] = scenario.DefaultLBWeight
			if w, ok := lbs.Weights[sc.Topology.Nodes.Servers[m.base[s]].ID]; ok {
				lb.weight[i] = int64(w)
			}
		}
	}
	if alg == lbRandom || alg == lbPowerOfTwo {
		lb.rng = newStream(seed, "load_balancer", lbs.ID, "route")
	}
}

// compileSampler compiles the enabled sampled metrics.
func (m *sim) compileSampler(sc *scenario.Scenario, keepSeries bool) {
	s := &m.samp
	for _, x := range sc.Settings.EnabledSampleMetrics {
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
			panic(fmt.Sprintf("engine: unknown sampled metric %q", x))
		}
	}
	s.init(sc.Settings.SamplePeriodS, m.horizon, len(m.servers), len(m.edges), keepSeries)
}

// compileEvents compiles the injected events and schedules their windows.
func (m *sim) compileEvents(sc *scenario.Scenario, nodes map[string]nodeRef) {
	edges := make(map[string]int32, len(m.edges))
	for i := range m.edges {
		edges[m.edges[i].id] = int32(i)
	}
	for _, ev := range sc.Events {
		f := fault{t0: ev.Start.TStart, t1: ev.End.TEnd}
		switch ev.Start.Kind {
		case scenario.ServerDown:
			f.outage = true
			f.target, f.count = nodes[ev.TargetID].idx, 1
			if i, ok := serverIndex(sc, ev.TargetID); ok {
				f.count = int32(sc.Topology.Nodes.Servers[i].MaxInstances()) // every instance
			}
		case scenario.NetworkSpikeStart:
			f.target = edges[ev.TargetID]
			f.spike = *ev.Start.SpikeS
			ed := &m.edges[f.target]
			ed.spikeFaults = append(ed.spikeFaults, int32(len(m.faults)))
		default:
			panic(fmt.Sprintf("engine: unknown event start kind %q", ev.Start.Kind))
		}
		idx := int32(len(m.faults))
		m.faults = append(m.faults, f)
		t0, t1 := ev.Start.TStart, ev.End.TEnd
		if t0 < m.horizon {
			m.schedule(t0, prioStart, evFaultStart, idx)
			if t1 < m.horizon {
				m.schedule(t1, prioEnd, evFaultEnd, idx)
			}
		}
	}
}
