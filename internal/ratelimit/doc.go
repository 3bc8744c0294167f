// Package ratelimit limits how often a key (an API key, a user, a client
// IP, an email address) may do something, with the generic cell rate
// algorithm (GCRA): a Limit of N per period P admits a burst of N at once
// and then one request every P/N, and a key that has been quiet for P is
// back to a full burst.
//
// Two implementations share the arithmetic: Memory, for a single process,
// and Redis, which keeps one timestamp per key in Redis (an atomic Lua
// script) so that every API replica sees the same counts. Redis never fails
// a request: during a Redis outage it answers from an in-process Memory
// limiter and logs the outage once, like the result cache.
//
//	l := ratelimit.NewMemory(ratelimit.MemoryOptions{})
//	d := l.Allow(ctx, "login-ip:192.0.2.1", ratelimit.Limit{N: 10, Per: time.Minute})
//	if !d.Allowed {
//		// answer 429 with Retry-After: d.RetryAfterSeconds()
//	}
//
// GCRA: J. Heinanen and R. Guerin, "A Single Rate Three Color Marker"
// (RFC 2697) describes the token-bucket view; the virtual-scheduling
// formulation used here is the ATM Forum's (I.371, Annex A).
package ratelimit
