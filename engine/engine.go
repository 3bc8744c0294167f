package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
	"github.com/fastsim/fastsim/version"
)

// Options are the settings of one run.
type Options struct {
	// Seed seeds every random stream of the run. Defaults to DefaultSeed:
	// 0 means DefaultSeed, so the zero Options and a caller that leaves the
	// seed out get the same run, and Result.Seed is the seed used.
	Seed int64
	// Series keeps the full sampled series in Result.Series. Defaults to
	// false (only their mean and maximum).
	Series bool
	// Progress, when not nil, is called from the goroutine of Run about
	// every 1 % of simulated time and once at the end. Defaults to nil.
	Progress func(Progress)
	// MaxEvents stops the run with a *LimitError when it would process
	// more events than this. Defaults to DefaultMaxEvents; a negative value
	// means no limit.
	MaxEvents int64
	// MaxInFlight stops the run with a *LimitError when more requests than
	// this are alive at once (generated and not yet completed, dropped or
	// failed): an unstable system grows them without bound, and each costs
	// memory (BytesPerInFlight). Defaults to DefaultMaxInFlight; a negative
	// value means no limit other than the engine's own, 2³¹ − 2.
	MaxInFlight int64
}

// DefaultSeed is the seed of a run whose Options.Seed is 0.
const DefaultSeed int64 = 42

// withDefaults returns opts with its zero fields set to their defaults.
func (opts Options) withDefaults() Options {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	opts.MaxEvents = limitOrDefault(opts.MaxEvents, DefaultMaxEvents, math.MaxInt64-1)
	opts.MaxInFlight = limitOrDefault(opts.MaxInFlight, DefaultMaxInFlight, maxSlab-1)
	return opts
}

// Progress reports how far a run has got.
type Progress struct {
	// SimTime is the simulated time reached, in seconds.
	SimTime float64
	// Horizon is the simulated time at which the run ends, in seconds.
	Horizon float64
	// Events is the number of events processed so far.
	Events int64
}

// ctxCheckEvery sets how often the loop looks at the context: every 4096
// events, a few hundred microseconds of wall time.
const ctxCheckEvery = 1 << 12

// Run simulates sc, which must have its defaults applied, and returns its
// result (spec §8). The same scenario, options and version give a result
// with byte-identical JSON. Run returns an error, never a partial result,
// when sc does not pass scenario.Validate (the error wraps its
// *scenario.ValidationError), when the full series would be too large, or
// when ctx is cancelled.
func Run(ctx context.Context, sc *scenario.Scenario, opts Options) (*result.Result, error) {
	return run(ctx, sc, opts, nil)
}

// hooks let tests observe a run from the inside.
type hooks struct {
	arrival  func(t float64)            // the generator created a request
	route    func(t float64, srv int32) // a request started on a server
	lbPick   func(t float64, srv int32) // the load balancer chose a server
	complete func(born, t float64)      // a request came back to the client
	// classArrival and classComplete see the class too; classComplete
	// is called only when the run keeps per-class results (perClass).
	classArrival  func(c int32, t float64)
	classComplete func(c int32, born, t float64)
	// outcomes sees how many request outcomes the recovery watches
	// counted, at the end of a run with events.
	outcomes func(n int64)
	noLanes  bool // schedule everything in the heap
	// end sees the run's state after its last event (tests count what
	// is still in flight).
	end func(m *sim)
	// scale sees every action of an autoscaler (autoscale.go).
	scale func(t float64, e scaleEvent)
	// arrivals, when not nil, replaces the open generators' arrivals:
	// generator 0 creates one request at each of these times.
	arrivals []float64
}

// run is Run with test hooks.
func run(ctx context.Context, sc *scenario.Scenario, opts Options, hk *hooks) (*result.Result, error) {
	if sc == nil {
		return nil, fmt.Errorf("engine: scenario is nil")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("engine: run not started: %w", err)
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("engine: scenario refused: %w", err)
	}
	if opts.Series {
		if err := checkSeries(sc); err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
	}
	opts = opts.withDefaults()
	m := compile(sc, opts)
	m.hooks = hk
	m.start(opts)
	if hk != nil && hk.arrivals != nil {
		m.scriptArrivals(hk.arrivals)
	}
	if m.evWin != nil { // the same bound as the event windows
		m.recov = newRecoveries(sc, m.horizon)
	}
	m.maxEvents, m.maxInFlight = opts.MaxEvents, opts.MaxInFlight
	m.nextCheck = min(ctxCheckEvery, m.maxEvents+1)
	m.overflowT = -1
	if hk != nil && hk.noLanes {
		m.dropLanes()
	}
	if err := m.loop(ctx, opts.Progress); err != nil {
		return nil, err
	}
	if hk != nil && hk.end != nil {
		hk.end(m)
	}
	r := m.result(opts)
	if m.evWin != nil {
		r.EventWindows = m.evWin.results(sc, m.horizon)
	}
	if m.recov != nil {
		m.recov.finish()
		r.Recovery = m.recov.results(sc)
		if hk != nil && hk.outcomes != nil {
			hk.outcomes(m.recov.outcomes)
		}
	}
	return r, nil
}

// scriptArrivals replaces the arrivals of the open generators by one
// request of generator 0 at each of the times ts (hooks.arrivals): the
// generators' pending arrivals are withdrawn and they draw no more.
func (m *sim) scriptArrivals(ts []float64) {
	for i := range m.gens {
		g := &m.gens[i]
		g.pending, g.rate, g.winEnd = false, 0, math.Inf(1)
	}
	for _, t := range ts {
		if t < m.horizon {
			m.schedule(t, prioNormal, evArrival, 0)
		}
	}
}

// request is one request in the slab.
type request struct {
	born    float64 // creation time
	edge    int32   // edge it travels on
	server  int32   // server it is on
	ep      int32   // endpoint chosen on that server
	seg     int32   // current segment
	lbSlot  int32   // the load-balancer choice (index in m.lbOut) that sent it, or -1
	cs      int32   // its call state in m.cstates (spec §10), or -1
	class   uint8   // its generator, an index in sim.gens (scenario.MaxGenerators <= 256)
	visited bool    // it has been on a server
	core    bool    // it holds a core
	db      bool    // it holds a database connection
	scHeld  bool    // a load balancer sent it to an autoscaled instance that has not answered it yet
	scIn    bool    // scHeld, and arrived at that instance
}

// sim is the compiled model and the state of one run.
type sim struct {
	now     float64
	horizon float64
	q       eventQueue
	lanes   []lane // FIFO lanes of constant delays
	seq     uint64
	topDone bool // the top of q has been processed but not yet removed

	reqs []request
	free []int32

	gens []generator  // the request classes, in document order
	cls  []classStats // per-class results; nil with one generator
	// perClass is set when an outcome needs classOutcome: several
	// classes or a closed workload.
	perClass bool
	estEP    []int32 // Estimate: the endpoints of the class being estimated
	closed   bool    // some generator is a closed workload
	client   client
	lbs      []loadBalancer // `load_balancer` first, then `load_balancers`
	lb       *loadBalancer  // &lbs[0], or nil without a load balancer
	// The choices of every load balancer, end to end: each load
	// balancer's outstanding, edges and servers are windows of these.
	lbOut    []int32
	lbEdge   []int32
	lbServer []int32
	servers  []server
	groups   []replicaGroup // servers with replicas or autoscaling (autoscale.go)
	insts    []instance     // the state of every server as an instance; nil without groups
	scalers  []autoscaler   // their autoscalers
	edges    []edge
	faults   []fault
	eps      []endpoint
	segs     []segment
	// Service calls (spec §10).
	calls      []callSpec
	callEPs    []int32 // per call with an endpoint, the endpoint of each server (-1: none)
	callStats  []callStat
	respEdge   []int32 // edge from server i to server j at i*len(servers)+j, or -1
	inst       []int32 // first instance (index in servers) of each scenario server
	base       []int32 // scenario server of each instance
	edgeSource []int32 // server an edge leaves, or -1
	tokenSeq   uint64
	cstates    []callState // the call state of requests that call or are called
	cfree      []int32     // free entries of cstates

	steps   []rv
	stepRNG []*rand.Rand // each step's own stream; nil for a constant
	samp    sampler
	hooks   *hooks

	generated, completed, dropped, failed, events int64

	// Overload and resilience (spec §12, resilience.go).
	seed         int64
	res          bool // the scenario uses a key of spec §12 (HasResilience)
	wasteOn      bool // some attempt has a deadline: count wasted_s
	retries      []retryPolicy
	breakers     []breaker
	bkStat       []int32 // the call stat of each breaker; -1: the client's
	callCaller   []int32 // the calling server instance of each call
	timedOut     int64
	rejected     int64
	retried      int64
	otherMoments result.Moments // latency of failed, rejected and timed-out requests
	otherSketch  *result.Sketch
	outc         *outcomeSeries // nil without resilience keys

	// Run-time limits (Options.MaxEvents, Options.MaxInFlight). The loop
	// does its rare checks (context, limits) when events reaches
	// nextCheck; growSlab brings nextCheck forward when the requests in
	// flight cross maxInFlight, at time overflowT.
	maxEvents, maxInFlight int64
	nextCheck              int64
	overflowT              float64

	moments    result.Moments
	sketch     *result.Sketch
	throughput []float64 // completions per 1 s window

	latWin *latencyWindows // latency per window; nil unless the series are kept
	evWin  *eventWindows   // latency per event window; nil without events
	recov  *recoveries     // recovery after each event; nil without events
}

// schedule adds an event at time t.
func (m *sim) schedule(t float64, prio uint64, kind evKind, a int32) {
	if !(t >= m.now) {
		panic(fmt.Sprintf("engine: event %d scheduled at %v, before now %v", kind, t, m.now))
	}
	e := event{t: t, key: prio<<62 | m.seq, a: a, kind: kind}
	m.seq++
	if m.topDone {
		// The event being processed is still at the top of the heap:
		// overwrite it rather than pop it and push e.
		m.topDone = false
		m.q.replaceTop(e)
		return
	}
	m.q.push(e)
}

// after schedules an event d seconds from now, in the given lane when
// lane >= 0 (d must then be the lane's delay), in the heap otherwise.
func (m *sim) after(lane int8, d float64, kind evKind, a int32) {
	if lane < 0 {
		m.schedule(m.now+d, prioNormal, kind, a)
		return
	}
	m.lanes[lane].push(event{t: m.now + d, key: prioNormal<<62 | m.seq, a: a, kind: kind})
	m.seq++
}

// newRequest takes a request from the free list or grows the slab.
func (m *sim) newRequest() int32 {
	var r int32
	if n := len(m.free); n > 0 {
		r = m.free[n-1]
		m.free = m.free[:n-1]
	} else {
		r = int32(len(m.reqs))
		m.growSlab()
	}
	m.reqs[r] = request{born: m.now, lbSlot: -1, cs: -1}
	return r
}

// freeRequest returns a finished request (completed, dropped or failed) to
// the free list; it stops counting as outstanding at the load balancer.
func (m *sim) freeRequest(r int32) {
	if m.reqs[r].scHeld {
		m.scaledExit(r) // lost on its way to an autoscaled instance
	}
	if s := m.reqs[r].lbSlot; s >= 0 {
		m.lbOut[s]--
	}
	if c := m.reqs[r].cs; c >= 0 {
		if m.cstates[c].timer {
			m.cstates[c].live = false // its deadline event frees it
		} else {
			m.cfree = append(m.cfree, c)
		}
	}
	m.free = append(m.free, r)
}

// Sources of the next event in the loop; lanes are numbered from 0 and
// generator i's pending arrival is srcGen - i.
const (
	srcNone = math.MinInt
	srcHeap = -1
	srcGen  = -2
)

// next returns the next event, or none, and where it waits: the earliest,
// by the same (time, key) rule, of each open generator's single pending
// arrival (kept in its own slot), the top of the heap and the heads of the lanes.
// The order of events is the same as with one queue, at fewer heap
// operations.
func (m *sim) next(none *event) (event, int) {
	next, src := none, srcNone
	for i := range m.gens {
		if g := &m.gens[i]; g.pending && g.next.before(next) {
			next, src = &g.next, srcGen-i
		}
	}
	if m.q.len() > 0 && m.q.top().before(next) {
		next, src = m.q.top(), srcHeap
	}
	for i := range m.lanes {
		if l := &m.lanes[i]; l.n > 0 && l.first().before(next) {
			next, src = l.first(), i
		}
	}
	return *next, src
}

// loop processes events in order until the horizon.
func (m *sim) loop(ctx context.Context, progress func(Progress)) error {
	step := m.horizon / 100
	nextProgress := step
	if progress == nil {
		nextProgress = m.horizon * 2
	}
	none := event{t: math.Inf(1), key: math.MaxUint64} // later than every event
	for {
		ev, src := m.next(&none)
		t := ev.t
		if t >= m.horizon {
			break
		}
		switch {
		case src == srcHeap:
			m.topDone = true
		case src >= 0:
			m.lanes[src].drop()
		default:
			m.gens[srcGen-src].pending = false
		}
		if t > m.samp.nextT {
			m.sampleUpTo(t)
		}
		m.now = t
		m.events++
		if m.events >= m.nextCheck {
			if err := m.check(ctx); err != nil {
				return err
			}
		}
		if t >= nextProgress {
			progress(Progress{SimTime: t, Horizon: m.horizon, Events: m.events})
			for nextProgress <= t {
				nextProgress += step
			}
		}
		switch ev.kind {
		case evArrival:
			m.arrival(ev.a)
		case evEdgeArrive:
			m.edgeArrive(ev.a)
		case evCPUDone:
			m.cpuDone(ev.a)
		case evIODone:
			m.ioDone(ev.a)
		case evFaultStart:
			m.faultStart(ev.a)
		case evFaultEnd:
			m.faultEnd(ev.a)
		case evDeadline:
			m.deadline(ev.a)
		case evRetry:
			m.retry(ev.a)
		case evScaleDecide:
			m.scaleDecide(ev.a)
		case evScaleReady:
			m.instanceReady(ev.a)
		default:
			panic(fmt.Sprintf("engine: unknown event kind %d", ev.kind))
		}
		if m.topDone {
			m.topDone = false
			m.q.pop()
		}
	}
	if m.overflowT >= 0 {
		// The last event before the horizon crossed the in-flight limit.
		return fmt.Errorf("engine: %w", m.inFlightError())
	}
	m.now = m.horizon
	m.sampleUpTo(m.horizon)
	for i := range m.servers {
		m.servers[i].integrateBusy(m.horizon)
	}
	if progress != nil {
		progress(Progress{SimTime: m.horizon, Horizon: m.horizon, Events: m.events})
	}
	return nil
}

// check does the loop's rare checks, when events reaches nextCheck: the
// limits, then the context every ctxCheckEvery events. The event just
// counted has not been processed yet.
func (m *sim) check(ctx context.Context) error {
	if m.overflowT >= 0 {
		m.events--
		return fmt.Errorf("engine: %w", m.inFlightError())
	}
	if m.events > m.maxEvents {
		m.events--
		return fmt.Errorf("engine: %w", &LimitError{Limit: LimitEvents, Value: m.maxEvents, SimTime: m.now, Horizon: m.horizon, Events: m.events})
	}
	if m.events%ctxCheckEvery == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: run stopped at t=%s s of %s s: %w", result.FormatNumber(m.now), result.FormatNumber(m.horizon), err)
		}
	}
	m.nextCheck = min((m.events/ctxCheckEvery+1)*ctxCheckEvery, m.maxEvents+1)
	return nil
}

// result assembles the result of spec §8.
func (m *sim) result(opts Options) *result.Result {
	r := &result.Result{
		FastsimVersion: version.Version,
		Seed:           opts.Seed,
		HorizonS:       m.horizon,
		Counts: result.Counts{
			Generated: m.generated,
			Completed: m.completed,
			Dropped:   m.dropped,
			Failed:    m.failed,
			TimedOut:  m.timedOut,
			Rejected:  m.rejected,
			Attempts:  m.generated + m.retried,
			Retries:   m.retried,
			InFlight:  m.generated - m.completed - m.dropped - m.failed - m.timedOut - m.rejected,
			Events:    m.events,
		},
		Latency: result.LatencyFrom(m.moments, m.sketch),
		Throughput: result.Throughput{
			WindowS: 1,
			MeanRPS: float64(m.completed) / m.horizon,
			Series:  m.throughput,
		},
		Servers:        make(map[string]result.ServerStats, len(m.servers)),
		Edges:          make(map[string]result.EdgeStats, len(m.edges)),
		Classes:        m.classResults(),
		LatencySketch:  m.sketch,
		LatencyMoments: m.moments,
		Calls:          m.callResults(),
	}
	m.outcomeResults(r)
	s := &m.samp
	if opts.Series {
		r.Series = &result.Series{
			PeriodS: s.period,
			Servers: make(map[string]result.ServerSeries, len(m.servers)),
			Edges:   make(map[string]result.EdgeSeries, len(m.edges)),
		}
		if m.latWin != nil {
			r.Series.Latency = m.latWin.series()
		}
	}
	for i := range m.servers {
		sv := &m.servers[i]
		st := result.ServerStats{
			Requests:    sv.served,
			Failed:      sv.failed,
			Rejected:    sv.rejected,
			WastedS:     sv.wasted,
			Utilization: sv.busyArea / (float64(sv.cores) * m.horizon),
		}
		var ss result.ServerSeries
		if s.srvReady != nil {
			st.ReadyQueueLen = s.srvReady[i].summary(s.n)
			ss.ReadyQueueLen = s.srvReady[i].series
		}
		if s.srvIO != nil {
			st.EventLoopIOSleep = s.srvIO[i].summary(s.n)
			ss.EventLoopIOSleep = s.srvIO[i].series
		}
		if s.srvRAM != nil {
			st.RAMInUse = s.srvRAM[i].summary(s.n)
			ss.RAMInUse = s.srvRAM[i].series
		}
		if sv.group != "" {
			in := r.Servers[sv.group]
			if in.Instances == nil {
				in.Instances = map[string]result.ServerStats{}
			}
			in.Instances[sv.id] = st
			r.Servers[sv.group] = in
		} else {
			r.Servers[sv.id] = st
		}
		if r.Series != nil {
			r.Series.Servers[sv.id] = ss
		}
	}
	for id, st := range r.Servers {
		if st.Instances != nil {
			r.Servers[id] = result.SumInstances(st.Instances)
		}
	}
	if r.Series != nil {
		m.sumInstanceSeries(r.Series)
	}
	m.groupResults(r)
	for i := range m.edges {
		ed := &m.edges[i]
		st := result.EdgeStats{Dropped: ed.dropped}
		var es result.EdgeSeries
		if s.edgeInFlight != nil {
			st.EdgeConcurrentConnection = s.edgeInFlight[i].summary(s.n)
			es.EdgeConcurrentConnection = s.edgeInFlight[i].series
		}
		r.Edges[ed.id] = st
		if r.Series != nil {
			r.Series.Edges[ed.id] = es
		}
	}
	return r
}
