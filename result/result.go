package result

// Result is the outcome of one simulation run, in the machine-readable shape
// of spec §8. Nothing in it depends on wall-clock time: the same scenario and
// seed give the same bytes when it is encoded with encoding/json (map keys
// are sorted by the encoder).
type Result struct {
	// FastsimVersion is the version of the engine that produced the result.
	FastsimVersion string `json:"fastsim_version"`
	// Seed is the seed of the run.
	Seed int64 `json:"seed"`
	// HorizonS is the simulated horizon in seconds.
	HorizonS float64 `json:"horizon_s"`
	// Counts are the request and event counters.
	Counts Counts `json:"counts"`
	// Latency summarises end-to-end latency of completed requests.
	Latency Latency `json:"latency"`
	// LatencyAll summarises the latency of every request with an outcome
	// (completed, failed, rejected, timed out), measured at its outcome
	// (spec §14).
	LatencyAll Latency `json:"latency_all"`
	// Outcomes counts the requests' outcomes per 1 s window (spec §14);
	// absent when the scenario uses none of spec §12.
	Outcomes *OutcomeSeries `json:"outcomes,omitempty"`
	// Client holds the client's own figures (its circuit breaker); absent
	// when it has none.
	Client *ClientStats `json:"client,omitempty"`
	// Recovery holds, per event id, how latency recovered after the event
	// (spec §14); absent without events or with more than
	// MaxEventWindows.
	Recovery map[string]Recovery `json:"recovery,omitempty"`
	// Throughput is the completion rate per window.
	Throughput Throughput `json:"throughput"`
	// Servers holds per-server figures by server id.
	Servers map[string]ServerStats `json:"servers"`
	// Edges holds per-edge figures by edge id.
	Edges map[string]EdgeStats `json:"edges"`
	// Classes holds each request class's own figures by generator id
	// (spec §14); absent with a single generator, whose figures are the
	// totals above.
	Classes map[string]ClassStats `json:"classes,omitempty"`
	// Calls holds the results per "<caller>-><target>" pair of service
	// calls (spec §14); absent without calls.
	Calls map[string]CallStats `json:"calls,omitempty"`
	// EventWindows holds the latency and throughput inside each injected
	// event's window, in the scenario's order, then outside every window
	// (kind "outside"); absent when the scenario has no events or more
	// than MaxEventWindows.
	EventWindows []EventWindow `json:"event_windows,omitempty"`
	// Series holds the full sampled series; present only on request.
	Series *Series `json:"series,omitempty"`
	// LatencySketch is the mergeable quantile sketch of latency, kept so
	// that results of several runs can be merged exactly as if they were
	// one sample.
	LatencySketch *Sketch `json:"latency_sketch,omitempty"`
	// LatencyMoments are the exact moments of latency, kept for merging.
	LatencyMoments Moments `json:"latency_moments"`
	// LatencyOtherSketch and LatencyOtherMoments hold the latencies of
	// the failed, rejected and timed-out requests, kept so that LatencyAll
	// can be merged; absent when there are none.
	LatencyOtherSketch  *Sketch  `json:"latency_other_sketch,omitempty"`
	LatencyOtherMoments *Moments `json:"latency_other_moments,omitempty"`
}

// Counts are the run's counters.
type Counts struct {
	// Generated is the number of requests the generator created.
	Generated int64 `json:"generated"`
	// Completed is the number of requests that came back to the client
	// with a successful response.
	Completed int64 `json:"completed"`
	// Dropped is the number of requests whose outcome is dropped: lost on
	// an edge (all edges), noticed at the client's deadline or at once
	// without one.
	Dropped int64 `json:"dropped"`
	// Failed is the number of requests that failed: an error response
	// (error_rate, a failed call) or a server that was down with no load
	// balancer to route around it.
	Failed int64 `json:"failed"`
	// InFlight is the number of requests without an outcome when the
	// horizon was reached: Generated minus Completed, Failed, Rejected,
	// TimedOut and Dropped (spec §14).
	InFlight int64 `json:"in_flight"`
	// Events is the number of events the engine processed.
	Events int64 `json:"events"`
	// TimedOut is the number of requests whose last attempt timed out
	// (spec §14).
	TimedOut int64 `json:"timed_out"`
	// Rejected is the number of requests whose last attempt was rejected:
	// admission, rate limit or open circuit breaker (spec §14).
	Rejected int64 `json:"rejected"`
	// Attempts is the number of attempts the client made, first attempts
	// included (spec §14); Generated without retries.
	Attempts int64 `json:"attempts"`
	// Retries is Attempts minus the first attempts.
	Retries int64 `json:"retries"`
}

// Latency summarises end-to-end latency in seconds. Count, mean, standard
// deviation, minimum and maximum are exact; percentiles come from the
// quantile sketch, within its relative accuracy (0.5 %).
type Latency struct {
	// TotalRequests is the number of completed requests (exact).
	TotalRequests int64 `json:"total_requests"`
	// Mean is the mean latency (exact).
	Mean float64 `json:"mean"`
	// Median equals P50 (AsyncFlow's key).
	Median float64 `json:"median"`
	// StdDev is the population standard deviation (exact).
	StdDev float64 `json:"std_dev"`
	// P50 is the 50th percentile (sketch).
	P50 float64 `json:"p50"`
	// P90 is the 90th percentile (sketch).
	P90 float64 `json:"p90"`
	// P95 is the 95th percentile (sketch).
	P95 float64 `json:"p95"`
	// P99 is the 99th percentile (sketch).
	P99 float64 `json:"p99"`
	// P999 is the 99.9th percentile (sketch).
	P999 float64 `json:"p999"`
	// Min is the smallest latency (exact).
	Min float64 `json:"min"`
	// Max is the largest latency (exact).
	Max float64 `json:"max"`
}

// Throughput is the number of completions per window over the horizon.
type Throughput struct {
	// WindowS is the window length in seconds (1).
	WindowS float64 `json:"window_s"`
	// MeanRPS is completed requests divided by the horizon.
	MeanRPS float64 `json:"mean_rps"`
	// Series holds completions per second of each window, in time order.
	Series []float64 `json:"series"`
}

// Summary is the mean and maximum of a sampled series.
type Summary struct {
	// Mean is the time average of the series over its samples.
	Mean float64 `json:"mean"`
	// Max is the largest sample.
	Max float64 `json:"max"`
}

// ServerStats are one server's figures. A sampled metric that is not
// enabled in the scenario is absent.
type ServerStats struct {
	// Requests is the number of requests the server finished.
	Requests int64 `json:"requests"`
	// Failed is the number of requests that reached the server while down,
	// error responses of its endpoints' error_rate, and requests a failed
	// call failed.
	Failed int64 `json:"failed"`
	// Utilization is busy core-seconds / (cores · horizon).
	Utilization float64 `json:"utilization"`
	// ReadyQueueLen summarises the ready queue length.
	ReadyQueueLen *Summary `json:"ready_queue_len,omitempty"`
	// EventLoopIOSleep summarises the number of requests sleeping on I/O.
	EventLoopIOSleep *Summary `json:"event_loop_io_sleep,omitempty"`
	// RAMInUse summarises the RAM in use in MB.
	RAMInUse *Summary `json:"ram_in_use,omitempty"`
	// Rejected is the number of requests the server rejected (admission
	// or rate limit, spec §12).
	Rejected int64 `json:"rejected"`
	// WastedS is the core-seconds spent, after its deadline passed, on
	// attempts whose client or calling server stopped waiting (spec §14).
	WastedS float64 `json:"wasted_s"`
	// Replicas summarises the number of instances over time (starting and
	// draining ones included); absent without replicas or autoscaling.
	Replicas *ReplicaStats `json:"replicas,omitempty"`
	// Cost is the price of the instance-hours used, with
	// cost_per_replica_hour; absent otherwise.
	Cost *float64 `json:"cost,omitempty"`
	// Instances holds the figures of each instance `<id>#k` of a server
	// with replicas (spec §13); absent otherwise. The server's own
	// figures are then summed over its instances: see SumInstances.
	Instances map[string]ServerStats `json:"instances,omitempty"`
}

// EdgeStats are one edge's figures.
type EdgeStats struct {
	// Dropped is the number of requests the edge lost.
	Dropped int64 `json:"dropped"`
	// EdgeConcurrentConnection summarises requests in transit; absent when
	// the metric is not enabled.
	EdgeConcurrentConnection *Summary `json:"edge_concurrent_connection,omitempty"`
}

// Series holds the sampled series. Sample k was taken at time k·PeriodS,
// k = 0, 1, …, while k·PeriodS < the horizon. A downsampled Series (see
// Downsample) has a longer PeriodS and DownsampledFrom set.
type Series struct {
	// PeriodS is the sampling period in seconds.
	PeriodS float64 `json:"period_s"`
	// DownsampledFrom is the number of samples of each series before
	// Downsample reduced them; 0 when they are the samples as taken.
	DownsampledFrom int `json:"downsampled_from,omitempty"`
	// Servers holds per-server series by server id.
	Servers map[string]ServerSeries `json:"servers"`
	// Edges holds per-edge series by edge id.
	Edges map[string]EdgeSeries `json:"edges"`
	// Latency holds latency percentiles per time window.
	Latency *LatencySeries `json:"latency,omitempty"`
}

// ServerSeries are one server's sampled series; a metric not enabled is nil.
type ServerSeries struct {
	// ReadyQueueLen is the number of requests waiting for a core.
	ReadyQueueLen []float64 `json:"ready_queue_len,omitempty"`
	// EventLoopIOSleep is the number of requests sleeping on I/O.
	EventLoopIOSleep []float64 `json:"event_loop_io_sleep,omitempty"`
	// RAMInUse is the RAM reserved, in MB.
	RAMInUse []float64 `json:"ram_in_use,omitempty"`
	// Replicas is the number of instances (starting and draining ones
	// included) of a server with replicas or autoscaling.
	Replicas []float64 `json:"replicas,omitempty"`
}

// EdgeSeries are one edge's sampled series; a metric not enabled is nil.
type EdgeSeries struct {
	// EdgeConcurrentConnection is the number of requests in transit.
	EdgeConcurrentConnection []float64 `json:"edge_concurrent_connection,omitempty"`
}

// ReplicaStats summarise a server's instance count over time (spec §14).
type ReplicaStats struct {
	// Mean is the time average.
	Mean float64 `json:"mean"`
	// Min is the smallest count.
	Min int `json:"min"`
	// Max is the largest count.
	Max int `json:"max"`
}

// OutcomeSeries counts the requests' outcomes per window, by the window
// of their outcome (spec §14).
type OutcomeSeries struct {
	// WindowS is the window length in seconds.
	WindowS float64 `json:"window_s"`
	// Completed, Failed, Rejected and TimedOut count the requests whose
	// outcome fell in each window.
	Completed []float64 `json:"completed"`
	Failed    []float64 `json:"failed"`
	Rejected  []float64 `json:"rejected"`
	TimedOut  []float64 `json:"timed_out"`
}

// ClientStats are the client's own figures.
type ClientStats struct {
	// CircuitBreaker is the client's breaker; absent without one.
	CircuitBreaker *BreakerStats `json:"circuit_breaker,omitempty"`
}

// BreakerStats are a circuit breaker's figures (spec §14).
type BreakerStats struct {
	// Opened counts every transition into open.
	Opened int64 `json:"opened"`
	// OpenS is the time spent open, half-open excluded.
	OpenS float64 `json:"open_s"`
	// Timeline lists the breaker's transitions in time order, at most
	// MaxBreakerTransitions of them (the first ones).
	Timeline []BreakerTransition `json:"timeline,omitempty"`
}

// MaxBreakerTransitions bounds BreakerStats.Timeline.
const MaxBreakerTransitions = 10_000

// BreakerTransition is a circuit breaker entering a state.
type BreakerTransition struct {
	// T is the simulated time in seconds.
	T float64 `json:"t"`
	// State is "open", "half_open" or "closed".
	State string `json:"state"`
}

// Recovery is how latency recovered after one event (spec §14); see
// RecoveryBaselineS, RecoveryWindowS and RecoveryTolerance for the exact
// rule, and Merge for a merged result.
type Recovery struct {
	// BaselineP95 is the p95 of end-to-end latency over the 60 s before
	// the event started; null when no request completed then.
	BaselineP95 *float64 `json:"baseline_p95"`
	// RecoveredAfterS is the time after the event's end until the p95 over
	// a sliding 10 s window first came back within 10 % of the baseline;
	// null when it never did before the horizon (a possible metastable
	// failure), and when the baseline is null.
	RecoveredAfterS *float64 `json:"recovered_after_s"`
	// Replications is the number of runs a merged result combines; absent
	// (0) for a single run.
	Replications int `json:"replications,omitempty"`
	// NotRecovered is, for a merged result, the number of runs that had a
	// baseline but did not recover before the horizon; absent (0) for a
	// single run and when every run recovered.
	NotRecovered int `json:"not_recovered,omitempty"`
}
