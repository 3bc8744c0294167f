package scenario

// RV is a random variable `{ mean, distribution, variance }` (spec §2).
type RV struct {
	// Mean is the expected value.
	Mean float64 `json:"mean" yaml:"mean"`
	// Distribution is the distribution family. Defaults to poisson.
	Distribution Distribution `json:"distribution" yaml:"distribution"`
	// Variance is optional; see the spec for each family's default and
	// NormalVariance for normal and log_normal.
	Variance *float64 `json:"variance,omitempty" yaml:"variance,omitempty"`
}

// Distribution names a family of random variables.
type Distribution string

// The distributions of spec §2.
const (
	Exponential   Distribution = "exponential"   // exponential with the given mean; no variance
	Normal        Distribution = "normal"        // normal truncated at 0; variance defaults to mean² for a time, mean for a count
	LogNormal     Distribution = "log_normal"    // log-normal with the given mean and variance (defaults as for normal)
	Uniform       Distribution = "uniform"       // uniform around the mean
	Poisson       Distribution = "poisson"       // Poisson integer; the default
	Deterministic Distribution = "deterministic" // always the mean (FastSim extension)
)

// Distributions lists every accepted distribution, in documentation order.
var Distributions = []Distribution{Exponential, Normal, LogNormal, Uniform, Poisson, Deterministic}

// StepKind is the kind of an endpoint step.
type StepKind string

// The step kinds of spec §5.
const (
	InitialParsing    StepKind = "initial_parsing"     // CPU: parsing the request
	CPUBoundOperation StepKind = "cpu_bound_operation" // CPU: any synchronous work
	RAMStep           StepKind = "ram"                 // RAM: memory held until the request leaves
	IOTaskSpawn       StepKind = "io_task_spawn"       // I/O: waiting on a spawned task
	IOLLM             StepKind = "io_llm"              // I/O: waiting on an LLM call
	IOWait            StepKind = "io_wait"             // I/O: a generic wait
	IODB              StepKind = "io_db"               // I/O: a database call; uses db_connection_pool
	IOCache           StepKind = "io_cache"            // I/O: a cache call
)

// StepKinds lists every accepted step kind.
var StepKinds = []StepKind{InitialParsing, CPUBoundOperation, RAMStep, IOTaskSpawn, IOLLM, IOWait, IODB, IOCache, CallStep, ParallelStep}

// StepClass is the resource class a step kind uses.
type StepClass int

// The step classes.
const (
	ClassUnknown StepClass = iota // not a known step kind
	ClassCPU                      // needs a core
	ClassRAM                      // reserves memory
	ClassIO                       // waits without a core
	ClassCall                     // awaits calls to other servers (spec §10)
)

// Class returns the resource class of the kind, or ClassUnknown.
func (k StepKind) Class() StepClass {
	switch k {
	case InitialParsing, CPUBoundOperation:
		return ClassCPU
	case RAMStep:
		return ClassRAM
	case IOTaskSpawn, IOLLM, IOWait, IODB, IOCache:
		return ClassIO
	case CallStep, ParallelStep:
		return ClassCall
	}
	return ClassUnknown
}

// Algorithm is a load-balancing algorithm.
type Algorithm string

// The load-balancing algorithms.
const (
	RoundRobin         Algorithm = "round_robin"          // outgoing edges in turn; the default
	LeastConnection    Algorithm = "least_connection"     // the edge with the fewest requests in transit
	RandomChoice       Algorithm = "random"               // a covered server that is up, uniformly at random
	WeightedRoundRobin Algorithm = "weighted_round_robin" // smooth weighted round robin (nginx) over LoadBalancer.Weights
	PowerOfTwoChoices  Algorithm = "power_of_two_choices" // the less loaded of two distinct servers drawn at random
)

// Algorithms lists every accepted algorithm.
var Algorithms = []Algorithm{RoundRobin, LeastConnection, RandomChoice, WeightedRoundRobin, PowerOfTwoChoices}

// EdgeType is the type of an edge.
type EdgeType string

// NetworkConnection is the only edge type.
const NetworkConnection EdgeType = "network_connection"

// SampleMetric names a periodically sampled metric.
type SampleMetric string

// The sampled metrics of spec §7.
const (
	ReadyQueueLen            SampleMetric = "ready_queue_len"            // requests waiting for a core, per server
	EventLoopIOSleep         SampleMetric = "event_loop_io_sleep"        // requests waiting on I/O, per server
	RAMInUse                 SampleMetric = "ram_in_use"                 // MB reserved, per server
	EdgeConcurrentConnection SampleMetric = "edge_concurrent_connection" // requests in transit, per edge
)

// SampleMetrics lists every sampled metric.
var SampleMetrics = []SampleMetric{ReadyQueueLen, EventLoopIOSleep, RAMInUse, EdgeConcurrentConnection}

// EventMetric names a per-request event metric.
type EventMetric string

// The event metrics of spec §7.
const (
	RqsClock EventMetric = "rqs_clock" // each request's start and finish
	LLMCost  EventMetric = "llm_cost"  // cost of LLM calls
)

// Measured reports whether FastSim measures m. Only rqs_clock is measured,
// and always, whether listed or not: it is the per-request clock behind
// every latency figure. The others are accepted for AsyncFlow
// compatibility and change nothing.
func (m EventMetric) Measured() bool { return m == RqsClock }

// EventMetrics lists every event metric.
var EventMetrics = []EventMetric{RqsClock, LLMCost}

// EventKind is the kind of an event start or end.
type EventKind string

// The event kinds of spec §6.
const (
	ServerDown        EventKind = "server_down"         // an outage starts
	ServerUp          EventKind = "server_up"           // an outage ends
	NetworkSpikeStart EventKind = "network_spike_start" // a latency spike starts
	NetworkSpikeEnd   EventKind = "network_spike_end"   // a latency spike ends
)

// StartKinds lists the accepted kinds of an event start.
var StartKinds = []EventKind{ServerDown, NetworkSpikeStart}

// EndKinds lists the accepted kinds of an event end.
var EndKinds = []EventKind{ServerUp, NetworkSpikeEnd}

// EndKind returns the end kind that matches a start kind, or "".
func (k EventKind) EndKind() EventKind {
	switch k {
	case ServerDown:
		return ServerUp
	case NetworkSpikeStart:
		return NetworkSpikeEnd
	}
	return ""
}
