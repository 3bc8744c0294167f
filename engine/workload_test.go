package engine

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Analytic checks of request classes, load profiles and closed workloads
// (spec §11), with the tolerance conventions of queueing_test.go: every
// tolerance is a few standard errors (SE) of its estimate, the SE of a
// mean latency being estimated by batch means and checked by checkMean.

// twoEndpointServer is a one-core server with endpoints "a" and "b", each
// one exponential CPU step of the given mean.
func twoEndpointServer(meanA, meanB float64) scenario.Server {
	return scenario.Server{
		ID:        "srv",
		Resources: scenario.ServerResources{CPUCores: 1, RAMMB: 1024},
		Endpoints: []scenario.Endpoint{
			{Name: "a", Steps: []scenario.Step{cpu(random(expo(meanA)))}},
			{Name: "b", Steps: []scenario.Step{cpu(random(expo(meanB)))}},
		},
	}
}

// withClasses turns sc's single generator into the given classes, each
// with its own edge to the client (deterministic tiny latency).
func withClasses(sc *scenario.Scenario, ws ...scenario.Workload) *scenario.Scenario {
	sc.Workload, sc.MoreWorkloads = ws[0], ws[1:]
	edges := []scenario.Edge{}
	for _, w := range ws {
		edges = append(edges, link(w.ID+"-client", w.ID, "client", det(tiny)))
	}
	sc.Topology.Edges = append(edges, sc.Topology.Edges[1:]...)
	return sc
}

// class returns a constant-rate open class with an endpoint.
func class(id string, rate float64, endpoint string) scenario.Workload {
	w := constantRate(rate)
	w.ID, w.Endpoint = id, endpoint
	return w
}

func TestClassesPollaczekKhinchine(t *testing.T) {
	skipStatistical(t)
	t.Parallel()
	const (
		l1, s1 = 300.0, 0.001 // class a: rate and mean CPU time
		l2, s2 = 200.0, 0.002 // class b
	)
	sc := withClasses(singleServer(constantRate(1), 600, tinyEdges(), twoEndpointServer(s1, s2)),
		class("a", l1, "a"), class("b", l2, "b"))
	lat := [2][]float64{}
	r := mustRun(t, sc, Options{Seed: 21}, &hooks{classComplete: func(c int32, born, now float64) {
		lat[c] = append(lat[c], now-born)
	}})
	// The server sees a Poisson stream of rate λ = λ1 + λ2 whose service
	// time is a mixture: E[S²] = Σ λi·2si² / λ. FCFS serves both classes
	// alike, so each waits the M/G/1 (Pollaczek–Khinchine) time
	// Wq = λE[S²] / (2(1−ρ)), ρ = Σ λi·si = 0.7, then runs its own
	// service; three deterministic hops add 3·tiny.
	lambda := l1 + l2
	rho := l1*s1 + l2*s2
	es2 := (l1*2*s1*s1 + l2*2*s2*s2) / lambda
	wq := lambda * es2 / (2 * (1 - rho))
	// 360,000 customers at ρ = 0.7: the batch-means SE is about 1 % of
	// each class's mean latency; 5 % is over 4 SE. Over seeds 21–25 the
	// largest error seen was 3.2 %.
	for c, s := range []float64{s1, s2} {
		mean, se := batchMeans(lat[c], 20)
		checkMean(t, "mean latency of class "+[]string{"a", "b"}[c], mean, se, wq+s+3*tiny, 0.05)
	}
	// The results' classes agree with what the hooks saw.
	for c, id := range []string{"a", "b"} {
		cs := r.Classes[id]
		if cs.Counts.Completed != int64(len(lat[c])) {
			t.Errorf("classes.%s.counts.completed = %d, want %d", id, cs.Counts.Completed, len(lat[c]))
		}
	}
	if got := r.Classes["a"].Counts.Generated + r.Classes["b"].Counts.Generated; got != r.Counts.Generated {
		t.Errorf("classes' generated sum to %d, want counts.generated = %d", got, r.Counts.Generated)
	}
}

// profileScenario is one constant-rate class of rate lambda0 shaped by
// the profile, on a fast server.
func profileScenario(lambda0 float64, horizon int, pts ...scenario.ProfilePoint) *scenario.Scenario {
	w := constantRate(lambda0)
	w.Profile = pts
	return singleServer(w, horizon, tinyEdges(), srv("srv", 4, 1024, cpu(fixed(1e-5))))
}

func TestProfileArrivals(t *testing.T) {
	t.Parallel()
	const lambda0 = 100.0
	pt := func(t, x float64) scenario.ProfilePoint { return scenario.ProfilePoint{T: t, X: x} }
	tests := []struct {
		name string
		pts  []scenario.ProfilePoint
		// x is the profile as a function, for the expected counts.
		x func(t float64) float64
	}{
		{"Ramp", []scenario.ProfilePoint{pt(0, 0), pt(100, 2)}, func(t float64) float64 { return t / 50 }},
		// A step from 1 to 3 at t = 50 is a ramp 1 ms long.
		{"Step", []scenario.ProfilePoint{pt(0, 1), pt(50, 1), pt(50.001, 3)}, func(t float64) float64 {
			switch {
			case t <= 50:
				return 1
			case t >= 50.001:
				return 3
			}
			return 1 + 2*(t-50)/0.001
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const horizon, bin = 100, 10
			var arrivals []float64
			r := mustRun(t, profileScenario(lambda0, horizon, tc.pts...), Options{Seed: 5},
				&hooks{arrival: func(t float64) { arrivals = append(arrivals, t) }})
			// Expected arrivals in [a, b): λ0 ∫ x, by the midpoint rule on
			// 1 µs steps (exact for the linear pieces up to rounding).
			expect := func(a, b float64) float64 {
				const h = 1e-4
				sum := 0.0
				for s := a + h/2; s < b; s += h {
					sum += tc.x(s) * h
				}
				return lambda0 * sum
			}
			// The count is Poisson: its SD is the square root of its mean.
			// 4 SD leaves a false alarm rate of 6e-5 per check.
			total := expect(0, horizon)
			if got := float64(r.Counts.Generated); math.Abs(got-total) > 4*math.Sqrt(total) {
				t.Errorf("generated = %v, want ∫ rate = %.1f ± %.0f (4 SD)", got, total, 4*math.Sqrt(total))
			}
			// The throughput series follows the profile: completions per
			// 10 s bin (requests finish within a few ms, so at most a
			// handful cross a bin edge) match the expected arrivals. Ten
			// bins at 4.5 SD each keep the false alarm rate below 1e-4.
			for b := 0; b < horizon; b += bin {
				want := expect(float64(b), float64(b+bin))
				got := 0.0
				for _, v := range r.Throughput.Series[b : b+bin] {
					got += v
				}
				if tol := 4.5*math.Sqrt(want) + 3; math.Abs(got-want) > tol {
					t.Errorf("completions in [%d, %d) s = %v, want %.1f ± %.0f", b, b+bin, got, want, tol)
				}
			}
			if !slices.IsSorted(arrivals) {
				t.Errorf("arrivals are not in time order")
			}
		})
	}
}

// mva returns the throughput X and the mean response time R at the server
// of a closed network of n users, think time z (a delay station) and one
// FCFS exponential server of mean service s, by exact mean-value analysis
// (Reiser and Lavenberg, 1980): R(k) = s(1+Q(k−1)), X(k) = k/(R(k)+z),
// Q(k) = X(k)R(k).
func mva(n int, z, s float64) (x, r float64) {
	q := 0.0
	for k := 1; k <= n; k++ {
		r = s * (1 + q)
		x = float64(k) / (r + z)
		q = x * r
	}
	return x, r
}

func TestClosedWorkloadMVA(t *testing.T) {
	skipStatistical(t)
	t.Parallel()
	const (
		z       = 0.1  // think time, exponential
		s       = 0.01 // CPU time, exponential
		horizon = 3000
	)
	for _, n := range []int{1, 5, 20} {
		t.Run(fmt.Sprintf("N%d", n), func(t *testing.T) {
			t.Parallel()
			w := scenario.Workload{ID: "gen", Type: scenario.WorkloadClosed, Users: n, ThinkTime: ptr(expo(z))}
			sc := singleServer(w, horizon, tinyEdges(), srv("srv", 1, 1024, cpu(random(expo(s)))))
			var lat []float64
			r := mustRun(t, sc, Options{Seed: 3}, &hooks{complete: func(born, now float64) { lat = append(lat, now-born) }})
			// The three deterministic hops (3·tiny) are a delay station
			// like the think time: they add to z in the cycle and to the
			// measured latency.
			x, rs := mva(n, z+3*tiny, s)
			// Mean latency: batch-means SE of about 0.5–1 %; 4 % is over
			// 4 SE at every N (checked by checkMean).
			mean, se := batchMeans(lat, 20)
			checkMean(t, "mean latency", mean, se, rs+3*tiny, 0.04)
			// Throughput: completions over the horizon. Its relative SE is
			// the cycle time's coefficient of variation (below 1) over
			// √(completions), at most 0.7 % with the 27,000 completions of
			// N = 1; 3 % is over 4 SE.
			got := float64(r.Counts.Completed) / horizon
			if math.Abs(got-x) > 0.03*x {
				t.Errorf("throughput = %.4f/s, want MVA %.4f/s ± 3 %%", got, x)
			}
			t.Logf("N=%d: X = %.4f (MVA %.4f), R = %.5f (MVA %.5f)", n, got, x, mean, rs+3*tiny)
			// Over seeds 3–7 the largest errors seen were 1.1 % (X) and
			// 0.9 % (R).
		})
	}
}

func TestClassesCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	base := func() *scenario.Scenario {
		return singleServer(constantRate(1), 60, tinyEdges(), twoEndpointServer(0.001, 0.002))
	}
	arrivalsOf := func(sc *scenario.Scenario, c int32) []float64 {
		var ts []float64
		mustRun(t, sc, Options{Seed: 9}, &hooks{classArrival: func(k int32, t float64) {
			if k == c {
				ts = append(ts, t)
			}
		}})
		return ts
	}
	one := arrivalsOf(withClasses(base(), class("a", 50, "a")), 0)
	closed := scenario.Workload{ID: "b", Type: scenario.WorkloadClosed, Users: 10, ThinkTime: ptr(expo(0.5)), Endpoint: "b"}
	two := arrivalsOf(withClasses(base(), class("a", 50, "a"), closed), 0)
	// With "b" listed first, "a" is class 1.
	swapped := arrivalsOf(withClasses(base(), class("b", 80, "b"), class("a", 50, "a")), 1)
	if len(one) < 2500 {
		t.Fatalf("only %d arrivals of class a; the check needs a busy class", len(one))
	}
	if !slices.Equal(one, two) {
		t.Errorf("adding a closed class changed class a's arrivals (%d vs %d)", len(one), len(two))
	}
	if !slices.Equal(one, swapped) {
		t.Errorf("adding an open class before it changed class a's arrivals (%d vs %d)", len(one), len(swapped))
	}
}

func TestClosedUsersNeverExceedPopulation(t *testing.T) {
	t.Parallel()
	const n = 7
	w := scenario.Workload{ID: "gen", Type: scenario.WorkloadClosed, Users: n, ThinkTime: ptr(expo(0.01))}
	sc := singleServer(w, 30, tinyEdges(), srv("srv", 1, 1024, cpu(random(expo(0.01)))))
	sc.Topology.Edges[1].DropoutRate = 0.1 // a drop is an outcome: the user thinks and goes on
	r := mustRun(t, sc, Options{Seed: 4}, nil)
	c := r.Counts
	if c.Dropped == 0 || c.Completed == 0 {
		t.Fatalf("counts %+v: the check needs drops and completions", c)
	}
	// Each user has at most one request alive, and none is lost by the
	// loop: at the horizon, at most n are in flight.
	if c.InFlight < 0 || c.InFlight > n {
		t.Errorf("in_flight = %d, want 0..%d", c.InFlight, n)
	}
	if c.Generated != c.Completed+c.Dropped+c.Failed+c.InFlight {
		t.Errorf("counts do not add up: %+v", c)
	}
	// 7 users cycling every ~0.02–0.07 s for 30 s send thousands of
	// requests: a user stopped by its first drop would send a few dozen.
	if c.Generated < 2000 {
		t.Errorf("generated = %d, want thousands: users must go on after a drop", c.Generated)
	}
}

// TestWorkloadExamplesDeterministic checks byte-identical JSON per seed on
// the examples of spec §11, and that another seed changes it.
func TestWorkloadExamplesDeterministic(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"two_classes.yml", "diurnal.yml", "closed.yml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, filepath.Join(repoRoot(t), "examples", name))
			a := encode(t, mustRun(t, sc, Options{Seed: 42, Series: true}, nil))
			b := encode(t, mustRun(t, sc, Options{Seed: 42, Series: true}, nil))
			if !bytes.Equal(a, b) {
				t.Errorf("two runs with seed 42 differ")
			}
			c := encode(t, mustRun(t, sc, Options{Seed: 43, Series: true}, nil))
			if bytes.Equal(a, c) {
				t.Errorf("seeds 42 and 43 give the same result")
			}
		})
	}
}

// TestWorkloadAllocationsDoNotGrow checks that classes, a profile and a
// closed workload keep the kernel allocation-free per event: a run ten
// times longer allocates (almost) nothing more.
func TestWorkloadAllocationsDoNotGrow(t *testing.T) {
	checkAllocationsDoNotGrow(t, func(horizon int) *scenario.Scenario {
		w := constantRate(300)
		w.ID, w.Endpoint = "a", "a"
		w.Profile = []scenario.ProfilePoint{{T: 0, X: 0.5}, {T: 5, X: 1.5}}
		closed := scenario.Workload{ID: "b", Type: scenario.WorkloadClosed, Users: 20, ThinkTime: ptr(expo(0.1)), Endpoint: "b"}
		return withClasses(singleServer(constantRate(1), horizon, tinyEdges(), twoEndpointServer(0.001, 0.002)), w, closed)
	})
}

// TestMergeClasses checks that merging replications merges each class
// like the whole run: counts summed, latency from the merged moments.
func TestMergeClasses(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, filepath.Join(repoRoot(t), "examples", "two_classes.yml"))
	sc.Settings.TotalSimulationTime = 30
	a := mustRun(t, sc, Options{Seed: 1}, nil)
	b := mustRun(t, sc, Options{Seed: 2}, nil)
	m, err := result.Merge([]*result.Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"browse", "checkout"} {
		x, y, got := a.Classes[id], b.Classes[id], m.Classes[id]
		if want := x.Counts.Completed + y.Counts.Completed; got.Counts.Completed != want || got.Latency.TotalRequests != want {
			t.Errorf("%s: merged completed %d (latency over %d), want %d", id, got.Counts.Completed, got.Latency.TotalRequests, want)
		}
		nx, ny := float64(x.Counts.Completed), float64(y.Counts.Completed)
		want := (x.Latency.Mean*nx + y.Latency.Mean*ny) / (nx + ny)
		if math.Abs(got.Latency.Mean-want) > 1e-12 {
			t.Errorf("%s: merged mean latency %v, want the weighted mean %v", id, got.Latency.Mean, want)
		}
		if wantRPS := (x.Throughput.MeanRPS + y.Throughput.MeanRPS) / 2; math.Abs(got.Throughput.MeanRPS-wantRPS) > 1e-12 {
			t.Errorf("%s: merged throughput %v, want %v", id, got.Throughput.MeanRPS, wantRPS)
		}
	}
}
