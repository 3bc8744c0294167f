package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// TestRunRejectsInconsistentScenarios checks that Run refuses, with an
// error wrapping the *scenario.ValidationError that names the offending
// value, rather than panicking or hanging, every scenario that does not pass
// scenario.Validate: the engine keeps no rule of its own.
func TestRunRejectsInconsistentScenarios(t *testing.T) {
	t.Parallel()
	base := func() *scenario.Scenario {
		return lbScenario(constantRate(10), 10, scenario.RoundRobin, expo(0.001),
			srv("a", 1, 1024, cpu(fixed(0.001)), ram(10)),
			srv("b", 1, 1024, cpu(fixed(0.001))))
	}
	tests := []struct {
		name   string
		mutate func(sc *scenario.Scenario)
		want   string
	}{
		{"ErrUnknownTarget", func(sc *scenario.Scenario) { sc.Topology.Edges[1].Target = "nowhere" }, "edges[1].target"},
		{"ErrUnknownSource", func(sc *scenario.Scenario) { sc.Topology.Edges[1].Source = "ghost" }, "edges[1].source"},
		{"ErrSelfLoop", func(sc *scenario.Scenario) { sc.Topology.Edges[1].Source = "lb" }, "edges[1]"},
		{"ErrDuplicateEdge", func(sc *scenario.Scenario) { sc.Topology.Edges[1].ID = "gen-client" }, "edges[1].id"},
		{"ErrDuplicateNode", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[1].ID = "a" }, "servers[1].id"},
		{"ErrNoGeneratorEdge", func(sc *scenario.Scenario) { sc.Workload.ID = "other" }, "generator"},
		{"ErrTwoClientEdges", func(sc *scenario.Scenario) {
			sc.Topology.Edges = append(sc.Topology.Edges, link("extra", "client", "a", expo(0.001)))
		}, "client"},
		{"ErrServerWithoutOutEdge", func(sc *scenario.Scenario) { sc.Topology.Edges = sc.Topology.Edges[:len(sc.Topology.Edges)-1] }, "no outgoing edge"},
		{"ErrZeroLatency", func(sc *scenario.Scenario) { sc.Topology.Edges[0].Latency = det(0) }, "latency.mean"},
		{"ErrDropout", func(sc *scenario.Scenario) { sc.Topology.Edges[0].DropoutRate = 1.5 }, "dropout_rate"},
		{"ErrZeroCores", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Resources.CPUCores = 0 }, "cpu_cores"},
		{"ErrRAMTooLarge", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.NecessaryRAM = ptr(2000.0)
		}, "could never run"},
		{"ErrRAMBelowMinimum", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Resources.RAMMB = 5 }, "ram_mb"},
		{"ErrShortHorizon", func(sc *scenario.Scenario) { sc.Settings.TotalSimulationTime = 3 }, "total_simulation_time"},
		{"ErrZeroRAMStep", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[1].Operation.NecessaryRAM = ptr(0.0)
		}, "necessary_ram"},
		{"ErrPool", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Resources.DBConnectionPool = ptr(0) }, "db_connection_pool"},
		{"ErrNoEndpoints", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Endpoints = nil }, "endpoints"},
		{"ErrStepWithoutOperation", func(sc *scenario.Scenario) {
			sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[0].Operation = scenario.Operation{}
		}, "cpu_time"},
		{"ErrUnknownStepKind", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Endpoints[0].Steps[0].Kind = "sleep" }, "kind"},
		{"ErrZeroWeights", func(sc *scenario.Scenario) { sc.Topology.Nodes.Servers[0].Endpoints[0].Probability = ptr(0.0) }, "probabilit"},
		{"ErrUnknownAlgorithm", func(sc *scenario.Scenario) { sc.Topology.Nodes.LoadBalancer.Algorithm = "random_walk" }, "algorithms"},
		{"ErrCoveredUnknown", func(sc *scenario.Scenario) { sc.Topology.Nodes.LoadBalancer.ServerCovered = []string{"zzz"} }, "server_covered[0]"},
		{"ErrCoveredWithoutEdge", func(sc *scenario.Scenario) {
			sc.Topology.Edges[2].Target = "client" // lb-a now goes elsewhere
		}, "server_covered[0]"},
		{"ErrHorizon", func(sc *scenario.Scenario) { sc.Settings.TotalSimulationTime = 0 }, "total_simulation_time"},
		{"ErrSamplePeriod", func(sc *scenario.Scenario) { sc.Settings.SamplePeriodS = 0 }, "sample_period_s"},
		{"ErrTinySamplePeriod", func(sc *scenario.Scenario) { sc.Settings.SamplePeriodS = 1e-300 }, "sample_period_s"},
		{"ErrUnknownMetric", func(sc *scenario.Scenario) { sc.Settings.EnabledSampleMetrics = []scenario.SampleMetric{"cpu_temp"} }, "enabled_sample_metrics[0]"},
		{"ErrWindow", func(sc *scenario.Scenario) { sc.Workload.UserSamplingWindow = 0 }, "user_sampling_window"},
		{"ErrEventTarget", func(sc *scenario.Scenario) {
			sc.Events = []scenario.Event{{ID: "e", TargetID: "gen-client",
				Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 1},
				End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 2}}}
		}, "events[0].target_id"},
		{"ErrEventKinds", func(sc *scenario.Scenario) {
			sc.Events = []scenario.Event{{ID: "e", TargetID: "a",
				Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 1},
				End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 2}}}
		}, "events[0]"},
		{"ErrEventWindow", func(sc *scenario.Scenario) {
			sc.Events = []scenario.Event{{ID: "e", TargetID: "a",
				Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 3},
				End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 2}}}
		}, "events[0]"},
		{"ErrSpikeWithoutSpike", func(sc *scenario.Scenario) {
			sc.Events = []scenario.Event{{ID: "e", TargetID: "client-lb",
				Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 1},
				End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 2}}}
		}, "spike_s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := base()
			tc.mutate(sc)
			r, err := Run(context.Background(), sc, Options{})
			if err == nil {
				t.Fatalf("Run succeeded: %+v", r.Counts)
			}
			if r != nil {
				t.Error("Run returned a partial result with its error")
			}
			var ve *scenario.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %q (%T) does not wrap a *scenario.ValidationError", err, err)
			}
			if want := sc.Validate().Error(); !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error %q does not end with Validate's %q", err, want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		if _, err := Run(context.Background(), base(), Options{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNilScenario", func(t *testing.T) {
		t.Parallel()
		if _, err := Run(context.Background(), nil, Options{}); err == nil {
			t.Fatal("Run(nil) succeeded")
		}
	})
}

func TestRunRejectsOverwhelmingWorkload(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(2e8), 10, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.001))))
	if _, err := Run(context.Background(), sc, Options{}); err == nil || !strings.Contains(err.Error(), "rqs_input") {
		t.Fatalf("err = %v, want an error about rqs_input", err)
	}
}

// TestCompilePanicsOnBrokenInvariant checks that compile, which trusts a
// validated scenario, panics with the package prefix (never an index out of
// range or a nil dereference) when handed one that skipped Validate.
func TestCompilePanicsOnBrokenInvariant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(sc *scenario.Scenario)
		want   string
	}{
		{"EdgeToNowhere", func(sc *scenario.Scenario) { sc.Topology.Edges[1].Target = "nowhere" }, `engine: edge "client-lb" targets "nowhere", not a node`},
		{"ServerWithoutOutEdge", func(sc *scenario.Scenario) { sc.Topology.Edges = sc.Topology.Edges[:len(sc.Topology.Edges)-1] }, `engine: server "b" has no outgoing edge`},
		{"UnknownAlgorithm", func(sc *scenario.Scenario) { sc.Topology.Nodes.LoadBalancer.Algorithm = "random_walk" }, `engine: unknown load-balancing algorithm "random_walk"`},
		{"UnknownDistribution", func(sc *scenario.Scenario) { sc.Topology.Edges[0].Latency.Distribution = "cauchy" }, `engine: unknown distribution "cauchy"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := lbScenario(constantRate(10), 10, scenario.RoundRobin, expo(0.001),
				srv("a", 1, 1024, cpu(fixed(0.001))), srv("b", 1, 1024, cpu(fixed(0.001))))
			tc.mutate(sc)
			defer func() {
				if got := recover(); got != tc.want {
					t.Errorf("panic %v, want %q", got, tc.want)
				}
			}()
			compile(sc, Options{})
		})
	}
}

func TestRunRefusesSeriesTooLarge(t *testing.T) {
	t.Parallel()
	// 100,000 s sampled every 1 ms is 10⁸ values for each of 6 series
	// (3 server metrics, 3 edges), beyond maxSeriesValues = 2²⁶: a valid
	// scenario whose full series (Options.Series) would not fit.
	sc := singleServer(constantRate(1), 100000, tinyEdges(), srv("srv", 1, 1024, cpu(fixed(0.001))))
	sc.Settings.SamplePeriodS = 0.001
	_, err := Run(context.Background(), sc, Options{Series: true})
	var ve *scenario.ValidationError
	if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "sim_settings.sample_period_s: 0.001 s over 100000 s gives 100000000 values per series and 6 series") {
		t.Fatalf("err = %v, want the series bound", err)
	}
}
