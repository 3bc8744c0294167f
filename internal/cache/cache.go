package cache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Cache stores opaque values (encoded results) by key. Implementations are
// safe for concurrent use.
type Cache interface {
	// Get returns the value stored under key and true, or nil and false on
	// a miss. A backend failure is reported as a miss, never as an error.
	Get(ctx context.Context, key string) ([]byte, bool)
	// Set stores value under key with the cache's time to live. A backend
	// failure is swallowed (and logged and counted by the implementation).
	Set(ctx context.Context, key string, value []byte)
	// Ping reports whether the backend is reachable; it returns the
	// backend's error wrapped, and nil for the in-memory cache.
	Ping(ctx context.Context) error
	// Close releases the backend's resources.
	Close() error
}

// Outcome is what happened to one cache operation, for metrics.
type Outcome string

// The outcomes reported to an Observer.
const (
	// Hit is a Get that found the key.
	Hit Outcome = "hit"
	// Miss is a Get that did not find the key.
	Miss Outcome = "miss"
	// Error is a Get or Set that failed because the backend failed (the Get
	// is also reported to the caller as a miss).
	Error Outcome = "error"
)

// Observer is told the outcome of every Get and of every failed Set; a nil
// Observer is allowed. It must be cheap and safe for concurrent use.
type Observer func(Outcome)

func (o Observer) observe(out Outcome) {
	if o != nil {
		o(out)
	}
}

// Key returns the cache key of a run: the hex SHA-256 of the canonical
// scenario JSON, the seed, the number of replications, the engine identity
// (version.Engine: results of another engine are never reused) and the
// tenant (the id of the user who owns the run: a user is never answered
// with another user's result, so a hit reveals nothing about other users),
// each length-prefixed so that no two inputs share a key.
func Key(canonicalScenario []byte, seed int64, replications int, engine, tenant string) string {
	h := sha256.New()
	var buf [8]byte
	writeField := func(b []byte) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	writeField(canonicalScenario)
	binary.BigEndian.PutUint64(buf[:], uint64(seed))
	h.Write(buf[:])
	binary.BigEndian.PutUint64(buf[:], uint64(replications))
	h.Write(buf[:])
	writeField([]byte(engine))
	writeField([]byte(tenant))
	return hex.EncodeToString(h.Sum(nil))
}
