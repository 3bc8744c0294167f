package scenario

// Bounds of the overload and resilience keys (spec §12) and of
// autoscaling (§13).
const (
	// MaxRetryAttempts bounds retry.max_attempts: more attempts than this
	// per request model nothing real and only multiply the work.
	MaxRetryAttempts = 100
	// MinAutoscalingEveryS is the shortest autoscaling.every_s, in
	// seconds, which bounds the number of scaling decisions of a run.
	MinAutoscalingEveryS = 0.01
)

// timeout checks a client's or a call's timeout_s: > 0 and finite.
func (v *validator) timeout(p string, t *float64) {
	if t != nil && v.finite(p, *t) && *t <= 0 {
		v.add(p, "must be a positive number of seconds, got %v (remove the key for no deadline)", *t)
	}
}

// resilience checks the timeout_s, retry and circuit_breaker of the
// client or of a call, at path p.
func (v *validator) resilience(p string, timeout *float64, r *Retry, cb *CircuitBreaker) {
	v.timeout(p+".timeout_s", timeout)
	if r != nil {
		v.retry(p+".retry", *r)
	}
	if cb != nil {
		v.breaker(p+".circuit_breaker", *cb)
	}
}

// retry checks a retry: max_attempts in 1..MaxRetryAttempts, the backoff
// and retry_on.
func (v *validator) retry(p string, r Retry) {
	if r.MaxAttempts < 1 || r.MaxAttempts > MaxRetryAttempts {
		v.add(p+".max_attempts", "must be a whole number in 1..%d (it counts the first attempt), got %d", MaxRetryAttempts, r.MaxAttempts)
	}
	b, bp := r.Backoff, p+".backoff"
	initialOK := false
	switch {
	case b.InitialS == nil:
		v.add(bp+".initial_s", "is missing (call ApplyDefaults for the %v default)", DefaultBackoffInitialS)
	case !v.finite(bp+".initial_s", *b.InitialS):
	case *b.InitialS < 0:
		v.add(bp+".initial_s", "must be >= 0 seconds, got %v", *b.InitialS)
	default:
		initialOK = true
	}
	if v.finite(bp+".multiplier", b.Multiplier) && b.Multiplier < 1 {
		v.add(bp+".multiplier", "must be >= 1, got %v", b.Multiplier)
	}
	switch {
	case b.MaxS == nil:
		v.add(bp+".max_s", "is missing (call ApplyDefaults for the %v default)", DefaultBackoffMaxS)
	case !v.finite(bp+".max_s", *b.MaxS):
	case *b.MaxS < 0:
		v.add(bp+".max_s", "must be >= 0 seconds, got %v", *b.MaxS)
	case initialOK && *b.MaxS < *b.InitialS:
		v.add(bp+".max_s", "must be >= initial_s (%v), got %v", *b.InitialS, *b.MaxS)
	}
	if !contains(Jitters, b.Jitter) {
		v.add(bp+".jitter", "unknown value %q; accepted values: %s", b.Jitter, enumList(Jitters))
	}
	if len(r.RetryOn) == 0 {
		v.add(p+".retry_on", "must list at least one outcome of: %s (remove the key for all of them; max_attempts: 1 retries nothing)", enumList(RetryOutcomes))
	}
	checkList(v, p+".retry_on", r.RetryOn, RetryOutcomes)
}

// breaker checks a circuit breaker: failure_rate in (0, 1], min_calls >=
// 1, window_s > 0, open_s > 0, half_open_calls >= 1.
func (v *validator) breaker(p string, cb CircuitBreaker) {
	if v.finite(p+".failure_rate", cb.FailureRate) && (cb.FailureRate <= 0 || cb.FailureRate > 1) {
		v.add(p+".failure_rate", "must be a share in (0, 1], got %v", cb.FailureRate)
	}
	if cb.MinCalls < 1 {
		v.add(p+".min_calls", "must be a whole number >= 1, got %d", cb.MinCalls)
	}
	if v.finite(p+".window_s", cb.WindowS) && cb.WindowS <= 0 {
		v.add(p+".window_s", "must be a positive number of seconds, got %v", cb.WindowS)
	}
	if v.finite(p+".open_s", cb.OpenS) && cb.OpenS <= 0 {
		v.add(p+".open_s", "must be a positive number of seconds, got %v", cb.OpenS)
	}
	if cb.HalfOpenCalls < 1 {
		v.add(p+".half_open_calls", "must be a whole number >= 1, got %d", cb.HalfOpenCalls)
	}
}

// rateLimit checks a token bucket: rps > 0 (at most MaxRequestRate),
// burst >= 1.
func (v *validator) rateLimit(p string, rl *RateLimit) {
	if rl == nil {
		return
	}
	if v.finite(p+".rps", rl.RPS) && (rl.RPS <= 0 || rl.RPS > MaxRequestRate) {
		v.add(p+".rps", "must be a number of requests per second in (0, %g], got %v", MaxRequestRate, rl.RPS)
	}
	if v.finite(p+".burst", rl.Burst) && rl.Burst < 1 {
		v.add(p+".burst", "must be >= 1 (the bucket holds at least one token), got %v (remove the key for max(1, rps))", rl.Burst)
	}
}

// admission checks max_concurrency >= 1 and max_queue >= 0.
func (v *validator) admission(rp string, r ServerResources) {
	if r.MaxConcurrency != nil && *r.MaxConcurrency < 1 {
		v.add(rp+".max_concurrency", "must be a whole number >= 1 when set, got %d (remove the key for no limit)", *r.MaxConcurrency)
	}
	if r.MaxQueue != nil && *r.MaxQueue < 0 {
		v.add(rp+".max_queue", "must be a whole number >= 0 when set, got %d (remove the key for an unbounded queue)", *r.MaxQueue)
	}
}

// errorRate checks an endpoint's error_rate, a probability.
func (v *validator) errorRate(p string, rate float64) {
	if v.finite(p, rate) && (rate < 0 || rate > 1) {
		v.add(p, "must be a probability in [0, 1], got %v", rate)
	}
}

// scaling checks a server's autoscaling, its replicas against it, and
// cost_per_replica_hour.
func (v *validator) scaling(p string, s Server) {
	if c := s.CostPerReplicaHour; c != nil && v.finite(p+".cost_per_replica_hour", *c) && *c < 0 {
		v.add(p+".cost_per_replica_hour", "must be >= 0, got %v", *c)
	}
	a := s.Autoscaling
	if a == nil {
		return
	}
	ap := p + ".autoscaling"
	minOK := a.MinReplicas >= 1 && a.MinReplicas <= MaxReplicas
	if !minOK {
		v.add(ap+".min_replicas", "must be a whole number in 1..%d, got %d", MaxReplicas, a.MinReplicas)
	}
	switch {
	case a.MaxReplicas < 1 || a.MaxReplicas > MaxReplicas:
		v.add(ap+".max_replicas", "must be a whole number in 1..%d, got %d", MaxReplicas, a.MaxReplicas)
	case minOK && a.MaxReplicas < a.MinReplicas:
		v.add(ap+".max_replicas", "must be >= min_replicas (%d), got %d", a.MinReplicas, a.MaxReplicas)
	case s.Replicas != nil && *s.Replicas >= 1 && *s.Replicas <= MaxReplicas && minOK && (*s.Replicas < a.MinReplicas || *s.Replicas > a.MaxReplicas):
		v.add(p+".replicas", "must be in min_replicas..max_replicas (%d..%d) with autoscaling, got %d (remove it to start with min_replicas)", a.MinReplicas, a.MaxReplicas, *s.Replicas)
	}
	if !contains(AutoscalingMetrics, a.Metric) {
		v.add(ap+".metric", "unknown value %q; accepted values: %s", a.Metric, enumList(AutoscalingMetrics))
	}
	if v.finite(ap+".target", a.Target) {
		switch {
		case a.Target <= 0:
			v.add(ap+".target", "must be > 0, got %v", a.Target)
		case a.Metric == MetricUtilization && a.Target > 1:
			v.add(ap+".target", "must be in (0, 1] for metric utilization (busy cores / cores), got %v", a.Target)
		}
	}
	if v.finite(ap+".every_s", a.EveryS) && a.EveryS < MinAutoscalingEveryS {
		v.add(ap+".every_s", "must be a number of seconds >= %v, got %v", MinAutoscalingEveryS, a.EveryS)
	}
	if v.finite(ap+".up_cooldown_s", a.UpCooldownS) && a.UpCooldownS < 0 {
		v.add(ap+".up_cooldown_s", "must be >= 0 seconds, got %v", a.UpCooldownS)
	}
	if a.DownCooldownS == nil {
		v.add(ap+".down_cooldown_s", "is missing (call ApplyDefaults for the %v default)", DefaultDownCooldownS)
	} else if v.finite(ap+".down_cooldown_s", *a.DownCooldownS) && *a.DownCooldownS < 0 {
		v.add(ap+".down_cooldown_s", "must be >= 0 seconds, got %v", *a.DownCooldownS)
	}
	v.startup(ap+".startup_s", a.StartupS)
}

// startup checks autoscaling.startup_s: a number >= 0 or a random
// variable of a time (mean > 0); nil means 0.
func (v *validator) startup(p string, q *Quantity) {
	switch {
	case q == nil:
	case q.RV != nil:
		v.rv(p, *q.RV, rvUse{what: "a start-up delay", duration: true})
	case v.finite(p, q.Value) && q.Value < 0:
		v.add(p, "must be a number of seconds >= 0 (or a random variable {mean, distribution, variance} with mean > 0), got %v", q.Value)
	}
}
