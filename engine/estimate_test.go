package engine

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// loadScenario decodes a scenario file with its defaults applied.
func loadScenario(t testing.TB, path string) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	format := scenario.FormatYAML
	if filepath.Ext(path) == ".json" {
		format = scenario.FormatJSON
	}
	sc, err := scenario.Decode(data, format)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sc
}

func TestEstimateExamples(t *testing.T) {
	root := repoRoot(t)
	var files []string
	for _, glob := range []string{"examples/*.yml", "scenario/testdata/valid/*.yml", "scenario/testdata/valid/*.json"} {
		m, err := filepath.Glob(filepath.Join(root, glob))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 8 {
		t.Fatalf("found %d scenario files, want at least 8", len(files))
	}
	for _, path := range files {
		name, _ := filepath.Rel(root, path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, path)
			est, err := Estimate(sc)
			if err != nil {
				t.Fatal(err)
			}
			// The mean over several seeds, so that chance (the users of
			// each window and the Poisson arrivals) moves it by a few per
			// cent only, even for the smallest file (60 requests a run).
			const seeds = 10
			var events, requests int64
			for seed := int64(1); seed <= seeds; seed++ {
				r, err := Run(context.Background(), sc, Options{Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				checkConservation(t, r)
				events += r.Counts.Events
				requests += r.Counts.Generated
			}
			ratio := float64(events) / seeds / float64(est.Events)
			t.Logf("estimate %d events (%d requests × %.3g), mean of %d runs %d events (%d requests): ratio %.3f",
				est.Events, est.Requests, est.EventsPerRequest, seeds, events/seeds, requests/seeds, ratio)
			// The estimate bounds the expectation: the mean exceeds it
			// by chance only, and falls short of it by the requests a load
			// balancer sends on a cheaper route, that an outage fails or
			// that the horizon cuts.
			if ratio > 1.1 || ratio < 0.75 {
				t.Errorf("mean %d events, estimated %d: ratio %.3f outside [0.75, 1.1]", events/seeds, est.Events, ratio)
			}
		})
	}
}

func TestEstimate(t *testing.T) {
	// 10 requests per second for 100 s: 1,000 requests.
	base := func() *scenario.Scenario {
		return singleServer(constantRate(10), 100, tinyEdges(),
			srv("srv-1", 1, 1024, cpu(fixed(0.001)), cpu(fixed(0.001)), ram(10), io(scenario.IOWait, fixed(0.01)), io(scenario.IODB, fixed(0.01))))
	}
	tests := []struct {
		name       string
		edit       func(sc *scenario.Scenario)
		perRequest float64
		events     int64
	}{
		// arrival + 3 edges + 2 segments (the two CPU steps make one,
		// the two I/O steps another, the RAM step none)
		{"single server", func(*scenario.Scenario) {}, 6, 6000},
		// half the requests stop at client→server: 1 + 1 + ½·(1 + 2 + 1)
		{"dropout", func(sc *scenario.Scenario) { sc.Topology.Edges[1].DropoutRate = 0.5 }, 4, 4000},
		// with a pool the database step is a segment of its own
		{"database pool", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Resources.DBConnectionPool = ptr(2)
		}, 7, 7000},
		// the start and the end of a spike inside the horizon; one that
		// ends at the horizon schedules its start only
		{"injected events", func(sc *scenario.Scenario) {
			spike := func(id string, from, to float64) scenario.Event {
				return scenario.Event{ID: id, TargetID: "client-srv",
					Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: from, SpikeS: ptr(0.01)},
					End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: to}}
			}
			sc.Events = []scenario.Event{spike("a", 10, 20), spike("b", 50, 100)}
		}, 6, 6003},
		// endpoints of 1 and 3 segments, probabilities ¼ and ¾: 2.5
		{"endpoint probabilities", func(sc *scenario.Scenario) {
			s := &sc.Topology.Nodes.Servers[0]
			s.Endpoints = []scenario.Endpoint{
				{Name: "a", Probability: ptr(0.25), Steps: []scenario.Step{cpu(fixed(0.001))}},
				{Name: "b", Probability: ptr(0.75), Steps: []scenario.Step{cpu(fixed(0.001)), io(scenario.IOWait, fixed(0.01)), cpu(fixed(0.001))}},
			}
		}, 6.5, 6500},
		// E[users] of a normal truncated at 0 by resampling with mean 1
		// and variance 1: 1 + φ(1)/Φ(1) = 1.28760, so 1287.6 requests at
		// 10 per second per user
		{"truncated normal users", func(sc *scenario.Scenario) {
			sc.Workload.AvgActiveUsers = scenario.RV{Mean: 1, Distribution: scenario.Normal, Variance: ptr(1.0)}
			sc.Workload.AvgRequestPerMinutePerUser.Mean = 600
		}, 6, 7726},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base()
			tt.edit(sc)
			got, err := Estimate(sc)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.EventsPerRequest-tt.perRequest) > 1e-12 || got.Events != tt.events {
				t.Errorf("Estimate = %+v, want %v events per request and %d events", got, tt.perRequest, tt.events)
			}
		})
	}

	t.Run("load balancer counts its costliest route", func(t *testing.T) {
		sc := lbScenario(constantRate(10), 100, scenario.RoundRobin, det(tiny),
			srv("a", 1, 1024, cpu(fixed(0.001))),
			srv("b", 1, 1024, cpu(fixed(0.001)), io(scenario.IOWait, fixed(0.01)), cpu(fixed(0.001))))
		got, err := Estimate(sc)
		if err != nil {
			t.Fatal(err)
		}
		// arrival + gen→client + client→lb + lb→b + 3 segments + b→client
		if got.EventsPerRequest != 8 || got.Events != 8000 {
			t.Errorf("Estimate = %+v, want 8 events per request, 8000 events", got)
		}
	})

	t.Run("invalid scenario", func(t *testing.T) {
		// Like Run, Estimate refuses what Validate refuses, here a loop.
		sc := lbScenario(constantRate(10), 100, scenario.RoundRobin, det(tiny), srv("a", 1, 1024, cpu(fixed(0.001))))
		sc.Topology.Edges[3].Target = "lb" // a → lb instead of a → client
		var ve *scenario.ValidationError
		if _, err := Estimate(sc); !errors.As(err, &ve) || !strings.Contains(err.Error(), "closes a loop") {
			t.Errorf("err = %v, want a *scenario.ValidationError about the loop", err)
		}
	})
}

func TestEffectiveMean(t *testing.T) {
	tests := []struct {
		x    scenario.RV
		want float64
	}{
		{scenario.RV{Mean: 3, Distribution: scenario.Exponential}, 3},
		{scenario.RV{Mean: 3, Distribution: scenario.Poisson}, 3},
		// mean + sd·φ(mean/sd)/Φ(mean/sd), by hand
		{scenario.RV{Mean: 0, Distribution: scenario.Normal, Variance: ptr(4.0)}, 2 * math.Sqrt(2/math.Pi)},
		{scenario.RV{Mean: 1, Distribution: scenario.Normal, Variance: ptr(1.0)}, 1 + 0.24197072451914337/0.8413447460685429},
		// issue 8's hostile users: the nominal mean is 0.001, what the
		// engine draws has a mean of about 798
		{scenario.RV{Mean: 0.001, Distribution: scenario.Normal, Variance: ptr(1e6)}, 797.8850},
		// uniform on [-1, 3] clipped at 0: ∫₀³ x/4 dx = 9/8
		{scenario.RV{Mean: 1, Distribution: scenario.Uniform, Variance: ptr(4.0 / 3)}, 9.0 / 8},
		{scenario.RV{Mean: 2, Distribution: scenario.Uniform, Variance: ptr(1.0 / 3)}, 2},
	}
	for _, tt := range tests {
		v := compileRV(tt.x, scenario.RoleCount)
		got := v.effectiveMean()
		if math.Abs(got-tt.want) > 1e-4*max(1, tt.want) {
			t.Errorf("%+v: effective mean %v, want %v", tt.x, got, tt.want)
		}
		// And the draws agree: 200,000 draws put the sample mean within
		// 5 standard errors (sd <= 1000 here, so 5·1000/447 ≈ 11 for the
		// widest, 0.02 for sd 1).
		r := newStream(1, "test", "effective", "mean")
		const n = 200_000
		var sum, sq float64
		for range n {
			x := max(v.sample(r), 0)
			sum += x
			sq += x * x
		}
		mean := sum / n
		se := math.Sqrt((sq/n - mean*mean) / n)
		if math.Abs(mean-got) > 5*se+1e-12 {
			t.Errorf("%+v: sample mean %v, effective mean %v (standard error %v)", tt.x, mean, got, se)
		}
	}
}
