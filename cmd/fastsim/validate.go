package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/scenario"
)

// newValidateCmd builds `fastsim validate FILE...`.
func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files and print every problem with its path",
		Long: "validate decodes each scenario file (YAML or JSON) strictly and checks every rule of\n" +
			"the format. It prints each problem as \"path: message\", one per line, and each\n" +
			"warning as \"warning: path: message\", then \"FILE: valid\" or \"FILE: invalid\".\n\n" +
			"Exit codes: 0 all valid, 2 some file is invalid, 1 some file cannot be read.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			code := exitOK
			for _, path := range args {
				code = max(code, a.validateFile(cmd.Context(), path))
			}
			// exitFailure (1) outranks exitInvalid (2): a file that cannot
			// be read says nothing about whether the others are valid.
			switch code {
			case exitOK:
				return nil
			case exitInvalid:
				return &exitError{code: exitInvalid, err: errors.New("invalid scenario"), silent: true}
			}
			return &exitError{code: exitFailure, err: errors.New("unreadable scenario file"), silent: true}
		},
	}
}

// validateFile validates one file, prints its outcome and returns the
// exit code it deserves: 0 valid, 2 invalid, 3 unreadable (mapped to 1 by
// the caller so that it outranks 2 in max).
func (a *app) validateFile(ctx context.Context, path string) int {
	sc, err := a.readScenario(ctx, path)
	var ve *scenario.ValidationError
	switch {
	case errors.As(err, &ve):
		fmt.Fprintf(a.stdout, "%s: invalid scenario, %s\n", path, count(len(ve.Errors), "error"))
		for _, fe := range ve.Errors {
			fmt.Fprintln(a.stdout, fe.String())
		}
		return exitInvalid
	case err != nil:
		fmt.Fprintf(a.stderr, "fastsim: %v\n", err)
		return unreadable
	}
	warnings := sc.Warnings()
	for _, w := range warnings {
		fmt.Fprintf(a.stdout, "warning: %s\n", w.String())
	}
	if len(warnings) > 0 {
		fmt.Fprintf(a.stdout, "%s: valid, %s\n", path, count(len(warnings), "warning"))
	} else {
		fmt.Fprintf(a.stdout, "%s: valid\n", path)
	}
	return exitOK
}

// unreadable is validateFile's code for a file that cannot be read; it is
// above exitInvalid so that max picks it.
const unreadable = exitInvalid + 1

// readScenario reads (see readScenarioFile: "-" is stdin, limited size,
// regular files only) and decodes the scenario file at path, choosing the
// format by extension (.json, .yml, .yaml; anything else is detected). An
// invalid scenario gives an error wrapping *scenario.ValidationError.
func (a *app) readScenario(ctx context.Context, path string) (*scenario.Scenario, error) {
	data, err := a.readScenarioFile(ctx, path)
	if err != nil {
		return nil, err
	}
	sc, err := scenario.Decode(data, scenario.FormatForName(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// loadScenario is readScenario for the commands that run a scenario: an
// invalid one is an exitInvalid error that lists every problem.
func (a *app) loadScenario(ctx context.Context, path string) (*scenario.Scenario, error) {
	sc, err := a.readScenario(ctx, path)
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		return nil, &exitError{code: exitInvalid, err: fmt.Errorf("%s: invalid scenario, %s:\n%w", path, count(len(ve.Errors), "error"), ve)}
	}
	return sc, err
}

// count formats "1 error", "3 errors".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
