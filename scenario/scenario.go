package scenario

// Scenario is a whole scenario document (spec §1): the workload, the
// topology, the settings and the injected events.
//
// A Scenario obtained from Decode, DecodeFS or a Builder has its defaults
// applied and has passed Validate; code that builds one by hand must call
// ApplyDefaults and Validate before handing it to the engine.
type Scenario struct {
	// Workload is the load generator (`rqs_input`); when `rqs_input` is a
	// list of request classes (spec §11), it is the list's first one.
	Workload Workload `json:"rqs_input" yaml:"rqs_input"`
	// MoreWorkloads are the generators after the first when `rqs_input` is
	// a list (spec §11); nil for a single generator. Generators returns
	// them all, and the JSON form writes them as one list.
	MoreWorkloads []Workload `json:"-" yaml:"-"`
	// Topology holds the nodes and edges (`topology_graph`).
	Topology Topology `json:"topology_graph" yaml:"topology_graph"`
	// Settings holds the horizon and the metrics (`sim_settings`).
	Settings Settings `json:"sim_settings" yaml:"sim_settings"`
	// Events are the injected outages and network spikes (`events`).
	Events []Event `json:"events,omitempty" yaml:"events,omitempty"`
}

// Workload is one generator of `rqs_input`, a request class: an open
// doubly stochastic Poisson generator (spec §3), optionally shaped by a
// profile, or a closed population of users (spec §11).
type Workload struct {
	// ID is the generator's id; it must be the source of exactly one edge.
	ID string `json:"id" yaml:"id"`
	// Type is the optional `type` key: "generator" (open, the default) or
	// "closed" (WorkloadClosed). Decode keeps only "closed" and leaves
	// Type empty otherwise, since "generator" carries nothing.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// AvgActiveUsers is the number of active users drawn at the start of
	// every sampling window (poisson or normal). Open workloads only.
	AvgActiveUsers RV `json:"avg_active_users,omitzero" yaml:"avg_active_users,omitempty"`
	// AvgRequestPerMinutePerUser is the request rate of one user
	// (poisson). Open workloads only.
	AvgRequestPerMinutePerUser RV `json:"avg_request_per_minute_per_user,omitzero" yaml:"avg_request_per_minute_per_user,omitempty"`
	// UserSamplingWindow is the window length in whole seconds, 1..120.
	// Defaults to 60 for an open workload; 0 for a closed one.
	UserSamplingWindow int `json:"user_sampling_window,omitzero" yaml:"user_sampling_window,omitempty"`
	// Endpoint, when set, is the endpoint its requests run on the first
	// server they reach (spec §11); otherwise that server chooses (§5).
	Endpoint string `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	// Profile, when set, multiplies the open arrival rate by the
	// piecewise-linear interpolation of its points (spec §11).
	Profile []ProfilePoint `json:"profile,omitempty" yaml:"profile,omitempty"`
	// Users is the population of a closed workload, >= 1.
	Users int `json:"users,omitempty" yaml:"users,omitempty"`
	// ThinkTime is a closed workload's think time between the outcome of a
	// user's request and its next one (an RV, spec §2).
	ThinkTime *RV `json:"think_time,omitempty" yaml:"think_time,omitempty"`
}

// Topology is the `topology_graph` section (spec §4).
type Topology struct {
	// Nodes are the client, the servers and the optional load balancer.
	Nodes Nodes `json:"nodes" yaml:"nodes"`
	// Edges are the network links between nodes.
	Edges []Edge `json:"edges" yaml:"edges"`
}

// Nodes lists the nodes of the topology.
type Nodes struct {
	// Client is the single client node.
	Client Client `json:"client" yaml:"client"`
	// Servers are the application servers; at least one.
	Servers []Server `json:"servers" yaml:"servers"`
	// LoadBalancer is optional.
	LoadBalancer *LoadBalancer `json:"load_balancer,omitempty" yaml:"load_balancer,omitempty"`
	// LoadBalancers are further load balancers (spec §13), in addition to
	// or instead of LoadBalancer; a call's target may be one of them.
	LoadBalancers []LoadBalancer `json:"load_balancers,omitempty" yaml:"load_balancers,omitempty"`
}

// Client is the client node: it forwards new requests and completes
// requests that come back from a server.
type Client struct {
	// ID is the node id, unique across all nodes.
	ID string `json:"id" yaml:"id"`
	// Type is the optional `type` key; when present it must be "client".
	// Decode checks it and leaves Type empty, since it carries nothing.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// TimeoutS, when set (> 0), is each attempt's deadline in seconds,
	// counted from when it leaves the client (spec §12).
	TimeoutS *float64 `json:"timeout_s,omitempty" yaml:"timeout_s,omitempty"`
	// Retry, when set, retries failed attempts (spec §12).
	Retry *Retry `json:"retry,omitempty" yaml:"retry,omitempty"`
	// CircuitBreaker, when set, guards every attempt (spec §12).
	CircuitBreaker *CircuitBreaker `json:"circuit_breaker,omitempty" yaml:"circuit_breaker,omitempty"`
}

// Server is an application server with cores, RAM and an event loop
// (spec §5).
type Server struct {
	// ID is the node id, unique across all nodes.
	ID string `json:"id" yaml:"id"`
	// Type is the optional `type` key; when present it must be "server".
	// Decode checks it and leaves Type empty, since it carries nothing.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// Resources are the server's cores, RAM and database pool.
	Resources ServerResources `json:"server_resources" yaml:"server_resources"`
	// Endpoints are the request handlers; one is chosen per request.
	Endpoints []Endpoint `json:"endpoints" yaml:"endpoints"`
	// Replicas, when set (1..MaxReplicas), is the number of identical
	// instances `<id>#1` … `<id>#n` sharing the server's edges (spec §13);
	// nil means 1. A replicated server is reached only through a load
	// balancer. See ReplicaCount.
	Replicas *int `json:"replicas,omitempty" yaml:"replicas,omitempty"`
	// RateLimit, when set, is a token bucket in front of the server
	// (spec §12); with replicas, each instance has its own.
	RateLimit *RateLimit `json:"rate_limit,omitempty" yaml:"rate_limit,omitempty"`
	// Autoscaling, when set, varies the number of instances (spec §13).
	Autoscaling *Autoscaling `json:"autoscaling,omitempty" yaml:"autoscaling,omitempty"`
	// CostPerReplicaHour, when set (>= 0), prices each instance-hour
	// (spec §13).
	CostPerReplicaHour *float64 `json:"cost_per_replica_hour,omitempty" yaml:"cost_per_replica_hour,omitempty"`
}

// ServerResources are a server's capacities.
type ServerResources struct {
	// CPUCores is the number of cores, >= 1. Defaults to 1.
	CPUCores int `json:"cpu_cores" yaml:"cpu_cores"`
	// RAMMB is the RAM in MB, >= 256. Defaults to 1024.
	RAMMB int `json:"ram_mb" yaml:"ram_mb"`
	// DBConnectionPool, when set (>= 1), bounds concurrent io_db steps.
	DBConnectionPool *int `json:"db_connection_pool,omitempty" yaml:"db_connection_pool,omitempty"`
	// MaxConcurrency, when set (>= 1), bounds the requests inside the
	// server; one arriving when it is reached is rejected (spec §12).
	MaxConcurrency *int `json:"max_concurrency,omitempty" yaml:"max_concurrency,omitempty"`
	// MaxQueue, when set (>= 0), bounds the ready queue; a request that
	// needs a core when it is full is rejected (spec §12).
	MaxQueue *int `json:"max_queue,omitempty" yaml:"max_queue,omitempty"`
}

// Endpoint is a named sequence of steps.
type Endpoint struct {
	// Name is the endpoint name, lower-cased on decoding.
	Name string `json:"endpoint_name" yaml:"endpoint_name"`
	// Probability is the optional chance of choosing this endpoint
	// (extension; AsyncFlow writes it but ignores it). Either every
	// endpoint of a server has one, each in [0, 1] and summing to 1, and
	// endpoints are chosen by it, or none has and the choice is uniform.
	Probability *float64 `json:"probability,omitempty" yaml:"probability,omitempty"`
	// Weight is the optional relative weight of this endpoint (extension,
	// spec §5): either every endpoint of a server has one, each >= 0 and
	// not all 0, and an endpoint is chosen with probability weight / sum,
	// or none has. A server uses probability or weight, not both.
	Weight *float64 `json:"weight,omitempty" yaml:"weight,omitempty"`
	// Steps are executed in order.
	Steps []Step `json:"steps" yaml:"steps"`
	// ErrorRate is the probability, in [0, 1], that a request responds
	// with an error after its last step (spec §12). Defaults to 0.
	ErrorRate float64 `json:"error_rate,omitempty" yaml:"error_rate,omitempty"`
}

// Step is one step of an endpoint: a CPU burst, a RAM reservation or an
// I/O wait, depending on its Kind.
type Step struct {
	// Kind is the step kind; its class decides the operation key.
	Kind StepKind `json:"kind" yaml:"kind"`
	// Operation is the step's single operation (`step_operation`).
	Operation Operation `json:"step_operation" yaml:"step_operation"`
}

// Operation is the one-key `step_operation` object. Exactly one of the
// fields is set after decoding; which one must match the step kind's class.
type Operation struct {
	// CPUTime is the CPU time in seconds of a CPU step.
	CPUTime *Quantity `json:"cpu_time,omitempty" yaml:"cpu_time,omitempty"`
	// NecessaryRAM is the RAM in MB of a RAM step.
	NecessaryRAM *float64 `json:"necessary_ram,omitempty" yaml:"necessary_ram,omitempty"`
	// IOWaitingTime is the waiting time in seconds of an I/O step.
	IOWaitingTime *Quantity `json:"io_waiting_time,omitempty" yaml:"io_waiting_time,omitempty"`
	// Call is the one call of a `call` step (spec §10).
	Call *Call `json:"call,omitempty" yaml:"call,omitempty"`
	// Calls are the calls of a `parallel` step, issued together (§10).
	Calls []Call `json:"calls,omitempty" yaml:"calls,omitempty"`
}

// Quantity is a step time: either a fixed positive number or, as a FastSim
// extension, a random variable sampled per request. It is written as a
// number when fixed and as an RV object otherwise (see MarshalJSON).
type Quantity struct {
	// Value is the fixed value; it is the mean when RV is set.
	Value float64
	// RV, when not nil, is sampled per request.
	RV *RV
}

// Mean returns the expected value of the quantity.
func (q Quantity) Mean() float64 {
	if q.RV != nil {
		return q.RV.Mean
	}
	return q.Value
}

// LoadBalancer spreads requests over servers (spec §4).
type LoadBalancer struct {
	// ID is the node id, unique across all nodes.
	ID string `json:"id" yaml:"id"`
	// Type is the optional `type` key; when present it must be "load_balancer".
	// Decode checks it and leaves Type empty, since it carries nothing.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// Algorithm is the routing algorithm. Defaults to round_robin.
	Algorithm Algorithm `json:"algorithms" yaml:"algorithms"`
	// ServerCovered lists the covered servers; empty means every server
	// the load balancer has an edge to.
	ServerCovered []string `json:"server_covered,omitempty" yaml:"server_covered,omitempty"`
	// Weights maps covered server ids to their positive integer weights,
	// used by weighted_round_robin only (allowed with no other algorithm).
	// A covered server missing from the map has weight DefaultLBWeight.
	Weights map[string]int `json:"weights,omitempty" yaml:"weights,omitempty"`
	// RateLimit, when set, is a token bucket in front of the load
	// balancer (spec §12); a rejection reaches the sender at once.
	RateLimit *RateLimit `json:"rate_limit,omitempty" yaml:"rate_limit,omitempty"`
}

// Load-balancer weights (LoadBalancer.Weights).
const (
	// DefaultLBWeight is the weight of a covered server absent from Weights.
	DefaultLBWeight = 1
	// MaxLBWeight is the largest accepted weight.
	MaxLBWeight = 1_000_000
)

// Edge is a network link (spec §4).
type Edge struct {
	// ID is the edge id, unique across edges.
	ID string `json:"id" yaml:"id"`
	// Source is a node id or the generator id.
	Source string `json:"source" yaml:"source"`
	// Target is a node id.
	Target string `json:"target" yaml:"target"`
	// Latency is the one-way latency distribution; mean > 0.
	Latency RV `json:"latency" yaml:"latency"`
	// EdgeType is the link type. Defaults to network_connection.
	EdgeType EdgeType `json:"edge_type" yaml:"edge_type"`
	// DropoutRate is the probability a request is lost on this edge, in
	// [0, 1]. Defaults to 0.01 (AsyncFlow's default) when the key is
	// absent from a document or Builder.Edge gets no Dropout option;
	// ApplyDefaults leaves it alone, since 0 is a meaningful value.
	DropoutRate float64 `json:"dropout_rate" yaml:"dropout_rate"`
}

// Settings is the `sim_settings` section (spec §7).
type Settings struct {
	// TotalSimulationTime is the horizon in whole seconds, >= 5.
	// Defaults to 3600.
	TotalSimulationTime int `json:"total_simulation_time" yaml:"total_simulation_time"`
	// SamplePeriodS is the sampling period in seconds, 0.001..0.1.
	// Defaults to 0.01.
	SamplePeriodS float64 `json:"sample_period_s" yaml:"sample_period_s"`
	// EnabledSampleMetrics lists the sampled metrics. Defaults to all four.
	EnabledSampleMetrics []SampleMetric `json:"enabled_sample_metrics" yaml:"enabled_sample_metrics"`
	// EnabledEventMetrics lists the event metrics. Defaults to [rqs_clock].
	EnabledEventMetrics []EventMetric `json:"enabled_event_metrics" yaml:"enabled_event_metrics"`
}

// Event is an injected fault: a server outage or a network spike (spec §6).
type Event struct {
	// ID is the event id, unique across events.
	ID string `json:"event_id" yaml:"event_id"`
	// TargetID is a server id (outage) or an edge id (spike).
	TargetID string `json:"target_id" yaml:"target_id"`
	// Start opens the window.
	Start EventStart `json:"start" yaml:"start"`
	// End closes the window.
	End EventEnd `json:"end" yaml:"end"`
}

// EventStart opens an event window.
type EventStart struct {
	// Kind is server_down or network_spike_start.
	Kind EventKind `json:"kind" yaml:"kind"`
	// TStart is the start time in seconds, >= 0.
	TStart float64 `json:"t_start" yaml:"t_start"`
	// SpikeS is the added latency in seconds of a network spike, > 0.
	SpikeS *float64 `json:"spike_s,omitempty" yaml:"spike_s,omitempty"`
}

// EventEnd closes an event window.
type EventEnd struct {
	// Kind is server_up or network_spike_end.
	Kind EventKind `json:"kind" yaml:"kind"`
	// TEnd is the end time in seconds, > TStart and <= the horizon.
	TEnd float64 `json:"t_end" yaml:"t_end"`
}
