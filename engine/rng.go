package engine

import "math/rand/v2"

// Random streams.
//
// Every component draws from its own PCG generator (O'Neill, "PCG: A Family
// of Simple Fast Space-Efficient Statistically Good Algorithms for Random
// Number Generation", 2014; math/rand/v2's PCG-DXSM). The two 64-bit seeds of
// a stream are derived from the run seed and a 64-bit FNV-1a hash of the
// component's kind, id and purpose (for a step time: its server, endpoint
// and index), mixed with SplitMix64 (Steele, Lea and
// Flood, "Fast Splittable Pseudorandom Number Generators", 2014) so that
// neighbouring run seeds and similar ids give unrelated streams.

// fnv1a hashes the parts, separated by a zero byte, with 64-bit FNV-1a.
func fnv1a(parts ...string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i, p := range parts {
		if i > 0 {
			h *= prime // the zero separator byte: h ^= 0 is a no-op
		}
		for j := 0; j < len(p); j++ {
			h ^= uint64(p[j])
			h *= prime
		}
	}
	return h
}

// splitmix64 is the SplitMix64 output function.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// newStream returns the random stream of one component and purpose, named
// by its kind, identity and purpose, e.g.
// newStream(seed, "edge", "client-to-server", "latency") or
// newStream(seed, "step", "api", "/login", "2", "time").
func newStream(seed int64, name ...string) *rand.Rand {
	h := fnv1a(name...)
	s1 := splitmix64(uint64(seed) ^ h)
	s2 := splitmix64(s1 ^ splitmix64(h))
	return rand.New(rand.NewPCG(s1, s2))
}
