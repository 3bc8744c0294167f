package analysis_test

import (
	"context"
	"fmt"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Sweep the cores of a server under 400 requests/s of 5 ms of exponential
// CPU each (2 cores of demand), three replications per point with the
// same seeds, against p99 ≤ 60 ms.
func ExampleRunSweep() {
	sc, err := scenario.New().
		Generator("gen", 400, 60).
		Client("client").
		Server(scenario.NewServer("api").Endpoint("work",
			scenario.CPUStep(scenario.CPUBoundOperation, scenario.Random(scenario.ExpRV(0.005))))).
		Edge("gen-client", "gen", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("client-api", "client", "api", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("api-client", "api", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Horizon(30).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := analysis.ParseParam("topology_graph.nodes.servers[id=api].server_resources.cpu_cores=2..4:1")
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := analysis.SweepSpec{
		Params: []analysis.Param{p},
		Seeds:  []int64{fastsim.ReplicationSeed(42, 0), fastsim.ReplicationSeed(42, 1), fastsim.ReplicationSeed(42, 2)},
		SLA:    &analysis.SLA{Percentile: 0.99, LatencyS: 0.060},
	}
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
	}
	study, err := analysis.RunSweep(context.Background(), sc, spec, analysis.Options{Run: run})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, pt := range study.Points {
		fmt.Printf("%v cores: utilisation %.1f, pass %v\n", pt.Values[0], pt.Figures.Utilization["api"].Mean, *pt.Pass)
	}
	// Output:
	// 2 cores: utilisation 1.0, pass false
	// 3 cores: utilisation 0.7, pass true
	// 4 cores: utilisation 0.5, pass true
}
