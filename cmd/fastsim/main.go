// Command fastsim simulates asynchronous backends described by scenario
// files, validates scenarios, and runs the FastSim service.
//
//	fastsim run FILE [--seed N] [--json PATH|-] [--series] [--quiet] [--replications N] [--plots DIR] [--report FILE]
//	fastsim validate FILE...
//	fastsim size FILE --p99 250ms [--what cores|replicas|load] [--server ID] [--max N] [--replications R] [--json PATH|-]
//	fastsim serve [--addr :8000] [--database-url URL] [--redis-url URL] [--workers N] ...
//	fastsim worker [--database-url URL] [--workers N]
//	fastsim migrate up|status
//	fastsim healthcheck [--url URL]
//	fastsim version
//
// Every service flag also reads a FASTSIM_* environment variable; see
// docs/configuration.md.
//
// Exit codes: 0 success, 2 invalid scenario, 1 anything else.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
