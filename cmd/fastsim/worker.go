package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/version"
)

// workerFlags are the flags that matter to `fastsim worker`.
var workerFlags = map[string]bool{
	"database-url": true, "data-dir": true, "workers": true, "run-timeout": true, "no-migrate": true,
	"shutdown-timeout": true, "log-level": true, "log-format": true,
}

// newWorkerCmd builds `fastsim worker`.
func newWorkerCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run simulation workers only (no HTTP API)",
		Long: "worker executes queued simulation runs with --workers concurrent jobs. Any number of\n" +
			"workers, on any number of machines, can share one PostgreSQL database (--database-url);\n" +
			"without it they share the SQLite file fastsim.db in --data-dir on this machine. A worker\n" +
			"killed mid-run loses nothing: its job is retried by another worker. SIGTERM or SIGINT\n" +
			"stops it gracefully: running jobs get --shutdown-timeout to finish, then are handed back.",
		Args: cobra.NoArgs,
	}
	flags := config.BindFlags(cmd.Flags(), runtime.NumCPU())
	hideFlagsExcept(cmd, workerFlags)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := flags.Load(a.getenv)
		if err != nil {
			return err
		}
		return a.work(cmd.Context(), cfg)
	}
	return cmd
}

// work runs workers until ctx is done, then stops them within
// cfg.ShutdownTimeout.
func (a *app) work(ctx context.Context, cfg config.Config) error {
	if cfg.Workers < 1 {
		return errors.New("--workers / FASTSIM_WORKERS: a worker process needs at least 1 worker")
	}
	logger, err := telemetry.NewLogger(a.stderr, cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.AutoMigrate {
		if err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate database (or start with --no-migrate and run `fastsim migrate up`): %w", err)
		}
	}
	jobs, err := job.NewClient(st, job.Config{Workers: cfg.Workers, RunTimeout: cfg.RunTimeout, Logger: logger})
	if err != nil {
		return err
	}
	if err := jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	logger.Info("fastsim worker started", "version", version.Version, "database", st.Dialect(),
		"workers", cfg.Workers, "run_timeout", cfg.RunTimeout.String())
	<-ctx.Done()
	logger.Info("stopping workers", "reason", context.Cause(ctx).Error(), "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := jobs.Stop(sctx); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}
