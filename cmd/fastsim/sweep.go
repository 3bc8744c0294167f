package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/version"
)

// sweepFlags are the flags of `fastsim sweep`.
type sweepFlags struct {
	slaFlags
	sets         []string
	replications int
	seed         int64
	conservative bool
	horizon      int
	jsonPath     string
	htmlPath     string
	quiet        bool
	limits       limitFlags
}

// newSweepCmd builds `fastsim sweep FILE`.
func newSweepCmd(a *app) *cobra.Command {
	var f sweepFlags
	cmd := &cobra.Command{
		Use:   "sweep FILE",
		Short: "Run the scenario over the values of one or two parameters, with confidence intervals",
		Long: "sweep runs the scenario in FILE at every combination of the values of one or two\n" +
			"parameters, each addressed by its path in the scenario (quote it in a shell: brackets\n" +
			"are patterns there):\n\n" +
			"  --set 'topology_graph.nodes.servers[id=api].server_resources.cpu_cores=1,2,4,8'\n" +
			"  --set rqs_input.avg_active_users.mean=100..400:100      (from..to:step)\n" +
			"  --set 'topology_graph.edges[id=gen-client].latency.mean=0.001..0.01/4'   (from..to/count)\n" +
			"  --set load=0.5,1,2     (multipliers of the arrival rate, as fastsim size --what load)\n\n" +
			"Every combination runs --replications replications with the same seeds (common random\n" +
			"numbers) and is reported with the mean and the 95 % confidence half-width of its main\n" +
			"figures. An SLA (--p99 250ms, …, as in fastsim size) adds a verdict per combination and\n" +
			"the SLA line on the charts of the --html report. Every path and value is checked\n" +
			"before anything runs.\n\n" +
			"Exit codes: 0 success (whatever the verdicts), 2 invalid scenario, path or value,\n" +
			"1 anything else.",
		Example: "  fastsim sweep examples/sizing_checkout.yml --set 'topology_graph.nodes.servers[id=checkout].server_resources.cpu_cores=1..4:1' --p99 100ms\n" +
			"  fastsim sweep scenario.yml --set load=0.5..2/4 --set 'topology_graph.nodes.servers[0].server_resources.cpu_cores=2,4' --html sweep.html\n" +
			"  fastsim sweep scenario.yml --set rqs_input.avg_active_users.mean=50,100,200 --replications 5 --json -",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sweep(cmd.Context(), args[0], f, cmd.Flags().Changed("latency"))
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.sets, "set", nil, "a swept parameter, `PATH=VALUES`: v1,v2,… or from..to:step or from..to/count; once or twice")
	f.slaFlags.register(fl)
	fl.IntVar(&f.replications, "replications", 3, "replications per combination, seeds derived from --seed as in fastsim run")
	fl.Int64Var(&f.seed, "seed", fastsim.DefaultSeed, "seed of the first replication")
	fl.BoolVar(&f.conservative, "conservative", false, "judge the SLA on the upper end of the 95 % confidence interval instead of the mean")
	fl.IntVar(&f.horizon, "horizon", 0, "simulate `SECONDS` per run instead of the scenario's total_simulation_time")
	fl.StringVar(&f.jsonPath, "json", "", "write every combination's figures as JSON to `PATH`; - writes it to stdout instead of the table")
	fl.StringVar(&f.htmlPath, "html", "", "write a self-contained HTML report with the charts to `PATH`")
	fl.BoolVar(&f.quiet, "quiet", false, "do not print the table")
	f.limits.register(fl)
	return cmd
}

// sweepStudyJSON is the JSON of `fastsim sweep`.
type sweepStudyJSON struct {
	FastsimVersion string `json:"fastsim_version"`
	Seed           int64  `json:"seed"`
	HorizonS       int    `json:"horizon_s"`
	*analysis.SweepStudy
}

// sweep implements `fastsim sweep`.
func (a *app) sweep(ctx context.Context, path string, f sweepFlags, latencySet bool) error {
	if len(f.sets) == 0 {
		return errors.New("no parameter: give --set PATH=v1,v2,… (e.g. --set 'topology_graph.nodes.servers[0].server_resources.cpu_cores=1,2,4')")
	}
	if f.replications < 1 {
		return fmt.Errorf("--replications must be at least 1, got %d", f.replications)
	}
	spec := analysis.SweepSpec{Conservative: f.conservative}
	for _, s := range f.sets {
		p, err := analysis.ParseParam(s)
		if err != nil {
			return fmt.Errorf("--set: %w", err)
		}
		spec.Params = append(spec.Params, p)
	}
	if f.given(latencySet) {
		sla, err := f.sla(latencySet)
		if err != nil {
			return err
		}
		spec.SLA = &sla
	}
	spec.Seeds = replicationSeeds(f.seed, f.replications)
	if err := spec.Validate(); err != nil {
		return err
	}
	sc, err := a.loadWithHorizon(ctx, path, f.horizon)
	if err != nil {
		return err
	}
	// Every path and value is checked before anything runs.
	if _, err := spec.Candidates(sc); err != nil {
		return fmt.Errorf("--set: %w", err)
	}
	st, err := analysis.RunSweep(ctx, sc, spec, analysis.Options{Run: f.limits.runFunc()})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("sweep interrupted, nothing written: %w", err)
		}
		return fmt.Errorf("sweeping %s: %w", path, f.limits.explain(err))
	}
	if f.jsonPath != "" {
		out := sweepStudyJSON{FastsimVersion: version.Version, Seed: f.seed, HorizonS: sc.Settings.TotalSimulationTime, SweepStudy: st}
		if err := a.writeJSON(f.jsonPath, out); err != nil {
			return err
		}
	}
	if f.htmlPath != "" {
		err := writeHTML("--html", f.htmlPath, func(w io.Writer) error {
			return report.WriteSweepHTML(ctx, w, sc, st)
		})
		if err != nil {
			return err
		}
	}
	if f.quiet || f.jsonPath == "-" {
		return nil
	}
	return report.WriteSweepStudy(a.stdout, st)
}
