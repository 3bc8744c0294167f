// Package analysis turns the results of several replications of a scenario
// into statistics: for each main figure, the mean across replications and
// the half-width of its 95 % confidence interval (Student t).
//
// Replications are independent runs of one scenario with different seeds
// (see fastsim.RunReplications). Because each run is one observation, the
// interval reflects run-to-run variability, which per-request statistics
// inside one run underestimate (requests of one run are correlated).
//
//	rs, _, err := fastsim.RunReplications(ctx, sc, 10)
//	s := analysis.Summarize(rs)
//	fmt.Printf("mean latency %.4f ± %.4f s\n", s.LatencyMean.Mean, s.LatencyMean.HalfWidth)
//
// It knows nothing of the engine's insides, HTTP, SQL or the command line.
package analysis
