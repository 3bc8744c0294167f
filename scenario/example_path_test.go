package scenario_test

import (
	"fmt"

	"github.com/fastsim/fastsim/scenario"
)

// Change one value by its path, read it back, and list what changed.
func ExampleSetPath() {
	base, err := scenario.New().
		Generator("gen", 100, 60).
		Client("client").
		Server(scenario.NewServer("api").Endpoint("/get", scenario.CPU(0.002))).
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.003)).
		Edge("client-api", "client", "api", scenario.ExpRV(0.003)).
		Edge("api-client", "api", "client", scenario.ExpRV(0.003)).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := base.Clone()
	if err := scenario.SetPath(sc, "topology_graph.nodes.servers[id=api].server_resources.cpu_cores", 4); err != nil {
		fmt.Println(err)
		return
	}
	v, _ := scenario.GetPath(sc, "topology_graph.nodes.servers[id=api].server_resources.cpu_cores")
	fmt.Println("cores:", v)
	for _, c := range scenario.Diff(base, sc) {
		fmt.Println(c)
	}
	// Errors name the path and say what is there.
	fmt.Println(scenario.SetPath(sc, "topology_graph.nodes.servers[id=api].server_resources.cpu_core", 2))
	fmt.Println(scenario.SetPath(sc, "topology_graph.nodes.servers[id=api].server_resources.cpu_cores", 0))
	// Output:
	// cores: 4
	// topology_graph.nodes.servers[id=api].server_resources.cpu_cores: 1 -> 4
	// topology_graph.nodes.servers[id=api].server_resources.cpu_core: unknown key "cpu_core" under topology_graph.nodes.servers[id=api].server_resources (did you mean "cpu_cores"?); the keys there are: cpu_cores, ram_mb, db_connection_pool, max_concurrency, max_queue
	// topology_graph.nodes.servers[0].server_resources.cpu_cores: must be a whole number >= 1, got 0
}
