package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fastsim/fastsim/scenario"
)

// Exit codes of the command (k6's errext/exitcodes pattern): every error
// is mapped to one of them in exitCode, and nowhere else.
const (
	exitOK      = 0
	exitFailure = 1
	exitInvalid = 2
)

// app is what the subcommands may use of the process: its streams and its
// environment. Nothing else in this package touches os.Stdin, os.Stdout,
// os.Stderr or os.Getenv, so that tests run commands in process.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// getenv reads an environment variable ("" when unset).
	getenv func(string) string
	// isTerminal reports whether w is an interactive terminal; progress
	// bars are drawn only then.
	isTerminal func(w io.Writer) bool
	// progressMin is the expected number of simulated requests above which
	// `run` draws a progress bar on a terminal stderr.
	progressMin float64
}

// run executes the command line args and returns the process exit code.
// It is main without the process: tests call it with buffers.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		isTerminal: isTerminal, progressMin: progressMinRequests}
	return a.execute(ctx, args)
}

// execute runs args with a and maps the outcome to an exit code, printing
// the error (if any) to stderr.
func (a *app) execute(ctx context.Context, args []string) int {
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) || !ee.silent {
		fmt.Fprintf(a.stderr, "fastsim: %v\n", err)
	}
	return exitCode(err)
}

// newRootCmd builds the command tree. Each subcommand lives in its own
// file and is added here with one line.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "fastsim",
		Short: "Simulate asynchronous backends from a scenario file",
		Long: "FastSim simulates a workload of users, a network, a load balancer and servers with\n" +
			"event loops, and reports latency percentiles, throughput, queues and utilisation.\n\n" +
			"A scenario FILE is a regular file of at most 1 MiB (the service's request body\n" +
			"limit), or - to read stdin; Ctrl-C interrupts reading as well as running.\n\n" +
			"Exit codes: 0 success, 2 invalid scenario, 1 anything else.",
		SilenceUsage:  true,
		SilenceErrors: true,
		// No generated `completion` command: the list below is the whole CLI.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w; run '%s --help' for usage", err, c.CommandPath())
	})
	root.AddCommand(
		newRunCmd(a),
		newSizeCmd(a),
		newSweepCmd(a),
		newCompareCmd(a),
		newValidateCmd(a),
		newVersionCmd(a),
		newServeCmd(a), newHealthcheckCmd(a),
		newWorkerCmd(a),
		newMigrateCmd(a),
		newUsersCmd(a),
	)
	return root
}

// exitError carries an explicit exit code. silent means its message has
// already been printed (for example, the list of validation errors).
type exitError struct {
	code   int
	err    error
	silent bool
}

// Error returns the wrapped error's message.
func (e *exitError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e *exitError) Unwrap() error { return e.err }

// exitCode is the one place that maps errors to exit codes: an explicit
// *exitError keeps its code, an invalid scenario (*scenario.ValidationError
// anywhere in the chain) gives 2, anything else 1.
func exitCode(err error) int {
	var ee *exitError
	var ve *scenario.ValidationError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ve):
		return exitInvalid
	}
	return exitFailure
}

// isTerminal reports whether w is a file attached to a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
