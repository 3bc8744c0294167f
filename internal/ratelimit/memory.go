package ratelimit

import (
	"context"
	"sync"
	"time"
)

// MemoryOptions configures NewMemory.
type MemoryOptions struct {
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// MaxKeys bounds the number of keys kept; when it is reached, keys
	// whose debt is paid are dropped, and if none is, the whole table is
	// reset (allowing everyone once more rather than growing without
	// bound). Defaults to 100000.
	MaxKeys int
}

// Memory is a Limiter for one process.
type Memory struct {
	opts MemoryOptions
	mu   sync.Mutex
	tats map[string]int64 // theoretical arrival time per key, µs since the Unix epoch
}

// NewMemory returns an in-process limiter.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = 100_000
	}
	return &Memory{opts: opts, tats: map[string]int64{}}
}

// Allow counts one request of key under l.
func (m *Memory) Allow(_ context.Context, key string, l Limit) Decision {
	if l.Off() {
		return Decision{Allowed: true, Limit: l}
	}
	now := m.opts.Now().UnixMicro()
	m.mu.Lock()
	defer m.mu.Unlock()
	tat, ok := m.tats[key]
	if !ok && len(m.tats) >= m.opts.MaxKeys {
		m.sweep(now)
	}
	next, d := gcra(tat, now, l)
	m.tats[key] = next
	return d
}

// sweep drops keys whose debt is paid (they behave as new keys), or every
// key when none is.
func (m *Memory) sweep(now int64) {
	for k, tat := range m.tats {
		if tat <= now {
			delete(m.tats, k)
		}
	}
	if len(m.tats) >= m.opts.MaxKeys {
		clear(m.tats)
	}
}

// Close does nothing.
func (m *Memory) Close() error { return nil }
