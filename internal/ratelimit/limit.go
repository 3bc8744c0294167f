package ratelimit

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limit is a rate: at most N requests per period Per, with a burst of N.
// The zero Limit means "no limit".
type Limit struct {
	// N is the number of requests allowed per period; 0 disables the limit.
	N int
	// Per is the period.
	Per time.Duration
}

// Off reports whether the limit is disabled.
func (l Limit) Off() bool { return l.N <= 0 || l.Per <= 0 }

// String returns the limit as ParseLimit reads it, e.g. "10/1m0s", or
// "off".
func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	return strconv.Itoa(l.N) + "/" + l.Per.String()
}

// ParseLimit reads "N/DURATION" (e.g. "600/1m", "5/15m") or "off" (also
// "0" and ""), and checks that the period is at least a millisecond and N
// at most one per microsecond.
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || strings.EqualFold(s, "off") {
		return Limit{}, nil
	}
	ns, ds, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, fmt.Errorf("%q is not N/DURATION such as 600/1m, or off", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 0 {
		return Limit{}, fmt.Errorf("%q: %q is not a non-negative integer; use N/DURATION such as 600/1m", s, ns)
	}
	d, err := time.ParseDuration(strings.TrimSpace(ds))
	if err != nil {
		return Limit{}, fmt.Errorf("%q: %q is not a duration such as 1m or 15m", s, ds)
	}
	l := Limit{N: n, Per: d}
	if l.Off() {
		return Limit{}, nil
	}
	if d < time.Millisecond {
		return Limit{}, fmt.Errorf("%q: the period must be at least 1ms", s)
	}
	if int64(n) > d.Microseconds() {
		return Limit{}, fmt.Errorf("%q: at most one request per microsecond; use a longer period", s)
	}
	return l, nil
}

// interval is the emission interval P/N in microseconds (the time one
// request "costs"), and the period in microseconds.
func (l Limit) interval() (t, p int64) {
	p = l.Per.Microseconds()
	return p / int64(l.N), p
}

// Decision is the answer for one request.
type Decision struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// Limit is the limit that was applied.
	Limit Limit
	// Used is how many requests of the current burst are spent, this one
	// included when it was allowed (at most Limit.N).
	Used int
	// RetryAfter is how long until a request would be allowed; 0 when this
	// one was.
	RetryAfter time.Duration
}

// Remaining is how many more requests would be allowed right now.
func (d Decision) Remaining() int { return max(d.Limit.N-d.Used, 0) }

// RetryAfterSeconds is RetryAfter rounded up to whole seconds, at least 1
// for a refused request (the unit of the Retry-After header).
func (d Decision) RetryAfterSeconds() int {
	if d.Allowed {
		return 0
	}
	return max(int(math.Ceil(d.RetryAfter.Seconds())), 1)
}

// Limiter decides whether the request identified by key may proceed under
// limit l, and counts it when it may. Keys of different purposes must not
// collide: prefix them ("ip:", "key:", "login-email:"). Implementations are
// safe for concurrent use and never fail: a backend failure is answered
// from a local fallback.
type Limiter interface {
	// Allow counts one request of key under l and returns the decision. A
	// disabled l (Off) always allows without counting.
	Allow(ctx context.Context, key string, l Limit) Decision
	// Close releases the backend's resources.
	Close() error
}

// gcra applies one request at time now (µs) to a key whose theoretical
// arrival time is tat (µs; 0 for a new key). It returns the new tat (equal
// to the old one when refused) and the decision. Each request costs the
// emission interval t = P/N (rounded down to a microsecond); a request is
// allowed while the debt tat-now is at most (N-1)·t, so a burst of exactly
// N is allowed at once, the N+1st is refused, and the debt of a full burst
// (N·t <= P) is gone after one period. The arithmetic is mirrored exactly
// by the Lua script of the Redis limiter.
func gcra(tat, now int64, l Limit) (int64, Decision) {
	t, _ := l.interval()
	tat = max(tat, now)
	debt, tolerance := tat-now, int64(l.N-1)*t
	if debt > tolerance {
		return tat, Decision{Limit: l, Used: used(debt, t, l.N), RetryAfter: time.Duration(debt-tolerance) * time.Microsecond}
	}
	return tat + t, Decision{Allowed: true, Limit: l, Used: used(debt+t, t, l.N)}
}

// used converts a debt (tat-now, µs) into a number of spent requests.
func used(debt, t int64, n int) int {
	if debt <= 0 {
		return 0
	}
	return min(int((debt+t-1)/t), n)
}
