package scenario

// Overload and resilience (spec §12) and autoscaling (§13): the types of
// the keys. Their decoding, defaults and validation are in
// decode_resilience.go, defaults_resilience.go and validate_resilience.go.

// Outcome is the outcome of an attempt or a request (spec §12).
type Outcome string

// The outcomes of spec §12.
const (
	// OutcomeCompleted is a successful response.
	OutcomeCompleted Outcome = "completed"
	// OutcomeFailed is an error response: an endpoint's error_rate, an
	// outage, or a failed call.
	OutcomeFailed Outcome = "failed"
	// OutcomeRejected is a refusal: admission (max_concurrency,
	// max_queue), a rate limit or an open circuit breaker.
	OutcomeRejected Outcome = "rejected"
	// OutcomeTimedOut is an attempt whose deadline passed first.
	OutcomeTimedOut Outcome = "timed_out"
	// OutcomeDropped is an attempt lost on an edge.
	OutcomeDropped Outcome = "dropped"
)

// RetryOutcomes lists the outcomes `retry_on` accepts.
var RetryOutcomes = []Outcome{OutcomeTimedOut, OutcomeRejected, OutcomeFailed}

// Jitter is how a retry's backoff delay is randomised (spec §12).
type Jitter string

// The values of `jitter`.
const (
	// JitterNone waits the delay itself.
	JitterNone Jitter = "none"
	// JitterFull waits a uniform time on [0, delay]. The default.
	JitterFull Jitter = "full"
	// JitterEqual waits delay/2 plus a uniform time on [0, delay/2].
	JitterEqual Jitter = "equal"
)

// Jitters lists the accepted `jitter` values.
var Jitters = []Jitter{JitterNone, JitterFull, JitterEqual}

// Retry is the `retry` key of the client or of a call (spec §12).
type Retry struct {
	// MaxAttempts counts the first attempt; >= 1.
	MaxAttempts int `json:"max_attempts" yaml:"max_attempts"`
	// Backoff is the delay before each retry.
	Backoff Backoff `json:"backoff" yaml:"backoff"`
	// RetryOn lists the outcomes that are retried. Defaults to
	// [timed_out, rejected, failed].
	RetryOn []Outcome `json:"retry_on" yaml:"retry_on"`
}

// Backoff is the delay before attempt k+1: min(MaxS, InitialS ·
// Multiplier^(k-1)), randomised by Jitter (spec §12).
type Backoff struct {
	// InitialS is the first delay in seconds, >= 0. Defaults to 0.1.
	InitialS *float64 `json:"initial_s,omitempty" yaml:"initial_s,omitempty"`
	// Multiplier is the growth factor, >= 1. Defaults to 2.
	Multiplier float64 `json:"multiplier" yaml:"multiplier"`
	// MaxS caps the delay in seconds, >= InitialS. Defaults to 10.
	MaxS *float64 `json:"max_s,omitempty" yaml:"max_s,omitempty"`
	// Jitter randomises the delay. Defaults to full.
	Jitter Jitter `json:"jitter" yaml:"jitter"`
}

// CircuitBreaker is the `circuit_breaker` key of the client or of a call
// (spec §12): closed, it opens when at least MinCalls attempts finished
// in the last WindowS seconds and the share of failures reaches
// FailureRate; open, it rejects every attempt for OpenS seconds; then
// half-open, it lets HalfOpenCalls attempts through and closes if all
// succeed, or opens again.
type CircuitBreaker struct {
	// FailureRate is in (0, 1]. Defaults to 0.5.
	FailureRate float64 `json:"failure_rate" yaml:"failure_rate"`
	// MinCalls is >= 1. Defaults to 20.
	MinCalls int `json:"min_calls" yaml:"min_calls"`
	// WindowS is the counting window in seconds, > 0. Defaults to 10.
	WindowS float64 `json:"window_s" yaml:"window_s"`
	// OpenS is how long it stays open, in seconds, > 0. Defaults to 5.
	OpenS float64 `json:"open_s" yaml:"open_s"`
	// HalfOpenCalls is >= 1. Defaults to 1.
	HalfOpenCalls int `json:"half_open_calls" yaml:"half_open_calls"`
}

// RateLimit is the `rate_limit` key of a server or a load balancer: a
// token bucket of capacity Burst refilled at RPS tokens per second, full
// at time 0 (spec §12).
type RateLimit struct {
	// RPS is the refill rate, > 0.
	RPS float64 `json:"rps" yaml:"rps"`
	// Burst is the capacity, >= 1. Defaults to max(1, RPS).
	Burst float64 `json:"burst" yaml:"burst"`
}

// AutoscalingMetric is what an autoscaler observes (spec §13).
type AutoscalingMetric string

// The values of `autoscaling.metric`.
const (
	// MetricUtilization is busy cores / cores. The default.
	MetricUtilization AutoscalingMetric = "utilization"
	// MetricConcurrency is the requests inside per instance.
	MetricConcurrency AutoscalingMetric = "concurrency"
)

// AutoscalingMetrics lists the accepted `metric` values.
var AutoscalingMetrics = []AutoscalingMetric{MetricUtilization, MetricConcurrency}

// Autoscaling is a server's `autoscaling` key (spec §13): every EveryS
// seconds the desired count is ceil(current · observed / Target), clamped
// to [MinReplicas, MaxReplicas].
type Autoscaling struct {
	// MinReplicas is >= 1.
	MinReplicas int `json:"min_replicas" yaml:"min_replicas"`
	// MaxReplicas is >= MinReplicas and <= MaxReplicas (the constant).
	MaxReplicas int `json:"max_replicas" yaml:"max_replicas"`
	// Metric is observed over each period. Defaults to utilization.
	Metric AutoscalingMetric `json:"metric" yaml:"metric"`
	// Target is the metric's target value, > 0.
	Target float64 `json:"target" yaml:"target"`
	// EveryS is the decision period in seconds, > 0. Defaults to 15.
	EveryS float64 `json:"every_s" yaml:"every_s"`
	// UpCooldownS is the least time between two scale-ups, >= 0.
	// Defaults to 0.
	UpCooldownS float64 `json:"up_cooldown_s" yaml:"up_cooldown_s"`
	// DownCooldownS is the least time from the last change to a
	// scale-down, >= 0. Defaults to 300.
	DownCooldownS *float64 `json:"down_cooldown_s,omitempty" yaml:"down_cooldown_s,omitempty"`
	// StartupS is the delay from a scale-up decision until the new
	// instance takes traffic: a number or an RV. Defaults to 0.
	StartupS *Quantity `json:"startup_s,omitempty" yaml:"startup_s,omitempty"`
}
