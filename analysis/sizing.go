package analysis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// RunFunc runs one simulation of sc with the given seed and returns its
// result. Callers pass a closure over fastsim.Run:
//
//	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
//		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
//	}
//
// The analysis package takes the runner as a parameter instead of importing
// the engine, so that it depends only on the scenario and result types.
// A RunFunc must be safe for concurrent use.
type RunFunc func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error)

// SLA is a service-level objective on end-to-end latency: the Percentile
// of latency must be at most LatencyS, and, when MinCompletedRatio is set,
// at least that fraction of the generated requests must complete. The
// second condition keeps an overloaded system from passing on the few
// requests it still completes within the horizon.
type SLA struct {
	// Percentile is the latency percentile as a fraction in (0, 1), for
	// example 0.99 for p99.
	Percentile float64 `json:"percentile"`
	// LatencyS is the largest acceptable value of that percentile, in
	// seconds; > 0.
	LatencyS float64 `json:"latency_s"`
	// MinCompletedRatio is the smallest acceptable completed / generated
	// ratio, in [0, 1]. Requests dropped on edges, failed on a down server
	// or still in flight at the horizon all count against it. Defaults to 0
	// (not checked).
	MinCompletedRatio float64 `json:"min_completed_ratio,omitempty"`
	// MaxErrorRatio, when set, is the largest acceptable share of the
	// generated requests that end failed, rejected or timed out (result
	// Counts.Failed + Rejected + TimedOut over Generated), in [0, 1]:
	// an SLA on outcomes (spec §12). It is judged like the percentile: the
	// mean across replications, or its 95 % upper bound when conservative.
	// nil: not checked.
	MaxErrorRatio *float64 `json:"max_error_ratio,omitempty"`
}

// Validate reports whether the SLA is usable, naming the field at fault.
func (s SLA) Validate() error {
	var errs []error
	if !(s.Percentile > 0 && s.Percentile < 1) {
		errs = append(errs, fmt.Errorf("analysis: SLA percentile must be a fraction in (0, 1) such as 0.99, got %v", s.Percentile))
	}
	if !(s.LatencyS > 0) || math.IsInf(s.LatencyS, 0) {
		errs = append(errs, fmt.Errorf("analysis: SLA latency must be a finite number of seconds > 0, got %v", s.LatencyS))
	}
	if !(s.MinCompletedRatio >= 0 && s.MinCompletedRatio <= 1) {
		errs = append(errs, fmt.Errorf("analysis: SLA minimum completed ratio must be in [0, 1], got %v", s.MinCompletedRatio))
	}
	if s.MaxErrorRatio != nil && !(*s.MaxErrorRatio >= 0 && *s.MaxErrorRatio <= 1) {
		errs = append(errs, fmt.Errorf("analysis: SLA maximum error ratio must be in [0, 1] (0.001 for 0.1 %%), got %v", *s.MaxErrorRatio))
	}
	return errors.Join(errs...)
}

// String describes the SLA, for example "p99 <= 250 ms".
func (s SLA) String() string {
	out := fmt.Sprintf("%s <= %s ms", PercentileName(s.Percentile), trimFloat(1000*s.LatencyS))
	if s.MinCompletedRatio > 0 {
		out += fmt.Sprintf(", completed >= %s %%", trimFloat(100*s.MinCompletedRatio))
	}
	if s.MaxErrorRatio != nil {
		out += fmt.Sprintf(", errors <= %s %%", trimFloat(100**s.MaxErrorRatio))
	}
	return out
}

// PercentileName returns the usual name of a percentile given as a
// fraction: "p99" for 0.99, "p99.9" for 0.999, "p50" for 0.5.
func PercentileName(q float64) string {
	return "p" + trimFloat(100*q)
}

// trimFloat formats x with up to 6 significant digits and no trailing
// zeros.
func trimFloat(x float64) string {
	return fmt.Sprintf("%.6g", x)
}

// DefaultMax is the largest number of cores or replicas a search tries
// when Options.Max is zero.
const DefaultMax = 64

// Options configure SizeCores, SizeReplicas and Sweep.
type Options struct {
	// Run runs one simulation; required.
	Run RunFunc
	// Seeds are the seeds of the replications run for every candidate; at
	// least one. Every candidate is run with these same seeds (common
	// random numbers), so candidates are compared on the same traffic and
	// the comparison is far less noisy than independent runs would be. Use
	// fastsim.ReplicationSeed(seed, i) for i = 0 … R−1 to match
	// `fastsim run --replications R`.
	Seeds []int64
	// Conservative, when set, requires the upper end of the 95 %
	// confidence interval of the percentile (mean + half-width across
	// replications) to meet the SLA, instead of the mean. Defaults to
	// false.
	Conservative bool
	// Max is the largest number of cores or replicas SizeCores and
	// SizeReplicas try. Defaults to DefaultMax.
	Max int
	// Parallelism is the number of replications run at once. Defaults to
	// runtime.GOMAXPROCS(0).
	Parallelism int
}

// withDefaults returns o with its zero fields defaulted, or an error
// naming the field at fault.
func (o Options) withDefaults() (Options, error) {
	if o.Run == nil {
		return o, errors.New("analysis: Options.Run is nil; pass a function that runs fastsim.Run")
	}
	if len(o.Seeds) == 0 {
		return o, errors.New("analysis: Options.Seeds is empty; give at least one seed (one per replication)")
	}
	if o.Max == 0 {
		o.Max = DefaultMax
	}
	if o.Max < 1 {
		return o, fmt.Errorf("analysis: Options.Max must be at least 1, got %d", o.Max)
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// Evaluation is the outcome of one candidate (a number of cores, of
// replicas, or a load multiplier) run once per seed. Latencies are in
// seconds; every Estimate is the mean across replications with the
// half-width of its 95 % confidence interval.
type Evaluation struct {
	// Value is the candidate: cores, replicas, or the load multiplier.
	Value float64 `json:"value"`
	// RateRPS is the mean arrival rate of the candidate's scenario
	// (active users × requests per minute per user / 60).
	RateRPS float64 `json:"rate_rps"`
	// Latency is the SLA percentile of latency.
	Latency Estimate `json:"latency"`
	// P50, P95 and P99 are the usual percentiles of latency.
	P50 Estimate `json:"p50"`
	// P95 is the 95th percentile of latency.
	P95 Estimate `json:"p95"`
	// P99 is the 99th percentile of latency.
	P99 Estimate `json:"p99"`
	// ThroughputRPS is the mean completion rate.
	ThroughputRPS Estimate `json:"throughput_rps"`
	// CompletedRatio is completed / generated.
	CompletedRatio Estimate `json:"completed_ratio"`
	// Dropped is the number of requests lost on edges per run.
	Dropped Estimate `json:"dropped"`
	// Failed is the number of requests failed on a down server per run.
	Failed Estimate `json:"failed"`
	// ErrorRatio is (failed + rejected + timed out) / generated, the share
	// SLA.MaxErrorRatio bounds; absent when no request ended so.
	ErrorRatio Estimate `json:"error_ratio,omitzero"`
	// Rejected is the number of requests rejected per run (admission, rate
	// limit, open breaker); absent when none was.
	Rejected Estimate `json:"rejected,omitzero"`
	// TimedOut is the number of requests timed out per run; absent when
	// none was.
	TimedOut Estimate `json:"timed_out,omitzero"`
	// InFlight is the number of requests still in flight at the horizon
	// per run: a number that grows with the horizon marks an unstable
	// (overloaded) system.
	InFlight Estimate `json:"in_flight"`
	// Utilization is each server's utilisation, by server id.
	Utilization map[string]Estimate `json:"utilization"`
	// Replicas is the time-averaged instance count of each server with
	// replicas or autoscaling (spec §14 `replicas.mean`); absent without.
	Replicas map[string]Estimate `json:"replicas,omitempty"`
	// Cost is the cost of each server with cost_per_replica_hour, per
	// run; absent without.
	Cost map[string]Estimate `json:"cost,omitempty"`
	// Pass reports whether the candidate meets the SLA.
	Pass bool `json:"pass"`
	// Reason says why the candidate fails; empty when it passes.
	Reason string `json:"reason,omitempty"`
}

// evaluator runs candidates with fixed options and SLA.
type evaluator struct {
	o   Options
	sla SLA
}

// evaluate runs sc once per seed and judges the results against the SLA.
func (e evaluator) evaluate(ctx context.Context, sc *scenario.Scenario, value float64) (Evaluation, error) {
	rs, err := e.runAll(ctx, sc)
	if err != nil {
		return Evaluation{}, err
	}
	of := func(f func(r *result.Result) float64) Estimate {
		xs := make([]float64, len(rs))
		for k, r := range rs {
			xs[k] = f(r)
		}
		return Estimate95(xs)
	}
	for i, r := range rs {
		if _, ok := quantile(r, e.sla.Percentile); !ok {
			return Evaluation{}, fmt.Errorf("analysis: the result of seed %d has no latency sketch, needed for the percentile %v; use 0.5, 0.9, 0.95, 0.99 or 0.999", e.o.Seeds[i], e.sla.Percentile)
		}
	}
	ev := Evaluation{
		Value:         value,
		RateRPS:       ArrivalRate(sc),
		Latency:       of(func(r *result.Result) float64 { q, _ := quantile(r, e.sla.Percentile); return q }),
		P50:           of(func(r *result.Result) float64 { return r.Latency.P50 }),
		P95:           of(func(r *result.Result) float64 { return r.Latency.P95 }),
		P99:           of(func(r *result.Result) float64 { return r.Latency.P99 }),
		ThroughputRPS: of(func(r *result.Result) float64 { return r.Throughput.MeanRPS }),
		CompletedRatio: of(func(r *result.Result) float64 {
			if r.Counts.Generated == 0 {
				return 0
			}
			return float64(r.Counts.Completed) / float64(r.Counts.Generated)
		}),
		Dropped:     of(func(r *result.Result) float64 { return float64(r.Counts.Dropped) }),
		Failed:      of(func(r *result.Result) float64 { return float64(r.Counts.Failed) }),
		ErrorRatio:  of(func(r *result.Result) float64 { return share(ErrorCount(r), r) }),
		Rejected:    of(func(r *result.Result) float64 { return float64(r.Counts.Rejected) }),
		TimedOut:    of(func(r *result.Result) float64 { return float64(r.Counts.TimedOut) }),
		InFlight:    of(func(r *result.Result) float64 { return float64(r.Counts.InFlight) }),
		Utilization: map[string]Estimate{},
	}
	for _, id := range slices.Sorted(maps.Keys(rs[0].Servers)) {
		ev.Utilization[id] = of(func(r *result.Result) float64 { return r.Servers[id].Utilization })
	}
	ev.Replicas, ev.Cost = replicaEstimates(rs, of)
	ev.Pass, ev.Reason = e.judge(ev, rs)
	return ev, nil
}

// replicaEstimates returns, per server of rs with replicas or
// autoscaling, the estimate of its mean instance count, and per priced
// server the estimate of its cost; nil maps when there are none.
func replicaEstimates(rs []*result.Result, of func(func(*result.Result) float64) Estimate) (replicas, cost map[string]Estimate) {
	for _, id := range slices.Sorted(maps.Keys(rs[0].Servers)) {
		st := rs[0].Servers[id]
		if st.Replicas != nil {
			if replicas == nil {
				replicas = map[string]Estimate{}
			}
			replicas[id] = of(func(r *result.Result) float64 {
				if x := r.Servers[id].Replicas; x != nil {
					return x.Mean
				}
				return 0
			})
		}
		if st.Cost != nil {
			if cost == nil {
				cost = map[string]Estimate{}
			}
			cost[id] = of(func(r *result.Result) float64 {
				if x := r.Servers[id].Cost; x != nil {
					return *x
				}
				return 0
			})
		}
	}
	return replicas, cost
}

// judge decides whether an evaluation meets the SLA and, if not, why.
func (e evaluator) judge(ev Evaluation, rs []*result.Result) (bool, string) {
	return judgeSLA(e.sla, e.o.Conservative, ev.Latency, ev.CompletedRatio, ev.ErrorRatio, rs)
}

// judgeSLA decides whether a candidate whose replications rs have the
// given estimates of the SLA percentile, completed share and error share
// meets sla, and if not, why: every replication must complete a request,
// the percentile (its 95 % upper bound when conservative) be at most the
// latency, the mean completed share at least the minimum, and the error
// share (its upper bound when conservative) at most the maximum.
func judgeSLA(sla SLA, conservative bool, latency, completed, errRatio Estimate, rs []*result.Result) (bool, string) {
	for i, r := range rs {
		if r.Counts.Completed == 0 {
			return false, fmt.Sprintf("no request completed in replication %d", i)
		}
	}
	name := PercentileName(sla.Percentile)
	lat, what := latency.Mean, "mean"
	errs := errRatio.Mean
	if conservative {
		lat, what = latency.High(), "95 % upper bound"
		errs = errRatio.High()
	}
	if lat > sla.LatencyS {
		return false, fmt.Sprintf("%s %s %s ms > %s ms", name, what, fmtMS(lat), fmtMS(sla.LatencyS))
	}
	if completed.Mean < sla.MinCompletedRatio {
		return false, fmt.Sprintf("completed %.2f %% < %s %%", 100*completed.Mean, trimFloat(100*sla.MinCompletedRatio))
	}
	if sla.MaxErrorRatio != nil && errs > *sla.MaxErrorRatio {
		return false, fmt.Sprintf("errors %s %s %% > %s %%", what, trimFloat(100*errs), trimFloat(100**sla.MaxErrorRatio))
	}
	return true, ""
}

// fmtMS formats seconds as milliseconds with three decimals.
func fmtMS(s float64) string { return fmt.Sprintf("%.3f", 1000*s) }

// runAll runs sc once per seed, up to Parallelism at a time, and returns
// the results in seed order. The first error cancels the other runs.
func (e evaluator) runAll(ctx context.Context, sc *scenario.Scenario) ([]*result.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rs := make([]*result.Result, len(e.o.Seeds))
	errs := make([]error, len(e.o.Seeds))
	sem := make(chan struct{}, e.o.Parallelism)
	var wg sync.WaitGroup
	for i, seed := range e.o.Seeds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			r, err := e.o.Run(ctx, sc, seed)
			if err == nil && r == nil {
				err = errors.New("the run function returned no result and no error")
			}
			if err != nil {
				errs[i] = fmt.Errorf("seed %d: %w", seed, err)
				cancel()
				return
			}
			rs[i] = r
		})
	}
	wg.Wait()
	// Prefer a real failure over the cancellations it caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("analysis: runs cancelled: %w", err)
	}
	return rs, nil
}

// quantile returns the q-quantile of r's latency: from the sketch when the
// result carries one, else from the matching summary field (p50, p90,
// p95, p99, p999). It is 0 when nothing completed, and not ok when the
// result has neither a sketch nor a field for q.
func quantile(r *result.Result, q float64) (float64, bool) {
	if r.Counts.Completed == 0 {
		return 0, true
	}
	if r.LatencySketch != nil && r.LatencySketch.Count() > 0 {
		return r.LatencySketch.Quantile(q), true
	}
	switch q {
	case 0.5:
		return r.Latency.P50, true
	case 0.9:
		return r.Latency.P90, true
	case 0.95:
		return r.Latency.P95, true
	case 0.99:
		return r.Latency.P99, true
	case 0.999:
		return r.Latency.P999, true
	}
	return 0, false
}

// ArrivalRate is the mean arrival rate of sc in requests per second over
// its horizon, summed over its request classes (scenario.Workload.MeanRate:
// a closed class counts users / think time, an upper bound).
func ArrivalRate(sc *scenario.Scenario) float64 {
	h := float64(sc.Settings.TotalSimulationTime)
	rate := 0.0
	for _, w := range sc.Generators() {
		rate += w.MeanRate(h)
	}
	return rate
}

// ErrSLAUnreachable is wrapped by the error of a search whose SLA is not
// met by any candidate it was allowed to try; see *UnreachableError.
var ErrSLAUnreachable = errors.New("SLA not met")

// UnreachableError is returned by SizeCores and SizeReplicas when even
// the largest candidate (Options.Max) misses the SLA, and by Sweep when
// even the lowest load does. Best is the candidate closest to the SLA.
type UnreachableError struct {
	// What is "cores", "replicas" or "load".
	What string
	// SLA is the objective that was not met.
	SLA SLA
	// Limit is the largest candidate tried (the smallest load for Sweep).
	Limit float64
	// Best is the evaluation with the lowest SLA percentile.
	Best Evaluation
}

// Error describes the SLA, the limit, and the best figure found.
func (e *UnreachableError) Error() string {
	limit := fmt.Sprintf("with up to %s %s", trimFloat(e.Limit), e.What)
	if e.What == "load" {
		limit = fmt.Sprintf("even at the lowest load (x%s)", trimFloat(e.Limit))
	}
	at := trimFloat(e.Best.Value) + " " + e.What
	if e.What == "load" {
		at = "load x" + trimFloat(e.Best.Value)
	}
	return fmt.Sprintf("%v (%s) %s; best found: %s = %s ms with %s (%s)",
		ErrSLAUnreachable, e.SLA, limit, PercentileName(e.SLA.Percentile), fmtMS(e.Best.Latency.Mean),
		at, e.Best.Reason)
}

// Unwrap returns ErrSLAUnreachable.
func (e *UnreachableError) Unwrap() error { return ErrSLAUnreachable }

// best returns the evaluation with the lowest SLA percentile among those
// that completed requests, preferring the first among equals; the last
// evaluation when none completed any.
func best(evs []Evaluation) Evaluation {
	b, found := evs[len(evs)-1], false
	for _, ev := range evs {
		if ev.CompletedRatio.Mean > 0 && (!found || ev.Latency.Mean < b.Latency.Mean) {
			b, found = ev, true
		}
	}
	return b
}
