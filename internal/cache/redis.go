package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastsim/fastsim/internal/redisconn"
)

// RedisOptions configures NewRedis.
type RedisOptions struct {
	// URL is the Redis URL, e.g. "redis://localhost:6379/0". Required.
	URL string
	// TTL is the lifetime of an entry; 0 keeps it until Redis evicts it.
	// Defaults to 0.
	TTL time.Duration
	// Prefix is prepended to every key. Defaults to "fastsim:result:".
	Prefix string
	// Timeout bounds each dial, read and write, so that an outage costs a
	// request at most about this long. Defaults to 250ms.
	Timeout time.Duration
	// Backoff is how long after a failure the cache stops calling Redis and
	// answers misses at once. Defaults to 1s.
	Backoff time.Duration
	// Logger receives one warning when an outage starts and one info line
	// when it ends. Defaults to slog.Default().
	Logger *slog.Logger
	// Observer is told every outcome. Defaults to nil (none).
	Observer Observer
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
}

// Redis is a Cache on Redis that degrades to a miss on any Redis error.
type Redis struct {
	client  *redis.Client
	opts    RedisOptions
	breaker *redisconn.Breaker
}

// NewRedis returns a Redis cache. It does not connect: an unreachable
// server makes Get miss and Ping fail; only a malformed URL is an error.
func NewRedis(opts RedisOptions) (*Redis, error) {
	if opts.Prefix == "" {
		opts.Prefix = "fastsim:result:"
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
		return nil, fmt.Errorf("cache: parse Redis URL: %w", err)
	}
	breaker := redisconn.NewBreaker(redisconn.BreakerOptions{Backoff: opts.Backoff, Logger: opts.Logger, Now: opts.Now,
		DownMessage: "cache unavailable, serving without cache", UpMessage: "cache available again"})
	return &Redis{client: client, opts: opts, breaker: breaker}, nil
}

// Get returns the value under key, or a miss when it is absent, when Redis
// fails, or during the backoff after a failure.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool) {
	if !r.breaker.Available() {
		r.opts.Observer.observe(Miss)
		return nil, false
	}
	v, err := r.client.Get(ctx, r.opts.Prefix+key).Bytes()
	switch {
	case err == nil:
		r.breaker.Succeeded()
		r.opts.Observer.observe(Hit)
		return v, true
	case errors.Is(err, redis.Nil):
		r.breaker.Succeeded()
		r.opts.Observer.observe(Miss)
		return nil, false
	default:
		if ctx.Err() == nil { // the caller giving up is not an outage
			r.failed(err)
		}
		r.opts.Observer.observe(Miss)
		return nil, false
	}
}

// Set stores value under key with the configured TTL; a failure is logged
// once per outage and otherwise ignored.
func (r *Redis) Set(ctx context.Context, key string, value []byte) {
	if !r.breaker.Available() {
		return
	}
	if err := r.client.Set(ctx, r.opts.Prefix+key, value, r.opts.TTL).Err(); err != nil {
		if ctx.Err() == nil {
			r.failed(err)
		}
		return
	}
	r.breaker.Succeeded()
}

// Ping checks that Redis answers, ignoring the backoff.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		r.failed(err)
		return fmt.Errorf("cache: ping Redis: %w", err)
	}
	r.breaker.Succeeded()
	return nil
}

// Close closes the connection pool.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("cache: close Redis client: %w", err)
	}
	return nil
}

// failed reports a failed Redis call to the observer and the breaker.
func (r *Redis) failed(err error) {
	r.opts.Observer.observe(Error)
	r.breaker.Failed(err)
}
