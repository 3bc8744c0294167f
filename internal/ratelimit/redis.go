package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastsim/fastsim/internal/redisconn"
)

// gcraScript is gcra (limit.go) as one atomic Redis operation. KEYS[1] is
// the key; ARGV are now (µs), the emission interval t (µs) and N. The key
// holds the theoretical arrival time in µs and expires when its debt is
// paid. It returns {allowed (0/1), debt after the request (µs)}.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local t = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local debt = tat - now
if debt > (n - 1) * t then
  return {0, debt}
end
tat = tat + t
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.floor((tat - now) / 1000) + 1)
return {1, tat - now}
`)

// RedisOptions configures NewRedis.
type RedisOptions struct {
	// URL is the Redis URL, e.g. "redis://localhost:6379/0". Required.
	URL string
	// Prefix is prepended to every key. Defaults to "fastsim:ratelimit:".
	Prefix string
	// Timeout bounds each dial, read and write, so that an outage costs a
	// request at most about this long. Defaults to 250ms.
	Timeout time.Duration
	// Backoff is how long after a failure the limiter answers from the
	// in-process fallback without calling Redis. Defaults to 1s.
	Backoff time.Duration
	// Logger receives one warning when an outage starts and one info line
	// when it ends. Defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock; every replica must keep its clock synchronised
	// (NTP), since a replica whose clock is s ahead counts as if s had
	// passed. Defaults to time.Now.
	Now func() time.Time
}

// Redis is a Limiter whose counts live in Redis and are therefore shared
// by every process that uses the same Redis and prefix. During a Redis
// outage it answers from an in-process Memory limiter, so a request never
// fails because of Redis (the limit then holds per process).
type Redis struct {
	client   *redis.Client
	opts     RedisOptions
	fallback *Memory
	breaker  *redisconn.Breaker
}

// NewRedis returns a Redis limiter. It does not connect: only a malformed
// URL is an error.
func NewRedis(opts RedisOptions) (*Redis, error) {
	if opts.Prefix == "" {
		opts.Prefix = "fastsim:ratelimit:"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 250 * time.Millisecond
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	client, err := redisconn.NewClient(opts.URL, opts.Timeout)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: parse Redis URL: %w", err)
	}
	breaker := redisconn.NewBreaker(redisconn.BreakerOptions{Backoff: opts.Backoff, Logger: opts.Logger, Now: opts.Now,
		DownMessage: "rate limiter: Redis unavailable, limiting per process", UpMessage: "rate limiter: Redis available again"})
	return &Redis{client: client, opts: opts, fallback: NewMemory(MemoryOptions{Now: opts.Now}), breaker: breaker}, nil
}

// Allow counts one request of key under l in Redis, or in the fallback
// during an outage.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) Decision {
	if l.Off() {
		return Decision{Allowed: true, Limit: l}
	}
	if !r.breaker.Available() {
		return r.fallback.Allow(ctx, key, l)
	}
	t, _ := l.interval()
	now := r.opts.Now().UnixMicro()
	res, err := gcraScript.Run(ctx, r.client, []string{r.redisKey(key)}, now, t, l.N).Int64Slice()
	if err != nil || len(res) != 2 {
		if err == nil {
			err = fmt.Errorf("unexpected script answer %v", res)
		}
		if ctx.Err() == nil { // the caller giving up is not an outage
			r.breaker.Failed(err)
		}
		return r.fallback.Allow(ctx, key, l)
	}
	r.breaker.Succeeded()
	if res[0] == 1 {
		return Decision{Allowed: true, Limit: l, Used: used(res[1], t, l.N)}
	}
	tolerance := int64(l.N-1) * t
	return Decision{Limit: l, Used: used(res[1], t, l.N), RetryAfter: time.Duration(res[1]-tolerance) * time.Microsecond}
}

// redisKey hashes key, so that user-supplied parts (emails) are neither
// stored in clear nor able to make keys long.
func (r *Redis) redisKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return r.opts.Prefix + hex.EncodeToString(sum[:16])
}

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ratelimit: ping Redis: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("ratelimit: close Redis client: %w", err)
	}
	return nil
}
