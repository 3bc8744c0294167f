package redisconn

import (
	"log/slog"
	"sync"
	"time"
)

// BreakerOptions configures NewBreaker. Every field is required: the
// callers document and apply their own defaults.
type BreakerOptions struct {
	// Backoff is how long after a failure Available reports false.
	Backoff time.Duration
	// Logger receives a warning when an outage starts and an info line
	// when it ends, each with the attribute backend=redis.
	Logger *slog.Logger
	// Now is the clock.
	Now func() time.Time
	// DownMessage is the warning logged when an outage starts.
	DownMessage string
	// UpMessage is the info line logged when an outage ends.
	UpMessage string
}

// Breaker tracks Redis outages for a component that degrades instead of
// failing: after a failure it reports Redis unavailable for the backoff,
// and it logs each outage once, when it starts and when it ends. It is safe
// for concurrent use.
type Breaker struct {
	opts    BreakerOptions
	mu      sync.Mutex
	down    bool      // an outage is in progress (logged once)
	retryAt time.Time // no Redis call before this instant
}

// NewBreaker returns a Breaker that starts with Redis available.
func NewBreaker(opts BreakerOptions) *Breaker {
	return &Breaker{opts: opts}
}

// Available reports whether Redis may be called: no outage is in progress,
// or its backoff has elapsed.
func (b *Breaker) Available() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.down || !b.opts.Now().Before(b.retryAt)
}

// Failed records a failed Redis call: it (re)starts the backoff and logs
// err if this failure starts an outage.
func (b *Breaker) Failed(err error) {
	b.mu.Lock()
	wasDown := b.down
	b.down = true
	b.retryAt = b.opts.Now().Add(b.opts.Backoff)
	b.mu.Unlock()
	if !wasDown {
		b.opts.Logger.Warn(b.opts.DownMessage, "backend", "redis", "error", err.Error())
	}
}

// Succeeded records a successful Redis call, ending an outage (logged) if
// one was in progress.
func (b *Breaker) Succeeded() {
	b.mu.Lock()
	wasDown := b.down
	b.down = false
	b.mu.Unlock()
	if wasDown {
		b.opts.Logger.Info(b.opts.UpMessage, "backend", "redis")
	}
}
