package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/ratelimit"
)

// RateLimits configures the rate limits of /api/v1. A disabled (zero)
// Limit does not count.
type RateLimits struct {
	// Limiter counts the requests; nil turns rate limiting off. Defaults
	// to nil.
	Limiter ratelimit.Limiter
	// PerIP limits the requests of one client address (an IPv6 client by
	// its /64), authenticated or not.
	PerIP ratelimit.Limit
	// PerUser limits the authenticated requests of one user, all its API
	// keys and sessions together.
	PerUser ratelimit.Limit
	// PerKey limits the requests made with one API key, on top of PerUser,
	// so that one runaway script cannot spend its account's whole budget.
	// Session tokens are counted by PerUser only.
	PerKey ratelimit.Limit
	// AuthPerIP limits POST /api/v1/auth/login and /api/v1/auth/register
	// per client address, on top of PerIP.
	AuthPerIP ratelimit.Limit
	// AuthPerEmail limits the same routes per pair of email address of
	// the body (case-insensitive) and client address: it slows password
	// guessing on one account from one address, but a stranger who spends
	// it cannot lock the owner out, who logs in from another address
	// (docs/auth.md, "Login throttling").
	AuthPerEmail ratelimit.Limit
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed: the client is the right-most address of that header that
	// is not itself a trusted proxy. Empty: the peer address is the client
	// and X-Forwarded-For is ignored. Defaults to empty.
	TrustedProxies []netip.Prefix
}

// authRateLimited are the routes with the stricter limits.
var authRateLimited = map[string]bool{"/api/v1/auth/login": true, "/api/v1/auth/register": true}

// limitByIP applies PerIP to every request under /api/v1, whatever its
// method (OPTIONS and HEAD count too), and, on the login and register
// routes, AuthPerIP and AuthPerEmail; it runs before authentication, so
// floods of bad credentials are limited too. Refusals are counted in m.
func (rl RateLimits) limitByIP(m *refusalMetrics, maxBody int64, next http.Handler) http.Handler {
	if rl.Limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		ip := clientKey(clientIP(r, rl.TrustedProxies))
		if d := rl.Limiter.Allow(ctx, "ip:"+ip, rl.PerIP); !d.Allowed {
			writeRateLimited(w, m, "ip", "requests from this client address", d)
			return
		}
		if r.Method == http.MethodPost && authRateLimited[r.URL.Path] {
			if d := rl.Limiter.Allow(ctx, "auth-ip:"+ip, rl.AuthPerIP); !d.Allowed {
				writeRateLimited(w, m, "auth_ip", "login and registration attempts from this client address", d)
				return
			}
			if email, ok := peekEmail(r, maxBody); ok {
				if d := rl.Limiter.Allow(ctx, "auth-email:"+ip+"|"+email, rl.AuthPerEmail); !d.Allowed {
					writeRateLimited(w, m, "auth_email", "login and registration attempts for this email address from this client address", d)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// limitByUser applies PerKey and PerUser to authenticated requests; it
// runs after authentication. Refusals are counted in m.
func (rl RateLimits) limitByUser(m *refusalMetrics, next http.Handler) http.Handler {
	if rl.Limiter == nil || (rl.PerUser.Off() && rl.PerKey.Off()) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := auth.PrincipalFrom(r.Context()); ok {
			if p.KeyID != "" && !rl.PerKey.Off() {
				if d := rl.Limiter.Allow(r.Context(), "key:"+p.KeyID, rl.PerKey); !d.Allowed {
					writeRateLimited(w, m, "key", "requests with this API key", d)
					return
				}
			}
			if !rl.PerUser.Off() {
				if d := rl.Limiter.Allow(r.Context(), "user:"+p.User.ID, rl.PerUser); !d.Allowed {
					writeRateLimited(w, m, "user", "requests of this account (all its keys and sessions)", d)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeRateLimited answers 429 with Retry-After and a LimitProblem naming
// the limit ("rate:<scope>") and the usage, and counts it in m.
func writeRateLimited(w http.ResponseWriter, m *refusalMetrics, scope, what string, d ratelimit.Decision) {
	m.rateLimitedBy(scope)
	p := newLimitProblem(http.StatusTooManyRequests, "rate:"+scope, int64(d.Limit.N), int64(d.Used), "", d.RetryAfter,
		"too many %s: the limit is %d per %s; retry in %d s", what, d.Limit.N, d.Limit.Per, d.RetryAfterSeconds())
	w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfterS))
	writeProblemBody(w, http.StatusTooManyRequests, p)
}

// peekEmail reads the JSON body's "email" (lower-cased) and puts the body
// back for the handler. A body that is not JSON or has no email gives
// false; the handler then reports it.
func peekEmail(r *http.Request, maxBody int64) (string, bool) {
	if r.Body == nil {
		return "", false
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), r.Body))
	if err != nil {
		return "", false
	}
	var b struct {
		Email string `json:"email"`
	}
	if json.Unmarshal(raw, &b) != nil || strings.TrimSpace(b.Email) == "" {
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(b.Email)), true
}

// clientIP returns the address of the client: the peer, or, when the peer
// is a trusted proxy, the right-most untrusted address of
// X-Forwarded-For (the left-most when all are trusted).
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := parseAddr(r.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	var hops []netip.Addr
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for f := range strings.SplitSeq(h, ",") {
			if a := parseAddr(strings.TrimSpace(f)); a.IsValid() {
				hops = append(hops, a)
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		if !isTrusted(hops[i], trusted) {
			return hops[i]
		}
	}
	if len(hops) > 0 {
		return hops[0]
	}
	return peer
}

// parseAddr reads "host:port", "[v6]:port" or a bare address.
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is the rate-limit key of an address: IPv4 as is, IPv6 by its
// /64 (one subscriber's usual allocation).
func clientKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
