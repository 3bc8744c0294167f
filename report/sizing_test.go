package report

import (
	"bytes"
	"errors"
	"testing"

	"github.com/fastsim/fastsim/analysis"
)

// ev is an evaluation with the given value, SLA percentile and verdict.
func ev(value, p float64, pass bool, reason string, util map[string]float64) analysis.Evaluation {
	e := analysis.Evaluation{
		Value: value, RateRPS: 50 * value,
		Latency:        analysis.Estimate{Mean: p, HalfWidth: p / 10},
		P50:            analysis.Estimate{Mean: p / 4},
		P95:            analysis.Estimate{Mean: p / 2},
		P99:            analysis.Estimate{Mean: p},
		ThroughputRPS:  analysis.Estimate{Mean: 49.5},
		CompletedRatio: analysis.Estimate{Mean: 0.99},
		Dropped:        analysis.Estimate{Mean: 1},
		InFlight:       analysis.Estimate{Mean: 3},
		Utilization:    map[string]analysis.Estimate{},
		Pass:           pass, Reason: reason,
	}
	for id, u := range util {
		e.Utilization[id] = analysis.Estimate{Mean: u}
	}
	return e
}

// withReplicas gives e the mean instances and the cost of server api.
func withReplicas(e analysis.Evaluation, replicas, cost float64) analysis.Evaluation {
	e.Replicas = map[string]analysis.Estimate{"api": {Mean: replicas}}
	e.Cost = map[string]analysis.Estimate{"api": {Mean: cost}}
	return e
}

func TestWriteSizing(t *testing.T) {
	t.Parallel()
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.25}
	tests := []struct {
		name string
		in   *analysis.SizeResult
	}{
		{"sizing_replicas.txt", &analysis.SizeResult{
			What: "replicas", Server: "api", SLA: sla, Seeds: []int64{42, 1, 2}, Max: 64, Answer: 2,
			Evaluations: []analysis.Evaluation{
				// Utilisation of api and its copy are averaged; db is left out.
				ev(1, 0.9, false, "p99 mean 900.000 ms > 250.000 ms", map[string]float64{"api": 0.9, "db": 0.1}),
				ev(2, 0.2, true, "", map[string]float64{"api": 0.5, "api-2": 0.4, "db": 0.1}),
				ev(3, 0.21, true, "", map[string]float64{"api": 0.3, "api-2": 0.3, "api-3": 0.3, "db": 0.1}),
			},
			Warnings: []string{"not monotone: example"},
		}},
		{"sizing_max_replicas.txt", &analysis.SizeResult{
			What: "max_replicas", Server: "api", SLA: sla, Seeds: []int64{42, 1, 2}, Max: 8, Answer: 4,
			Evaluations: []analysis.Evaluation{
				withReplicas(ev(2, 0.9, false, "p99 mean 900.000 ms > 250.000 ms", map[string]float64{"api": 0.8}), 2, 0.02),
				withReplicas(ev(4, 0.2, true, "", map[string]float64{"api": 0.55}), 3.125, 0.03125),
				withReplicas(ev(5, 0.19, true, "", map[string]float64{"api": 0.5}), 3.5, 0.035),
			},
		}},
		{"sizing_unreachable.txt", &analysis.SizeResult{
			What: "cores", SLA: analysis.SLA{Percentile: 0.999, LatencyS: 0.01, MinCompletedRatio: 0.95}, Seeds: []int64{42}, Conservative: true, Max: 2,
			Evaluations: []analysis.Evaluation{
				ev(1, 0.9, false, "p99.9 95 % upper bound 990.000 ms > 10.000 ms", map[string]float64{"a": 0.9, "b": 0.7}),
				ev(2, 0.5, false, "p99.9 95 % upper bound 550.000 ms > 10.000 ms", map[string]float64{"a": 0.45, "b": 0.35}),
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteSizing(&b, tt.in); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

func TestWriteSweep(t *testing.T) {
	t.Parallel()
	util := map[string]float64{"a": 0.2, "b": 0.6}
	tests := []struct {
		name string
		in   *analysis.SweepResult
	}{
		{"sweep.txt", &analysis.SweepResult{
			SLA: analysis.SLA{Percentile: 0.99, LatencyS: 0.1}, Seeds: []int64{42, 1}, BaseRateRPS: 50,
			Levels: []analysis.Evaluation{
				ev(0.5, 0.01, true, "", util), ev(1, 0.05, true, "", util), ev(2, 3.5, false, "p99 mean 3500.000 ms > 100.000 ms", util),
			},
			Knee: 1, KneeRateRPS: 50,
		}},
		{"sweep_none.txt", &analysis.SweepResult{
			SLA: analysis.SLA{Percentile: 0.999, LatencyS: 0.001}, Seeds: []int64{42}, BaseRateRPS: 50,
			Levels: []analysis.Evaluation{ev(1, 0.05, false, "p99.9 mean 50.000 ms > 1.000 ms", util)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteSweep(&b, tt.in); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

func TestWriteSizingWriteError(t *testing.T) {
	t.Parallel()
	r := &analysis.SizeResult{What: "cores", SLA: analysis.SLA{Percentile: 0.99, LatencyS: 1}, Seeds: []int64{1}}
	if err := WriteSizing(failWriter{}, r); !errors.Is(err, errWriteFailed) {
		t.Errorf("WriteSizing error %v, want %v", err, errWriteFailed)
	}
	if err := WriteSweep(failWriter{}, &analysis.SweepResult{SLA: r.SLA, Seeds: r.Seeds}); !errors.Is(err, errWriteFailed) {
		t.Errorf("WriteSweep error %v, want %v", err, errWriteFailed)
	}
}
