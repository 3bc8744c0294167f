package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestTokenBucketExact follows a bucket through a short sequence whose
// arithmetic is exact in binary floating point.
func TestTokenBucketExact(t *testing.T) {
	t.Parallel()
	b := newTokenBucket(2, 3)
	steps := []struct {
		t    float64
		want bool
	}{
		{0, true}, {0, true}, {0, true}, {0, false}, // full at 0: burst 3
		{0.5, true}, {0.5, false}, // 0.5 s refills 1 token
		{1.75, true}, {1.75, true}, {1.75, false}, // 2.5 tokens
		{100, true}, {100, true}, {100, true}, {100, false}, // capped at burst
	}
	for i, s := range steps {
		if got := b.take(s.t); got != s.want {
			t.Fatalf("take %d at t=%v = %v, want %v", i, s.t, got, s.want)
		}
	}
	if d := newTokenBucket(0.5, 0); d.burst != 1 {
		t.Errorf("default burst at rps 0.5 = %v, want max(1, rps) = 1", d.burst)
	}
	if d := newTokenBucket(40, 0); d.burst != 40 {
		t.Errorf("default burst at rps 40 = %v, want max(1, rps) = 40", d.burst)
	}
}

// arrivalSequence draws n arrival times: Poisson at rate lambda, or, when
// clustered, Poisson clusters of 1–8 simultaneous arrivals (the worst case
// for a bucket: several requests at one instant).
func arrivalSequence(r *rand.Rand, n int, lambda float64, clustered bool) []float64 {
	ts := make([]float64, 0, n)
	now := 0.0
	for len(ts) < n {
		k := 1
		if clustered {
			k = 1 + r.IntN(8)
		}
		for range min(k, n-len(ts)) {
			ts = append(ts, now)
		}
		now += r.ExpFloat64() / lambda
	}
	return ts
}

// TestTokenBucketBound is the bucket's property test: over random arrival
// sequences, the accepted count over [0, T] and over any interval of
// length T is at most rps·T + burst, with no tolerance.
func TestTokenBucketBound(t *testing.T) {
	t.Parallel()
	buckets := []struct{ rps, burst float64 }{{10, 1}, {10, 10}, {3.5, 7.25}, {100, 20}, {0.5, 1}, {1000, 1}}
	for _, bk := range buckets {
		for _, load := range []float64{0.5, 1, 2, 10} {
			for _, clustered := range []bool{false, true} {
				name := fmt.Sprintf("rps=%v,burst=%v,load=%v,clustered=%v", bk.rps, bk.burst, load, clustered)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					for seed := range uint64(10) {
						r := rand.New(rand.NewPCG(seed, 0x70b))
						ts := arrivalSequence(r, 2000, load*bk.rps, clustered)
						b := newTokenBucket(bk.rps, bk.burst)
						var acc []float64
						for _, at := range ts {
							if b.take(at) {
								acc = append(acc, at)
							}
						}
						checkBucketBound(t, seed, acc, bk.rps, bk.burst)
					}
				})
			}
		}
	}
}

// checkBucketBound checks that the accepted times acc (sorted) put at most
// rps·(t_j − t_i) + burst acceptances in every [t_i, t_j], which covers
// every interval (the count over an interval is largest when its ends are
// acceptances) and [0, T] (the bucket is full at 0: i = 0 is the prefix).
// The pair (i, j) that comes closest is found in one pass through the
// running minimum of i − rps·t_i and then checked with the direct formula.
func checkBucketBound(t *testing.T, seed uint64, acc []float64, rps, burst float64) {
	t.Helper()
	best, bi := math.Inf(1), 0
	for j, tj := range acc {
		if v := float64(j) - rps*tj; v < best {
			best, bi = v, j
		}
		if n := float64(j + 1); n > rps*tj+burst {
			t.Fatalf("seed %d: %v accepted over [0, %v] > rps·T + burst = %v", seed, n, tj, rps*tj+burst)
		}
		if n := float64(j - bi + 1); n > rps*(tj-acc[bi])+burst {
			t.Fatalf("seed %d: %v accepted over [%v, %v] > rps·T + burst = %v",
				seed, n, acc[bi], tj, rps*(tj-acc[bi])+burst)
		}
	}
}

// TestTokenBucketRate checks the long-run accepted rate min(λ, rps).
//
// Tolerances. Below the limit (λ = rps/2, burst 10) the bucket almost
// never empties: its deficit burst − tokens is the workload of an M/D/1
// queue at ρ = 0.5 with service 1/rps, which exceeds burst−1 = 9 services
// with probability of order 1e-5, so the accepted count is the Poisson
// count λT up to that: 4·√(λT) (4 standard deviations) covers it. Over
// 10 seeds the accepted count's deviation from λT was at most 2.4·√(λT).
// Above the limit (λ = 2·rps) the bucket is almost always near empty:
// accepted = rps·T + burst − tokens(T) − (tokens lost while full), so it
// lies in [rps·T − lost, rps·T + burst]; over 10 seeds it was rps·T + 5
// to rps·T + 9, and the test allows rps·T ± burst.
func TestTokenBucketRate(t *testing.T) {
	t.Parallel()
	const rps, burst, horizon = 100.0, 10.0, 1000.0
	for _, lambda := range []float64{50, 200} {
		t.Run(fmt.Sprintf("lambda=%v", lambda), func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(10) {
				r := rand.New(rand.NewPCG(seed, 0x7a7e))
				b := newTokenBucket(rps, burst)
				accepted := 0.0
				for now := r.ExpFloat64() / lambda; now < horizon; now += r.ExpFloat64() / lambda {
					if b.take(now) {
						accepted++
					}
				}
				if lambda < rps {
					want := lambda * horizon
					if d := math.Abs(accepted - want); d > 4*math.Sqrt(want) {
						t.Errorf("seed %d: accepted %v, want λT = %v ± 4√(λT) = %.0f", seed, accepted, want, 4*math.Sqrt(want))
					}
					continue
				}
				if want := rps * horizon; accepted < want-burst || accepted > want+burst {
					t.Errorf("seed %d: accepted %v, want rps·T = %v ± burst %v", seed, accepted, want, burst)
				}
			}
		})
	}
}

// TestTokenBucketAllocations checks that take allocates nothing.
func TestTokenBucketAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	b := newTokenBucket(10, 5)
	now := 0.0
	if n := testing.AllocsPerRun(1000, func() { now += 0.05; b.take(now) }); n != 0 {
		t.Errorf("take allocates %v times per call, want 0", n)
	}
}
