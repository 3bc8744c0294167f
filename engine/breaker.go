package engine

import (
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// breakerState is a circuit breaker's state (spec §12).
type breakerState uint8

const (
	breakerClosed breakerState = iota
	breakerOpen
	breakerHalfOpen
)

// String returns the state's name in result.BreakerTransition.
func (s breakerState) String() string {
	switch s {
	case breakerOpen:
		return "open"
	case breakerHalfOpen:
		return "half_open"
	default:
		return "closed"
	}
}

// breakerOutcome is one finished attempt in a closed breaker's window.
type breakerOutcome struct {
	t       float64
	failure bool
}

// breaker is the circuit breaker of spec §12, on the client or on a call.
//
// Closed, it keeps the outcomes of the attempts that finished in
// (now−window_s, now] in a ring and is evaluated at each record: when at
// least min_calls are in the window and failures/count reaches
// failure_rate, it opens. Open, allow refuses every attempt (the caller
// rejects it with reason circuit_open; it counts as an attempt). open_s
// after opening it is half-open: the transition is lazy (made by the first
// allow, record or stats at or after that instant) but dated at the
// instant itself, so the timeline and open_s do not depend on when the
// breaker is next consulted. Half-open, allow lets through the next
// half_open_calls attempts and refuses the rest; the first of them to fail
// opens it again at once, and when all have succeeded it closes with an
// empty window.
//
// Every transition starts a new generation. allow returns the generation
// an attempt was let through in, and record ignores an outcome from an
// earlier generation: an attempt sent while closed that finishes while
// half-open is not one of the trial attempts, and one from before an
// opening does not count in the window after the breaker closes again (as
// sony/gobreaker does). A trial attempt that never finishes (lost on an
// edge with no deadline) leaves the breaker half-open, as in a real stack.
//
// The ring grows to the most outcomes ever in one window and is then
// reused: no allocation per event in steady state. The timeline keeps the
// first result.MaxBreakerTransitions transitions.
type breaker struct {
	failureRate   float64
	minCalls      int
	windowS       float64
	openS         float64
	halfOpenCalls int

	state    breakerState
	gen      uint32  // generation: incremented at every transition
	openedAt float64 // when it last opened (state open)

	// Closed: the window's outcomes, oldest first, in ring[head:head+n]
	// modulo len(ring) (a power of two), and how many are failures.
	ring     []breakerOutcome
	head, n  int
	failures int

	// Half-open: trial attempts let through, and those that succeeded.
	trials, succeeded int

	opened   int64   // transitions into open
	openTime float64 // time spent open, ended open periods only
	timeline []result.BreakerTransition
}

// newBreaker returns a closed breaker with cfg's parameters; a zero field
// (unset: validation refuses zero values) takes its spec §12 default, by
// the scenario's own rule (scenario.CircuitBreaker.WithDefaults).
func newBreaker(cfg scenario.CircuitBreaker) breaker {
	cfg = cfg.WithDefaults()
	return breaker{
		failureRate:   cfg.FailureRate,
		minCalls:      cfg.MinCalls,
		windowS:       cfg.WindowS,
		openS:         cfg.OpenS,
		halfOpenCalls: cfg.HalfOpenCalls,
		ring:          make([]breakerOutcome, 16),
	}
}

// allow reports whether an attempt at now may be sent and, when it may,
// the generation to pass to record when it finishes. A refused attempt is
// rejected by the caller (reason circuit_open) and never recorded.
func (b *breaker) allow(now float64) (gen uint32, ok bool) {
	b.advance(now)
	switch b.state {
	case breakerOpen:
		return 0, false
	case breakerHalfOpen:
		if b.trials >= b.halfOpenCalls {
			return 0, false
		}
		b.trials++
	}
	return b.gen, true
}

// record takes the outcome of an attempt that allow let through in
// generation gen and that finished at now; failure is a timed-out,
// rejected or failed attempt, or a dropped one noticed at its deadline.
func (b *breaker) record(now float64, gen uint32, failure bool) {
	b.advance(now)
	if gen != b.gen {
		return // let through before the last transition
	}
	switch b.state {
	case breakerClosed:
		b.push(now, failure)
		b.evict(now)
		if b.n >= b.minCalls && float64(b.failures)/float64(b.n) >= b.failureRate {
			b.open(now)
		}
	case breakerHalfOpen:
		if failure {
			b.open(now)
			return
		}
		b.succeeded++
		if b.succeeded == b.halfOpenCalls {
			b.clearWindow()
			b.transition(now, breakerClosed)
		}
	}
}

// stats returns the breaker's figures at the end of a run of the given
// horizon: an open period still running counts up to the horizon, and a
// half-open transition due before the horizon is in the timeline. It does
// not change the breaker.
func (b *breaker) stats(horizon float64) *result.BreakerStats {
	s := &result.BreakerStats{Opened: b.opened, OpenS: b.openTime}
	tl := b.timeline
	if b.state == breakerOpen {
		if end := b.openedAt + b.openS; end < horizon {
			s.OpenS += b.openS
			if len(tl) < result.MaxBreakerTransitions {
				tl = append(tl[:len(tl):len(tl)], result.BreakerTransition{T: end, State: breakerHalfOpen.String()})
			}
		} else {
			s.OpenS += horizon - b.openedAt
		}
	}
	if len(tl) > 0 {
		s.Timeline = append([]result.BreakerTransition(nil), tl...)
	}
	return s
}

// advance makes the lazy open → half-open transition due at or before now.
func (b *breaker) advance(now float64) {
	if b.state == breakerOpen && now >= b.openedAt+b.openS {
		b.openTime += b.openS
		b.trials, b.succeeded = 0, 0
		b.transition(b.openedAt+b.openS, breakerHalfOpen)
	}
}

// open makes the transition into open at now.
func (b *breaker) open(now float64) {
	b.opened++
	b.openedAt = now
	b.clearWindow()
	b.transition(now, breakerOpen)
}

// transition enters state at t, starting a new generation.
func (b *breaker) transition(t float64, state breakerState) {
	b.state = state
	b.gen++
	if len(b.timeline) < result.MaxBreakerTransitions {
		b.timeline = append(b.timeline, result.BreakerTransition{T: t, State: state.String()})
	}
}

// push appends an outcome to the window, doubling the ring when full.
func (b *breaker) push(t float64, failure bool) {
	if b.n == len(b.ring) {
		grown := make([]breakerOutcome, 2*len(b.ring))
		for i := range b.n {
			grown[i] = b.ring[(b.head+i)&(len(b.ring)-1)]
		}
		b.ring, b.head = grown, 0
	}
	b.ring[(b.head+b.n)&(len(b.ring)-1)] = breakerOutcome{t: t, failure: failure}
	b.n++
	if failure {
		b.failures++
	}
}

// evict drops the outcomes that finished at or before now − window_s.
func (b *breaker) evict(now float64) {
	edge := now - b.windowS
	for b.n > 0 {
		o := b.ring[b.head]
		if o.t > edge {
			return
		}
		if o.failure {
			b.failures--
		}
		b.head = (b.head + 1) & (len(b.ring) - 1)
		b.n--
	}
}

// clearWindow empties the window, keeping the ring.
func (b *breaker) clearWindow() {
	b.head, b.n, b.failures = 0, 0, 0
}
