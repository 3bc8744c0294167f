package analysis_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

func TestSweepKnee(t *testing.T) {
	t.Parallel()
	// Latency rate/1000 s at 10 req/s × m: 10 ms at x1, SLA 35 ms.
	tests := []struct {
		name     string
		latency  func(rate float64) float64
		knee     float64
		warnings int
	}{
		{"Monotone", func(r float64) float64 { return r / 1000 }, 3, 0},
		// Fails at x2 only: the knee stays below the first failure.
		{"NotMonotone", func(r float64) float64 {
			if r == 20 {
				return 1
			}
			return r / 1000
		}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeRunner{latency: func(_, _ int, rate float64, _ int64) float64 { return tt.latency(rate) }}
			res, err := analysis.Sweep(context.Background(), twoServers(t, false), []float64{4, 1, 2, 3}, analysis.SLA{Percentile: 0.99, LatencyS: 0.035},
				analysis.Options{Run: f.run, Seeds: []int64{1, 2}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Knee != tt.knee || res.KneeRateRPS != 10*tt.knee || res.BaseRateRPS != 10 {
				t.Errorf("knee x%v at %v req/s (base %v), want x%v", res.Knee, res.KneeRateRPS, res.BaseRateRPS, tt.knee)
			}
			if diff := cmp.Diff([]float64{1, 2, 3, 4}, values(res.Levels)); diff != "" {
				t.Errorf("levels (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", res.Warnings, tt.warnings)
			}
		})
	}
}

func TestSweepErrors(t *testing.T) {
	t.Parallel()
	f := &fakeRunner{latency: func(_, _ int, rate float64, _ int64) float64 { return rate / 1000 }}
	ok := analysis.Options{Run: f.run, Seeds: []int64{1}}
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.035}
	tests := []struct {
		name        string
		multipliers []float64
		sla         analysis.SLA
		want        string
		unreachable bool
	}{
		{"ErrEmpty", nil, sla, "at least one load multiplier", false},
		{"ErrZero", []float64{0, 1}, sla, "load multiplier 0 must be a finite number > 0", false},
		{"ErrTwice", []float64{1, 2, 1}, sla, "load multiplier 1 is given twice", false},
		{"ErrTooHigh", []float64{1, 1e9}, sla, "the scenario at load x1e+09 is invalid", false},
		{"ErrSLA", []float64{1}, analysis.SLA{Percentile: 0.99, LatencyS: 0.1, MinCompletedRatio: 2}, "minimum completed ratio must be in [0, 1]", false},
		{"ErrUnreachable", []float64{2, 3}, analysis.SLA{Percentile: 0.99, LatencyS: 0.001},
			"SLA not met (p99 <= 1 ms) even at the lowest load (x2); best found: p99 = ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := analysis.Sweep(context.Background(), twoServers(t, false), tt.multipliers, tt.sla, ok)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if got := errors.Is(err, analysis.ErrSLAUnreachable); got != tt.unreachable {
				t.Errorf("errors.Is(ErrSLAUnreachable) = %v", got)
			}
			if tt.unreachable && (res == nil || len(res.Levels) != 2 || res.Knee != 0) {
				t.Errorf("result %+v, want both levels and no knee", res)
			}
			if !tt.unreachable && res != nil {
				t.Errorf("result %+v with error", res)
			}
		})
	}
}

func TestScaleLoad(t *testing.T) {
	t.Parallel()
	sc := twoServers(t, false)
	sc.Workload.AvgActiveUsers = scenario.NormalRV(100, 25)
	got := analysis.ScaleLoad(sc, 3)
	if u := got.Workload.AvgActiveUsers; u.Mean != 300 || *u.Variance != 225 {
		t.Errorf("scaled users mean %v variance %v, want 300 and 225 (same relative spread)", u.Mean, *u.Variance)
	}
	if u := sc.Workload.AvgActiveUsers; u.Mean != 100 || *u.Variance != 25 {
		t.Errorf("the input changed: mean %v variance %v", u.Mean, *u.Variance)
	}
}

func TestScaleLoadClasses(t *testing.T) {
	t.Parallel()
	sc := twoServers(t, false)
	sc.Workload.AvgActiveUsers = scenario.PoissonRV(100)
	sc.MoreWorkloads = []scenario.Workload{
		{ID: "more", AvgActiveUsers: scenario.PoissonRV(10), AvgRequestPerMinutePerUser: scenario.PoissonRV(60)},
		{ID: "team", Type: scenario.WorkloadClosed, Users: 5, ThinkTime: &scenario.RV{Mean: 2, Distribution: scenario.Exponential}},
	}
	base := analysis.ArrivalRate(sc)
	got := analysis.ScaleLoad(sc, 3)
	if u := got.Workload.AvgActiveUsers.Mean; u != 300 {
		t.Errorf("first class: users %v, want 300", u)
	}
	if u := got.MoreWorkloads[0].AvgActiveUsers.Mean; u != 30 {
		t.Errorf("second class: users %v, want 30", u)
	}
	if n := got.MoreWorkloads[1].Users; n != 15 {
		t.Errorf("closed class: users %d, want 15", n)
	}
	// Every class scales, so the total rate does too: 3 × (100 × rpm / 60
	// + 10 req/s + 5 users / 2 s).
	if r := analysis.ArrivalRate(got); math.Abs(r-3*base) > 1e-9*base {
		t.Errorf("scaled rate %v, want 3 × %v", r, base)
	}
	if n := sc.MoreWorkloads[1].Users; n != 5 {
		t.Errorf("the input changed: closed users %d", n)
	}
}

func TestMinCompletedRatio(t *testing.T) {
	t.Parallel()
	// An overloaded run (M/D/1 at ρ = 1.5 for 20 s, so about a third of
	// the requests are still queued at the horizon) fails on the ratio
	// although its p99 is within a generous 100 s.
	sc := queueScenario(t, 750, scenario.DetRV(0.002), 1, false, 20)
	res, err := analysis.Sweep(context.Background(), sc, []float64{1}, analysis.SLA{Percentile: 0.99, LatencyS: 100, MinCompletedRatio: 0.9},
		analysis.Options{Run: runFastsim, Seeds: seeds(1)})
	if !errors.Is(err, analysis.ErrSLAUnreachable) {
		t.Fatalf("error %v, want ErrSLAUnreachable", err)
	}
	lv := res.Levels[0]
	// Served at most 500 req/s of 750: completed / generated ≤ 2/3.
	if lv.CompletedRatio.Mean > 0.67 || !strings.HasPrefix(lv.Reason, "completed ") || !strings.HasSuffix(lv.Reason, "% < 90 %") {
		t.Errorf("completed ratio %v, reason %q", lv.CompletedRatio.Mean, lv.Reason)
	}
}
