package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastsim/fastsim/internal/cache/cachetest"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/testenv"
)

// newClock returns a settable clock to share between limiters ("replicas").
func newClock() *testenv.Clock {
	return testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
}

// prefix returns a Redis key prefix unique to the test.
func prefix(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "fastsim:test:ratelimit:" + hex.EncodeToString(b[:]) + ":"
}

func newRedis(t *testing.T, url, prefix string, c *testenv.Clock, logger *slog.Logger) *ratelimit.Redis {
	t.Helper()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: url, Prefix: prefix, Now: c.Now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// variants are the limiters under test: memory always, Redis when
// FASTSIM_TEST_REDIS_URL is set.
func variants(t *testing.T) map[string]func(t *testing.T, c *testenv.Clock) ratelimit.Limiter {
	v := map[string]func(t *testing.T, c *testenv.Clock) ratelimit.Limiter{
		"Memory": func(_ *testing.T, c *testenv.Clock) ratelimit.Limiter {
			return ratelimit.NewMemory(ratelimit.MemoryOptions{Now: c.Now})
		},
	}
	if url := testenv.RedisURL(); url != "" {
		v["Redis"] = func(t *testing.T, c *testenv.Clock) ratelimit.Limiter {
			r := newRedis(t, url, prefix(t), c, nil)
			if err := r.Ping(context.Background()); err != nil {
				t.Fatalf("%s is set but Redis does not answer: %v", testenv.RedisURLVar, err)
			}
			return r
		}
	} else {
		t.Logf("%s is not set: Redis variants skipped", testenv.RedisURLVar)
	}
	return v
}

// TestLoginLimit is the brute-force check: 5 attempts per 15 minutes are
// allowed, the 6th is refused with the time until the next one, and after
// the window the limit is back to normal.
func TestLoginLimit(t *testing.T) {
	t.Parallel()
	for name, newLimiter := range variants(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := newClock()
			l := newLimiter(t, c)
			limit := ratelimit.Limit{N: 5, Per: 15 * time.Minute}
			for i := 1; i <= 5; i++ {
				d := l.Allow(ctx, "login-email:a@example.com", limit)
				if !d.Allowed || d.Used != i || d.Remaining() != 5-i {
					t.Fatalf("attempt %d: %+v, want allowed with %d used", i, d, i)
				}
				c.Advance(time.Second)
			}
			// 5 s after the first attempt: the 6th is refused; the oldest of
			// the burst is repaid 3 min after the first attempt (15 min / 5).
			d := l.Allow(ctx, "login-email:a@example.com", limit)
			if d.Allowed || d.Used != 5 || d.RetryAfter != 3*time.Minute-5*time.Second || d.RetryAfterSeconds() != 175 {
				t.Fatalf("attempt 6: %+v, want refused, 5 used, retry after 175 s", d)
			}
			// Another key is not affected.
			if d := l.Allow(ctx, "login-email:b@example.com", limit); !d.Allowed || d.Used != 1 {
				t.Fatalf("other key: %+v, want allowed", d)
			}
			// Refused attempts do not extend the lockout.
			for range 10 {
				l.Allow(ctx, "login-email:a@example.com", limit)
			}
			c.Advance(15 * time.Minute)
			for i := 1; i <= 5; i++ {
				if d := l.Allow(ctx, "login-email:a@example.com", limit); !d.Allowed || d.Used != i {
					t.Fatalf("after the window, attempt %d: %+v, want allowed with %d used", i, d, i)
				}
			}
			if d := l.Allow(ctx, "login-email:a@example.com", limit); d.Allowed {
				t.Fatalf("after the window, attempt 6: %+v, want refused", d)
			}
		})
	}
}

// TestSustainedRate checks that after a burst one request per P/N passes.
func TestSustainedRate(t *testing.T) {
	t.Parallel()
	for name, newLimiter := range variants(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := newClock()
			l := newLimiter(t, c)
			limit := ratelimit.Limit{N: 10, Per: 10 * time.Second}
			allowed := 0
			// 100 s at 2 requests per second: 10 of the burst, then one per
			// second for the 99.5 remaining seconds (the first at +1 s).
			for range 200 {
				if l.Allow(ctx, "k", limit).Allowed {
					allowed++
				}
				c.Advance(500 * time.Millisecond)
			}
			if want := 10 + 99; allowed != want {
				t.Errorf("allowed %d of 200 requests, want %d", allowed, want)
			}
		})
	}
}

func TestOffLimitAlwaysAllows(t *testing.T) {
	t.Parallel()
	for name, newLimiter := range variants(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := newLimiter(t, newClock())
			for range 100 {
				if d := l.Allow(context.Background(), "k", ratelimit.Limit{}); !d.Allowed {
					t.Fatalf("Off limit refused: %+v", d)
				}
			}
		})
	}
}

// TestRedisSharedAcrossReplicas runs two limiters ("replicas") on the same
// Redis: together they allow exactly N.
func TestRedisSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL()
	if url == "" {
		t.Skip(testenv.RedisURLVar + " is not set")
	}
	ctx := context.Background()
	c := newClock()
	p := prefix(t)
	replicas := []*ratelimit.Redis{newRedis(t, url, p, c, nil), newRedis(t, url, p, c, nil)}
	limit := ratelimit.Limit{N: 7, Per: time.Minute}
	allowed := [2]int{}
	for i := range 20 {
		if replicas[i%2].Allow(ctx, "ip:192.0.2.7", limit).Allowed {
			allowed[i%2]++
		}
	}
	if allowed != [2]int{4, 3} {
		t.Errorf("allowed per replica = %v, want [4 3] (7 in all, alternating)", allowed)
	}
	// Concurrent requests from both replicas on a fresh key: exactly N pass.
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range 40 {
		wg.Go(func() {
			if replicas[i%2].Allow(ctx, "ip:192.0.2.8", limit).Allowed {
				mu.Lock()
				total++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if total != 7 {
		t.Errorf("concurrent: %d allowed, want 7", total)
	}
}

// TestRedisOutageDegradesToMemory cuts the connection to Redis: requests
// are still answered (never an error), limited per process, and the outage
// is logged once. Without FASTSIM_TEST_REDIS_URL, Redis is down from the
// start.
func TestRedisOutageDegradesToMemory(t *testing.T) {
	t.Parallel()
	target := "127.0.0.1:1" // nothing listens there
	if url := testenv.RedisURL(); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		target = opts.Addr
	}
	proxy := cachetest.NewProxy(t, target)
	var logs testenv.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	c := newClock()
	r := newRedis(t, "redis://"+proxy.Addr()+"/0", prefix(t), c, logger)
	limit := ratelimit.Limit{N: 3, Per: time.Minute}
	ctx := context.Background()
	if testenv.RedisURL() != "" {
		if d := r.Allow(ctx, "k1", limit); !d.Allowed || d.Used != 1 {
			t.Fatalf("through the proxy: %+v", d)
		}
		if n := strings.Count(logs.String(), "Redis unavailable"); n != 0 {
			t.Fatalf("outage logged while Redis answers:\n%s", logs.String())
		}
	}
	proxy.Cut()
	allowed := 0
	for range 10 {
		d := r.Allow(ctx, "k2", limit)
		if d.Allowed {
			allowed++
		}
		c.Advance(time.Millisecond)
	}
	if allowed != 3 {
		t.Errorf("during the outage %d of 10 allowed, want 3 (the in-process fallback)", allowed)
	}
	if n := strings.Count(logs.String(), "Redis unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs.String())
	}
}
