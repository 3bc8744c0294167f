package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// limiters returns the limiter variants: memory, and Redis (a fresh key
// prefix) when FASTSIM_TEST_REDIS_URL is set. Each call of a Redis
// variant with the same prefix is another "replica".
func limiters(t *testing.T) map[string]func(c *testenv.Clock, prefix string) ratelimit.Limiter {
	t.Helper()
	v := map[string]func(c *testenv.Clock, prefix string) ratelimit.Limiter{
		"Memory": func(c *testenv.Clock, _ string) ratelimit.Limiter {
			return ratelimit.NewMemory(ratelimit.MemoryOptions{Now: c.Now})
		},
	}
	if url := testenv.RedisURL(); url != "" {
		v["Redis"] = func(c *testenv.Clock, prefix string) ratelimit.Limiter {
			r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: url, Prefix: prefix, Now: c.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = r.Close() })
			if err := r.Ping(context.Background()); err != nil {
				t.Fatalf("%s is set but Redis does not answer: %v", testenv.RedisURLVar, err)
			}
			return r
		}
	}
	return v
}

func randomPrefix(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "fastsim:test:api-ratelimit:" + hex.EncodeToString(b[:]) + ":"
}

// doFrom sends a request from a client address, with an optional
// X-Forwarded-For.
func doFrom(t *testing.T, b testBundle, remote, xff, method, path string, body any) response {
	t.Helper()
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(data))
	req.RemoteAddr = remote
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h := b.authHeader(); h != "" {
		req.Header.Set("Authorization", h)
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func loginFrom(t *testing.T, b testBundle, remote, email, password string) response {
	t.Helper()
	return doFrom(t, b.as(""), remote, "", "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

// TestLoginBruteForce: 3 attempts per (email, address) pair per 15
// minutes and 5 per address per minute. The 4th attempt for one email from
// one address is refused with 429 before the password is even checked
// (the owner from another address still gets in), then the address limit
// engages for other emails; after the window, the right password works.
func TestLoginBruteForce(t *testing.T) {
	t.Parallel()
	base := setup(t, setupOpts{})
	for name, newLimiter := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
			b := withOptions(base, func(o *api.Options) {
				o.RateLimits = api.RateLimits{
					Limiter:      newLimiter(clock, randomPrefix(t)),
					AuthPerIP:    ratelimit.Limit{N: 5, Per: time.Minute},
					AuthPerEmail: ratelimit.Limit{N: 3, Per: 15 * time.Minute},
				}
			})
			victim, _ := newAccount(t, b, store.RoleUser)
			const attacker = "198.51.100.9:4000"
			for i := 1; i <= 3; i++ {
				wantStatus(t, loginFrom(t, b, attacker, victim.Email, "wrong-password-123"), http.StatusUnauthorized)
			}
			r := loginFrom(t, b, attacker, victim.Email, testPassword) // even the right one: the limit comes first
			wantLimit(t, r, limitBody{Status: 429, Limit: "rate:auth_email", Max: 3, Current: 3, RetryAfterS: 300})
			// The limit counts (email, address) pairs: the owner, from
			// another address, is not locked out by the stranger.
			wantStatus(t, loginFrom(t, b, "203.0.113.5:1", victim.Email, testPassword), http.StatusOK)
			// The attacker's address has used 4 of 5: one more email, then refused.
			wantStatus(t, loginFrom(t, b, attacker, "someone@example.com", "wrong-password-123"), http.StatusUnauthorized)
			wantLimit(t, loginFrom(t, b, attacker, "other@example.com", "wrong-password-123"),
				limitBody{Status: 429, Limit: "rate:auth_ip", Max: 5, Current: 5, RetryAfterS: 12})
			// After the window everything is back to normal.
			clock.Advance(15 * time.Minute)
			wantStatus(t, loginFrom(t, b, attacker, victim.Email, testPassword), http.StatusOK)
			for i := 2; i <= 3; i++ {
				wantStatus(t, loginFrom(t, b, attacker, victim.Email, "wrong-password-123"), http.StatusUnauthorized)
			}
			wantLimit(t, loginFrom(t, b, attacker, victim.Email, testPassword),
				limitBody{Status: 429, Limit: "rate:auth_email", Max: 3, Current: 3, RetryAfterS: 300})
		})
	}
}

// TestStrangerCannotLockOutOwner: a stranger who knows the owner's email
// hammers the login from address A until every attempt is refused; the
// owner's correct password from address B is accepted at once, and so is
// a later one from A's neighbour C.
func TestStrangerCannotLockOutOwner(t *testing.T) {
	t.Parallel()
	base := setup(t, setupOpts{})
	for name, newLimiter := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
			cfg := config.Default(1) // the default limits
			b := withOptions(base, func(o *api.Options) {
				o.RateLimits = api.RateLimits{Limiter: newLimiter(clock, randomPrefix(t)), PerIP: cfg.RateLimitIP,
					AuthPerIP: cfg.RateLimitAuthIP, AuthPerEmail: cfg.RateLimitAuthEmail}
			})
			owner, _ := newAccount(t, b, store.RoleUser)
			const strangerAddr = "198.51.100.9:4000"
			counts := map[int]int{}
			for range 30 {
				counts[loginFrom(t, b, strangerAddr, owner.Email, "wrong-password-123").status]++
			}
			want := map[int]int{http.StatusUnauthorized: int(cfg.RateLimitAuthEmail.N), http.StatusTooManyRequests: 30 - int(cfg.RateLimitAuthEmail.N)}
			if diff := cmp.Diff(want, counts); diff != "" {
				t.Errorf("stranger's statuses (-want +got):\n%s", diff)
			}
			wantStatus(t, loginFrom(t, b, "203.0.113.5:1", owner.Email, testPassword), http.StatusOK)
			wantStatus(t, loginFrom(t, b, "198.51.100.10:1", owner.Email, testPassword), http.StatusOK)
		})
	}
}

// TestRateLimitPerUserAndIP: the per-user limit counts all of a user's
// requests; the per-address limit counts unauthenticated ones too.
func TestRateLimitPerUserAndIP(t *testing.T) {
	t.Parallel()
	b, _ := limitedBundle(t, api.RateLimits{
		PerUser: ratelimit.Limit{N: 3, Per: time.Minute},
		PerIP:   ratelimit.Limit{N: 6, Per: time.Minute},
	})
	t.Run("PerUser", func(t *testing.T) {
		_, other := newAccount(t, b, store.RoleUser)
		for range 3 {
			wantStatus(t, doFrom(t, b, "192.0.2.1:1", "", "GET", "/api/v1/runs", nil), http.StatusOK)
		}
		wantLimit(t, doFrom(t, b, "192.0.2.2:1", "", "GET", "/api/v1/me", nil),
			limitBody{Status: 429, Limit: "rate:user", Max: 3, Current: 3, RetryAfterS: 20})
		wantStatus(t, doFrom(t, b.as(other), "192.0.2.3:1", "", "GET", "/api/v1/runs", nil), http.StatusOK)
	})
	t.Run("PerIP", func(t *testing.T) {
		for range 6 {
			wantStatus(t, doFrom(t, b.as(""), "192.0.2.9:1", "", "GET", "/api/v1/runs", nil), http.StatusUnauthorized)
		}
		wantLimit(t, doFrom(t, b.as(""), "192.0.2.9:2", "", "GET", "/api/v1/runs", nil),
			limitBody{Status: 429, Limit: "rate:ip", Max: 6, Current: 6, RetryAfterS: 10})
		// Probes and docs are not limited.
		wantStatus(t, doFrom(t, b.as(""), "192.0.2.9:3", "", "GET", "/health", nil), http.StatusOK)
		// An IPv6 client is one /64.
		for i := range 6 {
			wantStatus(t, doFrom(t, b.as(""), fmt.Sprintf("[2001:db8:1:2::%x]:1", i+1), "", "GET", "/api/v1/runs", nil), http.StatusUnauthorized)
		}
		wantLimit(t, doFrom(t, b.as(""), "[2001:db8:1:2:ffff::1]:1", "", "GET", "/api/v1/runs", nil),
			limitBody{Status: 429, Limit: "rate:ip", Max: 6, Current: 6, RetryAfterS: 10})
	})
}

// TestTrustedProxies: X-Forwarded-For decides the client only behind a
// trusted proxy.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	b, _ := limitedBundle(t, api.RateLimits{
		PerIP:          ratelimit.Limit{N: 2, Per: time.Minute},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})
	b = b.as("")
	get := func(remote, xff string) int { return doFrom(t, b, remote, xff, "GET", "/api/v1/runs", nil).status }
	// Behind the trusted proxy, each forwarded client has its own count.
	for _, client := range []string{"198.51.100.1", "198.51.100.2"} {
		for range 2 {
			if s := get("10.0.0.7:1", "203.0.113.99, "+client+", 10.0.0.5"); s != http.StatusUnauthorized {
				t.Fatalf("client %s: status %d, want 401", client, s)
			}
		}
		if s := get("10.0.0.7:1", client); s != http.StatusTooManyRequests {
			t.Errorf("client %s third request: status %d, want 429", client, s)
		}
	}
	// An untrusted peer's X-Forwarded-For is ignored: spoofing does not
	// give fresh counts.
	for i, xff := range []string{"198.51.100.50", "198.51.100.51", "198.51.100.52"} {
		want := http.StatusUnauthorized
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if s := get("192.0.2.77:1", xff); s != want {
			t.Errorf("spoofed request %d: status %d, want %d", i+1, s, want)
		}
	}
}

// TestLoginLimitSharedAcrossReplicas runs two API handlers ("replicas")
// with their own limiters on the same Redis: attempts alternate between
// them and the limit still engages at the 4th.
func TestLoginLimitSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	newRedis, ok := limiters(t)["Redis"]
	if !ok {
		t.Skip(testenv.RedisURLVar + " is not set")
	}
	base := setup(t, setupOpts{})
	clock := testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
	prefix := randomPrefix(t)
	replica := func() testBundle {
		return withOptions(base, func(o *api.Options) {
			o.RateLimits = api.RateLimits{Limiter: newRedis(clock, prefix), AuthPerEmail: ratelimit.Limit{N: 3, Per: 15 * time.Minute}}
		})
	}
	replicas := []testBundle{replica(), replica()}
	victim, _ := newAccount(t, base, store.RoleUser)
	for i := range 3 {
		wantStatus(t, loginFrom(t, replicas[i%2], "198.51.100.9:1", victim.Email, "wrong-password-123"), http.StatusUnauthorized)
	}
	wantLimit(t, loginFrom(t, replicas[1], "198.51.100.9:1", victim.Email, testPassword),
		limitBody{Status: 429, Limit: "rate:auth_email", Max: 3, Current: 3, RetryAfterS: 300})
}

// TestRateLimitPerKey: each API key has its own budget on top of its
// user's: a key that spent its 2 requests is refused while another key of
// the same user still gets through, until the user's 3 are spent too.
func TestRateLimitPerKey(t *testing.T) {
	t.Parallel()
	b, clock := limitedBundle(t, api.RateLimits{
		PerKey:  ratelimit.Limit{N: 2, Per: time.Minute},
		PerUser: ratelimit.Limit{N: 3, Per: time.Minute},
	})
	u, first := newAccount(t, b, store.RoleUser)
	second, _, err := b.auth.CreateAPIKey(context.Background(), u, "second")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		wantStatus(t, doFrom(t, b.as(first), "192.0.2.1:1", "", "GET", "/api/v1/me", nil), http.StatusOK)
	}
	wantLimit(t, doFrom(t, b.as(first), "192.0.2.1:1", "", "GET", "/api/v1/me", nil),
		limitBody{Status: 429, Limit: "rate:key", Max: 2, Current: 2, RetryAfterS: 30})
	wantStatus(t, doFrom(t, b.as(second), "192.0.2.1:1", "", "GET", "/api/v1/me", nil), http.StatusOK)
	wantLimit(t, doFrom(t, b.as(second), "192.0.2.1:1", "", "GET", "/api/v1/me", nil),
		limitBody{Status: 429, Limit: "rate:user", Max: 3, Current: 3, RetryAfterS: 20})
	// After the window both budgets are back.
	clock.Advance(time.Minute)
	wantStatus(t, doFrom(t, b.as(first), "192.0.2.1:1", "", "GET", "/api/v1/me", nil), http.StatusOK)
}

// limitedBundle returns a bundle whose API applies rl, counted by an
// in-memory limiter on a settable clock (rl.Limiter is set here).
func limitedBundle(t *testing.T, rl api.RateLimits) (testBundle, *testenv.Clock) {
	t.Helper()
	clock := testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
	rl.Limiter = ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clock.Now})
	return withOptions(setup(t, setupOpts{}), func(o *api.Options) { o.RateLimits = rl }), clock
}

// TestEveryMethodCountsPerIP: the per-address limit counts every method,
// CORS preflights from an allowed origin included (issue 8: 2,500 OPTIONS
// requests got no refusal).
func TestEveryMethodCountsPerIP(t *testing.T) {
	t.Parallel()
	const origin = "https://app.example.com"
	b := withOptions(setup(t, setupOpts{}), func(o *api.Options) {
		o.RateLimits = api.RateLimits{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}), PerIP: ratelimit.Limit{N: 5, Per: time.Minute}}
		o.Security = api.Security{CORSOrigins: []string{origin}}
	}).as("")
	tests := []struct {
		name, method string
		preflight    bool
	}{
		{"OPTIONS", http.MethodOptions, false},
		{"Preflight", http.MethodOptions, true},
		{"HEAD", http.MethodHead, false},
		{"GET", http.MethodGet, false},
		{"POST", http.MethodPost, false},
		{"PUT", http.MethodPut, false},
		{"PATCH", http.MethodPatch, false},
		{"DELETE", http.MethodDelete, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			send := func() response {
				req := httptest.NewRequest(tt.method, "/api/v1/runs", nil)
				req.RemoteAddr = fmt.Sprintf("192.0.2.%d:1", 100+i) // one address per method
				if tt.preflight {
					req.Header.Set("Origin", origin)
					req.Header.Set("Access-Control-Request-Method", "POST")
				}
				rec := httptest.NewRecorder()
				b.handler.ServeHTTP(rec, req)
				return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
			}
			for n := 1; n <= 5; n++ {
				if r := send(); r.status == http.StatusTooManyRequests {
					t.Fatalf("request %d refused within the limit of 5", n)
				}
			}
			r := send()
			wantStatus(t, r, http.StatusTooManyRequests)
			if tt.method != http.MethodHead {
				wantLimit(t, r, limitBody{Status: 429, Limit: "rate:ip", Max: 5, Current: 5, RetryAfterS: 12})
			}
		})
	}
}
