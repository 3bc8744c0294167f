package scenario

// Service calls (spec §10), several load balancers and replicas (§13).

// The step kinds of spec §10. Their class is ClassCall.
const (
	// CallStep awaits one call to another server or load balancer.
	CallStep StepKind = "call"
	// ParallelStep awaits several calls issued at the same instant (a join).
	ParallelStep StepKind = "parallel"
)

// Call is one call of a `call` or `parallel` step: the caller's request
// awaits a sub-request to Target (spec §10).
type Call struct {
	// Target is the id of a server or a load balancer; the edge from the
	// calling server to it must exist.
	Target string `json:"target" yaml:"target"`
	// Endpoint is the target's endpoint to run, lower-cased on decoding;
	// empty means one is chosen as for a request from the client (§5).
	Endpoint string `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	// OnFailure is what a failed call does to the caller's request.
	// Defaults to fail.
	OnFailure OnFailure `json:"on_failure,omitempty" yaml:"on_failure,omitempty"`
	// TimeoutS, when set (> 0), is each attempt's deadline (spec §12).
	TimeoutS *float64 `json:"timeout_s,omitempty" yaml:"timeout_s,omitempty"`
	// Retry, when set, retries failed attempts of the call (spec §12).
	Retry *Retry `json:"retry,omitempty" yaml:"retry,omitempty"`
	// CircuitBreaker, when set, guards the call's attempts (spec §12).
	CircuitBreaker *CircuitBreaker `json:"circuit_breaker,omitempty" yaml:"circuit_breaker,omitempty"`
}

// OnFailure is what a failed call does to the calling request.
type OnFailure string

// The values of `on_failure`.
const (
	// FailOnFailure fails the request at the calling server: it releases
	// what it holds and responds with an error. The default.
	FailOnFailure OnFailure = "fail"
	// ContinueOnFailure goes on with the next step (a fallback).
	ContinueOnFailure OnFailure = "continue"
)

// OnFailures lists the accepted `on_failure` values.
var OnFailures = []OnFailure{FailOnFailure, ContinueOnFailure}

// DefaultOnFailure is the default `on_failure`.
const DefaultOnFailure = FailOnFailure

// MaxReplicas bounds a server's `replicas`, so that the instances of a
// run stay a bounded resource.
const MaxReplicas = 1000

// MaxParallelCalls bounds the calls of one `parallel` step.
const MaxParallelCalls = 64

// ReplicaCount returns the number of instances the server starts with:
// its `replicas`; when unset, its autoscaling's min_replicas (spec §13;
// ApplyDefaults and Decode also write it into Replicas); otherwise 1.
func (s Server) ReplicaCount() int {
	switch {
	case s.Replicas != nil:
		return *s.Replicas
	case s.Autoscaling != nil && s.Autoscaling.MinReplicas >= 1:
		return s.Autoscaling.MinReplicas
	}
	return 1
}

// MaxInstances returns the most instances the server can have at once:
// its autoscaling's max_replicas when it autoscales (the engine
// preallocates them, named `<id>#1` … `<id>#max`), otherwise its
// ReplicaCount. It is never less than ReplicaCount.
func (s Server) MaxInstances() int {
	if s.Autoscaling != nil {
		return max(s.Autoscaling.MaxReplicas, s.ReplicaCount())
	}
	return s.ReplicaCount()
}

// Scaled reports whether the server has several instances or may have:
// replicas other than 1, or autoscaling. Such a server is reached only
// through a load balancer, and events may target one of its instances.
func (s Server) Scaled() bool {
	return s.ReplicaCount() != 1 || s.Autoscaling != nil
}

// InstanceCount returns the number of server instances the scenario may
// run: the sum of its servers' MaxInstances (replicas, or max_replicas
// for an autoscaled server, whose instances the engine preallocates).
// Each instance has its own queues and sampled series, so limits on
// servers count instances.
func (sc *Scenario) InstanceCount() int {
	n := 0
	for _, s := range sc.Topology.Nodes.Servers {
		n += s.MaxInstances()
	}
	return n
}

// AllLoadBalancers returns every load balancer of the topology:
// `load_balancer` first when set, then `load_balancers` in order. The
// pointers refer to the scenario's own values.
func (n *Nodes) AllLoadBalancers() []*LoadBalancer {
	var lbs []*LoadBalancer
	if n.LoadBalancer != nil {
		lbs = append(lbs, n.LoadBalancer)
	}
	for i := range n.LoadBalancers {
		lbs = append(lbs, &n.LoadBalancers[i])
	}
	return lbs
}

// HasServiceGraph reports whether the scenario uses a construct of spec
// §10 or §13: a call or parallel step, `load_balancers` or a server with
// `replicas` other than 1 or with autoscaling.
func (sc *Scenario) HasServiceGraph() bool {
	if len(sc.Topology.Nodes.LoadBalancers) > 0 {
		return true
	}
	for _, s := range sc.Topology.Nodes.Servers {
		if s.Scaled() {
			return true
		}
		for _, e := range s.Endpoints {
			for _, st := range e.Steps {
				if st.Kind.Class() == ClassCall {
					return true
				}
			}
		}
	}
	return false
}

// hasCalls reports whether any endpoint has a call or parallel step.
func (sc *Scenario) hasCalls() bool {
	for _, s := range sc.Topology.Nodes.Servers {
		for _, e := range s.Endpoints {
			for _, st := range e.Steps {
				if st.Kind.Class() == ClassCall {
					return true
				}
			}
		}
	}
	return false
}

// StepCalls returns the calls of a call or parallel step (nil for any
// other step).
func (st Step) StepCalls() []Call {
	if st.Operation.Call != nil {
		return []Call{*st.Operation.Call}
	}
	return st.Operation.Calls
}

// HasResilience reports whether the scenario uses a key of spec §12: the
// client's or a call's `timeout_s`, `retry` or `circuit_breaker`, a
// server's `max_concurrency`, `max_queue` or `rate_limit`, a load
// balancer's `rate_limit`, or an endpoint's `error_rate` above 0. The
// engine then tracks attempts and outcomes and the result has `outcomes`;
// without, a scenario runs as in Part I.
func (sc *Scenario) HasResilience() bool {
	n := &sc.Topology.Nodes
	if c := n.Client; c.TimeoutS != nil || c.Retry != nil || c.CircuitBreaker != nil {
		return true
	}
	for _, lb := range n.AllLoadBalancers() {
		if lb.RateLimit != nil {
			return true
		}
	}
	for _, s := range n.Servers {
		if s.RateLimit != nil || s.Resources.MaxConcurrency != nil || s.Resources.MaxQueue != nil {
			return true
		}
		for _, e := range s.Endpoints {
			if e.ErrorRate > 0 {
				return true
			}
			for _, st := range e.Steps {
				for _, c := range st.StepCalls() {
					if c.TimeoutS != nil || c.Retry != nil || c.CircuitBreaker != nil {
						return true
					}
				}
			}
		}
	}
	return false
}
