package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/report"
)

// compareFlags are the flags of `fastsim compare`.
type compareFlags struct {
	scenarioA, scenarioB string
	jsonPath             string
	htmlPath             string
	quiet                bool
}

// newCompareCmd builds `fastsim compare A.json B.json`.
func newCompareCmd(a *app) *cobra.Command {
	var f compareFlags
	cmd := &cobra.Command{
		Use:   "compare A.json B.json",
		Short: "Compare two runs: what changed in the scenario and how the figures moved, with confidence intervals",
		Long: "compare reads two results written by `fastsim run --json` (or served by\n" +
			"GET /api/v1/runs/{id}/result) and prints the differences b - a of the main figures.\n" +
			"With several replications on each side the differences get 95 % confidence\n" +
			"intervals: paired, replication by replication, when both runs used the same seeds\n" +
			"(same --seed and --replications: common random numbers make the interval much\n" +
			"narrower, and the unpaired half-width is shown beside it), Welch's otherwise.\n\n" +
			"The result JSON does not hold the scenario: give both with --scenario-a and\n" +
			"--scenario-b to list what changed, by path (the syntax of fastsim sweep --set).\n\n" +
			"Exit codes: 0 success, 2 invalid scenario, 1 anything else.",
		Example: "  fastsim run a.yml --replications 5 --json a.json --quiet\n" +
			"  fastsim run b.yml --replications 5 --json b.json --quiet\n" +
			"  fastsim compare a.json b.json --scenario-a a.yml --scenario-b b.yml",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.compare(cmd.Context(), args[0], args[1], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scenarioA, "scenario-a", "", "the scenario `FILE` of run a, to list what changed")
	fl.StringVar(&f.scenarioB, "scenario-b", "", "the scenario `FILE` of run b")
	fl.StringVar(&f.jsonPath, "json", "", "write the comparison as JSON to `PATH`; - writes it to stdout instead of the table")
	fl.StringVar(&f.htmlPath, "html", "", "write a self-contained HTML report of the comparison to `PATH`")
	fl.BoolVar(&f.quiet, "quiet", false, "do not print the table")
	return cmd
}

// compare implements `fastsim compare`.
func (a *app) compare(ctx context.Context, pathA, pathB string, f compareFlags) error {
	if (f.scenarioA == "") != (f.scenarioB == "") {
		return fmt.Errorf("--scenario-a and --scenario-b go together; give both or neither")
	}
	ra, err := readRunResult(pathA)
	if err != nil {
		return err
	}
	rb, err := readRunResult(pathB)
	if err != nil {
		return err
	}
	a1, b1 := analysis.RunRecord{Result: ra}, analysis.RunRecord{Result: rb}
	if f.scenarioA != "" {
		if a1.Scenario, err = a.loadScenario(ctx, f.scenarioA); err != nil {
			return err
		}
		if b1.Scenario, err = a.loadScenario(ctx, f.scenarioB); err != nil {
			return err
		}
	}
	c := analysis.Compare(a1, b1)
	if f.jsonPath != "" {
		if err := a.writeJSON(f.jsonPath, c); err != nil {
			return err
		}
	}
	if f.htmlPath != "" {
		err := writeHTML("--html", f.htmlPath, func(w io.Writer) error {
			return report.WriteComparisonHTML(ctx, w, c, pathA, pathB)
		})
		if err != nil {
			return err
		}
	}
	if f.quiet || f.jsonPath == "-" {
		return nil
	}
	return report.WriteComparison(a.stdout, c)
}

// readRunResult reads the JSON result of `fastsim run --json`.
func readRunResult(path string) (*analysis.Replicated, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading run result: %w (give the JSON written by fastsim run --json)", err)
	}
	var r analysis.Replicated
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("reading run result %s: %w; give the JSON written by fastsim run --json", path, err)
	}
	if r.Counts.Generated == 0 && len(r.Replications) == 0 && r.FastsimVersion == "" {
		return nil, fmt.Errorf("reading run result %s: it has no counts, replications or fastsim_version; give the JSON written by fastsim run --json", path)
	}
	return &r, nil
}
