package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/scenario"
	"github.com/fastsim/fastsim/version"
)

// slaFlags are the SLA flags of `fastsim size` and `fastsim sweep`.
type slaFlags struct {
	p99, p95     time.Duration
	percentile   float64
	latency      time.Duration
	minCompleted float64
	maxErrorRate string
}

// register adds the SLA flags to fl.
func (f *slaFlags) register(fl *pflag.FlagSet) {
	fl.DurationVar(&f.p99, "p99", 0, "SLA: p99 latency at most `DURATION` (e.g. 250ms)")
	fl.DurationVar(&f.p95, "p95", 0, "SLA: p95 latency at most `DURATION`")
	fl.Float64Var(&f.percentile, "percentile", 0, "SLA percentile as a fraction in (0, 1), with --latency")
	fl.DurationVar(&f.latency, "latency", 0, "SLA: the --percentile of latency at most `DURATION`")
	fl.Float64Var(&f.minCompleted, "min-completed", 0, "SLA: completed / generated requests at least `RATIO` in [0, 1] (0: not checked)")
	fl.StringVar(&f.maxErrorRate, "max-error-rate", "", "SLA: failed + rejected + timed-out requests at most `SHARE` of those generated (0.1% or 0.001)")
}

// given reports whether any SLA flag was set.
func (f slaFlags) given(latencySet bool) bool {
	return f.p99 != 0 || f.p95 != 0 || f.percentile != 0 || latencySet || f.minCompleted != 0 || f.maxErrorRate != ""
}

// sizeFlags are the flags of `fastsim size`.
type sizeFlags struct {
	slaFlags
	what         string
	server       string
	max          int
	replications int
	seed         int64
	conservative bool
	loads        string
	rates        string
	horizon      int
	jsonPath     string
	quiet        bool
	limits       limitFlags
}

// defaultLoads are the load multipliers of `fastsim size --what load`.
const defaultLoads = "0.25,0.5,0.75,1,1.25,1.5,2,3"

// newSizeCmd builds `fastsim size FILE`.
func newSizeCmd(a *app) *cobra.Command {
	var f sizeFlags
	cmd := &cobra.Command{
		Use:   "size FILE",
		Short: "Find the cores or replicas that meet a latency SLA, or the load where it breaks",
		Long: "size answers capacity questions about the scenario in FILE by re-running it:\n\n" +
			"  --what cores     the fewest cpu_cores of --server (of every server without --server)\n" +
			"  --what replicas  the fewest identical copies of --server behind the load balancer\n" +
			"                   (of an autoscaled server: the lowest max_replicas)\n" +
			"  --what load      the degradation curve at --loads multipliers of the arrival rate\n" +
			"                   (or at --rates req/s), and the knee: the highest load meeting the SLA\n\n" +
			"The SLA is a latency percentile at most a duration (--p99 250ms, or --percentile 0.999\n" +
			"--latency 1s), optionally with --min-completed, the share of generated requests that\n" +
			"must complete, and --max-error-rate, the largest share of generated requests that may end\n" +
			"failed, rejected or timed out (0.1%). Every candidate runs --replications replications with the same seeds\n" +
			"(common random numbers) and passes when the mean of the percentile across them meets\n" +
			"the SLA (with --conservative, the upper end of its 95 % confidence interval). Cores and\n" +
			"replicas are searched by doubling from 1 then bisection, assuming more never hurts;\n" +
			"a contradiction is printed as a warning. Every candidate is printed, not only the answer.\n\n" +
			"Exit codes: 0 answer found, 1 SLA not met within --max (or at the lowest load) or any\n" +
			"other error, 2 invalid scenario.",
		Example: "  fastsim size examples/overload.yml --server srv-1 --p99 250ms\n" +
			"  fastsim size scenario.yml --what replicas --server api --p95 100ms --max 16\n" +
			"  fastsim size scenario.yml --what load --p99 250ms --loads 0.5,1,2,4 --json curve.json",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.size(cmd.Context(), args[0], f, cmd.Flags().Changed("latency"))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.what, "what", "cores", "what to size: cores, replicas or load")
	fl.StringVar(&f.server, "server", "", "`ID` of the server to size (cores: every server when empty; replicas: required unless there is one server)")
	f.slaFlags.register(fl)
	fl.IntVar(&f.max, "max", analysis.DefaultMax, "largest number of cores or replicas to try")
	fl.IntVar(&f.replications, "replications", 3, "replications per candidate, seeds derived from --seed as in fastsim run")
	fl.Int64Var(&f.seed, "seed", fastsim.DefaultSeed, "seed of the first replication")
	fl.BoolVar(&f.conservative, "conservative", false, "judge on the upper end of the 95 % confidence interval instead of the mean")
	fl.StringVar(&f.loads, "loads", defaultLoads, "load multipliers of the arrival rate for --what load, comma-separated")
	fl.StringVar(&f.rates, "rates", "", "arrival rates in req/s for --what load, comma-separated (instead of --loads)")
	fl.IntVar(&f.horizon, "horizon", 0, "simulate `SECONDS` per run instead of the scenario's total_simulation_time")
	fl.StringVar(&f.jsonPath, "json", "", "write every candidate and the answer as JSON to `PATH`; - writes it to stdout instead of the table")
	fl.BoolVar(&f.quiet, "quiet", false, "do not print the table")
	f.limits.register(fl)
	return cmd
}

// sizeJSON is the JSON of `fastsim size --what cores|replicas`.
type sizeJSON struct {
	FastsimVersion string `json:"fastsim_version"`
	Seed           int64  `json:"seed"`
	HorizonS       int    `json:"horizon_s"`
	*analysis.SizeResult
}

// sweepJSON is the JSON of `fastsim size --what load`.
type sweepJSON struct {
	FastsimVersion string `json:"fastsim_version"`
	Seed           int64  `json:"seed"`
	HorizonS       int    `json:"horizon_s"`
	*analysis.SweepResult
}

// size implements `fastsim size`.
func (a *app) size(ctx context.Context, path string, f sizeFlags, latencySet bool) error {
	sla, err := f.sla(latencySet)
	if err != nil {
		return err
	}
	if f.replications < 1 {
		return fmt.Errorf("--replications must be at least 1, got %d", f.replications)
	}
	if f.max < 1 {
		return fmt.Errorf("--max must be at least 1, got %d", f.max)
	}
	if f.what != "cores" && f.what != "replicas" && f.what != "load" {
		return fmt.Errorf("--what must be cores, replicas or load, got %q", f.what)
	}
	sc, err := a.loadWithHorizon(ctx, path, f.horizon)
	if err != nil {
		return err
	}
	seeds := replicationSeeds(f.seed, f.replications)
	spec := analysis.SizingSpec{What: f.what, Server: f.server, SLA: sla, Seeds: seeds, Max: f.max, Conservative: f.conservative}
	if f.what == "load" {
		if spec.Loads, err = f.multipliers(sc); err != nil {
			return err
		}
	}
	horizon := sc.Settings.TotalSimulationTime
	var (
		out   any
		write func() error
	)
	// The service answers the same spec with the same function.
	res, err := spec.Run(ctx, sc, analysis.Options{Run: f.limits.runFunc()})
	switch {
	case res != nil && res.Load != nil:
		out = sweepJSON{FastsimVersion: version.Version, Seed: f.seed, HorizonS: horizon, SweepResult: res.Load}
		write = func() error { return report.WriteSweep(a.stdout, res.Load) }
	case res != nil && res.Size != nil:
		out = sizeJSON{FastsimVersion: version.Version, Seed: f.seed, HorizonS: horizon, SizeResult: res.Size}
		write = func() error { return report.WriteSizing(a.stdout, res.Size) }
	}
	if out == nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("sizing interrupted, nothing written: %w", err)
		}
		return fmt.Errorf("sizing %s: %w", path, f.limits.explain(err))
	}
	if f.jsonPath != "" {
		if jerr := a.writeJSON(f.jsonPath, out); jerr != nil {
			return jerr
		}
	}
	if !f.quiet && f.jsonPath != "-" {
		if werr := write(); werr != nil {
			return werr
		}
	}
	// err is nil or the SLA was not met: the table above shows every
	// candidate, the error says so in one line.
	return err
}

// loadWithHorizon loads the scenario of `fastsim size` and `fastsim
// sweep` at path, with total_simulation_time set to horizon seconds unless
// horizon is 0, and prints its warnings.
func (a *app) loadWithHorizon(ctx context.Context, path string, horizon int) (*scenario.Scenario, error) {
	sc, err := a.loadScenario(ctx, path)
	if err != nil {
		return nil, err
	}
	if horizon != 0 {
		sc.Settings.TotalSimulationTime = horizon
		if err := sc.Validate(); err != nil {
			return nil, &exitError{code: exitInvalid, err: fmt.Errorf("--horizon %d: %w", horizon, err)}
		}
	}
	for _, w := range sc.Warnings() {
		fmt.Fprintf(a.stderr, "fastsim: %s: warning: %s\n", path, w.String())
	}
	return sc, nil
}

// replicationSeeds returns the seeds of n replications from seed, those
// of `fastsim run --seed seed --replications n`.
func replicationSeeds(seed int64, n int) []int64 {
	seeds := make([]int64, n)
	for i := range seeds {
		seeds[i] = fastsim.ReplicationSeed(seed, i)
	}
	return seeds
}

// sla builds the SLA from exactly one of --p99, --p95 or --percentile
// with --latency.
func (f slaFlags) sla(latencySet bool) (analysis.SLA, error) {
	var set []string
	sla := analysis.SLA{MinCompletedRatio: f.minCompleted}
	if f.p99 != 0 {
		set = append(set, "--p99")
		sla.Percentile, sla.LatencyS = 0.99, f.p99.Seconds()
	}
	if f.p95 != 0 {
		set = append(set, "--p95")
		sla.Percentile, sla.LatencyS = 0.95, f.p95.Seconds()
	}
	if latencySet || f.percentile != 0 {
		set = append(set, "--percentile/--latency")
		sla.Percentile, sla.LatencyS = f.percentile, f.latency.Seconds()
		if f.percentile == 0 || !latencySet {
			return sla, errors.New("--percentile and --latency go together, e.g. --percentile 0.999 --latency 1s")
		}
	}
	switch len(set) {
	case 0:
		return sla, errors.New("no SLA: give --p99 DURATION (e.g. --p99 250ms), --p95 DURATION, or --percentile and --latency")
	case 1:
	default:
		return sla, fmt.Errorf("give one SLA, got %s", strings.Join(set, " and "))
	}
	if f.maxErrorRate != "" {
		r, err := parseShare(f.maxErrorRate)
		if err != nil {
			return sla, fmt.Errorf("--max-error-rate: %w", err)
		}
		sla.MaxErrorRatio = &r
	}
	if err := sla.Validate(); err != nil {
		return sla, fmt.Errorf("invalid SLA flags: %w", err)
	}
	return sla, nil
}

// parseShare parses a share given as a percentage ("0.1%") or a fraction
// ("0.001") into a fraction in [0, 1].
func parseShare(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a share; give a percentage such as 0.1%% or a fraction such as 0.001", s)
	}
	if pct {
		v /= 100
	}
	if !(v >= 0 && v <= 1) {
		return 0, fmt.Errorf("%q is not a share in [0, 100 %%]", s)
	}
	return v, nil
}

// multipliers returns the load multipliers of --loads, or of --rates
// divided by the scenario's arrival rate.
func (f sizeFlags) multipliers(sc *scenario.Scenario) ([]float64, error) {
	list, flag := f.loads, "--loads"
	if f.rates != "" {
		list, flag = f.rates, "--rates"
	}
	var out []float64
	for _, s := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(v > 0) {
			return nil, fmt.Errorf("%s: %q is not a number > 0; give a comma-separated list such as 0.5,1,2", flag, s)
		}
		out = append(out, v)
	}
	if f.rates != "" {
		base := analysis.ArrivalRate(sc)
		if !(base > 0) {
			return nil, errors.New("--rates: the scenario's arrival rate is 0, so no rate is a multiple of it; use --loads")
		}
		for i := range out {
			out[i] /= base
		}
	}
	return out, nil
}
