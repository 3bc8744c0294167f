// Package fastsim simulates asynchronous backends: a workload of users
// sends requests through a network of edges, a load balancer and servers
// whose event loops share cores, RAM, I/O and database connections, and
// FastSim reports latency percentiles, throughput, queue lengths and
// utilisation without running any real service.
//
// This package is a small facade over the library:
//
//   - [github.com/fastsim/fastsim/scenario]: the scenario format (YAML or
//     JSON, AsyncFlow-compatible), strict decoding, validation, a Builder;
//   - [github.com/fastsim/fastsim/engine]: the discrete-event kernel;
//   - [github.com/fastsim/fastsim/result]: the result of a run, its JSON
//     form, the quantile sketch and the merging of replications;
//   - [github.com/fastsim/fastsim/analysis]: confidence intervals across
//     replications;
//   - [github.com/fastsim/fastsim/report]: the human-readable report, the
//     charts (SVG and PNG) and the self-contained HTML report.
//
// # Quick start
//
// From the command line:
//
//	go run ./cmd/fastsim validate scenario.yml
//	go run ./cmd/fastsim run scenario.yml
//	go run ./cmd/fastsim run scenario.yml --replications 10 --json out.json
//
// From Go:
//
//	sc, err := scenario.Decode(data, scenario.FormatYAML)
//	if err != nil {
//		return err // a *scenario.ValidationError lists every problem
//	}
//	r, err := fastsim.Run(ctx, sc, fastsim.WithSeed(7))
//	if err != nil {
//		return err
//	}
//	fmt.Printf("p99 %.1f ms, %.1f req/s\n", r.Latency.P99*1000, r.Throughput.MeanRPS)
//
// The same scenario and seed give the same result, byte for byte, with the
// same FastSim version. [RunReplications] runs independent replications in
// parallel and merges them.
package fastsim
