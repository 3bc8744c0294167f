package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/version"
)

// workerFlags are the flags that matter to `fastsim worker`.
var workerFlags = map[string]bool{
	"database-url": true, "data-dir": true, "workers": true, "run-timeout": true, "study-timeout": true, "no-migrate": true,
	"shutdown-timeout": true, "log-level": true, "log-format": true, "metrics-addr": true,
	"heartbeat-interval": true, "lease-ttl": true,
}

// newWorkerCmd builds `fastsim worker`.
func newWorkerCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run simulation workers only (no HTTP API)",
		Long: "worker executes queued simulation runs with --workers concurrent jobs. Any number of\n" +
			"workers, on any number of machines, can share one PostgreSQL database (--database-url);\n" +
			"without it they share the SQLite file fastsim.db in --data-dir on this machine. A worker\n" +
			"renews a lease on each run every --heartbeat-interval; when a worker dies mid-run, its\n" +
			"run is handed to another worker (or to it after a restart) once the lease expires\n" +
			"(--lease-ttl, 10 s by default), and a run whose worker died twice is failed, not retried.\n" +
			"SIGTERM or SIGINT stops it gracefully: running jobs get --shutdown-timeout to finish,\n" +
			"then are handed back. It serves GET /health (liveness) and GET /metrics (Prometheus)\n" +
			"on --metrics-addr (default :9090; off for none).",
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
// cfg.ShutdownTimeout. Unless cfg.MetricsAddr is off it serves /health and
// /metrics there from start to the end of the shutdown.
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
	reg := telemetry.NewRegistry()
	jobs, err := job.NewClient(st, jobConfig(cfg, logger, reg))
	if err != nil {
		return err
	}
	// The probe server listens before the workers start, so that a port
	// conflict fails fast.
	probes, err := startProbeServer(cfg.MetricsAddr, cfg.Serving, reg, logger)
	if err != nil {
		return err
	}
	if err := jobs.Start(context.WithoutCancel(ctx)); err != nil {
		_ = probes.close()
		return err
	}
	logger.Info("fastsim worker started", "version", version.Version, "engine", version.Engine(), "database", st.Dialect(),
		"workers", cfg.Workers, "run_timeout", cfg.RunTimeout.String(), "metrics_addr", probes.addr())
	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info("stopping workers", "reason", context.Cause(ctx).Error(), "timeout", cfg.ShutdownTimeout.String())
	case serveErr = <-probes.errc:
		logger.Error("metrics server failed; stopping workers", "error", serveErr.Error())
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// Workers first: /health and /metrics stay up while jobs drain.
	errs := []error{serveErr}
	if err := jobs.Stop(sctx); err != nil {
		errs = append(errs, err)
	}
	if err := probes.shutdown(sctx); err != nil {
		errs = append(errs, err)
	}
	err = errors.Join(errs...)
	logger.Info("stopped", "clean", err == nil)
	return err
}

// jobConfig returns the job client configuration of cfg, shared by serve
// and worker; the job package's defaults fill the rest.
func jobConfig(cfg config.Config, logger *slog.Logger, reg prometheus.Registerer) job.Config {
	return job.Config{
		Workers:           cfg.Workers,
		RunTimeout:        cfg.RunTimeout,
		StudyTimeout:      cfg.StudyTimeout,
		MaxEvents:         cfg.MaxEvents,
		MaxInFlight:       cfg.MaxInFlight,
		Plans:             cfg.Plans(),
		HeartbeatInterval: cfg.HeartbeatInterval,
		LeaseTTL:          cfg.LeaseTTL,
		Owner:             processName(),
		OwnerDead:         ownerDead,
		Logger:            logger,
		Registerer:        reg,
	}
}

// probeServer is the worker's HTTP server of /health and /metrics; its
// zero value (metrics off) does nothing.
type probeServer struct {
	srv  *http.Server
	ln   net.Listener
	errc chan error // receives the error of Serve, if it fails
}

// startProbeServer listens on addr ("off": no server) and serves GET
// /health and GET /metrics (reg) there, with the timeouts of serving.
func startProbeServer(addr string, serving config.Serving, reg *prometheus.Registry, logger *slog.Logger) (*probeServer, error) {
	p := &probeServer{errc: make(chan error, 1)}
	if addr == config.MetricsOff {
		return p, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s (use another port, or off): %w", addr, err)
	}
	p.ln = ln
	p.srv = newHTTPServer(probeHandler(reg), serving, logger)
	go func() {
		if err := p.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			p.errc <- fmt.Errorf("metrics server: %w", err)
		}
	}()
	return p, nil
}

// probeHandler serves GET /health (liveness: the process answers HTTP; the
// body is api.HealthBody) and GET /metrics (reg); other methods and paths
// get problem+json 405 and 404, as on the API.
func probeHandler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(api.HealthBody{Status: "ok", Version: version.Version})
	})
	mux.Handle("GET /metrics", telemetry.HandlerFor(reg))
	return api.ProblemMux(mux)
}

// addr returns the address listened on, or "off".
func (p *probeServer) addr() string {
	if p.ln == nil {
		return config.MetricsOff
	}
	return p.ln.Addr().String()
}

// shutdown stops the server gracefully within ctx, then closes it.
func (p *probeServer) shutdown(ctx context.Context) error {
	if p.srv == nil {
		return nil
	}
	if err := p.srv.Shutdown(ctx); err != nil {
		_ = p.srv.Close()
		return fmt.Errorf("metrics server shutdown: %w", err)
	}
	return nil
}

// close stops the server at once.
func (p *probeServer) close() error {
	if p.srv == nil {
		return nil
	}
	return p.srv.Close()
}
