package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
)

// checkout is the sizing example: one core where 1.5 are needed.
const checkout = "../../examples/sizing_checkout.yml"

func TestSize(t *testing.T) {
	t.Parallel()
	// Two replications of 20 s keep the suite fast; the verdicts are far
	// from the SLA: one core is overloaded (p99 in seconds), two cores
	// give a p99 near 90 ms, like the 60 s runs of docs/sizing.md.
	fast := []string{"--replications", "2", "--horizon", "20"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"Cores", []string{"--server", "checkout", "--p99", "100ms"}, 0,
			[]string{"Sizing cores of server checkout for p99 <= 100 ms", "Each candidate runs 2 replications",
				"  cores  ", "FAIL: p99 mean", "Answer  2 cores, the fewest that meet the SLA"}, nil},
		{"CoresEveryServer", []string{"--percentile", "0.99", "--latency", "100ms"}, 0,
			[]string{"Sizing cores of every server for p99 <= 100 ms", "util % max", "Answer  2 cores"}, nil},
		{"Replicas", []string{"--what", "replicas", "--server", "checkout", "--p99", "100ms"}, 0,
			[]string{"Sizing replicas of server checkout", "Answer  2 replicas"}, nil},
		{"ReplicasOnlyServer", []string{"--what", "replicas", "--p99", "100ms"}, 0,
			[]string{"Sizing replicas of server checkout", "Answer  2 replicas"}, nil},
		{"Load", []string{"--what", "load", "--p99", "100ms", "--loads", "0.25,1"}, 0,
			[]string{"Load sweep for p99 <= 100 ms; base rate 300.00 req/s (x1)", "\n  x0.25       75.00  ", "Knee  x0.25 (75.00 req/s)"}, nil},
		{"LoadRates", []string{"--what", "load", "--p99", "100ms", "--rates", "75,300"}, 0,
			[]string{"\n  x0.25       75.00  ", "\n  x1         300.00  ", "Knee  x0.25 (75.00 req/s)"}, nil},
		{"Quiet", []string{"--p99", "100ms", "--quiet"}, 0, nil, nil},
		// The example has no failures, rejections or timeouts: the
		// outcome SLA holds everywhere and the errors column shows 0.
		{"MaxErrorRate", []string{"--server", "checkout", "--p99", "100ms", "--max-error-rate", "0.1%"}, 0,
			[]string{"Sizing cores of server checkout for p99 <= 100 ms, errors <= 0.1 %", "errors %", "   0.000  ", "Answer  2 cores"}, nil},
		{"ErrMaxErrorRate", []string{"--p99", "1s", "--max-error-rate", "5x"}, 1, nil,
			[]string{`--max-error-rate: "5x" is not a share; give a percentage such as 0.1% or a fraction such as 0.001`}},
		{"ErrMaxErrorRateRange", []string{"--p99", "1s", "--max-error-rate", "150%"}, 1, nil,
			[]string{`--max-error-rate: "150%" is not a share in [0, 100 %]`}},
		{"ErrUnreachable", []string{"--server", "checkout", "--p99", "20ms", "--max", "2"}, 1,
			[]string{"Answer  none: the SLA is not met with up to 2 cores"},
			[]string{"fastsim: SLA not met (p99 <= 20 ms) with up to 2 cores; best found: p99 = "}},
		{"ErrKneeNone", []string{"--what", "load", "--p99", "20ms", "--loads", "1,2"}, 1,
			[]string{"Knee  none: even the lowest load misses the SLA"},
			[]string{"fastsim: SLA not met (p99 <= 20 ms) even at the lowest load (x1)"}},
		{"ErrUnknownServer", []string{"--server", "web", "--p99", "100ms"}, 1, nil,
			[]string{`no server "web" in the scenario; its servers are: checkout`}},
		{"ErrNoSLA", []string{"--server", "checkout"}, 1, nil, []string{"no SLA: give --p99 DURATION"}},
		{"ErrTwoSLAs", []string{"--p99", "1s", "--p95", "1s"}, 1, nil, []string{"give one SLA, got --p99 and --p95"}},
		{"ErrPercentileAlone", []string{"--percentile", "0.9"}, 1, nil, []string{"--percentile and --latency go together"}},
		{"ErrPercentileRange", []string{"--percentile", "90", "--latency", "1s"}, 1, nil, []string{"percentile must be a fraction in (0, 1)"}},
		{"ErrWhat", []string{"--what", "ram", "--p99", "1s"}, 1, nil, []string{`--what must be cores, replicas or load, got "ram"`}},
		{"ErrLoads", []string{"--what", "load", "--p99", "1s", "--loads", "1,x"}, 1, nil, []string{`--loads: "x" is not a number > 0`}},
		{"ErrReplications", []string{"--p99", "1s", "--replications", "0"}, 1, nil, []string{"--replications must be at least 1"}},
		{"ErrHorizon", []string{"--p99", "1s", "--horizon", "2"}, 2, nil, []string{"--horizon 2: ", "total_simulation_time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"size", checkout}, fast...), tt.args...)
			c := runCLI(t, args...)
			c.wantCode(t, tt.code)
			contains(t, "stdout", c.stdout, tt.stdout...)
			contains(t, "stderr", c.stderr, tt.stderr...)
			if tt.stderr == nil && c.stderr != "" {
				t.Errorf("stderr not empty:\n%s", c.stderr)
			}
			if tt.stdout == nil && c.stdout != "" {
				t.Errorf("stdout not empty:\n%s", c.stdout)
			}
		})
	}
}

func TestSizeScenarioErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"ErrInvalid", []string{"size", invalid, "--p99", "1s"}, 2, "invalid scenario"},
		{"ErrMissing", []string{"size", "testdata/none.yml", "--p99", "1s"}, 1, "reading scenario"},
		{"ErrNoLoadBalancer", []string{"size", small, "--what", "replicas", "--p99", "1s"}, 1, "needs a load balancer in front of it, and the scenario has none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := runCLI(t, tt.args...)
			c.wantCode(t, tt.code)
			contains(t, "stderr", c.stderr, tt.stderr)
		})
	}
}

func TestSizeJSON(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "size", checkout, "--p99", "100ms", "--json", "-", "--replications", "2", "--horizon", "20", "--seed", "7")
	c.wantCode(t, 0)
	var got struct {
		FastsimVersion string `json:"fastsim_version"`
		Seed           int64  `json:"seed"`
		HorizonS       int    `json:"horizon_s"`
		analysis.SizeResult
	}
	if err := json.Unmarshal([]byte(c.stdout), &got); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, c.stdout)
	}
	if got.Seed != 7 || got.HorizonS != 20 || got.Answer != 2 || got.What != "cores" || got.SLA.LatencyS != 0.1 || got.SLA.Percentile != 0.99 {
		t.Errorf("decoded %+v", got)
	}
	if diff := cmp.Diff([]int64{7, fastsim.ReplicationSeed(7, 1)}, got.Seeds); diff != "" {
		t.Errorf("seeds (-want +got):\n%s", diff)
	}
	// Doubling 1, 2, then the check of 3 cores.
	var values []float64
	for _, ev := range got.Evaluations {
		values = append(values, ev.Value)
	}
	if diff := cmp.Diff([]float64{1, 2, 3}, values); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}
