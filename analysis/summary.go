package analysis

import (
	"maps"
	"math"
	"slices"

	"github.com/fastsim/fastsim/result"
)

// Confidence is the confidence level of every interval in a Summary.
const Confidence = 0.95

// Estimate is the mean of one figure across replications and the
// half-width of its 95 % confidence interval: the interval is
// [Mean − HalfWidth, Mean + HalfWidth].
type Estimate struct {
	// Mean is the mean across replications.
	Mean float64 `json:"mean"`
	// HalfWidth is t(0.975, n−1) · s / √n, with s the sample standard
	// deviation across the n replications. It is 0 when n < 2, where no
	// interval can be computed (Summary.Replications tells).
	HalfWidth float64 `json:"ci95_half_width"`
}

// Low returns the lower end of the confidence interval.
func (e Estimate) Low() float64 { return e.Mean - e.HalfWidth }

// High returns the upper end of the confidence interval.
func (e Estimate) High() float64 { return e.Mean + e.HalfWidth }

// Summary holds the estimates of the main figures of a scenario across
// replications. Latencies are in seconds.
type Summary struct {
	// Replications is the number of results summarised.
	Replications int `json:"replications"`
	// Confidence is the confidence level of the intervals (0.95).
	Confidence float64 `json:"confidence"`
	// LatencyMean is the mean end-to-end latency.
	LatencyMean Estimate `json:"latency_mean"`
	// LatencyP50 is the median latency.
	LatencyP50 Estimate `json:"latency_p50"`
	// LatencyP95 is the 95th percentile of latency.
	LatencyP95 Estimate `json:"latency_p95"`
	// LatencyP99 is the 99th percentile of latency.
	LatencyP99 Estimate `json:"latency_p99"`
	// ThroughputRPS is the mean throughput in completions per second.
	ThroughputRPS Estimate `json:"throughput_mean_rps"`
	// Completed is the number of completed requests per run.
	Completed Estimate `json:"completed"`
	// Dropped is the number of dropped requests per run.
	Dropped Estimate `json:"dropped"`
	// Servers holds per-server estimates by server id.
	Servers map[string]ServerSummary `json:"servers"`
}

// ServerSummary holds one server's estimates.
type ServerSummary struct {
	// Utilization is busy core-seconds / (cores · horizon).
	Utilization Estimate `json:"utilization"`
}

// Summarize estimates the main figures from the results of independent
// replications: per figure, the mean across replications and the half-width
// of its 95 % Student t confidence interval. The servers are those of the
// first result; a server missing from a later result counts as 0 there.
// An empty rs gives a zero Summary.
func Summarize(rs []*result.Result) Summary {
	s := Summary{Replications: len(rs), Confidence: Confidence, Servers: map[string]ServerSummary{}}
	if len(rs) == 0 {
		return s
	}
	of := func(f func(r *result.Result) float64) Estimate {
		xs := make([]float64, len(rs))
		for k, r := range rs {
			xs[k] = f(r)
		}
		return Estimate95(xs)
	}
	s.LatencyMean = of(func(r *result.Result) float64 { return r.Latency.Mean })
	s.LatencyP50 = of(func(r *result.Result) float64 { return r.Latency.P50 })
	s.LatencyP95 = of(func(r *result.Result) float64 { return r.Latency.P95 })
	s.LatencyP99 = of(func(r *result.Result) float64 { return r.Latency.P99 })
	s.ThroughputRPS = of(func(r *result.Result) float64 { return r.Throughput.MeanRPS })
	s.Completed = of(func(r *result.Result) float64 { return float64(r.Counts.Completed) })
	s.Dropped = of(func(r *result.Result) float64 { return float64(r.Counts.Dropped) })
	for _, id := range slices.Sorted(maps.Keys(rs[0].Servers)) {
		s.Servers[id] = ServerSummary{
			Utilization: of(func(r *result.Result) float64 { return r.Servers[id].Utilization }),
		}
	}
	return s
}

// Estimate95 returns the mean of xs and the half-width of its 95 %
// confidence interval, t(0.975, n−1) · s / √n with s the sample standard
// deviation (divisor n−1). The half-width is 0 when len(xs) < 2; an empty
// xs gives a zero Estimate.
func Estimate95(xs []float64) Estimate {
	var m result.Moments
	for _, x := range xs {
		m.Add(x)
	}
	e := Estimate{Mean: m.Mean}
	if n := len(xs); n >= 2 {
		sd := math.Sqrt(m.M2 / float64(n-1))
		e.HalfWidth = TCritical95(n-1) * sd / math.Sqrt(float64(n))
	}
	return e
}
