package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRendererCache renders each key once: later requests are answered
// from the cache, and the cache holds at most CacheBytes, evicting the
// least recently used.
func TestRendererCache(t *testing.T) {
	t.Parallel()
	r := newRenderer(RenderLimits{CacheBytes: 400})
	calls := map[string]int{}
	draw := func(key string, size int) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) {
			calls[key]++
			return bytes.Repeat([]byte(key[:1]), size), nil
		}
	}
	ctx := context.Background()
	for _, step := range []struct {
		key  string
		size int
	}{
		{"a", 100}, {"a", 100}, // the second is a hit
		{"b", 100}, {"c", 100}, {"d", 100}, // 400 bytes: full
		{"a", 100},   // a hit, now the most recently used
		{"e", 100},   // evicts b, the least recently used
		{"b", 100},   // rendered again, evicts c
		{"big", 101}, // above a quarter of the cache: rendered, not cached
		{"big", 101},
	} {
		doc, err := r.render(ctx, step.key, draw(step.key, step.size))
		if err != nil || len(doc) != step.size {
			t.Fatalf("render %s: %d bytes, %v", step.key, len(doc), err)
		}
	}
	want := map[string]int{"a": 1, "b": 2, "c": 1, "d": 1, "e": 1, "big": 2}
	for k, n := range want {
		if calls[k] != n {
			t.Errorf("%s rendered %d times, want %d", k, calls[k], n)
		}
	}
	if r.size != 400 || r.cache.Len() != 4 {
		t.Errorf("cache holds %d bytes in %d entries, want 400 in 4", r.size, r.cache.Len())
	}
	for key, cached := range map[string]bool{"a": true, "b": true, "d": true, "e": true, "c": false, "big": false} {
		if _, ok := r.get(key); ok != cached {
			t.Errorf("%s cached: %v, want %v", key, ok, cached)
		}
	}
}

// TestRendererConcurrency holds the only render slot: the next render
// waits QueueTimeout and gets a 503 problem with Retry-After naming the
// limit; a render whose client went away stops waiting at once.
func TestRendererConcurrency(t *testing.T) {
	t.Parallel()
	r := newRenderer(RenderLimits{Concurrency: 1, QueueTimeout: 50 * time.Millisecond})
	started, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		_, err := r.render(context.Background(), "slow", func(context.Context) ([]byte, error) {
			close(started)
			<-release
			return []byte("x"), nil
		})
		held <- err
	}()
	<-started

	_, err := r.render(context.Background(), "next", func(context.Context) ([]byte, error) {
		t.Error("rendered without a free slot")
		return nil, nil
	})
	var lp *LimitProblem
	if !errors.As(err, &lp) {
		t.Fatalf("render with no free slot: %v, want a *LimitProblem", err)
	}
	if lp.Status != http.StatusServiceUnavailable || lp.Limit != limitRender || lp.Max != 1 || lp.GetHeaders().Get("Retry-After") != "1" ||
		!strings.Contains(lp.Detail, "--render-concurrency") {
		t.Errorf("problem %+v, headers %v", lp, lp.GetHeaders())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away
	if _, err := r.render(ctx, "gone", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("render for a gone client: %v, want context.Canceled", err)
	}

	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	// The slot is free again.
	if doc, err := r.render(context.Background(), "after", func(context.Context) ([]byte, error) { return []byte("ok"), nil }); err != nil || string(doc) != "ok" {
		t.Errorf("render after release: %q, %v", doc, err)
	}
}
