package engine

import (
	"math"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// arrivals returns the arrival times of a run of the workload.
func arrivals(t *testing.T, w scenario.Workload, horizon int, seed int64) []float64 {
	t.Helper()
	sc := singleServer(w, horizon, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.001))))
	var ts []float64
	mustRun(t, sc, Options{Seed: seed}, &hooks{arrival: func(now float64) { ts = append(ts, now) }})
	return ts
}

func TestGeneratorConstantRateIsPoisson(t *testing.T) {
	t.Parallel()
	// One user at 60·200 rpm: a Poisson process of rate 200 over 500 s.
	// The count N has SE sqrt(λT) = 316 (0.3 %); the gaps are Exp(1/200)
	// with mean 5 ms (SE 0.3 %) and coefficient of variation 1 (SE of the
	// sample CV ≈ 1/√N = 0.3 %); 2 % tolerances are over 6 SE.
	const rate, horizon = 200.0, 500
	ts := arrivals(t, constantRate(rate), horizon, 31)
	n := float64(len(ts))
	if math.Abs(n-rate*horizon) > 0.02*rate*horizon {
		t.Errorf("%v arrivals, want %v ± 2 %%", n, rate*horizon)
	}
	var sum, sum2 float64
	prev := 0.0
	for _, x := range ts {
		g := x - prev
		sum += g
		sum2 += g * g
		prev = x
		if x >= horizon {
			t.Fatalf("arrival at %v after the horizon", x)
		}
	}
	mean := sum / n
	cv := math.Sqrt(sum2/n-mean*mean) / mean
	if math.Abs(mean-1/rate) > 0.02/rate || math.Abs(cv-1) > 0.02 {
		t.Errorf("gap mean %v, CV %v; want %v and 1", mean, cv, 1/rate)
	}
}

func TestGeneratorWindowsRedrawUsers(t *testing.T) {
	t.Parallel()
	// Poisson–Poisson: U ~ Poisson(20) users at 30 rpm each, redrawn every
	// 10 s window. Per window the count is Poisson(U·5) given U, so its
	// mean is 20·5 = 100 and its variance is E[U·5] + Var(5U) = 100 + 500
	// = 600 (law of total variance), six times a plain Poisson's. Over
	// 400 windows the sample mean has SE sqrt(600/400) = 1.2 and the sample
	// variance SE ≈ 600·sqrt(2/400) ≈ 42; tolerances are 4 and 150.
	w := scenario.Workload{
		ID:                         "gen",
		AvgActiveUsers:             scenario.RV{Mean: 20, Distribution: scenario.Poisson},
		AvgRequestPerMinutePerUser: scenario.RV{Mean: 30, Distribution: scenario.Poisson},
		UserSamplingWindow:         10,
	}
	const windows = 400
	ts := arrivals(t, w, windows*10, 5)
	counts := make([]float64, windows)
	for _, x := range ts {
		counts[int(x/10)]++
	}
	var sum, sum2 float64
	for _, c := range counts {
		sum += c
		sum2 += c * c
	}
	mean := sum / windows
	variance := sum2/windows - mean*mean
	if math.Abs(mean-100) > 4 || math.Abs(variance-600) > 150 {
		t.Errorf("per-window count mean %v, variance %v; want 100 and 600", mean, variance)
	}
}

func TestGeneratorGaussianPoisson(t *testing.T) {
	t.Parallel()
	// Gaussian–Poisson: U ~ N(5, 25) truncated at 0 by resampling, one
	// request per second per user, 1 s windows. With a = μ/σ = 1 and
	// λ = φ(a)/Φ(a) = 0.24197/0.84134 = 0.28760, E[U] = μ + σλ = 6.438 and
	// Var(U) = σ²(1 − aλ − λ²) = 15.742, so per-window counts have
	// variance E[U] + Var(U) = 22.18 and the total over 2000 s has mean
	// 12,876 and SE sqrt(2000·22.18) = 211; 1000 is about 4.7 SE.
	w := scenario.Workload{
		ID:                         "gen",
		AvgActiveUsers:             scenario.RV{Mean: 5, Distribution: scenario.Normal, Variance: ptr(25.0)},
		AvgRequestPerMinutePerUser: scenario.RV{Mean: 60, Distribution: scenario.Poisson},
		UserSamplingWindow:         1,
	}
	ts := arrivals(t, w, 2000, 1)
	if want := 6.438 * 2000; math.Abs(float64(len(ts))-want) > 1000 {
		t.Errorf("%d arrivals, want %.0f", len(ts), want)
	}
}
