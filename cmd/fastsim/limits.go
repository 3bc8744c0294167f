package main

import (
	"fmt"
	"log/slog"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/ratelimit"
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
