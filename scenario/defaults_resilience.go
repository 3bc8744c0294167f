package scenario

// Defaults of the overload and resilience keys (spec §12) and of
// autoscaling (§13).
const (
	// DefaultBackoffInitialS is retry.backoff.initial_s in seconds.
	DefaultBackoffInitialS = 0.1
	// DefaultBackoffMultiplier is retry.backoff.multiplier.
	DefaultBackoffMultiplier = 2.0
	// DefaultBackoffMaxS is retry.backoff.max_s in seconds.
	DefaultBackoffMaxS = 10.0
	// DefaultJitter is retry.backoff.jitter.
	DefaultJitter = JitterFull
	// DefaultFailureRate is circuit_breaker.failure_rate.
	DefaultFailureRate = 0.5
	// DefaultMinCalls is circuit_breaker.min_calls.
	DefaultMinCalls = 20
	// DefaultWindowS is circuit_breaker.window_s in seconds.
	DefaultWindowS = 10.0
	// DefaultOpenS is circuit_breaker.open_s in seconds.
	DefaultOpenS = 5.0
	// DefaultHalfOpenCalls is circuit_breaker.half_open_calls.
	DefaultHalfOpenCalls = 1
	// DefaultAutoscalingMetric is autoscaling.metric.
	DefaultAutoscalingMetric = MetricUtilization
	// DefaultEveryS is autoscaling.every_s in seconds.
	DefaultEveryS = 15.0
	// DefaultUpCooldownS is autoscaling.up_cooldown_s in seconds.
	DefaultUpCooldownS = 0.0
	// DefaultDownCooldownS is autoscaling.down_cooldown_s in seconds.
	DefaultDownCooldownS = 300.0
	// DefaultStartupS is autoscaling.startup_s in seconds.
	DefaultStartupS = 0.0
)

// DefaultRetryOn returns the default retry.retry_on, a new slice of
// [timed_out, rejected, failed] each time.
func DefaultRetryOn() []Outcome {
	return append([]Outcome(nil), RetryOutcomes...)
}

// applyDefaults fills the unset keys of a retry: its backoff, and
// retry_on when nil (an empty, non-nil list is kept, and is invalid).
// MaxAttempts has no default.
func (r *Retry) applyDefaults() {
	r.Backoff.applyDefaults()
	if r.RetryOn == nil {
		r.RetryOn = DefaultRetryOn()
	}
}

// applyDefaults fills initial_s, max_s (when nil), multiplier and jitter
// (when zero).
func (b *Backoff) applyDefaults() {
	if b.InitialS == nil {
		x := DefaultBackoffInitialS
		b.InitialS = &x
	}
	if b.Multiplier == 0 {
		b.Multiplier = DefaultBackoffMultiplier
	}
	if b.MaxS == nil {
		x := DefaultBackoffMaxS
		b.MaxS = &x
	}
	if b.Jitter == "" {
		b.Jitter = DefaultJitter
	}
}

// WithDefaults returns cb with every zero key set to its spec §12
// default (none of them accepts 0), as ApplyDefaults does.
func (cb CircuitBreaker) WithDefaults() CircuitBreaker {
	cb.applyDefaults()
	return cb
}

// applyDefaults fills every zero key of a circuit breaker (none of them
// accepts 0).
func (cb *CircuitBreaker) applyDefaults() {
	if cb.FailureRate == 0 {
		cb.FailureRate = DefaultFailureRate
	}
	if cb.MinCalls == 0 {
		cb.MinCalls = DefaultMinCalls
	}
	if cb.WindowS == 0 {
		cb.WindowS = DefaultWindowS
	}
	if cb.OpenS == 0 {
		cb.OpenS = DefaultOpenS
	}
	if cb.HalfOpenCalls == 0 {
		cb.HalfOpenCalls = DefaultHalfOpenCalls
	}
}

// applyDefaults sets a zero burst to max(1, rps).
func (rl *RateLimit) applyDefaults() {
	if rl.Burst == 0 {
		rl.Burst = max(1, rl.RPS)
	}
}

// applyDefaults fills metric and every_s (when zero), down_cooldown_s
// and startup_s (when nil). UpCooldownS defaults to 0, its zero value.
// MinReplicas, MaxReplicas and Target have no default.
func (a *Autoscaling) applyDefaults() {
	if a.Metric == "" {
		a.Metric = DefaultAutoscalingMetric
	}
	if a.EveryS == 0 {
		a.EveryS = DefaultEveryS
	}
	if a.DownCooldownS == nil {
		x := DefaultDownCooldownS
		a.DownCooldownS = &x
	}
	if a.StartupS == nil {
		q := Fixed(DefaultStartupS)
		a.StartupS = &q
	}
}

// defaultReplicas sets the replicas of an autoscaled server that has none
// to its min_replicas (spec §13: the run starts with `replicas`
// instances, default min_replicas). An invalid min_replicas is left to
// validation and replicas stays unset.
func (s *Server) defaultReplicas() {
	if a := s.Autoscaling; a != nil && s.Replicas == nil && a.MinReplicas >= 1 && a.MinReplicas <= MaxReplicas {
		n := a.MinReplicas
		s.Replicas = &n
	}
}

// applyResilienceDefaults applies the defaults of spec §12 and §13 to the
// client, the servers, their calls and the load balancers.
func (sc *Scenario) applyResilienceDefaults() {
	c := &sc.Topology.Nodes.Client
	if c.Retry != nil {
		c.Retry.applyDefaults()
	}
	if c.CircuitBreaker != nil {
		c.CircuitBreaker.applyDefaults()
	}
	for i := range sc.Topology.Nodes.Servers {
		s := &sc.Topology.Nodes.Servers[i]
		if s.RateLimit != nil {
			s.RateLimit.applyDefaults()
		}
		if s.Autoscaling != nil {
			s.Autoscaling.applyDefaults()
			defaultQuantity(s.Autoscaling.StartupS)
		}
		s.defaultReplicas()
		for j := range s.Endpoints {
			for k := range s.Endpoints[j].Steps {
				op := &s.Endpoints[j].Steps[k].Operation
				if op.Call != nil {
					op.Call.applyResilienceDefaults()
				}
				for n := range op.Calls {
					op.Calls[n].applyResilienceDefaults()
				}
			}
		}
	}
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		if lb.RateLimit != nil {
			lb.RateLimit.applyDefaults()
		}
	}
}

// applyResilienceDefaults applies the defaults of a call's retry and
// circuit breaker.
func (c *Call) applyResilienceDefaults() {
	if c.Retry != nil {
		c.Retry.applyDefaults()
	}
	if c.CircuitBreaker != nil {
		c.CircuitBreaker.applyDefaults()
	}
}
