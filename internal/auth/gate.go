package auth

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ErrBusy is returned (wrapped) when a password cannot be hashed or
// checked now: every hashing slot is taken and the queue is full, or the
// wait for a slot ran out. The request may be retried shortly; the API
// answers 503 with Retry-After.
var ErrBusy = errors.New("too many password checks at once; retry in a second")

// hashGate bounds the argon2id computations running at once (each holds
// Params.Memory of memory while it runs) and the requests waiting for
// one, so that a burst of logins costs at most slots × Params.Memory of
// hashing memory and a bounded number of parked goroutines.
type hashGate struct {
	slots    chan struct{}
	maxQueue int64
	waiting  atomic.Int64
	wait     time.Duration
}

func newHashGate(slots, queue int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, slots), maxQueue: int64(queue), wait: wait}
}

// acquire takes a slot, waiting at most g.wait in a queue of at most
// g.maxQueue requests. It returns ErrBusy (wrapped) when the queue is
// full or the wait ran out, and ctx's error when ctx ends first. The
// caller must call release after hashing.
func (g *hashGate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.maxQueue {
		g.waiting.Add(-1)
		return fmt.Errorf("all %d hashing slots are busy and %d requests are waiting: %w", cap(g.slots), g.maxQueue, ErrBusy)
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return fmt.Errorf("no hashing slot free within %s: %w", g.wait, ErrBusy)
	case <-ctx.Done():
		return fmt.Errorf("wait for a hashing slot: %w", ctx.Err())
	}
}

// release frees a slot taken by acquire.
func (g *hashGate) release() { <-g.slots }
