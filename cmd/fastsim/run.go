package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// runFlags are the flags of `fastsim run`.
type runFlags struct {
	seed         int64
	jsonPath     string
	series       bool
	quiet        bool
	replications int
	plotsDir     string
	reportPath   string
	limits       limitFlags
}

// progressMinRequests is the expected number of simulated requests above
// which a run shows a progress bar (on a terminal): about a quarter of a
// second of wall time at the engine's speed.
const progressMinRequests = 250_000

// newRunCmd builds `fastsim run FILE`.
func newRunCmd(a *app) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Simulate a scenario and print a report",
		Long: "run simulates the scenario in FILE (YAML or JSON) and prints a report: latency,\n" +
			"throughput, request counts, per-server and per-edge figures. --json writes the\n" +
			"machine-readable result; --replications runs independent replications in parallel\n" +
			"and adds a table of means with 95 % confidence intervals. --plots writes every chart\n" +
			"as PNG and SVG; --report writes one self-contained HTML report.\n\n" +
			"Exit codes: 0 success, 2 invalid scenario, 1 anything else.",
		Example: "  fastsim run examples/single_server.yml\n" +
			"  fastsim run scenario.yml --seed 7 --json result.json --quiet\n" +
			"  fastsim run scenario.yml --replications 10 --json - | jq .latency\n" +
			"  fastsim run scenario.yml --plots charts/ --report report.html",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runScenario(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&f.seed, "seed", fastsim.DefaultSeed, "seed of the run; the same scenario and seed give the same result")
	fl.StringVar(&f.jsonPath, "json", "", "write the result as JSON to `PATH`; - writes it to stdout instead of the report")
	fl.BoolVar(&f.series, "series", false, "include the full sampled series in the JSON result")
	fl.BoolVar(&f.quiet, "quiet", false, "do not print the text report")
	fl.IntVar(&f.replications, "replications", 1, "run `N` replications with seeds derived from --seed, in parallel, and merge them")
	fl.StringVar(&f.plotsDir, "plots", "", "write every chart as PNG and SVG into `DIR` (created if missing)")
	fl.StringVar(&f.reportPath, "report", "", "write a self-contained HTML report to `PATH`")
	f.limits.register(fl)
	return cmd
}

// runScenario implements `fastsim run`.
func (a *app) runScenario(ctx context.Context, path string, f runFlags) error {
	if f.replications < 1 {
		return fmt.Errorf("--replications must be at least 1, got %d", f.replications)
	}
	sc, err := a.loadScenario(ctx, path)
	if err != nil {
		return err
	}
	for _, w := range sc.Warnings() {
		fmt.Fprintf(a.stderr, "fastsim: %s: warning: %s\n", path, w.String())
	}
	opts := append(f.limits.options(), fastsim.WithSeed(f.seed))
	// Charts draw the sampled series, so asking for them records the series.
	if f.series || f.plotsDir != "" || f.reportPath != "" {
		opts = append(opts, fastsim.WithSeries())
	}
	bar := a.newProgress(sc, f.replications)
	if bar != nil {
		opts = append(opts, fastsim.WithProgress(bar.update))
	}
	var (
		r  *result.Result
		rs []*result.Result
	)
	if f.replications == 1 {
		r, err = fastsim.Run(ctx, sc, opts...)
	} else {
		rs, r, err = fastsim.RunReplications(ctx, sc, f.replications, opts...)
	}
	bar.finish(err == nil)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("run interrupted, no result written: %w", err)
		}
		return fmt.Errorf("simulating %s: %w", path, f.limits.explain(err))
	}
	out := analysis.NewReplicated(r, rs)
	if f.jsonPath != "" {
		jsonOut := *out
		if !f.series {
			// Any series were recorded for the charts only.
			jsonOut.Series = nil
		}
		if err := a.writeJSON(f.jsonPath, jsonOut); err != nil {
			return err
		}
	}
	if err := writeCharts(ctx, sc, out, f); err != nil {
		return err
	}
	if f.quiet || f.jsonPath == "-" {
		return nil
	}
	return report.WriteText(a.stdout, sc, r, out.Statistics)
}

// writeCharts writes the charts into f.plotsDir and the HTML report to
// f.reportPath, when asked; Ctrl-C (ctx) stops it.
func writeCharts(ctx context.Context, sc *scenario.Scenario, out *analysis.Replicated, f runFlags) error {
	r := &out.Result
	if f.plotsDir != "" {
		if err := os.MkdirAll(f.plotsDir, 0o755); err != nil {
			return fmt.Errorf("--plots: creating %s: %w", f.plotsDir, err)
		}
		open := func(name string) (io.WriteCloser, error) {
			return os.Create(filepath.Join(f.plotsDir, name))
		}
		if _, err := report.WritePlots(ctx, open, sc, r, report.ChartOptions{}); err != nil {
			return fmt.Errorf("--plots: writing charts into %s: %w", f.plotsDir, err)
		}
	}
	if f.reportPath != "" {
		err := writeHTML("--report", f.reportPath, func(w io.Writer) error {
			return report.WriteHTML(ctx, w, sc, r, out.Statistics)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeHTML renders an HTML report with render and writes it to path, the
// value of flag; nothing is written when rendering fails.
func writeHTML(flag, path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return fmt.Errorf("%s: rendering the HTML report: %w", flag, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("%s: writing %s: %w", flag, path, err)
	}
	return nil
}

// writeJSON writes v as indented JSON and a newline to path, or to stdout
// when path is "-".
func (a *app) writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the result as JSON: %w", err)
	}
	data = append(data, '\n')
	if path == "-" {
		_, err = a.stdout.Write(data)
	} else {
		err = os.WriteFile(path, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("writing the JSON result to %s: %w", path, err)
	}
	return nil
}

// progress draws a progress bar of simulated time on stderr.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a progress bar when stderr is a terminal and the run
// is long enough to need one, else nil (whose methods do nothing).
func (a *app) newProgress(sc *scenario.Scenario, replications int) *progress {
	if !a.isTerminal(a.stderr) {
		return nil
	}
	c, err := engine.Estimate(sc)
	if err != nil || float64(c.Requests)*float64(replications) < a.progressMin {
		return nil
	}
	return &progress{bar: newBar(a.stderr)}
}

// newBar returns a bar of 1000 steps (permille of simulated time).
func newBar(w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(1000,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("simulating"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
}

// update moves the bar to the fraction of simulated time reached.
func (p *progress) update(pr fastsim.Progress) {
	if p == nil || pr.Horizon <= 0 {
		return
	}
	_ = p.bar.Set(int(1000 * pr.SimTime / pr.Horizon)) // a bar that cannot draw is not worth failing a run
}

// finish clears the bar after a successful run, or leaves it where it
// stopped and ends its line after a failed one.
func (p *progress) finish(ok bool) {
	if p == nil {
		return
	}
	if ok {
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit()
}
