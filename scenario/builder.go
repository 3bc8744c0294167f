package scenario

import "strings"

// Builder assembles a Scenario in Go code, the way AsyncFlow's Python
// builder does. Its methods record what they are given and return the
// Builder so calls chain; nothing is checked until Build, which applies
// the defaults and validates exactly as Decode does.
//
// The zero Builder is not ready for use; call New.
type Builder struct {
	sc     Scenario
	misuse errorList
	gen    bool
	client bool
}

// New returns an empty Builder.
func New() *Builder {
	return &Builder{}
}

// Generator sets the workload: a generator with the given id, a Poisson
// number of active users with mean users, each sending a Poisson number
// of requests per minute with mean rpm (spec §3). The sampling window is
// 60 s unless Window is called.
func (b *Builder) Generator(id string, users, rpm float64) *Builder {
	return b.Workload(Workload{
		ID:                         id,
		AvgActiveUsers:             PoissonRV(users),
		AvgRequestPerMinutePerUser: PoissonRV(rpm),
	})
}

// Workload sets the whole `rqs_input` section.
func (b *Builder) Workload(w Workload) *Builder {
	if b.gen {
		b.misuse.add("rqs_input", "the generator is set twice; a scenario has one generator")
	}
	b.gen = true
	b.sc.Workload = w
	return b
}

// Window sets the user sampling window in seconds (1..120).
func (b *Builder) Window(seconds int) *Builder {
	b.sc.Workload.UserSamplingWindow = seconds
	return b
}

// Client sets the client node's id.
func (b *Builder) Client(id string) *Builder {
	if b.client {
		b.misuse.add(nodesPath+".client", "the client is set twice; a scenario has one client")
	}
	b.client = true
	b.sc.Topology.Nodes.Client = Client{ID: id}
	return b
}

// Server adds a server built with NewServer.
func (b *Builder) Server(s *ServerBuilder) *Builder {
	b.sc.Topology.Nodes.Servers = append(b.sc.Topology.Nodes.Servers, cloneServer(s.s))
	return b
}

// LoadBalancer sets the load balancer. With no covered servers it covers
// every server it has an edge to.
func (b *Builder) LoadBalancer(id string, alg Algorithm, covered ...string) *Builder {
	if b.sc.Topology.Nodes.LoadBalancer != nil {
		b.misuse.add(nodesPath+".load_balancer", "the load balancer is set twice; a scenario has at most one")
	}
	b.sc.Topology.Nodes.LoadBalancer = &LoadBalancer{ID: id, Algorithm: alg, ServerCovered: append([]string(nil), covered...)}
	return b
}

// LBWeights sets the load balancer's weights (server id → weight) for
// weighted_round_robin; call it after LoadBalancer. The map is copied.
func (b *Builder) LBWeights(weights map[string]int) *Builder {
	lb := b.sc.Topology.Nodes.LoadBalancer
	if lb == nil {
		b.misuse.add(nodesPath+".load_balancer.weights", "weights set before the load balancer; call LoadBalancer first")
		return b
	}
	lb.Weights = make(map[string]int, len(weights))
	for id, w := range weights {
		lb.Weights[id] = w
	}
	return b
}

// EdgeOption changes an edge added by Builder.Edge.
type EdgeOption func(*Edge)

// Dropout sets an edge's dropout rate (probability in [0, 1]); without it
// an edge drops 1 % of requests, AsyncFlow's default.
func Dropout(rate float64) EdgeOption {
	return func(e *Edge) { e.DropoutRate = rate }
}

// Edge adds a network link from source to target with the given latency.
func (b *Builder) Edge(id, source, target string, latency RV, opts ...EdgeOption) *Builder {
	e := Edge{ID: id, Source: source, Target: target, Latency: cloneRV(latency), EdgeType: NetworkConnection, DropoutRate: DefaultDropoutRate}
	for _, o := range opts {
		o(&e)
	}
	b.sc.Topology.Edges = append(b.sc.Topology.Edges, e)
	return b
}

// Settings sets the whole `sim_settings` section; zero fields get their
// defaults at Build.
func (b *Builder) Settings(s Settings) *Builder {
	b.sc.Settings = s
	return b
}

// Horizon sets total_simulation_time in seconds.
func (b *Builder) Horizon(seconds int) *Builder {
	b.sc.Settings.TotalSimulationTime = seconds
	return b
}

// SamplePeriod sets sample_period_s in seconds.
func (b *Builder) SamplePeriod(seconds float64) *Builder {
	b.sc.Settings.SamplePeriodS = seconds
	return b
}

// Event adds an event.
func (b *Builder) Event(ev Event) *Builder {
	ev.Start.SpikeS = clonePtr(ev.Start.SpikeS)
	b.sc.Events = append(b.sc.Events, ev)
	return b
}

// Outage adds a server_down … server_up event on a server.
func (b *Builder) Outage(id, server string, tStart, tEnd float64) *Builder {
	return b.Event(Event{
		ID: id, TargetID: server,
		Start: EventStart{Kind: ServerDown, TStart: tStart},
		End:   EventEnd{Kind: ServerUp, TEnd: tEnd},
	})
}

// Spike adds a network_spike_start … network_spike_end event that adds
// spikeS seconds to the latency of an edge.
func (b *Builder) Spike(id, edge string, tStart, tEnd, spikeS float64) *Builder {
	return b.Event(Event{
		ID: id, TargetID: edge,
		Start: EventStart{Kind: NetworkSpikeStart, TStart: tStart, SpikeS: &spikeS},
		End:   EventEnd{Kind: NetworkSpikeEnd, TEnd: tEnd},
	})
}

// Build applies the defaults, validates, and returns a new Scenario, or a
// *ValidationError listing every problem. The Builder can be changed and
// built again; scenarios already built are not affected.
func (b *Builder) Build() (*Scenario, error) {
	sc := b.sc.Clone()
	sc.ApplyDefaults()
	errs := append(errorList(nil), b.misuse...)
	errs = append(errs, sc.validate()...)
	if err := errs.result(); err != nil {
		return nil, err
	}
	return sc, nil
}

// ServerBuilder assembles a Server for Builder.Server.
type ServerBuilder struct {
	s Server
}

// NewServer returns a ServerBuilder for a server with the given id and
// the default resources (1 core, 1024 MB).
func NewServer(id string) *ServerBuilder {
	return &ServerBuilder{s: Server{ID: id, Resources: ServerResources{CPUCores: DefaultCPUCores, RAMMB: DefaultRAMMB}}}
}

// Cores sets the number of CPU cores.
func (sb *ServerBuilder) Cores(n int) *ServerBuilder {
	sb.s.Resources.CPUCores = n
	return sb
}

// RAM sets the RAM in MB.
func (sb *ServerBuilder) RAM(mb int) *ServerBuilder {
	sb.s.Resources.RAMMB = mb
	return sb
}

// DBPool sets db_connection_pool, the number of connections io_db steps
// share.
func (sb *ServerBuilder) DBPool(n int) *ServerBuilder {
	sb.s.Resources.DBConnectionPool = &n
	return sb
}

// Endpoint adds an endpoint with the given steps, chosen uniformly among
// the server's endpoints.
func (sb *ServerBuilder) Endpoint(name string, steps ...Step) *ServerBuilder {
	sb.s.Endpoints = append(sb.s.Endpoints, Endpoint{Name: strings.ToLower(name), Steps: cloneSteps(steps)})
	return sb
}

// WeightedEndpoint adds an endpoint chosen with the given probability;
// the probabilities of a server's endpoints must sum to 1.
func (sb *ServerBuilder) WeightedEndpoint(name string, probability float64, steps ...Step) *ServerBuilder {
	sb.s.Endpoints = append(sb.s.Endpoints, Endpoint{Name: strings.ToLower(name), Probability: &probability, Steps: cloneSteps(steps)})
	return sb
}

func cloneSteps(steps []Step) []Step {
	out := make([]Step, len(steps))
	for i, st := range steps {
		st.Operation.CPUTime = cloneQuantity(st.Operation.CPUTime)
		st.Operation.IOWaitingTime = cloneQuantity(st.Operation.IOWaitingTime)
		st.Operation.NecessaryRAM = clonePtr(st.Operation.NecessaryRAM)
		st.Operation.Call = clonePtr(st.Operation.Call)
		st.Operation.Calls = cloneSlice(st.Operation.Calls, func(c Call) Call { return c })
		out[i] = st
	}
	return out
}

// CPU returns a cpu_bound_operation step of a fixed number of seconds.
func CPU(seconds float64) Step {
	return CPUStep(CPUBoundOperation, Fixed(seconds))
}

// CPUStep returns a CPU step of the given kind (initial_parsing or
// cpu_bound_operation) and time.
func CPUStep(kind StepKind, t Quantity) Step {
	return Step{Kind: kind, Operation: Operation{CPUTime: &t}}
}

// RAM returns a ram step reserving mb megabytes.
func RAM(mb float64) Step {
	return Step{Kind: RAMStep, Operation: Operation{NecessaryRAM: &mb}}
}

// IO returns an io_wait step of a fixed number of seconds.
func IO(seconds float64) Step {
	return IOStep(IOWait, Fixed(seconds))
}

// DB returns an io_db step of a fixed number of seconds; on a server with
// a db_connection_pool it holds a connection while it waits.
func DB(seconds float64) Step {
	return IOStep(IODB, Fixed(seconds))
}

// IOStep returns an I/O step of the given kind (io_wait, io_db, …) and
// time.
func IOStep(kind StepKind, t Quantity) Step {
	return Step{Kind: kind, Operation: Operation{IOWaitingTime: &t}}
}

// ExpRV returns an exponential random variable with the given mean.
func ExpRV(mean float64) RV { return RV{Mean: mean, Distribution: Exponential} }

// DetRV returns a deterministic random variable: always mean.
func DetRV(mean float64) RV { return RV{Mean: mean, Distribution: Deterministic} }

// PoissonRV returns a Poisson random variable with the given mean.
func PoissonRV(mean float64) RV { return RV{Mean: mean, Distribution: Poisson} }

// NormalRV returns a normal random variable (truncated at 0).
func NormalRV(mean, variance float64) RV {
	return RV{Mean: mean, Distribution: Normal, Variance: &variance}
}

// LogNormalRV returns a log-normal random variable with the given mean
// and variance.
func LogNormalRV(mean, variance float64) RV {
	return RV{Mean: mean, Distribution: LogNormal, Variance: &variance}
}

// UniformRV returns a uniform random variable with the given mean and
// variance.
func UniformRV(mean, variance float64) RV {
	return RV{Mean: mean, Distribution: Uniform, Variance: &variance}
}
