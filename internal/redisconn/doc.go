// Package redisconn holds what the Redis-backed result cache
// (internal/cache) and rate limiter (internal/ratelimit) share: a client
// that fails fast instead of retrying, and a Breaker that lets its user
// degrade during a Redis outage, log the outage once and back off.
//
//	client, err := redisconn.NewClient(url, 250*time.Millisecond)
//	b := redisconn.NewBreaker(redisconn.BreakerOptions{Backoff: time.Second, Logger: logger, Now: time.Now,
//		DownMessage: "cache unavailable", UpMessage: "cache available again"})
//	if b.Available() {
//		if err := client.Ping(ctx).Err(); err != nil {
//			b.Failed(err) // degrade
//		} else {
//			b.Succeeded()
//		}
//	}
package redisconn
