package cache_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/cache/cachetest"
	"github.com/fastsim/fastsim/internal/testenv"
)

func TestKey(t *testing.T) {
	t.Parallel()
	base := cache.Key([]byte(`{"a":1}`), 42, 1, "v1", "u1")
	if len(base) != 64 {
		t.Fatalf("Key length = %d, want 64 hex digits", len(base))
	}
	if again := cache.Key([]byte(`{"a":1}`), 42, 1, "v1", "u1"); again != base {
		t.Errorf("Key is not deterministic: %s != %s", again, base)
	}
	others := map[string]string{
		"scenario":     cache.Key([]byte(`{"a":2}`), 42, 1, "v1", "u1"),
		"seed":         cache.Key([]byte(`{"a":1}`), 43, 1, "v1", "u1"),
		"replications": cache.Key([]byte(`{"a":1}`), 42, 2, "v1", "u1"),
		"engine":       cache.Key([]byte(`{"a":1}`), 42, 1, "v2", "u1"),
		"tenant":       cache.Key([]byte(`{"a":1}`), 42, 1, "v1", "u2"),
		// Moving bytes between neighbouring fields must change the key: the
		// fields are length-prefixed.
		"boundary":        cache.Key([]byte(`{"a":1}v`), 42, 1, "1", "u1"),
		"engine boundary": cache.Key([]byte(`{"a":1}`), 42, 1, "v1u", "1"),
	}
	for name, k := range others {
		if k == base {
			t.Errorf("changing the %s does not change the key", name)
		}
	}
}

type counter struct {
	mu sync.Mutex
	n  map[cache.Outcome]int
}

func (c *counter) observe(o cache.Outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[cache.Outcome]int{}
	}
	c.n[o]++
}

func (c *counter) get(o cache.Outcome) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[o]
}

func TestMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var obs counter
	m := cache.NewMemory(2, 0, obs.observe)
	if _, ok := m.Get(ctx, "a"); ok {
		t.Fatal("Get on an empty cache hit")
	}
	val := []byte("one")
	m.Set(ctx, "a", val)
	val[0] = 'X' // the cache keeps its own copy
	m.Set(ctx, "b", []byte("two"))
	if v, ok := m.Get(ctx, "a"); !ok || string(v) != "one" {
		t.Fatalf("Get(a) = %q, %v; want one, true", v, ok)
	}
	m.Set(ctx, "c", []byte("three")) // evicts b, the least recently used
	if _, ok := m.Get(ctx, "b"); ok {
		t.Error("b was not evicted")
	}
	if got := m.Len(); got != 2 {
		t.Errorf("Len() = %d, want 2", got)
	}
	if err := m.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if obs.get(cache.Hit) != 1 || obs.get(cache.Miss) != 2 {
		t.Errorf("observed hits=%d misses=%d, want 1 and 2", obs.get(cache.Hit), obs.get(cache.Miss))
	}
}

func TestMemoryTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := cache.NewMemory(10, 20*time.Millisecond, nil)
	m.Set(ctx, "a", []byte("x"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := m.Get(ctx, "a"); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("entry with a 20ms TTL still present after 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// redisBackend returns the address and database of the Redis to test
// against: FASTSIM_TEST_REDIS_URL (a failure when set but unreachable), or
// an in-process fake when it is unset.
func redisBackend(t *testing.T) (addr string, db string) {
	t.Helper()
	raw := os.Getenv("FASTSIM_TEST_REDIS_URL")
	if raw == "" {
		return cachetest.NewFakeRedis(t).Addr(), "0"
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("FASTSIM_TEST_REDIS_URL %q: %v", raw, err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		t.Fatalf("FASTSIM_TEST_REDIS_URL %q is set but unreachable: %v", raw, err)
	}
	_ = c.Close()
	return u.Host, strings.TrimPrefix(u.Path, "/")
}

type redisBundle struct {
	cache *cache.Redis
	proxy *cachetest.Proxy
	obs   *counter
	logs  *testenv.SyncBuffer
}

func setupRedis(t *testing.T, backoff time.Duration) redisBundle {
	t.Helper()
	addr, db := redisBackend(t)
	p := cachetest.NewProxy(t, addr)
	b := redisBundle{proxy: p, obs: &counter{}, logs: &testenv.SyncBuffer{}}
	c, err := cache.NewRedis(cache.RedisOptions{
		URL:      fmt.Sprintf("redis://%s/%s", p.Addr(), db),
		TTL:      time.Minute,
		Prefix:   fmt.Sprintf("fastsim-test:%s:%d:", t.Name(), time.Now().UnixNano()),
		Timeout:  200 * time.Millisecond,
		Backoff:  backoff,
		Logger:   slog.New(slog.NewTextHandler(b.logs, nil)),
		Observer: b.obs.observe,
	})
	if err != nil {
		t.Fatalf("NewRedis: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	b.cache = c
	return b
}

func TestRedis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupRedis(t, time.Second)
	if err := b.cache.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if _, ok := b.cache.Get(ctx, "k"); ok {
		t.Fatal("Get of an absent key hit")
	}
	b.cache.Set(ctx, "k", []byte("value"))
	v, ok := b.cache.Get(ctx, "k")
	if !ok || string(v) != "value" {
		t.Fatalf("Get = %q, %v; want value, true", v, ok)
	}
	if b.obs.get(cache.Hit) != 1 || b.obs.get(cache.Miss) != 1 || b.obs.get(cache.Error) != 0 {
		t.Errorf("observed %v, want 1 hit, 1 miss, 0 errors", b.obs.n)
	}
}

func TestNewRedisBadURL(t *testing.T) {
	t.Parallel()
	if _, err := cache.NewRedis(cache.RedisOptions{URL: "http://x"}); err == nil || !strings.Contains(err.Error(), "parse Redis URL") {
		t.Errorf("NewRedis(http://x) error = %v, want a parse error", err)
	}
}

func TestRedisUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A port that was just closed: nothing listens there.
	addr := testenv.FreeAddr(t)
	var logs testenv.SyncBuffer
	var obs counter
	c, err := cache.NewRedis(cache.RedisOptions{
		URL: "redis://" + addr + "/0", Timeout: 100 * time.Millisecond, Backoff: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Observer: obs.observe,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 3 {
		if _, ok := c.Get(ctx, "k"); ok {
			t.Fatal("Get hit on an unreachable Redis")
		}
		c.Set(ctx, "k", []byte("v"))
	}
	if err := c.Ping(ctx); err == nil {
		t.Error("Ping succeeded on an unreachable Redis")
	}
	// One failed Get, then the backoff answers without calling Redis; the
	// Ping ignores the backoff and fails too.
	if got := obs.get(cache.Error); got != 2 {
		t.Errorf("observed %d errors, want 2 (first Get, Ping)", got)
	}
	if got := obs.get(cache.Miss); got != 3 {
		t.Errorf("observed %d misses, want 3", got)
	}
	if n := strings.Count(logs.String(), "cache unavailable"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
	}
}

func TestRedisStoppedMidTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupRedis(t, 10*time.Millisecond)
	b.cache.Set(ctx, "k", []byte("v"))
	if _, ok := b.cache.Get(ctx, "k"); !ok {
		t.Fatal("Get before the outage missed")
	}
	b.proxy.Cut()
	for i := range 5 {
		if v, ok := b.cache.Get(ctx, "k"); ok {
			t.Fatalf("Get %d during the outage hit with %q", i, v)
		}
		b.cache.Set(ctx, "k2", []byte("v2"))
		time.Sleep(15 * time.Millisecond) // past the backoff: Redis is tried again
	}
	if err := b.cache.Ping(ctx); err == nil {
		t.Error("Ping succeeded during the outage")
	}
	if b.obs.get(cache.Error) < 2 {
		t.Errorf("observed %d errors during the outage, want at least 2", b.obs.get(cache.Error))
	}
	if n := strings.Count(b.logs.String(), "cache unavailable"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, b.logs.String())
	}
}
