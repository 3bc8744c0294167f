package engine

// tokenBucket is the rate limiter of spec §12 (`rate_limit: { rps, burst }`
// on a server or a load balancer): a bucket of capacity burst, full at time
// 0, refilled continuously at rps tokens per second; a request takes one
// token or is rejected. It is a plain value with no allocation: the refill
// is computed lazily from the time of the previous take, so the bucket
// needs no event of its own.
//
// Guarantee (checked by TestTokenBucketBound over random arrival
// sequences): over any interval of length T, [0, T] included, the bucket
// accepts at most rps·T + burst requests; its long-run accepted rate is
// min(λ, rps) for Poisson arrivals at rate λ (TestTokenBucketRate).
type tokenBucket struct {
	rps    float64 // refill rate, tokens per second, > 0
	burst  float64 // capacity, >= 1
	tokens float64 // tokens at time last, in [0, burst]
	last   float64 // time of the last refill
}

// newTokenBucket returns a full bucket of capacity burst refilled at rps
// tokens per second. A burst of 0 (unset) means the spec's default,
// max(1, rps).
func newTokenBucket(rps, burst float64) tokenBucket {
	if rps <= 0 {
		panic("engine: token bucket with rps <= 0")
	}
	if burst == 0 {
		burst = max(1, rps)
	}
	return tokenBucket{rps: rps, burst: burst, tokens: burst}
}

// take reports whether a request arriving at now finds a token, and takes
// it. Calls come in non-decreasing time order (the event loop's); a call
// earlier than the previous one refills nothing.
func (b *tokenBucket) take(now float64) bool {
	if now > b.last {
		b.tokens = min(b.burst, b.tokens+(now-b.last)*b.rps)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}
