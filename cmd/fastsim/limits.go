package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// newLimiter returns the rate limiter of serve: on Redis when --redis-url
// is set (shared by every API replica; an outage degrades to per-process
// limits), in memory otherwise.
func newLimiter(cfg config.Config, logger *slog.Logger) (ratelimit.Limiter, error) {
	if cfg.RedisURL == "" {
		return ratelimit.NewMemory(ratelimit.MemoryOptions{}), nil
	}
	l, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: cfg.RedisURL, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("--redis-url: %w", err)
	}
	return l, nil
}

// apiProtection returns the API options of the limits of cfg: rate
// limits, security headers and CORS.
func apiProtection(cfg config.Config, limiter ratelimit.Limiter) (api.RateLimits, api.Security) {
	return api.RateLimits{
			Limiter: limiter, PerIP: cfg.RateLimitIP, PerUser: cfg.RateLimitUser, PerKey: cfg.RateLimitKey,
			AuthPerIP: cfg.RateLimitAuthIP, AuthPerEmail: cfg.RateLimitAuthEmail, TrustedProxies: cfg.TrustedProxyPrefixes(),
		}, api.Security{
			CORSOrigins: cfg.CORSOriginList(), HSTSMaxAge: cfg.HSTSMaxAge,
		}
}

// limitFlags are the run-time limits of `fastsim run` and `fastsim size`:
// --max-events and --max-in-flight, the engine's Options.MaxEvents and
// Options.MaxInFlight, with the engine's defaults.
type limitFlags struct {
	maxEvents   int64
	maxInFlight int64
}

// register adds the flags to fl.
func (l *limitFlags) register(fl *pflag.FlagSet) {
	fl.Int64Var(&l.maxEvents, "max-events", engine.DefaultMaxEvents,
		"stop a run (each replication) that would process more than `N` events; -1: no limit")
	fl.Int64Var(&l.maxInFlight, "max-in-flight", engine.DefaultMaxInFlight,
		"stop a run (each replication) with more than `N` requests alive at once (at most 256 bytes each); -1: no limit")
}

// options returns the run options of the limits.
func (l limitFlags) options() []fastsim.Option {
	return []fastsim.Option{fastsim.WithMaxEvents(l.maxEvents), fastsim.WithMaxInFlight(l.maxInFlight)}
}

// runFunc returns the analysis.RunFunc of `fastsim size` and `fastsim
// sweep`: fastsim.Run with the limits and the given seed.
func (l limitFlags) runFunc() analysis.RunFunc {
	return func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return fastsim.Run(ctx, sc, append(l.options(), fastsim.WithSeed(seed))...)
	}
}

// explain adds to a run's error, when a limit stopped it, the flag that
// sets that limit.
func (l limitFlags) explain(err error) error {
	var le *engine.LimitError
	if !errors.As(err, &le) {
		return err
	}
	flag := "--max-events"
	if le.Limit == engine.LimitInFlight {
		flag = "--max-in-flight"
	}
	return fmt.Errorf("%w; the limit is %s %d", err, flag, le.Value)
}
