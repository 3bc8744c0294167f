package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// RenderLimits bound the rendering of charts and reports (docs/limits.md,
// "Chart renders and stored series").
type RenderLimits struct {
	// Concurrency is the number of renders running at once. Defaults to 2.
	Concurrency int
	// QueueTimeout is how long a render waits for a free slot; after it
	// the request gets 503 with Retry-After. Defaults to 10s.
	QueueTimeout time.Duration
	// CacheBytes is the size of the cache of rendered documents (a
	// succeeded run's charts and report never change); the least recently
	// used are evicted first, and a document larger than a quarter of it
	// is not cached. Negative caches nothing. Defaults to 64 MiB.
	CacheBytes int64
}

func (l RenderLimits) withDefaults() RenderLimits {
	if l.Concurrency <= 0 {
		l.Concurrency = 2
	}
	if l.QueueTimeout <= 0 {
		l.QueueTimeout = 10 * time.Second
	}
	if l.CacheBytes == 0 {
		l.CacheBytes = 64 << 20
	}
	return l
}

// limitRender names the render concurrency limit in LimitProblem.Limit.
const limitRender = "render_concurrency"

// renderer runs renders under a concurrency limit and caches their output
// by key, bounded in bytes.
type renderer struct {
	limits RenderLimits
	slots  chan struct{}

	mu    sync.Mutex
	cache *simplelru.LRU[string, []byte]
	size  int64 // bytes held by cache
}

func newRenderer(l RenderLimits) *renderer {
	r := &renderer{limits: l.withDefaults()}
	r.slots = make(chan struct{}, r.limits.Concurrency)
	// The LRU counts entries; the byte bound is enforced in put. Its entry
	// bound only has to be unreachable: every entry holds at least a byte.
	r.cache, _ = simplelru.NewLRU(1<<30, func(_ string, v []byte) { r.size -= int64(len(v)) })
	return r
}

// get returns the cached document under key.
func (r *renderer) get(key string) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cache.Get(key)
}

// put caches doc under key, evicting the least recently used documents
// beyond CacheBytes; a document above a quarter of CacheBytes is not
// cached (it would evict most of the others).
func (r *renderer) put(key string, doc []byte) {
	if len(doc) == 0 || int64(len(doc)) > r.limits.CacheBytes/4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache.Contains(key) {
		return
	}
	r.cache.Add(key, doc)
	r.size += int64(len(doc))
	for r.size > r.limits.CacheBytes {
		r.cache.RemoveOldest()
	}
}

// render returns the document under key from the cache, or renders it
// with fn once a slot is free and caches it. Waiting longer than
// QueueTimeout gives a 503 LimitProblem with Retry-After; ctx ending (the
// client went away) stops the wait and, through fn, the render.
func (r *renderer) render(ctx context.Context, key string, fn func(context.Context) ([]byte, error)) ([]byte, error) {
	if doc, ok := r.get(key); ok {
		return doc, nil
	}
	wait := time.NewTimer(r.limits.QueueTimeout)
	defer wait.Stop()
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a render slot: %w", context.Cause(ctx))
	case <-wait.C:
		return nil, newLimitProblem(http.StatusServiceUnavailable, limitRender, int64(r.limits.Concurrency), int64(r.limits.Concurrency), "",
			r.limits.QueueTimeout,
			"%d charts or reports are being rendered, the server's limit (--render-concurrency), and none finished within %s; retry later",
			r.limits.Concurrency, r.limits.QueueTimeout)
	}
	defer func() { <-r.slots }()
	// Another request may have rendered it while this one waited.
	if doc, ok := r.get(key); ok {
		return doc, nil
	}
	doc, err := fn(ctx)
	if err != nil {
		return nil, err
	}
	r.put(key, doc)
	return doc, nil
}
