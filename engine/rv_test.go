package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// TestRVMoments draws n = 200,000 samples of each family of spec §2 and
// compares the sample mean and variance with the family's. Tolerances: the
// sample mean has SE sd/√n (≤ 0.23 % of sd here) and the sample variance has
// SE ≈ var·sqrt((κ−1)/n) with κ the kurtosis (κ = 9 for the exponential:
// 0.63 %; larger for the log-normal below, whose κ ≈ 1.3·10² gives 2.5 %);
// the tolerances are at least 4 SE.
func TestRVMoments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		rv                 scenario.RV
		mean, variance     float64
		meanTol, varRelTol float64
		role               scenario.RVRole // RoleTime unless set
	}{
		{"Deterministic", scenario.RV{Mean: 2.5, Distribution: scenario.Deterministic}, 2.5, 0, 0, 0, scenario.RoleTime},
		{"Exponential", expo(0.5), 0.5, 0.25, 0.005, 0.03, scenario.RoleTime},
		{"NormalSDIsSqrtVariance", scenario.RV{Mean: 10, Distribution: scenario.Normal, Variance: ptr(4.0)}, 10, 4, 0.01, 0.02, scenario.RoleTime},
		// A time without variance has sd = mean: with a = 1 and λ =
		// φ(1)/Φ(1) = 0.28760 the truncated mean is 9(1 + λ) = 11.588, the
		// figure validation warns with, and the variance 81(1 − λ − λ²) =
		// 51.005 (SE of the mean 0.016).
		{"NormalTimeDefaultVariance", scenario.RV{Mean: 9, Distribution: scenario.Normal}, scenario.TruncatedNormalMean(9, 9), 51.005, 0.08, 0.02, scenario.RoleTime},
		// A count without variance has variance = mean: a = 3, shift
		// 3·φ(3)/Φ(3) = 0.013.
		{"NormalCountDefaultVariance", scenario.RV{Mean: 9, Distribution: scenario.Normal}, 9.013, 9, 0.02, 0.02, scenario.RoleCount},
		// log_normal keeps its own mean; a time's default variance is mean²
		// (σ² = ln 2, kurtosis 41: SE of the variance 1.4 %).
		{"LogNormalTimeDefaultVariance", scenario.RV{Mean: 2, Distribution: scenario.LogNormal}, 2, 4, 0.03, 0.08, scenario.RoleTime},
		{"LogNormalOwnMoments", scenario.RV{Mean: 2, Distribution: scenario.LogNormal, Variance: ptr(1.0)}, 2, 1, 0.01, 0.1, scenario.RoleTime},
		{"UniformWithVariance", scenario.RV{Mean: 5, Distribution: scenario.Uniform, Variance: ptr(3.0)}, 5, 3, 0.02, 0.02, scenario.RoleTime},
		{"UniformWithoutVariance", scenario.RV{Mean: 1, Distribution: scenario.Uniform}, 1, 1.0 / 3, 0.005, 0.02, scenario.RoleTime},
		{"PoissonSmall", scenario.RV{Mean: 3, Distribution: scenario.Poisson}, 3, 3, 0.02, 0.03, scenario.RoleTime},
		{"PoissonLarge", scenario.RV{Mean: 120, Distribution: scenario.Poisson}, 120, 120, 0.1, 0.03, scenario.RoleTime},
		{"PoissonMedium", scenario.RV{Mean: 40, Distribution: scenario.Poisson}, 40, 40, 0.06, 0.03, scenario.RoleTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := compileRV(tc.rv, tc.role)
			r := rand.New(rand.NewPCG(1, 2))
			const n = 200000
			var sum, sum2 float64
			for range n {
				x := v.sample(r)
				if x < 0 {
					t.Fatalf("negative sample %v", x)
				}
				if tc.rv.Distribution == scenario.Poisson || tc.rv.Distribution == "" {
					if x != math.Trunc(x) {
						t.Fatalf("poisson sample %v is not an integer", x)
					}
				}
				sum += x
				sum2 += x * x
			}
			mean := sum / n
			variance := sum2/n - mean*mean
			if math.Abs(mean-tc.mean) > tc.meanTol {
				t.Errorf("mean = %v, want %v ± %v", mean, tc.mean, tc.meanTol)
			}
			if tc.variance == 0 {
				if variance > 1e-12 {
					t.Errorf("variance = %v, want 0", variance)
				}
				return
			}
			if math.Abs(variance-tc.variance) > tc.varRelTol*tc.variance {
				t.Errorf("variance = %v, want %v ± %v %%", variance, tc.variance, 100*tc.varRelTol)
			}
		})
	}
}

func TestRVUniformBounds(t *testing.T) {
	t.Parallel()
	v := compileRV(scenario.RV{Mean: 5, Distribution: scenario.Uniform, Variance: ptr(3.0)}, scenario.RoleTime)
	// mean ± sqrt(3·3) = [2, 8].
	if v.a != 2 || v.b != 8 {
		t.Errorf("support [%v, %v], want [2, 8]", v.a, v.b)
	}
}

func TestRVNormalTruncatedAtZero(t *testing.T) {
	t.Parallel()
	// Mean 0 and sd 1: half the draws are rejected; none is negative and
	// the accepted ones are |N(0,1)|, whose mean is sqrt(2/π) ≈ 0.7979
	// (SE 0.6/√n ≈ 0.0013 with n = 200,000; tolerance 0.006 is 4.5 SE).
	v := compileRV(scenario.RV{Mean: 0, Distribution: scenario.Normal, Variance: ptr(1.0)}, scenario.RoleTime)
	r := rand.New(rand.NewPCG(3, 4))
	var sum float64
	const n = 200000
	for range n {
		x := v.sample(r)
		if x < 0 {
			t.Fatalf("negative sample %v", x)
		}
		sum += x
	}
	if got, want := sum/n, math.Sqrt(2/math.Pi); math.Abs(got-want) > 0.006 {
		t.Errorf("mean = %v, want %v", got, want)
	}
}

func TestStreamsAreIndependentOfEachOther(t *testing.T) {
	t.Parallel()
	a := newStream(1, "edge", "e1", "latency").Uint64()
	tests := []struct {
		name string
		got  uint64
	}{
		{"OtherSeed", newStream(2, "edge", "e1", "latency").Uint64()},
		{"OtherID", newStream(1, "edge", "e2", "latency").Uint64()},
		{"OtherPurpose", newStream(1, "edge", "e1", "dropout").Uint64()},
		{"OtherKind", newStream(1, "server", "e1", "latency").Uint64()},
		{"NoConcatenationClash", newStream(1, "edge", "e1l", "atency").Uint64()},
		{"OtherStep", newStream(1, "step", "srv", "ep", "1", "time").Uint64()},
	}
	for _, tc := range tests {
		if tc.got == a {
			t.Errorf("%s: same first draw as the reference stream", tc.name)
		}
	}
	if newStream(1, "step", "srv", "ep", "0", "time").Uint64() == newStream(1, "step", "srv", "ep", "1", "time").Uint64() {
		t.Error("steps 0 and 1 of one endpoint share a stream")
	}
	if b := newStream(1, "edge", "e1", "latency").Uint64(); b != a {
		t.Errorf("the same stream gives %d then %d", a, b)
	}
}
