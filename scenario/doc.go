// Package scenario holds the FastSim scenario model: the document types of
// the scenario format, strict YAML and JSON decoding with AsyncFlow's
// defaults, validation that reports every problem with its path, a
// canonical JSON form for cache keys, and a Builder for scenarios written
// in Go.
//
// Decoding is strict: unknown keys, wrong types, missing keys, bad enum
// values and trailing data are errors. Decode applies the defaults and
// validates, and returns either a ready Scenario or a *ValidationError
// that lists every problem at once, each with its path in the form
// topology_graph.nodes.servers[1].endpoints[0].steps[2].step_operation,
// its line, and what would be accepted:
//
//	sc, err := scenario.Decode(data, scenario.FormatAuto)
//	var ve *scenario.ValidationError
//	if errors.As(err, &ve) {
//		for _, fe := range ve.Errors {
//			fmt.Println(fe.Path, fe.Message)
//		}
//	}
//
// The same scenario can be built in Go:
//
//	sc, err := scenario.New().
//		Generator("rqs-1", 100, 20).
//		Client("client-1").
//		Server(scenario.NewServer("srv-1").Cores(2).RAM(2048).
//			Endpoint("/api", scenario.CPU(0.001), scenario.RAM(100), scenario.IO(0.1))).
//		Edge("gen-client", "rqs-1", "client-1", scenario.ExpRV(0.003)).
//		Edge("client-srv", "client-1", "srv-1", scenario.ExpRV(0.003)).
//		Edge("srv-client", "srv-1", "client-1", scenario.ExpRV(0.003)).
//		Horizon(300).
//		Build()
//
// Hostile input is bounded: documents larger than MaxDocumentSize, deeper
// than the YAML parser's nesting limit or expanding (through aliases) to
// more than 100,000 values are rejected with an error, never a panic or a
// hang. FuzzDecode checks this.
//
// The format is described in docs/scenario.md. The package knows nothing
// of the engine, HTTP, SQL or the command line.
package scenario
