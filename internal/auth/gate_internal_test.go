package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestHashGate fills the slots and the queue of a gate and checks who
// gets a slot, who waits and who is refused. No assertion depends on
// timing: the refusals are decided by counts, or by a wait that ends
// whatever its length.
func TestHashGate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("QueueFull", func(t *testing.T) {
		t.Parallel()
		g := newHashGate(2, 1, time.Hour)
		for range 2 {
			if err := g.acquire(ctx); err != nil {
				t.Fatalf("acquire a free slot: %v", err)
			}
		}
		got := make(chan error, 1)
		go func() { got <- g.acquire(ctx) }() // waits in the queue
		for g.waiting.Load() != 1 {
			time.Sleep(time.Millisecond)
		}
		if err := g.acquire(ctx); !errors.Is(err, ErrBusy) {
			t.Fatalf("acquire with 2 slots busy and 1 waiting = %v, want ErrBusy", err)
		}
		g.release()
		if err := <-got; err != nil {
			t.Fatalf("queued acquire after a release = %v, want a slot", err)
		}
		if n := len(g.slots); n != 2 {
			t.Errorf("slots in use = %d, want 2", n)
		}
	})
	t.Run("WaitRunsOut", func(t *testing.T) {
		t.Parallel()
		g := newHashGate(1, 5, time.Millisecond)
		if err := g.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		if err := g.acquire(ctx); !errors.Is(err, ErrBusy) {
			t.Fatalf("acquire with the only slot held = %v, want ErrBusy after the wait", err)
		}
		if n := g.waiting.Load(); n != 0 {
			t.Errorf("waiting = %d after the refusal, want 0", n)
		}
	})
	t.Run("ContextEnds", func(t *testing.T) {
		t.Parallel()
		g := newHashGate(1, 5, time.Hour)
		if err := g.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := g.acquire(cctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("acquire with a cancelled context = %v, want context.Canceled", err)
		}
	})
}
