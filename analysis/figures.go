package analysis

import (
	"maps"
	"slices"
	"strings"

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
	f := Figures{Utilization: map[string]Estimate{}}
	if len(rs) == 0 {
		return f
	}
	for _, d := range figureDefs {
		*d.field(&f) = estimateOf(rs, d.of)
	}
	for _, id := range slices.Sorted(maps.Keys(rs[0].Servers)) {
		f.Utilization[id] = estimateOf(rs, utilizationOf(id))
	}
	return f
}

// estimateOf is Estimate95 of one figure of every result.
func estimateOf(rs []*result.Result, of func(*result.Result) float64) Estimate {
	xs := make([]float64, len(rs))
	for k, r := range rs {
		xs[k] = of(r)
	}
	return Estimate95(xs)
}

// utilizationOf returns the figure "utilisation of server id".
func utilizationOf(id string) func(*result.Result) float64 {
	return func(r *result.Result) float64 { return r.Servers[id].Utilization }
}

// figureDef is one named figure: how to read it from a result, and where
// it goes in Figures.
type figureDef struct {
	name  string
	of    func(*result.Result) float64
	field func(*Figures) *Estimate
}

// share returns n / generated, 0 when nothing was generated.
func share(n int64, r *result.Result) float64 {
	if r.Counts.Generated == 0 {
		return 0
	}
	return float64(n) / float64(r.Counts.Generated)
}

// ErrorCount is the number of requests of r that ended failed, rejected
// or timed out: the numerator of an outcome SLA (SLA.MaxErrorRatio).
func ErrorCount(r *result.Result) int64 {
	return r.Counts.Failed + r.Counts.Rejected + r.Counts.TimedOut
}

// figureDefs are the figures of FigureNames, in that order.
var figureDefs = []figureDef{
	{"latency_mean", func(r *result.Result) float64 { return r.Latency.Mean }, func(f *Figures) *Estimate { return &f.LatencyMean }},
	{"latency_p50", func(r *result.Result) float64 { return r.Latency.P50 }, func(f *Figures) *Estimate { return &f.LatencyP50 }},
	{"latency_p95", func(r *result.Result) float64 { return r.Latency.P95 }, func(f *Figures) *Estimate { return &f.LatencyP95 }},
	{"latency_p99", func(r *result.Result) float64 { return r.Latency.P99 }, func(f *Figures) *Estimate { return &f.LatencyP99 }},
	{"throughput_rps", func(r *result.Result) float64 { return r.Throughput.MeanRPS }, func(f *Figures) *Estimate { return &f.ThroughputRPS }},
	{"completed_ratio", func(r *result.Result) float64 { return share(r.Counts.Completed, r) }, func(f *Figures) *Estimate { return &f.CompletedRatio }},
	{"error_ratio", func(r *result.Result) float64 { return share(ErrorCount(r), r) }, func(f *Figures) *Estimate { return &f.ErrorRatio }},
	{"failed_ratio", func(r *result.Result) float64 { return share(r.Counts.Failed, r) }, func(f *Figures) *Estimate { return &f.FailedRatio }},
	{"rejected_ratio", func(r *result.Result) float64 { return share(r.Counts.Rejected, r) }, func(f *Figures) *Estimate { return &f.RejectedRatio }},
	{"timed_out_ratio", func(r *result.Result) float64 { return share(r.Counts.TimedOut, r) }, func(f *Figures) *Estimate { return &f.TimedOutRatio }},
	{"dropped_ratio", func(r *result.Result) float64 { return share(r.Counts.Dropped, r) }, func(f *Figures) *Estimate { return &f.DroppedRatio }},
	{"in_flight", func(r *result.Result) float64 { return float64(r.Counts.InFlight) }, func(f *Figures) *Estimate { return &f.InFlight }},
}

// figureOf returns the extractor of the figure named name, with
// "utilization.<id>" for a server's utilisation.
func figureOf(name string) (func(*result.Result) float64, bool) {
	if id, ok := strings.CutPrefix(name, "utilization."); ok {
		return utilizationOf(id), true
	}
	for _, d := range figureDefs {
		if d.name == name {
			return d.of, true
		}
	}
	return nil, false
}

// Get returns the figure named name (one of FigureNames, or
// "utilization.<server id>"), and whether there is one.
func (f Figures) Get(name string) (Estimate, bool) {
	if id, ok := strings.CutPrefix(name, "utilization."); ok {
		e, ok := f.Utilization[id]
		return e, ok
	}
	for _, d := range figureDefs {
		if d.name == name {
			return *d.field(&f), true
		}
	}
	return Estimate{}, false
}
