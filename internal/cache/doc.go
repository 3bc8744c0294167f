// Package cache is the result cache of the FastSim service: a small Cache
// interface with a Redis implementation (NewRedis, go-redis v9) for
// deployments with several replicas and an in-memory LRU (NewMemory) for a
// single process.
//
// A cache is an optimisation, never a dependency: Get reports a miss and Set
// does nothing when the backend fails, so a Redis outage degrades the
// service to "no cache" and never fails a request. Only Ping, used by the
// readiness probe, returns the error.
//
// Entries are keyed by Key, a SHA-256 over everything that determines a
// result (the canonical scenario, the seed, the number of replications and
// the engine identity, version.Engine) and the tenant who may reuse it.
//
//	c := cache.NewMemory(256, 24*time.Hour, nil)
//	k := cache.Key(canonical, 42, 1, version.Engine(), userID)
//	if v, ok := c.Get(ctx, k); ok { ... }
//	c.Set(ctx, k, encodedResult)
package cache
