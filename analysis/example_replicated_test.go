package analysis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

// Run three replications and encode them in the shape that `fastsim run
// --replications 3 --json` writes and the API answers.
func ExampleNewReplicated() {
	sc, err := scenario.New().
		Generator("gen", 100, 60).
		Client("client").
		Server(scenario.NewServer("api").Endpoint("work", scenario.CPU(0.002))).
		Edge("gen-client", "gen", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("client-api", "client", "api", scenario.DetRV(0.001), scenario.Dropout(0)).
		Edge("api-client", "api", "client", scenario.DetRV(0.001), scenario.Dropout(0)).
		Horizon(10).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	rs, merged, err := fastsim.RunReplications(context.Background(), sc, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := json.Marshal(analysis.NewReplicated(merged, rs))
	if err != nil {
		fmt.Println(err)
		return
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(slices.Sorted(maps.Keys(doc)))
	// Output:
	// [counts edges fastsim_version horizon_s latency latency_all latency_moments latency_sketch replications seed servers statistics throughput]
}
