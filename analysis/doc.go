// Package analysis turns the results of several replications of a scenario
// into statistics, and answers capacity questions by re-running variants of
// a scenario.
//
// Summarize gives, for each main figure, the mean across replications and
// the half-width of its 95 % confidence interval (Student t). Replications
// are independent runs of one scenario with different seeds (see
// fastsim.RunReplications). Because each run is one observation, the
// interval reflects run-to-run variability, which per-request statistics
// inside one run underestimate (requests of one run are correlated).
//
//	rs, _, err := fastsim.RunReplications(ctx, sc, 10)
//	s := analysis.Summarize(rs)
//	fmt.Printf("mean latency %.4f ± %.4f s\n", s.LatencyMean.Mean, s.LatencyMean.HalfWidth)
//
// SizeCores, SizeReplicas and Sweep answer "how many cores or replicas meet
// an SLA, and how does the system degrade under overload": they change the
// scenario (cores of a server, identical copies behind the load balancer,
// the arrival rate), run every candidate with the same seeds (common random
// numbers) and judge it against an SLA on a latency percentile. Results
// list every candidate evaluated, not only the answer.
//
//	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
//		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
//	}
//	seeds := []int64{fastsim.ReplicationSeed(42, 0), fastsim.ReplicationSeed(42, 1), fastsim.ReplicationSeed(42, 2)}
//	res, err := analysis.SizeCores(ctx, sc, "srv-1", analysis.SLA{Percentile: 0.99, LatencyS: 0.25},
//		analysis.Options{Run: run, Seeds: seeds})
//
// SizingSpec holds one such question whole (what, server, SLA, seeds,
// max); its Run method is what `fastsim size` and the service call, so both
// give the same answer for the same seeds. The SLA may bound outcomes too
// (SLA.MaxErrorRatio: failed, rejected and timed-out requests).
//
// RunSweep runs a SweepSpec: one or two parameters, each a path into the
// scenario (scenario.SetPath) or LoadParam, over lists of values; every
// combination with the same seeds, summarised as Figures (each an Estimate
// with its 95 % half-width). Candidates and SummarizeSweep are its two
// halves, for schedulers that run the candidates elsewhere. Sweep, the
// older load-only sweep, stays for `fastsim size --what load`.
//
// Compare compares two runs (RunRecord: scenario and Replicated result):
// the scenario diff by path and the differences of the main figures,
// paired on common seeds (common random numbers) or Welch's otherwise.
//
// The package takes the simulator as a RunFunc rather than importing it, so
// it knows nothing of the engine, HTTP, SQL or the command line.
package analysis
