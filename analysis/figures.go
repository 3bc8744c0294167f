package analysis

import (
	"github.com/fastsim/fastsim/result"
)

// Figures are the main figures of a scenario across its replications,
// each the mean across replications with the half-width of its 95 %
// confidence interval (Estimate95; percentiles included: the interval is
// that of the run-to-run spread of each run's percentile). Latencies are
// in seconds; ratios are shares of the generated requests, in [0, 1].
// Ratios of outcomes that never occurred in any replication are zero and
// left out of the JSON.
type Figures struct {
	// LatencyMean is the mean end-to-end latency of completed requests.
	LatencyMean Estimate `json:"latency_mean"`
	// LatencyP50 is the median latency.
	LatencyP50 Estimate `json:"latency_p50"`
	// LatencyP95 is the 95th percentile of latency.
	LatencyP95 Estimate `json:"latency_p95"`
	// LatencyP99 is the 99th percentile of latency.
	LatencyP99 Estimate `json:"latency_p99"`
	// ThroughputRPS is the mean completion rate in requests per second.
	ThroughputRPS Estimate `json:"throughput_rps"`
	// CompletedRatio is completed / generated.
	CompletedRatio Estimate `json:"completed_ratio"`
	// ErrorRatio is (failed + rejected + timed out) / generated, the share
	// an outcome SLA (SLA.MaxErrorRatio) bounds.
	ErrorRatio Estimate `json:"error_ratio,omitzero"`
	// FailedRatio is failed / generated.
	FailedRatio Estimate `json:"failed_ratio,omitzero"`
	// RejectedRatio is rejected / generated.
	RejectedRatio Estimate `json:"rejected_ratio,omitzero"`
	// TimedOutRatio is timed out / generated.
	TimedOutRatio Estimate `json:"timed_out_ratio,omitzero"`
	// DroppedRatio is dropped / generated.
	DroppedRatio Estimate `json:"dropped_ratio,omitzero"`
	// InFlight is the number of requests still in flight at the horizon
	// per run: one that grows with the horizon marks an unstable system.
	InFlight Estimate `json:"in_flight"`
	// Utilization is each server's utilisation, by server id.
	Utilization map[string]Estimate `json:"utilization"`
}

// FigureNames are the names Figures.Get accepts, in display order, besides
// "utilization.<server id>".
var FigureNames = []string{
	"latency_mean", "latency_p50", "latency_p95", "latency_p99", "throughput_rps",
	"completed_ratio", "error_ratio", "failed_ratio", "rejected_ratio", "timed_out_ratio",
	"dropped_ratio", "in_flight",
}

// FiguresOf computes the Figures of the results of replications of one
// scenario. Servers are those of the first result; an empty rs gives zero
// Figures.
func FiguresOf(rs []*result.Result) Figures {
	return Figures{}
}

// Get returns the figure named name (one of FigureNames, or
// "utilization.<server id>"), and whether there is one.
func (f Figures) Get(name string) (Estimate, bool) {
	return Estimate{}, false
}
