package redisconn

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// NewClient returns a client for the Redis URL whose every dial, read and
// write is bounded by timeout and made only once, so that an outage costs a
// call at most about timeout. It does not connect; only a malformed URL is
// an error (returned as go-redis reports it, for the caller to wrap).
func NewClient(url string, timeout time.Duration) (*redis.Client, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	ro.DialTimeout = timeout
	ro.ReadTimeout = timeout
	ro.WriteTimeout = timeout
	ro.MaxRetries = -1   // one attempt: a retry would only double the outage cost
	ro.DialerRetries = 1 // no dial retries inside the pool either
	ro.Protocol = 2
	ro.DisableIdentity = true
	return redis.NewClient(ro), nil
}
