package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// twoServers is a load-balanced scenario like AsyncFlow's two_servers_lb.
func twoServers() *scenario.Scenario {
	return &scenario.Scenario{
		Workload: scenario.Workload{
			ID:                         "rqs-1",
			AvgActiveUsers:             scenario.RV{Mean: 100, Distribution: scenario.Poisson},
			AvgRequestPerMinutePerUser: scenario.RV{Mean: 20, Distribution: scenario.Poisson},
			UserSamplingWindow:         60,
		},
		Topology: scenario.Topology{
			Nodes: scenario.Nodes{
				Client: scenario.Client{ID: "client-1"},
				Servers: []scenario.Server{
					{ID: "srv-2", Resources: scenario.ServerResources{CPUCores: 2, RAMMB: 2048}},
					{ID: "srv-1", Resources: scenario.ServerResources{CPUCores: 1, RAMMB: 1024}},
				},
				LoadBalancer: &scenario.LoadBalancer{ID: "lb-1", Algorithm: scenario.RoundRobin},
			},
			Edges: []scenario.Edge{
				{ID: "gen-client"}, {ID: "client-lb"}, {ID: "lb-srv2"}, {ID: "lb-srv1"}, {ID: "srv2-client"}, {ID: "srv1-client"},
			},
		},
		Settings: scenario.Settings{TotalSimulationTime: 500, SamplePeriodS: 0.05},
		Events:   []scenario.Event{{ID: "ev-1"}},
	}
}

func twoServersResult() *result.Result {
	sum := func(mean, max float64) *result.Summary { return &result.Summary{Mean: mean, Max: max} }
	return &result.Result{
		FastsimVersion: "v0.1.0",
		Seed:           42,
		HorizonS:       500,
		Counts:         result.Counts{Generated: 16712, Completed: 16101, Dropped: 598, Failed: 0, InFlight: 13, Events: 134567},
		Latency: result.Latency{TotalRequests: 16101, Mean: 0.1136, Median: 0.10912, StdDev: 0.0101, P50: 0.10912,
			P90: 0.1201, P95: 0.12567, P99: 0.14011, P999: 0.16702, Min: 0.10131, Max: 0.1893},
		Throughput: result.Throughput{WindowS: 1, MeanRPS: 32.202, Series: []float64{28, 35, 41, 19, 33}},
		EventWindows: []result.EventWindow{
			{EventID: "ev-1", Kind: result.WindowServerDown, TargetID: "srv-1", StartS: 100, EndS: 160, DurationS: 60, Completed: 1930, ThroughputRPS: 32.166666666666664,
				Latency: result.Latency{TotalRequests: 1930, Mean: 0.2291, P50: 0.22939999999999998, P95: 0.3012, P99: 0.41}},
			{Kind: result.WindowOutside, DurationS: 440, Completed: 14171, ThroughputRPS: 32.20681818181818,
				Latency: result.Latency{TotalRequests: 14171, Mean: 0.0979, P50: 0.10912, P95: 0.12, P99: 0.139}},
		},
		Servers: map[string]result.ServerStats{
			"srv-1": {Requests: 8050, Utilization: 0.016234, ReadyQueueLen: sum(0.0012, 2), EventLoopIOSleep: sum(1.61, 8), RAMInUse: sum(161.2, 800)},
			"srv-2": {Requests: 8064, Utilization: 0.008117, ReadyQueueLen: sum(0.0004, 1), EventLoopIOSleep: sum(1.62, 9), RAMInUse: sum(162.3, 900)},
		},
		Edges: map[string]result.EdgeStats{
			"gen-client":  {Dropped: 170, EdgeConcurrentConnection: sum(0.1, 3)},
			"client-lb":   {Dropped: 166, EdgeConcurrentConnection: sum(0.099, 3)},
			"lb-srv1":     {Dropped: 80, EdgeConcurrentConnection: sum(0.05, 2)},
			"lb-srv2":     {Dropped: 82, EdgeConcurrentConnection: sum(0.05, 2)},
			"srv1-client": {Dropped: 50, EdgeConcurrentConnection: sum(0.048, 2)},
			"srv2-client": {Dropped: 50, EdgeConcurrentConnection: sum(0.049, 3)},
		},
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	one := twoServersSummary()
	one.Replications = 1
	tests := []struct {
		name  string
		sc    *scenario.Scenario
		r     *result.Result
		stats *analysis.Summary
	}{
		{"two_servers", twoServers(), twoServersResult(), nil},
		// Merged from 5 replications: the header says so and the
		// confidence-interval table ends the report.
		{"replications", twoServers(), twoServersResult(), twoServersSummary()},
		// One replication has no interval: "n/a".
		{"replications_one", twoServers(), twoServersResult(), one},
		// No scenario, nothing completed, sampled metrics disabled.
		{"minimal", nil, &result.Result{
			FastsimVersion: "dev", Seed: 7, HorizonS: 5,
			Counts:     result.Counts{Generated: 3, Dropped: 1, InFlight: 2, Events: 12},
			Throughput: result.Throughput{WindowS: 1},
			Servers:    map[string]result.ServerStats{"b": {}, "a": {Failed: 1}},
			Edges:      map[string]result.EdgeStats{"e": {Dropped: 1}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteText(&b, tt.sc, tt.r, tt.stats); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", b.Bytes())
		})
	}
}

// twoServersSummary is a Summary of 5 replications of twoServers.
func twoServersSummary() *analysis.Summary {
	return &analysis.Summary{
		Replications:  5,
		Confidence:    0.95,
		LatencyMean:   analysis.Estimate{Mean: 0.1136, HalfWidth: 0.0012},
		LatencyP50:    analysis.Estimate{Mean: 0.1091, HalfWidth: 0.0007},
		LatencyP95:    analysis.Estimate{Mean: 0.1257, HalfWidth: 0.0021},
		LatencyP99:    analysis.Estimate{Mean: 0.1401, HalfWidth: 0.0044},
		ThroughputRPS: analysis.Estimate{Mean: 32.2, HalfWidth: 0.61},
		Completed:     analysis.Estimate{Mean: 16101, HalfWidth: 305.2},
		Dropped:       analysis.Estimate{Mean: 598.4, HalfWidth: 21.7},
		Servers: map[string]analysis.ServerSummary{
			"srv-2": {Utilization: analysis.Estimate{Mean: 0.008117, HalfWidth: 0.0002}},
			"srv-1": {Utilization: analysis.Estimate{Mean: 0.016234, HalfWidth: 0.0003}},
		},
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	if err := WriteText(failingWriter{}, twoServers(), twoServersResult(), twoServersSummary()); !errors.Is(err, errDiskFull) {
		t.Errorf("WriteText error = %v, want %v", err, errDiskFull)
	}
	if err := WriteText(&bytes.Buffer{}, nil, nil, nil); err == nil {
		t.Error("WriteText(nil result) succeeded")
	}
}

// overloadScenario is twoServers with three events: an outage, a spike
// and a spike that lasts until the horizon.
func overloadScenario() *scenario.Scenario {
	sc := twoServers()
	sc.Events = []scenario.Event{
		{ID: "ev-1", TargetID: "srv-1", Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: 100}, End: scenario.EventEnd{Kind: scenario.ServerUp, TEnd: 160}},
		{ID: "storm", TargetID: "lb-srv1", Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 200, SpikeS: ptrTo(0.5)}, End: scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 230}},
		{ID: "early", TargetID: "lb-srv2", Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 0, SpikeS: ptrTo(0.1)}, End: scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 10}},
		{ID: "last", TargetID: "lb-srv2", Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 480, SpikeS: ptrTo(0.1)}, End: scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 500}},
	}
	return sc
}

// overloadResult is twoServersResult with every figure of spec §14:
// outcome counts, latency_all, a client breaker, rejections and wasted
// work, replicas and cost, calls with a breaker, and recovery (one event
// recovered, one not, one without baseline, one lasting to the horizon).
func overloadResult() *result.Result {
	r := twoServersResult()
	r.Counts = result.Counts{Generated: 16712, Completed: 15101, Failed: 300, Rejected: 500, TimedOut: 200, Dropped: 598, InFlight: 13,
		Attempts: 18000, Retries: 1288, Events: 154567}
	r.LatencyAll = result.Latency{TotalRequests: 16101, Mean: 0.2, P50: 0.1, P90: 0.5, P95: 1, P99: 2, P999: 2, Min: 0.0001, Max: 2.5, StdDev: 0.3}
	r.Client = &result.ClientStats{CircuitBreaker: &result.BreakerStats{Opened: 3, OpenS: 15}}
	s1, s2 := r.Servers["srv-1"], r.Servers["srv-2"]
	s1.Rejected, s1.WastedS = 500, 12.5
	s2.Replicas, s2.Cost = &result.ReplicaStats{Mean: 2.5, Min: 2, Max: 4}, ptrTo(0.347)
	r.Servers["srv-1"], r.Servers["srv-2"] = s1, s2
	r.Calls = map[string]result.CallStats{
		"srv-2->db": {Attempts: 900, Completed: 700, Failed: 50, Rejected: 100, TimedOut: 50,
			Latency:        result.Latency{TotalRequests: 700, Mean: 0.01, P50: 0.009, P95: 0.02, P99: 0.03, Max: 0.05},
			CircuitBreaker: &result.BreakerStats{Opened: 1, OpenS: 5}},
	}
	r.Recovery = map[string]result.Recovery{
		"ev-1":  {BaselineP95: ptrTo(0.12567), RecoveredAfterS: ptrTo(4)},
		"storm": {BaselineP95: ptrTo(0.12)},
		"early": {},
		"last":  {BaselineP95: ptrTo(0.125)},
	}
	return r
}

func ptrTo(v float64) *float64 { return &v }

func TestWriteTextOverload(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteText(&b, overloadScenario(), overloadResult(), nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "overload.txt", b.Bytes())
	if n := strings.Count(b.String(), NotRecoveredFlag); n != 1 {
		t.Errorf("the report flags %d events as %q, want 1 (storm)", n, NotRecoveredFlag)
	}
	// A merged result: the median, with how many runs did not recover.
	r := overloadResult()
	r.Recovery = map[string]result.Recovery{
		"ev-1":  {BaselineP95: ptrTo(0.12567), RecoveredAfterS: ptrTo(4), Replications: 5, NotRecovered: 2},
		"storm": {BaselineP95: ptrTo(0.12), Replications: 5, NotRecovered: 3},
	}
	b.Reset()
	if err := WriteText(&b, overloadScenario(), r, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4 (median of 5 runs; 2 did not recover)", NotRecoveredFlag + " in 3 of 5 runs"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("merged report lacks %q:\n%s", want, b.String())
		}
	}
}
