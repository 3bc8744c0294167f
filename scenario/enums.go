package scenario

// RV is a random variable `{ mean, distribution, variance }` (spec §2).
type RV struct {
	// Mean is the expected value.
	Mean float64 `json:"mean" yaml:"mean"`
	// Distribution is the distribution family. Defaults to poisson.
	Distribution Distribution `json:"distribution" yaml:"distribution"`
	// Variance is optional; see the spec for each family's default.
	Variance *float64 `json:"variance,omitempty" yaml:"variance,omitempty"`
}

// Distribution names a family of random variables.
type Distribution string

// The distributions of spec §2.
const (
	Exponential   Distribution = "exponential"
	Normal        Distribution = "normal"
	LogNormal     Distribution = "log_normal"
	Uniform       Distribution = "uniform"
	Poisson       Distribution = "poisson"
	Deterministic Distribution = "deterministic"
)

// Distributions lists every accepted distribution, in documentation order.
var Distributions = []Distribution{Exponential, Normal, LogNormal, Uniform, Poisson, Deterministic}

// StepKind is the kind of an endpoint step.
type StepKind string

// The step kinds of spec §5.
const (
	InitialParsing    StepKind = "initial_parsing"
	CPUBoundOperation StepKind = "cpu_bound_operation"
	RAMStep           StepKind = "ram"
	IOTaskSpawn       StepKind = "io_task_spawn"
	IOLLM             StepKind = "io_llm"
	IOWait            StepKind = "io_wait"
	IODB              StepKind = "io_db"
	IOCache           StepKind = "io_cache"
)

// StepKinds lists every accepted step kind.
var StepKinds = []StepKind{InitialParsing, CPUBoundOperation, RAMStep, IOTaskSpawn, IOLLM, IOWait, IODB, IOCache}

// StepClass is the resource class a step kind uses.
type StepClass int

// The step classes.
const (
	ClassUnknown StepClass = iota
	ClassCPU
	ClassRAM
	ClassIO
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
	}
	return ClassUnknown
}

// Algorithm is a load-balancing algorithm.
type Algorithm string

// The load-balancing algorithms.
const (
	RoundRobin      Algorithm = "round_robin"
	LeastConnection Algorithm = "least_connection"
)

// Algorithms lists every accepted algorithm.
var Algorithms = []Algorithm{RoundRobin, LeastConnection}

// EdgeType is the type of an edge.
type EdgeType string

// NetworkConnection is the only edge type.
const NetworkConnection EdgeType = "network_connection"

// SampleMetric names a periodically sampled metric.
type SampleMetric string

// The sampled metrics of spec §7.
const (
	ReadyQueueLen            SampleMetric = "ready_queue_len"
	EventLoopIOSleep         SampleMetric = "event_loop_io_sleep"
	RAMInUse                 SampleMetric = "ram_in_use"
	EdgeConcurrentConnection SampleMetric = "edge_concurrent_connection"
)

// SampleMetrics lists every sampled metric.
var SampleMetrics = []SampleMetric{ReadyQueueLen, EventLoopIOSleep, RAMInUse, EdgeConcurrentConnection}

// EventMetric names a per-request event metric.
type EventMetric string

// The event metrics of spec §7.
const (
	RqsClock EventMetric = "rqs_clock"
	LLMCost  EventMetric = "llm_cost"
)

// EventMetrics lists every event metric.
var EventMetrics = []EventMetric{RqsClock, LLMCost}

// EventKind is the kind of an event start or end.
type EventKind string

// The event kinds of spec §6.
const (
	ServerDown        EventKind = "server_down"
	ServerUp          EventKind = "server_up"
	NetworkSpikeStart EventKind = "network_spike_start"
	NetworkSpikeEnd   EventKind = "network_spike_end"
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
