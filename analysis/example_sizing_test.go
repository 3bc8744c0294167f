package analysis_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Find the fewest cores that keep p99 under 60 ms for 400 requests/s of
// 5 ms of exponential CPU each (2 cores of demand).
func ExampleSizeCores() {
	sc, err := scenario.New().
		Generator("gen", 400, 60).
		Client("client").
		Server(scenario.NewServer("api").Endpoint("work",
			scenario.CPUStep(scenario.CPUBoundOperation, scenario.Quantity{Value: 0.005, RV: &scenario.RV{Mean: 0.005, Distribution: scenario.Exponential}}))).
		Edge("gen-client", "gen", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("client-api", "client", "api", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("api-client", "api", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Horizon(30).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
	}
	seeds := []int64{fastsim.ReplicationSeed(42, 0), fastsim.ReplicationSeed(42, 1), fastsim.ReplicationSeed(42, 2)}
	res, err := analysis.SizeCores(context.Background(), sc, "api", analysis.SLA{Percentile: 0.99, LatencyS: 0.060},
		analysis.Options{Run: run, Seeds: seeds})
	var ue *analysis.UnreachableError
	switch {
	case errors.As(err, &ue):
		fmt.Println("unreachable; closest:", ue.Best.Value)
	case err != nil:
		fmt.Println(err)
	default:
		for _, ev := range res.Evaluations {
			fmt.Printf("%v cores: pass %v\n", ev.Value, ev.Pass)
		}
		fmt.Println("answer:", res.Answer, "cores")
	}
	// Output:
	// 1 cores: pass false
	// 2 cores: pass false
	// 3 cores: pass true
	// 4 cores: pass true
	// answer: 3 cores
}
