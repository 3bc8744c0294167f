package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// stuckScenario sends rate requests per second to a server whose requests
// sleep 1000 s on I/O: none completes within the horizon, so the requests
// in flight at time t are exactly the arrivals up to t.
func stuckScenario(rate float64, horizon int) *scenario.Scenario {
	return singleServer(constantRate(rate), horizon, tinyEdges(),
		srv("srv-1", 1, 1024, io(scenario.IOWait, fixed(1000))))
}

// overloadScenario offers rate requests per second to one core that serves
// 100 per second (10 ms of CPU each).
func overloadScenario(rate float64, horizon int) *scenario.Scenario {
	return singleServer(constantRate(rate), horizon, tinyEdges(),
		srv("srv-1", 1, 1024, cpu(fixed(0.01))))
}

func TestMaxEvents(t *testing.T) {
	sc := benchScenario(100, 20)
	full := mustRun(t, sc, Options{Seed: 3}, nil)
	n := full.Counts.Events
	if n < 10_000 {
		t.Fatalf("the scenario processes %d events, want at least 10,000 for the test to mean something", n)
	}
	tests := []struct {
		name      string
		maxEvents int64
		wantErr   bool
	}{
		{"exactly the events of the run", n, false},
		{"no limit", -1, false},
		{"one event short", n - 1, true},
		{"a multiple of the context check period", 2 * ctxCheckEvery, true},
		{"a hundred", 100, true},
		{"one", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last float64
			hk := &hooks{arrival: func(t float64) { last = t }}
			r, err := run(context.Background(), sc, Options{Seed: 3, MaxEvents: tt.maxEvents}, hk)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if r.Counts.Events != n {
					t.Fatalf("events = %d, want %d", r.Counts.Events, n)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, ErrLimitExceeded) {
				t.Fatalf("err = %v, want a *LimitError matching ErrLimitExceeded", err)
			}
			if r != nil {
				t.Errorf("a stopped run returned a result")
			}
			if le.Limit != LimitEvents || le.Value != tt.maxEvents || le.Events != tt.maxEvents {
				t.Errorf("limit %s = %d after %d events, want %s = %d after %d", le.Limit, le.Value, le.Events, LimitEvents, tt.maxEvents, tt.maxEvents)
			}
			// The event that was not processed comes at or after the
			// last arrival that was.
			if !(le.SimTime >= last) || le.SimTime >= le.Horizon || le.Horizon != 20 {
				t.Errorf("SimTime = %v, Horizon = %v; want in [%v, 20)", le.SimTime, le.Horizon, last)
			}
			if msg := err.Error(); !strings.Contains(msg, "limit of "+group(tt.maxEvents)+" processed events") || !strings.Contains(msg, "max_events") {
				t.Errorf("message %q does not name the limit and its value", msg)
			}
		})
	}
}

func TestMaxInFlight(t *testing.T) {
	// 100 requests per second, none completes: the request that makes
	// limit+1 alive is arrival number limit+1.
	sc := stuckScenario(100, 60)
	for _, limit := range []int64{1, 50, 1023, 1024, 1025, 3000} {
		var arrivals []float64
		hk := &hooks{arrival: func(t float64) { arrivals = append(arrivals, t) }}
		_, err := run(context.Background(), sc, Options{MaxInFlight: limit}, hk)
		var le *LimitError
		if !errors.As(err, &le) || !errors.Is(err, ErrLimitExceeded) {
			t.Fatalf("limit %d: err = %v, want a *LimitError", limit, err)
		}
		if int64(len(arrivals)) != limit+1 {
			t.Errorf("limit %d: the run went on for %d arrivals, want %d", limit, len(arrivals), limit+1)
		}
		if le.Limit != LimitInFlight || le.Value != limit || le.SimTime != arrivals[len(arrivals)-1] {
			t.Errorf("limit %d: got %s = %d at t = %v, want %s = %d at the last arrival %v",
				limit, le.Limit, le.Value, le.SimTime, LimitInFlight, limit, arrivals[len(arrivals)-1])
		}
	}

	// The same run with room for every request ends normally.
	r := mustRun(t, sc, Options{MaxInFlight: 7000}, nil)
	if r.Counts.InFlight < 5000 || r.Counts.InFlight > 7000 {
		t.Errorf("in flight = %d, want about 6,000", r.Counts.InFlight)
	}
}

func TestMaxInFlightMessage(t *testing.T) {
	// ρ = 5 on one core: the ready queue of srv-1 grows by 400 per second
	// and crosses 2,000 at about t = 5 s.
	_, err := Run(context.Background(), overloadScenario(500, 60), Options{MaxInFlight: 2000})
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	// Poisson arrivals: 2,000 in flight is reached within a second of 5 s
	// (the count at 5 s has a standard deviation of sqrt(2500) = 50).
	if math.Abs(le.SimTime-5) > 1 {
		t.Errorf("stopped at t = %v s, want about 5 s", le.SimTime)
	}
	msg := err.Error()
	for _, want := range []string{
		"the system is unstable: more than 2,000 requests in flight at t = ",
		"server srv-1 holds ", "its 1 core(s) busy 100 % of the time",
		"add cores or replicas or lower the load", "max_in_flight",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestLimitDefaults(t *testing.T) {
	tests := []struct {
		in, wantEvents, wantInFlight int64
	}{
		{0, DefaultMaxEvents, DefaultMaxInFlight},
		{-1, math.MaxInt64 - 1, maxSlab - 1},
		{5, 5, 5},
		{math.MaxInt64, math.MaxInt64 - 1, maxSlab - 1},
	}
	for _, tt := range tests {
		o := Options{MaxEvents: tt.in, MaxInFlight: tt.in}.withDefaults()
		if o.MaxEvents != tt.wantEvents || o.MaxInFlight != tt.wantInFlight {
			t.Errorf("withDefaults(%d) = %d events, %d in flight; want %d, %d", tt.in, o.MaxEvents, o.MaxInFlight, tt.wantEvents, tt.wantInFlight)
		}
	}
}

func TestDefaultSeed(t *testing.T) {
	sc := benchScenario(50, 10)
	zero := mustRun(t, sc, Options{}, nil)
	def := mustRun(t, sc, Options{Seed: DefaultSeed}, nil)
	other := mustRun(t, sc, Options{Seed: 7}, nil)
	if zero.Seed != DefaultSeed || string(encode(t, zero)) != string(encode(t, def)) {
		t.Errorf("Options{} ran with seed %d, want the run of DefaultSeed = %d", zero.Seed, DefaultSeed)
	}
	if string(encode(t, other)) == string(encode(t, def)) {
		t.Errorf("seeds 7 and %d gave the same result", DefaultSeed)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2_000_000: "2,000,000", -12345: "-12,345"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMemoryBound(t *testing.T) {
	sc := benchScenario(100, 1000) // 1 server, 3 edges, every sampled metric, period 0.01 s
	const fixed = FixedRunBytes + 8*1000
	tests := []struct {
		opts Options
		want int64
	}{
		{Options{MaxInFlight: 1000}, fixed + BytesPerInFlight*1001},
		{Options{}, fixed + BytesPerInFlight*(DefaultMaxInFlight+1)},
		// 3 server metrics + 3 edges = 6 series of 100,000 samples
		{Options{MaxInFlight: 1000, Series: true}, fixed + 8*6*100_000 + BytesPerInFlight*1001},
	}
	for _, tt := range tests {
		if got := MemoryBound(sc, tt.opts); got != tt.want {
			t.Errorf("MemoryBound(%+v) = %d, want %d", tt.opts, got, tt.want)
		}
	}
}
