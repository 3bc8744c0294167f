package engine

import (
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Temporary circuit breaker with the interface pinned in the shared notes;
// the overload-verify branch replaces this file.

type breakerState uint8

const (
	bkClosed breakerState = iota
	bkOpen
	bkHalfOpen
)

type bkOutcome struct {
	t       float64
	failure bool
}

// breaker is a circuit breaker (spec §12).
type breaker struct {
	cfg      scenario.CircuitBreaker
	state    breakerState
	ring     []bkOutcome
	head, n  int
	failures int
	openedAt float64
	halfSent int
	halfOK   int
	opened   int64
	openS    float64
	timeline []result.BreakerTransition
}

func newBreaker(cfg scenario.CircuitBreaker) breaker {
	return breaker{cfg: cfg, ring: make([]bkOutcome, 64)}
}

func (b *breaker) transition(t float64, s breakerState) {
	switch b.state {
	case bkOpen:
		b.openS += t - b.openedAt
	}
	b.state = s
	name := "closed"
	switch s {
	case bkOpen:
		b.opened++
		b.openedAt = t
		name = "open"
	case bkHalfOpen:
		b.halfSent, b.halfOK = 0, 0
		name = "half_open"
	}
	if len(b.timeline) < result.MaxBreakerTransitions {
		b.timeline = append(b.timeline, result.BreakerTransition{T: t, State: name})
	}
}

func (b *breaker) allow(now float64) bool {
	if b.state == bkOpen && now >= b.openedAt+b.cfg.OpenS {
		b.transition(b.openedAt+b.cfg.OpenS, bkHalfOpen)
	}
	switch b.state {
	case bkOpen:
		return false
	case bkHalfOpen:
		if b.halfSent >= b.cfg.HalfOpenCalls {
			return false
		}
		b.halfSent++
	}
	return true
}

func (b *breaker) record(now float64, failure bool) {
	switch b.state {
	case bkOpen:
		return
	case bkHalfOpen:
		if failure {
			b.transition(now, bkOpen)
			return
		}
		b.halfOK++
		if b.halfOK >= b.cfg.HalfOpenCalls {
			b.head, b.n, b.failures = 0, 0, 0
			b.transition(now, bkClosed)
		}
		return
	}
	for b.n > 0 && b.ring[b.head].t <= now-b.cfg.WindowS {
		if b.ring[b.head].failure {
			b.failures--
		}
		b.head = (b.head + 1) % len(b.ring)
		b.n--
	}
	if b.n == len(b.ring) {
		grown := make([]bkOutcome, 2*len(b.ring))
		for i := 0; i < b.n; i++ {
			grown[i] = b.ring[(b.head+i)%len(b.ring)]
		}
		b.ring, b.head = grown, 0
	}
	b.ring[(b.head+b.n)%len(b.ring)] = bkOutcome{t: now, failure: failure}
	b.n++
	if failure {
		b.failures++
	}
	if b.n >= b.cfg.MinCalls && float64(b.failures) >= b.cfg.FailureRate*float64(b.n) {
		b.head, b.n, b.failures = 0, 0, 0
		b.transition(now, bkOpen)
	}
}

func (b *breaker) stats(horizon float64) *result.BreakerStats {
	open := b.openS
	if b.state == bkOpen {
		open += min(horizon, b.openedAt+b.cfg.OpenS) - b.openedAt
	}
	return &result.BreakerStats{Opened: b.opened, OpenS: open, Timeline: b.timeline}
}
