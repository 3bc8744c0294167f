package scenario

import "go.yaml.in/yaml/v3"

// Decoding of the overload and resilience keys (spec §12) and of
// autoscaling (§13). Each decoder starts from the defaults, so that a
// key written with an out-of-range value (multiplier: 0, say) keeps it
// and is reported by validation instead of being replaced by the default.

// retry decodes a `retry` mapping of the client or of a call.
func (d *decoder) retry(n *yaml.Node, path string) *Retry {
	r := &Retry{}
	r.Backoff.applyDefaults()
	d.object(n, path, []field{
		{"max_attempts", true, func(n *yaml.Node, p string) { d.int(n, p, &r.MaxAttempts) }},
		{"backoff", false, func(n *yaml.Node, p string) { d.backoff(n, p, &r.Backoff) }},
		{"retry_on", false, func(n *yaml.Node, p string) {
			listOf(d, n, p, "outcomes", &r.RetryOn, func(n *yaml.Node, p string, o *Outcome) { enum(d, n, p, RetryOutcomes, o) })
		}},
	})
	if r.RetryOn == nil {
		r.RetryOn = DefaultRetryOn()
	}
	return r
}

// backoff decodes `retry.backoff` into b, which holds the defaults.
func (d *decoder) backoff(n *yaml.Node, path string, b *Backoff) {
	d.object(n, path, []field{
		{"initial_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &b.InitialS) }},
		{"multiplier", false, func(n *yaml.Node, p string) { d.float(n, p, &b.Multiplier) }},
		{"max_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &b.MaxS) }},
		{"jitter", false, func(n *yaml.Node, p string) { enum(d, n, p, Jitters, &b.Jitter) }},
	})
}

// circuitBreaker decodes a `circuit_breaker` mapping of the client or of
// a call; every key has a default.
func (d *decoder) circuitBreaker(n *yaml.Node, path string) *CircuitBreaker {
	cb := &CircuitBreaker{}
	cb.applyDefaults()
	d.object(n, path, []field{
		{"failure_rate", false, func(n *yaml.Node, p string) { d.float(n, p, &cb.FailureRate) }},
		{"min_calls", false, func(n *yaml.Node, p string) { d.int(n, p, &cb.MinCalls) }},
		{"window_s", false, func(n *yaml.Node, p string) { d.float(n, p, &cb.WindowS) }},
		{"open_s", false, func(n *yaml.Node, p string) { d.float(n, p, &cb.OpenS) }},
		{"half_open_calls", false, func(n *yaml.Node, p string) { d.int(n, p, &cb.HalfOpenCalls) }},
	})
	return cb
}

// rateLimit decodes a `rate_limit` mapping of a server or a load
// balancer. An absent burst defaults to max(1, rps).
func (d *decoder) rateLimit(n *yaml.Node, path string) *RateLimit {
	rl := &RateLimit{}
	burst := false
	d.object(n, path, []field{
		{"rps", true, func(n *yaml.Node, p string) { d.float(n, p, &rl.RPS) }},
		{"burst", false, func(n *yaml.Node, p string) {
			burst = true
			d.float(n, p, &rl.Burst)
		}},
	})
	if !burst {
		rl.applyDefaults()
	}
	return rl
}

// autoscaling decodes a server's `autoscaling` mapping.
func (d *decoder) autoscaling(n *yaml.Node, path string) *Autoscaling {
	a := &Autoscaling{}
	a.applyDefaults()
	d.object(n, path, []field{
		{"min_replicas", true, func(n *yaml.Node, p string) { d.int(n, p, &a.MinReplicas) }},
		{"max_replicas", true, func(n *yaml.Node, p string) { d.int(n, p, &a.MaxReplicas) }},
		{"metric", false, func(n *yaml.Node, p string) { enum(d, n, p, AutoscalingMetrics, &a.Metric) }},
		{"target", true, func(n *yaml.Node, p string) { d.float(n, p, &a.Target) }},
		{"every_s", false, func(n *yaml.Node, p string) { d.float(n, p, &a.EveryS) }},
		{"up_cooldown_s", false, func(n *yaml.Node, p string) { d.float(n, p, &a.UpCooldownS) }},
		{"down_cooldown_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &a.DownCooldownS) }},
		{"startup_s", false, func(n *yaml.Node, p string) {
			if q := d.quantityOf(n, p, "a number of seconds >= 0"); q != nil {
				a.StartupS = q
			}
		}},
	})
	return a
}
