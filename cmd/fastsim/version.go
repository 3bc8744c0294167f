package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/version"
)

// newVersionCmd builds `fastsim version`.
func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the FastSim version, the Go version it was built with and the engine identity",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.stdout, "fastsim %s (%s %s/%s, engine %s)\n", version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, version.Engine())
			return err
		},
	}
}
