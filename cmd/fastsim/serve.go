package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/fastsim/fastsim/examples"
	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/version"
	"github.com/fastsim/fastsim/web"
)

// newServeCmd builds `fastsim serve`.
func newServeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API (and simulation workers unless --workers 0)",
		Long: "serve runs the FastSim REST API under /api/v1 (OpenAPI at /openapi.json, docs at /docs,\n" +
			"probes at /health and /ready, metrics at /metrics) with --workers simulation workers in the\n" +
			"same process. Without --database-url it keeps everything in the SQLite file fastsim.db in\n" +
			"--data-dir; without --redis-url it caches results in memory. Every flag has a FASTSIM_*\n" +
			"environment variable; flags win. SIGTERM or SIGINT stops it gracefully.",
		Args: cobra.NoArgs,
	}
	flags := config.BindFlags(cmd.Flags(), runtime.NumCPU())
	// serve answers /health and /metrics on --addr; --metrics-addr is the
	// worker's.
	cmd.Flags().Lookup("metrics-addr").Hidden = true
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := flags.Load(a.getenv)
		if err != nil {
			return err
		}
		return a.serve(cmd.Context(), cfg)
	}
	return cmd
}

// service is what serve opens, in the order it closes them in reverse.
type service struct {
	logger  *slog.Logger
	metrics *telemetry.Metrics
	store   store.Backend
	cache   cache.Cache
	jobs    *job.Client
}

// openService opens the store (migrating it unless disabled), the cache
// and the job client. On error, whatever was opened is closed.
func (a *app) openService(ctx context.Context, cfg config.Config, logger *slog.Logger) (_ *service, err error) {
	svc := &service{logger: logger, metrics: telemetry.NewMetrics()}
	defer func() {
		if err != nil {
			svc.close()
		}
	}()
	svc.store, err = dial.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if cfg.AutoMigrate {
		if err := svc.store.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("migrate database (or start with --no-migrate and run `fastsim migrate up`): %w", err)
		}
	}
	cacheObserver, err := cache.NewMetricsObserver(svc.metrics.Registry)
	if err != nil {
		return nil, err
	}
	if cfg.RedisURL != "" {
		// go-redis logs pool errors with the standard logger; the cache
		// logs outages itself (once each), so these go to debug.
		redis.SetLogger(redisLogger{logger})
		svc.cache, err = cache.NewRedis(cache.RedisOptions{
			URL: cfg.RedisURL, TTL: cfg.CacheTTL, Logger: logger, Observer: cacheObserver,
		})
		if err != nil {
			return nil, fmt.Errorf("--redis-url: %w", err)
		}
	} else {
		svc.cache = cache.NewMemory(cfg.CacheSize, cfg.CacheTTL, cacheObserver)
	}
	jcfg := jobConfig(cfg, logger, svc.metrics.Registry)
	// Idle workers look for jobs every 50ms (River also wakes them on
	// PostgreSQL notifications): the latency of a small run is then
	// dominated by the simulation, not the queue.
	jcfg.FetchPollInterval = 50 * time.Millisecond
	svc.jobs, err = job.NewClient(svc.store, jcfg)
	if err != nil {
		return nil, fmt.Errorf("job client: %w", err)
	}
	return svc, nil
}

func (svc *service) close() {
	if svc.cache != nil {
		if err := svc.cache.Close(); err != nil {
			svc.logger.Warn("close cache", "error", err.Error())
		}
	}
	if svc.store != nil {
		if err := svc.store.Close(); err != nil {
			svc.logger.Warn("close database", "error", err.Error())
		}
	}
}

// serve runs the service until ctx is done, then shuts down gracefully:
// it stops accepting connections, waits for in-flight requests, ends event
// streams, and stops the workers, all within cfg.ShutdownTimeout; jobs
// still running then are cancelled and handed back to the queue, to be
// retried by this or another worker.
func (a *app) serve(ctx context.Context, cfg config.Config) error {
	logger, err := telemetry.NewLogger(a.stderr, cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	svc, err := a.openService(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer svc.close()

	authn := auth.New(svc.store, auth.Options{SessionTTL: cfg.SessionTTL, HashSlots: cfg.HashSlots, HashQueue: cfg.HashQueue, HashWait: cfg.HashWait})
	if err := a.bootstrapAccounts(ctx, cfg, svc.store, authn, logger); err != nil {
		return err
	}

	limiter, err := newLimiter(cfg, logger)
	if err != nil {
		return err
	}
	defer func() { _ = limiter.Close() }()
	rateLimits, security := apiProtection(cfg, limiter)

	ln, err := net.Listen("tcp", cfg.ListenAddr())
	if err != nil {
		return fmt.Errorf("--addr %s: %w", cfg.ListenAddr(), err)
	}
	if msg := bindNote(cfg, ln.Addr().String()); msg != "" {
		logger.Info(msg, "addr", ln.Addr().String())
	}
	localSession, err := localSessionEmail(ctx, cfg, svc.store)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	handler := api.New(api.Options{
		Store: svc.store, Jobs: svc.jobs, Cache: svc.cache, CheckCache: cfg.RedisURL != "",
		Logger: logger, Metrics: svc.metrics.Handler(), Stop: stop, Auth: authn, AllowRegister: cfg.AllowRegister,
		Limits: api.Limits{MaxBodyBytes: cfg.MaxBodyBytes, MaxEventBudget: cfg.MaxEventBudget, MaxReplications: cfg.MaxReplications,
			Render: renderLimits(cfg.Serving)},
		Plans: cfg.Plans(), RateLimits: rateLimits, Security: security, Registerer: svc.metrics.Registry,
		LocalSessionEmail: localSession, UI: web.Handler(web.Files()), Examples: examples.Files(),
	})
	srv := newHTTPServer(telemetry.Middleware(logger, svc.metrics, handler), cfg.Serving, logger)
	srv.RegisterOnShutdown(func() { close(stop) })

	// Workers start after the listener so that a port conflict fails fast.
	if err := svc.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		_ = ln.Close()
		return err
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("fastsim serving", "addr", ln.Addr().String(), "version", version.Version, "engine", version.Engine(),
		"database", dialectOf(cfg), "cache", cacheKind(cfg), "workers", cfg.Workers)

	select {
	case <-ctx.Done():
		logger.Info("shutting down", "reason", context.Cause(ctx).Error(), "timeout", cfg.ShutdownTimeout.String())
	case err := <-serveErr:
		_ = svc.jobs.Stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(sctx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := svc.jobs.Stop(sctx); err != nil {
		errs = append(errs, err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("http server: %w", err))
	}
	logger.Info("stopped", "clean", len(errs) == 0)
	return errors.Join(errs...)
}

func dialectOf(cfg config.Config) string {
	if cfg.DatabaseURL == "" {
		return "sqlite:" + cfg.SQLitePath()
	}
	return "postgres"
}

func cacheKind(cfg config.Config) string {
	if cfg.RedisURL == "" {
		return "memory"
	}
	return "redis"
}

// redisLogger sends go-redis's internal log lines to slog at debug level.
type redisLogger struct{ l *slog.Logger }

// Printf logs one go-redis line at debug level.
func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

// bindNote is the start-up line that says where single-user mode listens
// and how to change it; "" outside single-user mode.
func bindNote(cfg config.Config, bound string) string {
	switch {
	case !cfg.SingleUser():
		return ""
	case cfg.Addr == "":
		return "single-user mode: listening on " + bound + " only (this machine); give --addr :8000 or FASTSIM_ADDR=:8000 to accept other machines"
	default:
		return "single-user mode: listening on " + bound + " as --addr / FASTSIM_ADDR asks"
	}
}

// newHTTPServer returns the HTTP server of every listener of the command
// (serve's API, worker's probe server), with the timeouts of s.
func newHTTPServer(h http.Handler, s config.Serving, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.ReadHeaderTimeout,
		ReadTimeout:       s.ReadTimeout,
		WriteTimeout:      s.WriteTimeout,
		IdleTimeout:       s.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// renderLimits converts the render settings; a zero cache size (nothing
// cached) is a negative api.RenderLimits.CacheBytes.
func renderLimits(s config.Serving) api.RenderLimits {
	l := api.RenderLimits{Concurrency: s.RenderConcurrency, QueueTimeout: s.RenderQueueTimeout, CacheBytes: s.RenderCacheBytes}
	if l.CacheBytes == 0 {
		l.CacheBytes = -1
	}
	return l
}
