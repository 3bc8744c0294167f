package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/ratelimit"
)

// Config is the configuration of the FastSim service. The zero value is not
// useful: start from Default.
type Config struct {
	// Addr is the TCP address the HTTP server listens on (--addr,
	// FASTSIM_ADDR). Empty picks ListenAddr's default: 127.0.0.1:8000 in
	// single-user mode (no DatabaseURL: only this machine can connect),
	// :8000 (every interface) otherwise. Defaults to "".
	Addr string
	// MetricsAddr is the TCP address where `fastsim worker` serves GET
	// /health (liveness) and GET /metrics (Prometheus), or "off" for no
	// server (--metrics-addr, FASTSIM_METRICS_ADDR). `fastsim serve`
	// ignores it: it serves both on Addr. Defaults to ":9090".
	MetricsAddr string
	// DatabaseURL is the PostgreSQL URL, e.g.
	// "postgres://user:pass@host:5432/fastsim" (--database-url,
	// FASTSIM_DATABASE_URL), or sqlite://PATH for an SQLite file elsewhere.
	// When empty the embedded SQLite database "fastsim.db" in DataDir is
	// used. Defaults to "".
	DatabaseURL string
	// DataDir is the directory of the embedded SQLite database (--data-dir,
	// FASTSIM_DATA_DIR). Defaults to ".".
	DataDir string
	// RedisURL is the Redis URL of the result cache, e.g.
	// "redis://localhost:6379/0" (--redis-url, FASTSIM_REDIS_URL). When
	// empty an in-memory LRU cache of CacheSize entries is used. Defaults
	// to "".
	RedisURL string
	// Workers is the number of simulation workers run in this process
	// (--workers, FASTSIM_WORKERS); 0 runs the API only. Defaults to the
	// number of CPUs at the time Default is called, at least 1.
	Workers int
	// AutoMigrate makes `fastsim serve` apply pending migrations at start
	// (disabled by --no-migrate or FASTSIM_AUTO_MIGRATE=false). Defaults to
	// true.
	AutoMigrate bool
	// LogLevel is the minimum log level: debug, info, warn or error
	// (--log-level, FASTSIM_LOG_LEVEL). Defaults to "info".
	LogLevel string
	// LogFormat is the log format: json or text (--log-format,
	// FASTSIM_LOG_FORMAT). Defaults to "json".
	LogFormat string
	// MaxBodyBytes is the largest request body accepted, in bytes; a larger
	// body gets 413 (--max-body-bytes, FASTSIM_MAX_BODY_BYTES). Defaults to
	// 1048576 (1 MiB).
	MaxBodyBytes int64
	// MaxEventBudget is the largest estimated number of simulation events
	// of one run, all replications together; a run estimated above it is
	// refused with 422 (--max-event-budget, FASTSIM_MAX_EVENT_BUDGET).
	// Defaults to 200000000.
	MaxEventBudget int64
	// MaxEvents is the largest number of events one replication of a run
	// processes, whatever its plan (--max-events, FASTSIM_MAX_EVENTS): a
	// run that reaches it fails with a message saying so. Each plan's
	// "events" can only lower it. Defaults to 4000000000 (about four
	// minutes of one core).
	MaxEvents int64
	// MaxInFlight is the largest number of requests alive at once in one
	// replication, whatever its plan (--max-in-flight,
	// FASTSIM_MAX_IN_FLIGHT): a run that crosses it fails with a message
	// saying so. It bounds a replication's memory (engine.BytesPerInFlight
	// bytes per request, docs/limits.md). Each plan's "in_flight" can only
	// lower it. Defaults to engine.DefaultMaxInFlight (10000000).
	MaxInFlight int64
	// MaxReplications is the largest number of replications of one run
	// (--max-replications, FASTSIM_MAX_REPLICATIONS). Defaults to 100.
	MaxReplications int
	// RunTimeout is the wall-clock limit of one run; a run still going
	// after it fails (--run-timeout, FASTSIM_RUN_TIMEOUT). Defaults to 10m.
	RunTimeout time.Duration
	// StudyTimeout is the wall-clock limit of one study (all its
	// candidate runs, each limited by RunTimeout); a study still going
	// after it fails (--study-timeout, FASTSIM_STUDY_TIMEOUT). Defaults to
	// 1h.
	StudyTimeout time.Duration
	// ShutdownTimeout is how long a shutdown waits for in-flight HTTP
	// requests and running jobs before handing the jobs back
	// (--shutdown-timeout, FASTSIM_SHUTDOWN_TIMEOUT). Defaults to 30s.
	ShutdownTimeout time.Duration
	// HeartbeatInterval is how often a worker renews the lease of each
	// run it executes, and how often every worker process looks for runs
	// whose worker died (--heartbeat-interval, FASTSIM_HEARTBEAT_INTERVAL).
	// Defaults to 2s.
	HeartbeatInterval time.Duration
	// LeaseTTL is how long a worker's lease on a run lasts without a
	// heartbeat: a run whose worker died is handed to another worker (or
	// the same one after a restart) between LeaseTTL and LeaseTTL +
	// HeartbeatInterval after its last heartbeat (--lease-ttl,
	// FASTSIM_LEASE_TTL). It must be at least 3 × HeartbeatInterval.
	// Defaults to 10s.
	LeaseTTL time.Duration
	// CacheSize is the number of results the in-memory cache keeps
	// (--cache-size, FASTSIM_CACHE_SIZE); unused with Redis. Defaults to
	// 256.
	CacheSize int
	// CacheTTL is how long a cached result lives (--cache-ttl,
	// FASTSIM_CACHE_TTL); 0 keeps entries until evicted. Defaults to 24h.
	CacheTTL time.Duration
	// AllowRegister lets anyone create an account with POST
	// /api/v1/auth/register (--allow-register, FASTSIM_ALLOW_REGISTER).
	// When false, accounts are created by an admin with `fastsim users
	// create`. Defaults to false.
	AllowRegister bool
	// SessionTTL is how long a login session token stays valid
	// (--session-ttl, FASTSIM_SESSION_TTL). Defaults to 24h.
	SessionTTL time.Duration

	// The limits below are described in docs/limits.md.

	// RateLimitIP limits the requests to /api/v1 of one client address (an
	// IPv6 client by its /64), authenticated or not (--rate-limit-ip,
	// FASTSIM_RATE_LIMIT_IP), as N/DURATION or off. Defaults to 1200/1m.
	RateLimitIP ratelimit.Limit
	// RateLimitUser limits the authenticated requests of one user, all its
	// API keys and sessions together (--rate-limit-user,
	// FASTSIM_RATE_LIMIT_USER). Defaults to 600/1m.
	RateLimitUser ratelimit.Limit
	// RateLimitKey limits the requests made with one API key, on top of
	// RateLimitUser (--rate-limit-key, FASTSIM_RATE_LIMIT_KEY). Defaults to
	// 300/1m: one runaway script spends at most half of its account's
	// budget.
	RateLimitKey ratelimit.Limit
	// RateLimitAuthIP limits POST /api/v1/auth/login and /auth/register per
	// client address (--rate-limit-auth-ip, FASTSIM_RATE_LIMIT_AUTH_IP).
	// Defaults to 10/1m.
	RateLimitAuthIP ratelimit.Limit
	// RateLimitAuthEmail limits the same routes per pair of email address
	// of the request and client address, so that guessing one account's
	// password is slow while a stranger cannot lock the owner out
	// (--rate-limit-auth-email, FASTSIM_RATE_LIMIT_AUTH_EMAIL). Defaults
	// to 5/15m.
	RateLimitAuthEmail ratelimit.Limit
	// HashSlots is the number of password hashes (argon2id, 19 MiB each)
	// computed at once by logins, registrations and password changes, so
	// hashing memory peaks at HashSlots × 19 MiB (--hash-slots,
	// FASTSIM_HASH_SLOTS). Defaults to the number of CPUs, at most 4.
	HashSlots int
	// HashQueue is the number of requests that may wait for a hashing
	// slot; one more gets 503 with Retry-After at once (--hash-queue,
	// FASTSIM_HASH_QUEUE). Defaults to 64.
	HashQueue int
	// HashWait is the longest wait for a hashing slot before 503 with
	// Retry-After (--hash-wait, FASTSIM_HASH_WAIT). Defaults to 2s.
	HashWait time.Duration
	// TrustedProxies lists, comma-separated, the addresses or CIDRs of the
	// reverse proxies in front of the service; only a request from one of
	// them has its X-Forwarded-For believed for the client address
	// (--trusted-proxies, FASTSIM_TRUSTED_PROXIES). Defaults to "" (the
	// peer address is the client).
	TrustedProxies string
	// CORSOrigins lists, comma-separated, the exact origins
	// (scheme://host[:port]) whose pages may call the API from a browser
	// (--cors-origins, FASTSIM_CORS_ORIGINS). Defaults to "" (CORS off).
	CORSOrigins string
	// HSTSMaxAge, when positive, sends Strict-Transport-Security with this
	// max-age; set it only when clients reach the service over HTTPS
	// (--hsts-max-age, FASTSIM_HSTS_MAX_AGE). Defaults to 0 (not sent).
	HSTSMaxAge time.Duration
	// PlanFree is the free plan's quota (--plan-free, FASTSIM_PLAN_FREE),
	// as concurrent=N,budget=EVENTS,runs_per_day=N,replications=N,events=N,in_flight=N,servers=N,edges=N,series_values=N.
	// Defaults to concurrent=2,budget=50000000,runs_per_day=100,replications=10,events=100000000,in_flight=2000000,servers=20,edges=60,series_values=1000000.
	PlanFree quota.Plan
	// PlanExpert is the expert plan's quota (--plan-expert,
	// FASTSIM_PLAN_EXPERT). Defaults to
	// concurrent=5,budget=100000000,runs_per_day=500,replications=30,events=200000000,in_flight=4000000,servers=50,edges=150,series_values=2000000.
	PlanExpert quota.Plan
	// PlanPro is the pro plan's quota (--plan-pro, FASTSIM_PLAN_PRO).
	// Defaults to
	// concurrent=20,budget=200000000,runs_per_day=5000,replications=100,events=400000000,in_flight=8000000,servers=100,edges=300,series_values=5000000.
	PlanPro quota.Plan
	// PlanEnterprise is the enterprise plan's quota (--plan-enterprise,
	// FASTSIM_PLAN_ENTERPRISE). Defaults to
	// concurrent=100,budget=2000000000,runs_per_day=100000,replications=1000,events=4000000000,in_flight=10000000,servers=400,edges=1200,series_values=20000000.
	PlanEnterprise quota.Plan

	// Serving holds the HTTP server timeouts and the render limits
	// (serving.go).
	Serving Serving
}

// DefaultMaxBodyBytes is the default of MaxBodyBytes, 1 MiB; the CLI reads
// scenario files up to this size too.
const DefaultMaxBodyBytes = 1 << 20

// MetricsOff is the value of MetricsAddr that turns the worker's metrics
// server off.
const MetricsOff = "off"

// Default returns the default configuration. numCPU is the number of CPUs
// of the machine (runtime.NumCPU()); it sets the default of Workers.
func Default(numCPU int) Config {
	c := Config{
		MetricsAddr:     ":9090",
		DataDir:         ".",
		Workers:         max(numCPU, 1),
		AutoMigrate:     true,
		LogLevel:        "info",
		LogFormat:       "json",
		MaxBodyBytes:    DefaultMaxBodyBytes,
		MaxEventBudget:  200_000_000,
		MaxEvents:       4_000_000_000,
		MaxInFlight:     engine.DefaultMaxInFlight,
		MaxReplications: 100,
		RunTimeout:      10 * time.Minute,
		StudyTimeout:    time.Hour,
		ShutdownTimeout: 30 * time.Second,
		// Recovery from a dead worker within 12 s (docs/deployment.md).
		HeartbeatInterval: 2 * time.Second,
		LeaseTTL:          10 * time.Second,
		CacheSize:         256,
		CacheTTL:          24 * time.Hour,
		SessionTTL:        24 * time.Hour,
	}
	c.defaultLimits()
	c.Serving = DefaultServing()
	return c
}

// SingleUser reports whether the service runs in single-user mode: on the
// embedded SQLite database (no DatabaseURL), where `fastsim serve` creates
// the admin and its key on first start.
func (c Config) SingleUser() bool { return c.DatabaseURL == "" }

// ListenAddr returns the address to listen on: Addr when set, else
// 127.0.0.1:8000 in single-user mode (a laptop's service is not offered to
// the network unless asked) and :8000 otherwise.
func (c Config) ListenAddr() string {
	switch {
	case c.Addr != "":
		return c.Addr
	case c.SingleUser():
		return "127.0.0.1:8000"
	default:
		return ":8000"
	}
}

// SQLitePath returns the path of the embedded SQLite database,
// DataDir/fastsim.db; it is meaningful only when DatabaseURL is empty.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "fastsim.db")
}

// Validate checks every field and returns all problems at once, each naming
// the flag and the environment variable and saying what would be accepted.
func (c Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		o := optionByName(name)
		errs = append(errs, fmt.Errorf("--%s / %s: %s", o.flag, o.env, fmt.Sprintf(format, args...)))
	}
	if c.Addr != "" {
		if _, port, err := net.SplitHostPort(c.Addr); err != nil {
			bad("addr", "%q is not host:port; use e.g. \":8000\" or \"127.0.0.1:8000\"", c.Addr)
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			bad("addr", "port %q is not a number in 0..65535", port)
		}
	}
	if c.MetricsAddr != MetricsOff {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("metrics-addr", "%q is not host:port; use e.g. \":9090\" or \"127.0.0.1:9090\", or off for no metrics server", c.MetricsAddr)
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			bad("metrics-addr", "port %q is not a number in 0..65535", port)
		}
	}
	if c.DatabaseURL != "" && !hasAnyPrefix(c.DatabaseURL, "postgres://", "postgresql://", "sqlite://", "file:") {
		bad("database-url", "%q is not a database URL; use postgres://user:pass@host:5432/db (PostgreSQL), sqlite://PATH (SQLite), or leave it empty for SQLite fastsim.db in --data-dir", redact(c.DatabaseURL))
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		bad("data-dir", "must not be empty when --database-url is empty; use a directory such as \".\"")
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") && !strings.HasPrefix(c.RedisURL, "unix://") {
		bad("redis-url", "%q is not a Redis URL; use redis://host:6379/0, or leave it empty for the in-memory cache", redact(c.RedisURL))
	}
	if c.Workers < 0 || c.Workers > 1024 {
		bad("workers", "%d is out of range; use 0 (API only) to 1024", c.Workers)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "%q is not a level; use debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("log-format", "%q is not a format; use json or text", c.LogFormat)
	}
	if c.MaxBodyBytes < 1024 {
		bad("max-body-bytes", "%d is too small; use at least 1024", c.MaxBodyBytes)
	}
	if c.MaxEventBudget < 1 {
		bad("max-event-budget", "%d must be at least 1", c.MaxEventBudget)
	}
	if c.MaxEvents < 1 {
		bad("max-events", "%d must be at least 1", c.MaxEvents)
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > math.MaxInt32-1 {
		bad("max-in-flight", "%d is out of range; use 1 to %d", c.MaxInFlight, math.MaxInt32-1)
	}
	if c.MaxReplications < 1 || c.MaxReplications > 10000 {
		bad("max-replications", "%d is out of range; use 1 to 10000", c.MaxReplications)
	}
	if c.RunTimeout <= 0 {
		bad("run-timeout", "%s must be positive, e.g. 10m", c.RunTimeout)
	}
	if c.StudyTimeout < time.Second {
		bad("study-timeout", "%s must be at least 1s, e.g. 1h", c.StudyTimeout)
	}
	if c.ShutdownTimeout <= 0 {
		bad("shutdown-timeout", "%s must be positive, e.g. 30s", c.ShutdownTimeout)
	}
	if c.HeartbeatInterval < 10*time.Millisecond {
		bad("heartbeat-interval", "%s is too short; use at least 10ms, e.g. 2s", c.HeartbeatInterval)
	}
	if c.LeaseTTL < 3*c.HeartbeatInterval {
		bad("lease-ttl", "%s must be at least 3 × --heartbeat-interval (%s), so that a live worker missing two heartbeats keeps its run; e.g. 10s",
			c.LeaseTTL, 3*c.HeartbeatInterval)
	}
	if c.CacheSize < 1 {
		bad("cache-size", "%d must be at least 1", c.CacheSize)
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 90*24*time.Hour {
		bad("session-ttl", "%s is out of range; use 1m to 2160h (90 days), e.g. 24h", c.SessionTTL)
	}
	if c.CacheTTL < 0 {
		bad("cache-ttl", "%s must not be negative; use 0 to keep entries until evicted", c.CacheTTL)
	}
	c.validateLimits(bad)
	c.validateServing(bad)
	if len(errs) > 0 {
		return fmt.Errorf("invalid configuration:\n%w", errors.Join(errs...))
	}
	return nil
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// redact hides the password of a URL for error messages
// ((*url.URL).Redacted); an unparsable URL is not shown at all.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
