package main

import (
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/ratelimit"
)

func TestNewLimiter(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	cfg := config.Default(1)
	l, err := newLimiter(cfg, logger)
	if _, ok := l.(*ratelimit.Memory); err != nil || !ok {
		t.Errorf("without --redis-url: %T, %v; want *ratelimit.Memory", l, err)
	}
	cfg.RedisURL = "redis://127.0.0.1:1/0" // not contacted
	l, err = newLimiter(cfg, logger)
	if _, ok := l.(*ratelimit.Redis); err != nil || !ok {
		t.Errorf("with --redis-url: %T, %v; want *ratelimit.Redis", l, err)
	}
	_ = l.Close()
	cfg.RedisURL = "redis://[bad"
	if _, err := newLimiter(cfg, logger); err == nil {
		t.Error("malformed --redis-url: no error")
	}
}

func TestAPIProtection(t *testing.T) {
	t.Parallel()
	cfg := config.Default(1)
	cfg.TrustedProxies = "10.0.0.0/8"
	cfg.CORSOrigins = "https://app.example.com"
	cfg.HSTSMaxAge = time.Hour
	cfg.RateLimitUser = ratelimit.Limit{N: 7, Per: time.Second}
	cfg.RateLimitKey = ratelimit.Limit{N: 3, Per: time.Second}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	lim := ratelimit.NewMemory(ratelimit.MemoryOptions{})
	rl, sec := apiProtection(cfg, lim)
	wantRL := api.RateLimits{
		Limiter: lim, PerIP: ratelimit.Limit{N: 1200, Per: time.Minute}, PerUser: ratelimit.Limit{N: 7, Per: time.Second},
		PerKey: ratelimit.Limit{N: 3, Per: time.Second}, AuthPerIP: ratelimit.Limit{N: 10, Per: time.Minute}, AuthPerEmail: ratelimit.Limit{N: 5, Per: 15 * time.Minute},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	}
	opts := []cmp.Option{cmpopts.IgnoreFields(api.RateLimits{}, "Limiter"), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })}
	if diff := cmp.Diff(wantRL, rl, opts...); diff != "" || rl.Limiter != lim {
		t.Errorf("rate limits (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(api.Security{CORSOrigins: []string{"https://app.example.com"}, HSTSMaxAge: time.Hour}, sec); diff != "" {
		t.Errorf("security (-want +got):\n%s", diff)
	}
}
