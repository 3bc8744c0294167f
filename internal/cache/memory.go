package cache

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Memory is an in-process LRU cache with a time to live per entry. It is
// the cache of a single `fastsim serve` without Redis.
type Memory struct {
	lru *expirable.LRU[string, []byte]
	obs Observer
}

// NewMemory returns an LRU cache of at most size entries (at least 1), each
// living ttl (0: until evicted). obs may be nil.
func NewMemory(size int, ttl time.Duration, obs Observer) *Memory {
	return &Memory{lru: expirable.NewLRU[string, []byte](max(size, 1), nil, ttl), obs: obs}
}

// Get returns the value stored under key, if present and not expired.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool) {
	v, ok := m.lru.Get(key)
	if ok {
		m.obs.observe(Hit)
	} else {
		m.obs.observe(Miss)
	}
	return v, ok
}

// Set stores a copy of value under key, evicting the least recently used
// entry when the cache is full.
func (m *Memory) Set(_ context.Context, key string, value []byte) {
	m.lru.Add(key, append([]byte(nil), value...))
}

// Ping returns nil: the memory cache is always reachable.
func (m *Memory) Ping(context.Context) error { return nil }

// Close empties the cache.
func (m *Memory) Close() error {
	m.lru.Purge()
	return nil
}

// Len returns the number of entries, expired ones not yet swept included.
func (m *Memory) Len() int { return m.lru.Len() }
