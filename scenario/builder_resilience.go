package scenario

import "strings"

// Builder methods for overload and resilience (spec §12) and autoscaling
// (§13). Keys left out get their defaults in Build, as in a document.

// ClientTimeout sets the client's `timeout_s`: each attempt's deadline in
// seconds.
func (b *Builder) ClientTimeout(seconds float64) *Builder {
	b.sc.Topology.Nodes.Client.TimeoutS = &seconds
	return b
}

// ClientRetry sets the client's `retry`.
func (b *Builder) ClientRetry(r Retry) *Builder {
	b.sc.Topology.Nodes.Client.Retry = cloneRetry(&r)
	return b
}

// ClientBreaker sets the client's `circuit_breaker`.
func (b *Builder) ClientBreaker(cb CircuitBreaker) *Builder {
	b.sc.Topology.Nodes.Client.CircuitBreaker = &cb
	return b
}

// LBRateLimit sets the `rate_limit` of the load balancer with the given
// id (`load_balancer` or one of `load_balancers`), which must have been
// added before.
func (b *Builder) LBRateLimit(id string, rps, burst float64) *Builder {
	for _, lb := range b.sc.Topology.Nodes.AllLoadBalancers() {
		if lb.ID == id {
			lb.RateLimit = &RateLimit{RPS: rps, Burst: burst}
			return b
		}
	}
	b.misuse.add(nodesPath, "LBRateLimit names load balancer %q, which is not added yet; add it first", id)
	return b
}

// RetryOf returns a retry policy of maxAttempts attempts (the first one
// included) with the given jitter; the other keys get their defaults
// (spec §12).
func RetryOf(maxAttempts int, jitter Jitter) Retry {
	return Retry{MaxAttempts: maxAttempts, Backoff: Backoff{Jitter: jitter}}
}

// WithBackoff returns r with an exponential backoff of initialS seconds,
// growing by multiplier up to maxS.
func (r Retry) WithBackoff(initialS, multiplier, maxS float64) Retry {
	r.Backoff.InitialS, r.Backoff.Multiplier, r.Backoff.MaxS = &initialS, multiplier, &maxS
	return r
}

// WithRetryOn returns r retrying only the given outcomes.
func (r Retry) WithRetryOn(outcomes ...Outcome) Retry {
	r.RetryOn = append([]Outcome(nil), outcomes...)
	return r
}

// WithTimeout returns the call with `timeout_s` set.
func (c Call) WithTimeout(seconds float64) Call {
	c.TimeoutS = &seconds
	return c
}

// WithRetry returns the call with `retry` set.
func (c Call) WithRetry(r Retry) Call {
	c.Retry = cloneRetry(&r)
	return c
}

// WithBreaker returns the call with `circuit_breaker` set.
func (c Call) WithBreaker(cb CircuitBreaker) Call {
	c.CircuitBreaker = &cb
	return c
}

// MaxConcurrency sets `max_concurrency`: the most requests inside the
// server at once.
func (sb *ServerBuilder) MaxConcurrency(n int) *ServerBuilder {
	sb.s.Resources.MaxConcurrency = &n
	return sb
}

// MaxQueue sets `max_queue`: the most requests waiting for a core.
func (sb *ServerBuilder) MaxQueue(n int) *ServerBuilder {
	sb.s.Resources.MaxQueue = &n
	return sb
}

// RateLimit sets the server's `rate_limit`: a token bucket of capacity
// burst (0: the default, max(1, rps)) refilled at rps per second.
func (sb *ServerBuilder) RateLimit(rps, burst float64) *ServerBuilder {
	sb.s.RateLimit = &RateLimit{RPS: rps, Burst: burst}
	return sb
}

// Autoscale sets the server's `autoscaling`.
func (sb *ServerBuilder) Autoscale(a Autoscaling) *ServerBuilder {
	sb.s.Autoscaling = cloneAutoscaling(&a)
	return sb
}

// CostPerReplicaHour sets `cost_per_replica_hour`.
func (sb *ServerBuilder) CostPerReplicaHour(cost float64) *ServerBuilder {
	sb.s.CostPerReplicaHour = &cost
	return sb
}

// FailingEndpoint adds an endpoint, chosen uniformly among the server's
// endpoints, that responds with an error with probability errorRate after
// its last step (`error_rate`).
func (sb *ServerBuilder) FailingEndpoint(name string, errorRate float64, steps ...Step) *ServerBuilder {
	sb.s.Endpoints = append(sb.s.Endpoints, Endpoint{Name: strings.ToLower(name), Steps: cloneSteps(steps), ErrorRate: errorRate})
	return sb
}
