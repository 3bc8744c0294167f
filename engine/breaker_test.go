package engine

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// breakerStep is one scripted call on a breaker: allow for attempt id at
// t (want: let through or not), or record its outcome at t.
type breakerStep struct {
	t       float64
	record  bool
	id      int
	failure bool
	want    bool // allow only
}

func allowAt(t float64, id int, want bool) breakerStep {
	return breakerStep{t: t, id: id, want: want}
}

func okAt(t float64, id int) breakerStep { return breakerStep{t: t, record: true, id: id} }

func failAt(t float64, id int) breakerStep {
	return breakerStep{t: t, record: true, id: id, failure: true}
}

// runBreaker plays steps on b and fails at the first allow that differs.
func runBreaker(t *testing.T, b *breaker, steps []breakerStep) {
	t.Helper()
	gens := map[int]uint32{}
	for i, s := range steps {
		if s.record {
			g, ok := gens[s.id]
			if !ok {
				t.Fatalf("step %d: attempt %d recorded but never let through", i, s.id)
			}
			b.record(s.t, g, s.failure)
			continue
		}
		g, ok := b.allow(s.t)
		if ok != s.want {
			t.Fatalf("step %d: allow(%v) for attempt %d = %v, want %v (state %v)", i, s.t, s.id, ok, s.want, b.state)
		}
		if ok {
			gens[s.id] = g
		}
	}
}

// TestBreakerTimeline plays a scripted sequence of attempts and checks the
// exact instants of every transition, the opened count and open_s.
func TestBreakerTimeline(t *testing.T) {
	t.Parallel()
	cfg := scenario.CircuitBreaker{FailureRate: 0.5, MinCalls: 4, WindowS: 10, OpenS: 5, HalfOpenCalls: 2}
	// Attempt i is let through at allowAt and finishes at okAt/failAt
	// (the same instant unless said).
	steps := []breakerStep{
		allowAt(1, 1, true), okAt(1, 1),
		allowAt(2, 2, true), okAt(2, 2),
		allowAt(3, 3, true), okAt(3, 3),
		allowAt(3.5, 4, true),             // finishes late, below
		allowAt(4, 5, true), failAt(4, 5), // 4 in the window, 1 failure: 0.25
		allowAt(5, 6, true), failAt(5, 6), // 5, 2: 0.4
		allowAt(5.5, 7, true),             // finishes late, below
		allowAt(6, 8, true), failAt(6, 8), // 6, 3: 0.5 reaches failure_rate: open at 6
		allowAt(7, 9, false),
		allowAt(10.999, 10, false),
		allowAt(11, 11, true),    // half-open at 6+5 = 11: trial 1
		okAt(11.2, 7),            // sent while closed: not a trial, ignored
		allowAt(11.5, 12, true),  // trial 2
		allowAt(11.6, 13, false), // both trials out: refused
		okAt(12, 11),
		failAt(12.5, 12),             // a trial fails: open again at 12.5
		allowAt(13, 14, false),       // open until 17.5
		allowAt(20, 15, true),        // half-open since 17.5: trial 1
		allowAt(20, 16, true),        // trial 2
		okAt(21, 15), okAt(21.5, 16), // both succeed: closed at 21.5, window empty
		failAt(21.6, 4), // sent before the first opening: ignored
		allowAt(22, 17, true), failAt(22, 17),
		allowAt(23, 18, true), failAt(23, 18),
		allowAt(24, 19, true), failAt(24, 19), // 3 < min_calls
		allowAt(33, 20, true), okAt(33, 20), // window (23, 33]: 24 F, 33 ok
		allowAt(33.5, 21, true), failAt(33.5, 21), // 24 F, 33 ok, 33.5 F: 3 calls
		allowAt(34, 22, true), failAt(34, 22), // (24, 34]: 33 ok, 33.5 F, 34 F: 3 calls
		allowAt(34.5, 23, true), failAt(34.5, 23), // 4 calls, 3 failures: open at 34.5
		allowAt(35, 24, false),
	}
	b := newBreaker(cfg)
	runBreaker(t, &b, steps)

	wantTimeline := []result.BreakerTransition{
		{T: 6, State: "open"}, {T: 11, State: "half_open"},
		{T: 12.5, State: "open"}, {T: 17.5, State: "half_open"},
		{T: 21.5, State: "closed"},
		{T: 34.5, State: "open"},
	}
	for _, tc := range []struct {
		horizon  float64
		openS    float64
		timeline []result.BreakerTransition
	}{
		// Open at the horizon: the open period counts up to it.
		{horizon: 37, openS: 5 + 5 + 2.5, timeline: wantTimeline},
		// The half-open transition due at 39.5 is before the horizon.
		{horizon: 40, openS: 5 + 5 + 5, timeline: append(wantTimeline[:len(wantTimeline):len(wantTimeline)],
			result.BreakerTransition{T: 39.5, State: "half_open"})},
	} {
		t.Run(fmt.Sprintf("horizon=%v", tc.horizon), func(t *testing.T) {
			s := b.stats(tc.horizon)
			if s.Opened != 3 || s.OpenS != tc.openS {
				t.Errorf("opened %d, open_s %v; want 3, %v", s.Opened, s.OpenS, tc.openS)
			}
			if fmt.Sprint(s.Timeline) != fmt.Sprint(tc.timeline) {
				t.Errorf("timeline\n got %v\nwant %v", s.Timeline, tc.timeline)
			}
		})
	}
	if len(b.timeline) != len(wantTimeline) {
		t.Errorf("stats changed the breaker: %d transitions, want %d", len(b.timeline), len(wantTimeline))
	}
}

// TestBreakerOpensAtThreshold checks the opening rule at its edges: the
// share of failures reaching failure_rate exactly (with a rate that is not
// a binary fraction), min_calls, and the window's open left end.
func TestBreakerOpensAtThreshold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  scenario.CircuitBreaker
		// outcomes at t = dt, 2·dt, ... (dt 0 means 1; true: failure)
		fails    []bool
		wantOpen float64 // 0: never opens
		dt       float64
	}{
		{"RateReachedExactly", scenario.CircuitBreaker{FailureRate: 0.1, MinCalls: 30, WindowS: 100},
			append(make([]bool, 27), true, true, true), 30, 1},
		{"RateJustBelow", scenario.CircuitBreaker{FailureRate: 0.1, MinCalls: 31, WindowS: 100},
			append(make([]bool, 28), true, true, true), 0, 1},
		{"MinCallsNotReached", scenario.CircuitBreaker{FailureRate: 1, MinCalls: 4, WindowS: 100},
			[]bool{true, true, true}, 0, 1},
		{"AllFailuresAtMinCalls", scenario.CircuitBreaker{FailureRate: 1, MinCalls: 3, WindowS: 100},
			[]bool{true, true, true}, 3, 1},
		// window_s 2: at t = 4 the window is (2, 4], the failure at 2 is out.
		{"WindowLeftEndOpen", scenario.CircuitBreaker{FailureRate: 1, MinCalls: 2, WindowS: 2},
			[]bool{false, true, false, true}, 0, 1},
		{"WindowHoldsTwo", scenario.CircuitBreaker{FailureRate: 1, MinCalls: 2, WindowS: 2},
			[]bool{false, true, true}, 3, 1},
		// 0.5, 20, 10 s: 10 successes then 10 failures within 5 s.
		{"Defaults", scenario.CircuitBreaker{},
			append(make([]bool, 10), make10(true)...), 5, 0.25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBreaker(tc.cfg)
			dt := tc.dt
			if dt == 0 {
				dt = 1
			}
			for i, f := range tc.fails {
				now := float64(i+1) * dt
				g, ok := b.allow(now)
				if !ok {
					t.Fatalf("refused at %v", now)
				}
				b.record(now, g, f)
				if b.state == breakerOpen {
					if now != tc.wantOpen {
						t.Fatalf("opened at %v, want %v", now, tc.wantOpen)
					}
					return
				}
			}
			if tc.wantOpen != 0 {
				t.Fatalf("never opened, want at %v", tc.wantOpen)
			}
		})
	}
}

func make10(v bool) []bool {
	s := make([]bool, 10)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestBreakerAllocations checks that a breaker allocates nothing per
// attempt once its ring holds a window's worth of outcomes.
func TestBreakerAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	// Never opens (failure_rate 1, a success in every window): 100
	// outcomes per second in a 1 s window.
	b := newBreaker(scenario.CircuitBreaker{FailureRate: 1, MinCalls: 1, WindowS: 1})
	now, i := 0.0, 0
	step := func() {
		now += 0.01
		i++
		g, _ := b.allow(now)
		b.record(now, g, i%50 == 0)
	}
	for range 1000 {
		step()
	}
	if n := testing.AllocsPerRun(1000, step); n != 0 {
		t.Errorf("allow+record allocate %v times per attempt, want 0", n)
	}
	if b.opened != 0 {
		t.Fatalf("opened %d times, want 0", b.opened)
	}
}

// TestBreakerProperties drives breakers with random configurations and
// random attempts (random arrival gaps, random durations, random
// failures, attempts finishing out of order) and checks the invariants of
// spec §12 on every step and on the result:
//   - transitions alternate closed → open → half_open → open or closed,
//     each half-open exactly open_s after its opening, in time order;
//   - an open breaker lets nothing through, and a half-open one at most
//     half_open_calls attempts per half-open period;
//   - opened counts the openings of the timeline, and open_s is the sum of
//     the open periods up to the horizon.
func TestBreakerProperties(t *testing.T) {
	t.Parallel()
	type pending struct {
		end     float64
		gen     uint32
		failure bool
	}
	seen := map[string]int{}
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 0xb4ea))
		cfg := scenario.CircuitBreaker{
			FailureRate:   0.1 + 0.9*r.Float64(),
			MinCalls:      1 + r.IntN(10),
			WindowS:       0.5 + 5*r.Float64(),
			OpenS:         0.1 + 3*r.Float64(),
			HalfOpenCalls: 1 + r.IntN(4),
		}
		pFail := r.Float64()
		b := newBreaker(cfg)
		var inFlight []pending
		now, horizon := 0.0, 100.0
		trials, trialGen := 0, uint32(0)
		for {
			if now += r.ExpFloat64() / (1 + 20*r.Float64()); now >= horizon {
				break
			}
			// Finish, in time order, the attempts that ended by now.
			slices.SortFunc(inFlight, func(x, y pending) int { return cmp.Compare(x.end, y.end) })
			k := 0
			for k < len(inFlight) && inFlight[k].end <= now {
				p := inFlight[k]
				b.record(p.end, p.gen, p.failure)
				k++
			}
			inFlight = inFlight[k:]
			g, ok := b.allow(now)
			if b.state == breakerOpen && ok {
				t.Fatalf("seed %d: an open breaker let an attempt through at %v", seed, now)
			}
			if ok && b.state == breakerHalfOpen {
				// Every transition starts a generation: one half-open
				// period is one generation.
				if g != trialGen {
					trialGen, trials = g, 0
				}
				trials++
				if trials > cfg.HalfOpenCalls {
					t.Fatalf("seed %d: %d trials in one half-open period, want at most %d", seed, trials, cfg.HalfOpenCalls)
				}
			}
			if ok {
				inFlight = append(inFlight, pending{end: now + r.ExpFloat64()*0.5, gen: g, failure: r.Float64() < pFail})
			}
		}
		s := b.stats(horizon)
		checkTimeline(t, seed, cfg, s, horizon)
		for _, tr := range s.Timeline {
			seen[tr.State]++
		}
	}
	// The random configurations must exercise every transition often.
	t.Logf("transitions over 200 breakers: %v", seen)
	if seen["open"] < 1000 || seen["half_open"] < 1000 || seen["closed"] < 200 {
		t.Errorf("transitions %v: the sequences do not exercise the breaker", seen)
	}
}

// checkTimeline checks a breaker's figures against its own timeline.
func checkTimeline(t *testing.T, seed uint64, cfg scenario.CircuitBreaker, s *result.BreakerStats, horizon float64) {
	t.Helper()
	state, last, opened, openS, openedAt := "closed", 0.0, int64(0), 0.0, 0.0
	next := map[string][]string{"closed": {"open"}, "open": {"half_open"}, "half_open": {"open", "closed"}}
	for i, tr := range s.Timeline {
		if !slices.Contains(next[state], tr.State) {
			t.Fatalf("seed %d: transition %d %s → %s", seed, i, state, tr.State)
		}
		if tr.T < last || tr.T >= horizon {
			t.Fatalf("seed %d: transition %d at %v after %v (horizon %v)", seed, i, tr.T, last, horizon)
		}
		switch tr.State {
		case "open":
			opened++
			openedAt = tr.T
		case "half_open":
			if tr.T != openedAt+cfg.OpenS {
				t.Fatalf("seed %d: half-open at %v, want open_s after the opening at %v", seed, tr.T, openedAt)
			}
			openS += cfg.OpenS
		}
		state, last = tr.State, tr.T
	}
	if state == "open" {
		openS += min(cfg.OpenS, horizon-openedAt)
	}
	if s.Opened != opened || math.Abs(s.OpenS-openS) > 1e-9 {
		t.Fatalf("seed %d: opened %d, open_s %v; the timeline says %d, %v", seed, s.Opened, s.OpenS, opened, openS)
	}
}
