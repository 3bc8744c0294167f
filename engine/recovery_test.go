package engine

import (
	"cmp"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// spikeEvent is a network spike of s seconds on edge during [from, to).
func spikeEvent(id, edge string, from, to, s float64) scenario.Event {
	return scenario.Event{ID: id, TargetID: edge,
		Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: from, SpikeS: ptr(s)},
		End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: to}}
}

// outageEvent is an outage of server during [from, to).
func outageEvent(id, server string, from, to float64) scenario.Event {
	return scenario.Event{ID: id, TargetID: server,
		Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: from},
		End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: to}}
}

// TestRecoveryExact checks result.Recovery against instants known in
// advance. The server only sleeps on I/O, so without a spike every latency
// is exactly L = 10 ms + 3 tiny hops whatever the arrivals: the baseline
// p95 is L (within the sketch's 0.5 %). A spike of s seconds on
// client→srv over [100, te) delays by s every request that enters the
// edge before te; those complete until te + s + L. The window of
// checkpoint te + k holds [max(te, te+k−10), te+k): up to k = 10 about
// half its completions are slow (s > 10 s of them), for k = 11…s+9 at
// least 10 % are (the slow ones of [te+k−10, te+s+L)), and at k = s + 10
// only those of [te+s, te+s+L), about 1 in 1,000 (100 req/s): the p95 is
// L again. So recovered_after_s = s + 10 exactly, for every seed: the
// margins are ≥ 5 points of share against a Poisson spread of about 1
// point (√100 of 1,000 completions). (The requests alive at te, the
// stragglers, are gone by te + s + L, before that checkpoint.)
func TestRecoveryExact(t *testing.T) {
	t.Parallel()
	const L = 0.01 + 3*tiny
	tests := []struct {
		name      string
		events    []scenario.Event
		horizon   int
		wantBase  map[string]float64 // absent: null
		wantAfter map[string]float64 // absent: null
	}{
		{
			name:      "SpikeRecoversTenSecondsAfterItsLastSlowCompletion",
			events:    []scenario.Event{spikeEvent("spike", "client-srv", 100, 130, 5)},
			horizon:   200,
			wantBase:  map[string]float64{"spike": L},
			wantAfter: map[string]float64{"spike": 15},
		},
		{
			name:      "ShortSpike",
			events:    []scenario.Event{spikeEvent("spike", "client-srv", 100, 101, 2)},
			horizon:   200,
			wantBase:  map[string]float64{"spike": L},
			wantAfter: map[string]float64{"spike": 12},
		},
		{
			// Slow completions go on until 130 + 5 + L, after the horizon
			// at 140 the window still holds them: no checkpoint passes.
			name:     "HorizonBeforeRecovery",
			events:   []scenario.Event{spikeEvent("spike", "client-srv", 100, 130, 5)},
			horizon:  144,
			wantBase: map[string]float64{"spike": L},
		},
		{
			// The checkpoint at the horizon itself counts.
			name:      "RecoveryAtTheHorizon",
			events:    []scenario.Event{spikeEvent("spike", "client-srv", 100, 130, 5)},
			horizon:   145,
			wantBase:  map[string]float64{"spike": L},
			wantAfter: map[string]float64{"spike": 15},
		},
		{
			// Nothing completes before an event at 0: no baseline, so
			// nothing to recover to. An event that ends at the horizon
			// has no checkpoint.
			name:     "NoBaselineAndEndAtHorizon",
			events:   []scenario.Event{spikeEvent("early", "client-srv", 0, 5, 1), spikeEvent("late", "srv-client", 100, 120, 1)},
			horizon:  120,
			wantBase: map[string]float64{"late": L},
		},
		{
			// Two events overlap: each has its own baseline and
			// recovery. b's baseline [60, 120) holds a's slow
			// completions from 105 on, a quarter of them: its p95 is
			// 5 s + L. At b's end, 135, its stragglers are the last
			// requests a slowed, done by 135 + L, and the window
			// [135, 136) is within 10 % of that baseline.
			name:      "Overlapping",
			events:    []scenario.Event{spikeEvent("a", "client-srv", 100, 130, 5), spikeEvent("b", "srv-client", 120, 135, 0.0001)},
			horizon:   200,
			wantBase:  map[string]float64{"a": L, "b": 5 + L},
			wantAfter: map[string]float64{"a": 15, "b": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := singleServer(constantRate(100), tt.horizon, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
			sc.Events = tt.events
			for _, seed := range []int64{1, 2, 3} {
				r := mustRun(t, sc, Options{Seed: seed}, nil)
				if len(r.Recovery) != len(tt.events) {
					t.Fatalf("seed %d: recovery for %d events, want %d: %v", seed, len(r.Recovery), len(tt.events), r.Recovery)
				}
				for _, ev := range tt.events {
					got := r.Recovery[ev.ID]
					if want, ok := tt.wantBase[ev.ID]; ok != (got.BaselineP95 != nil) || ok && math.Abs(*got.BaselineP95-want) > result.RelativeAccuracy*want {
						t.Errorf("seed %d, %s: baseline_p95 = %v, want %v (present %v)", seed, ev.ID, fmtPtr(got.BaselineP95), want, ok)
					}
					if want, ok := tt.wantAfter[ev.ID]; ok != (got.RecoveredAfterS != nil) || ok && *got.RecoveredAfterS != want {
						t.Errorf("seed %d, %s: recovered_after_s = %v, want %v (present %v)", seed, ev.ID, fmtPtr(got.RecoveredAfterS), want, ok)
					}
				}
			}
		})
	}
}

// TestRecoveryOutageRoutedAround: while srv-2 is down the load balancer
// sends everything to srv-1, which only sleeps on I/O, so every latency
// stays L = 10 ms + 4 tiny hops: the requests alive at the end complete
// within L, and the first checkpoint, 1 s after the end, passes.
func TestRecoveryOutageRoutedAround(t *testing.T) {
	t.Parallel()
	const L = 0.01 + 4*tiny
	s1 := srv("srv-1", 1, 1024, io(scenario.IOWait, fixed(0.01)))
	s2 := srv("srv-2", 1, 1024, io(scenario.IOWait, fixed(0.01)))
	sc := lbScenario(constantRate(100), 120, scenario.RoundRobin, det(tiny), s1, s2)
	sc.Events = []scenario.Event{outageEvent("down", "srv-2", 70, 90)}
	for _, seed := range []int64{1, 2, 3} {
		rec := mustRun(t, sc, Options{Seed: seed}, nil).Recovery["down"]
		if rec.BaselineP95 == nil || math.Abs(*rec.BaselineP95-L) > result.RelativeAccuracy*L || rec.RecoveredAfterS == nil || *rec.RecoveredAfterS != 1 {
			t.Errorf("seed %d: recovery %s / %s, want %v / 1", seed, fmtPtr(rec.BaselineP95), fmtPtr(rec.RecoveredAfterS), L)
		}
	}
}

// TestRecoveryOverloadedAfterOutage: two servers behind a round-robin load
// balancer, each one core with 10 ms of CPU per request, 150 req/s (ρ =
// 0.75 each). While srv-2 is down over [60, 90), srv-1 gets all 150 req/s
// against its 100/s: about 1,500 requests queue up (15 s of work). After
// the outage srv-1 gets 75 req/s again and drains at 25/s, so its
// requests stay slow for about 60 s: half the completions, far above the
// baseline. With the horizon 30 s after the outage it does not recover
// (null, the case the reports flag); with a longer horizon it recovers
// once the backlog is gone (about 60 s, σ ≈ 4 s: √(150·30) ≈ 67
// requests of backlog and √(75·60) ≈ 67 arrivals at 25/s), the window
// holds none of it (10 s more) and its p95 at ρ = 0.75 falls within
// 10 % of the baseline's (a few seconds more, skewed). Measured over
// seeds 1–40: 63 to 91 s, mean 72, standard deviation 6; the band
// [55, 120] s leaves at least 1.3σ below and 4.5σ above.
func TestRecoveryOverloadedAfterOutage(t *testing.T) {
	t.Parallel()
	build := func(horizon int) *scenario.Scenario {
		s1 := srv("srv-1", 1, 1024, cpu(fixed(0.01)))
		s2 := srv("srv-2", 1, 1024, cpu(fixed(0.01)))
		sc := lbScenario(constantRate(150), horizon, scenario.RoundRobin, det(tiny), s1, s2)
		sc.Events = []scenario.Event{outageEvent("down", "srv-2", 60, 90)}
		return sc
	}
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		r := mustRun(t, build(120), Options{Seed: seed}, nil)
		rec := r.Recovery["down"]
		if rec.BaselineP95 == nil || rec.RecoveredAfterS != nil {
			t.Errorf("seed %d, horizon 120: recovery %s / %s, want a baseline and null", seed, fmtPtr(rec.BaselineP95), fmtPtr(rec.RecoveredAfterS))
		}
		r = mustRun(t, build(300), Options{Seed: seed}, nil)
		rec = r.Recovery["down"]
		if rec.RecoveredAfterS == nil || *rec.RecoveredAfterS < 55 || *rec.RecoveredAfterS > 120 {
			t.Errorf("seed %d, horizon 300: recovered_after_s = %s, want in [55, 120]", seed, fmtPtr(rec.RecoveredAfterS))
		}
	}
}

// TestRecoveryCountsEveryOutcome: the watches see every request's
// outcome exactly once (completed, failed at a down server, lost on an
// edge, failed call), so that their count of requests in flight at an
// event's end is right.
func TestRecoveryCountsEveryOutcome(t *testing.T) {
	t.Parallel()
	s1 := srv("srv-1", 1, 1024, io(scenario.IOWait, random(expo(0.01))))
	s2 := srv("srv-2", 1, 1024, cpu(random(expo(0.004))))
	sc := lbScenario(constantRate(150), 60, scenario.RoundRobin, expo(0.002), s1, s2)
	for k := range sc.Topology.Edges {
		sc.Topology.Edges[k].DropoutRate = 0.01
	}
	sc.Events = []scenario.Event{outageEvent("down", "srv-2", 10, 20), spikeEvent("spike", "lb-srv-1", 30, 40, 0.05)}
	// An outage of auth, which the gateway calls directly: failed calls
	// fail their requests (an error response).
	graph := loadScenario(t, filepath.Join(repoRoot(t), "examples", "three_tier.yml"))
	graph.Settings.TotalSimulationTime = 60
	graph.Events = []scenario.Event{outageEvent("auth-down", "auth", 20, 30)}
	for _, sc := range []*scenario.Scenario{sc, graph} {
		var n int64
		r := mustRun(t, sc, Options{Seed: 3}, &hooks{outcomes: func(v int64) { n = v }})
		c := r.Counts
		if want := c.Completed + c.Failed + c.Dropped; n != want || c.Dropped+c.Failed == 0 {
			t.Errorf("the recovery watches counted %d outcomes, want %d (completed %d + failed %d + dropped %d)", n, want, c.Completed, c.Failed, c.Dropped)
		}
	}
}

// TestRecoveryAbsent: no events, no recovery; more events than
// result.MaxEventWindows, none either (the bound of the event windows).
func TestRecoveryAbsent(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(50), 10, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
	if r := mustRun(t, sc, Options{Seed: 1}, nil); r.Recovery != nil {
		t.Errorf("recovery %v without events", r.Recovery)
	}
	sc.Settings.TotalSimulationTime = 2 * (result.MaxEventWindows + 1)
	for k := range result.MaxEventWindows + 1 {
		sc.Events = append(sc.Events, spikeEvent("e"+itoa(k), "client-srv", float64(2*k), float64(2*k+1), 0.01))
	}
	if r := mustRun(t, sc, Options{Seed: 1}, nil); r.Recovery != nil {
		t.Errorf("recovery for %d events, more than %d", len(sc.Events), result.MaxEventWindows)
	}
}

// TestRecoveryAllocationsDoNotGrow: the recovery watches take their
// sketches from a pool; a longer run does not allocate more. (A sketch
// still grows its bucket array when a latency beyond its range comes, as
// every sketch of a run does; fixed steps keep that out of the count.)
func TestRecoveryAllocationsDoNotGrow(t *testing.T) {
	checkAllocationsDoNotGrow(t, func(horizon int) *scenario.Scenario {
		sc := singleServer(constantRate(200), horizon, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
		sc.Events = []scenario.Event{spikeEvent("a", "client-srv", 2, 3, 0.05), spikeEvent("b", "srv-client", 5, 6, 0.02)}
		return sc
	})
}

// fmtPtr formats an optional figure.
func fmtPtr(v *float64) string {
	if v == nil {
		return "null"
	}
	return result.FormatNumber(*v)
}

// itoa formats k.
func itoa(k int) string { return result.FormatCount(int64(k)) }

// TestRecoveryWatchAgainstReference drives the recovery watch with random
// outcome sequences and compares it with a direct evaluation of the rule
// of result.Recovery: every checkpoint end + k ≤ horizon in turn, its
// window's completions put in a fresh sketch, and the stragglers (created
// before the end, outcome at or after it) checked one by one. Latencies
// take a few values far apart, and the load and the latencies change
// around the event, so that windows pass and fail, empty windows and long
// gaps occur, and stragglers sometimes outlive the horizon.
func TestRecoveryWatchAgainstReference(t *testing.T) {
	t.Parallel()
	type outcome = recOutcome
	var recovered, notRecovered, noBaseline int
	rng := rand.New(rand.NewPCG(5, 8))
	for trial := range 300 {
		horizon := 30 + rng.Float64()*170
		start := rng.Float64() * horizon * 0.7
		end := start + rng.Float64()*(horizon-start)
		rate := []float64{0.5, 5, 40}[rng.IntN(3)]
		var outs []outcome
		var generatedBeforeEnd int64
		for born := rng.ExpFloat64() / rate; born < horizon; born += rng.ExpFloat64() / rate {
			lat := []float64{0.01, 0.012, 0.3, 4}[rng.IntN(2)]
			if born >= start && born < end+rng.Float64()*20 && rng.IntN(3) > 0 {
				lat = []float64{0.3, 4, 25}[rng.IntN(3)] // degraded around the event
			}
			if born < end {
				generatedBeforeEnd++
			}
			if born+lat < horizon {
				outs = append(outs, outcome{t: born + lat, born: born, completed: rng.IntN(10) > 0})
			}
		}
		slices.SortFunc(outs, func(a, b outcome) int { return cmp.Compare(a.t, b.t) })

		// The watch, fed as the engine feeds it.
		rc := &recoveries{w: []recoveryWatch{{from: max(0, start-result.RecoveryBaselineS), start: start, end: end}},
			order: []int32{0}, horizon: horizon, scratch: result.NewSketch()}
		ended := false
		for _, o := range outs {
			if !ended && o.t >= end {
				rc.ended(0, generatedBeforeEnd)
				ended = true
			}
			if o.completed {
				rc.add(o.t, o.born)
			} else {
				rc.left(o.t, o.born)
			}
		}
		if !ended && end < horizon {
			rc.ended(0, generatedBeforeEnd)
		}
		rc.finish()
		got := rc.results(&scenario.Scenario{Events: []scenario.Event{{ID: "e"}}})["e"]

		// The reference.
		var want result.Recovery
		base := result.NewSketch()
		for _, o := range outs {
			if o.completed && o.t >= max(0, start-result.RecoveryBaselineS) && o.t < start {
				base.Add(o.t - o.born)
			}
		}
		if base.Count() > 0 {
			b := base.Quantile(0.95)
			want.BaselineP95 = &b
			for k := 1; end < horizon && end+float64(k) <= horizon; k++ {
				cp := end + float64(k)
				win := result.NewSketch()
				straggling := false
				for _, o := range outs {
					if o.completed && o.t >= max(end, cp-result.RecoveryWindowS) && o.t < cp {
						win.Add(o.t - o.born)
					}
					if o.born < end && o.t >= end && o.t >= cp {
						straggling = true
					}
				}
				// Requests created before the end that never get an
				// outcome straggle until the horizon.
				if int64(countBornBefore(outs, end)) < generatedBeforeEnd {
					straggling = true
				}
				if !straggling && win.Count() > 0 && win.Quantile(0.95) <= (1+result.RecoveryTolerance)*b {
					v := float64(k)
					want.RecoveredAfterS = &v
					break
				}
			}
		}
		switch {
		case want.BaselineP95 == nil:
			noBaseline++
		case want.RecoveredAfterS == nil:
			notRecovered++
		default:
			recovered++
		}
		if fmtPtr(got.BaselineP95) != fmtPtr(want.BaselineP95) || fmtPtr(got.RecoveredAfterS) != fmtPtr(want.RecoveredAfterS) {
			t.Fatalf("trial %d (event [%.3f, %.3f), horizon %.3f, rate %v, %d outcomes): got %s / %s, want %s / %s",
				trial, start, end, horizon, rate, len(outs), fmtPtr(got.BaselineP95), fmtPtr(got.RecoveredAfterS),
				fmtPtr(want.BaselineP95), fmtPtr(want.RecoveredAfterS))
		}
	}
	t.Logf("300 trials: %d recovered, %d did not, %d without baseline", recovered, notRecovered, noBaseline)
	if recovered < 30 || notRecovered < 30 {
		t.Errorf("the trials cover too few cases: %d recovered, %d did not", recovered, notRecovered)
	}
}

// recOutcome is one request's outcome in TestRecoveryWatchAgainstReference.
type recOutcome struct {
	t, born   float64
	completed bool
}

// countBornBefore counts the outcomes of requests created before t.
func countBornBefore(outs []recOutcome, t float64) int {
	n := 0
	for _, o := range outs {
		if o.born < t {
			n++
		}
	}
	return n
}

// TestRecoveryWithResilience: with the keys of spec §12 a request's
// outcome may be rejected or timed out, and the attempts a client gave up
// on go on; the watches count requests, not attempts. A 5 s spike on the
// only path under a 1 s client timeout with one retry 0.1 s later (no
// jitter): a request created in [128.9, 130) has its first attempt
// slowed and timed out, and its retry, sent after the end, completes
// fast but 1.1 s + L after the request's creation, until 131.1 s + L.
// Those are about 11 % of the window [130, 140) and 1 % of [131, 141):
// recovered_after_s = 11 exactly (the margins are 6 and 4 points of
// share against a Poisson spread of about 1). Every other request slowed
// by the spike times out before 131.1 s, so its stragglers are gone by
// then.
func TestRecoveryWithResilience(t *testing.T) {
	t.Parallel()
	const L = 0.01 + 3*tiny
	s := srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01)))
	s.Resources.MaxConcurrency = ptr(400)
	sc := singleServer(constantRate(100), 200, tinyEdges(), s)
	sc.Topology.Nodes.Client.TimeoutS = ptr(1.0)
	sc.Topology.Nodes.Client.Retry = &scenario.Retry{MaxAttempts: 2,
		Backoff: scenario.Backoff{InitialS: ptr(0.1), Multiplier: 2, MaxS: ptr(10.0), Jitter: scenario.JitterNone},
		RetryOn: []scenario.Outcome{scenario.OutcomeTimedOut, scenario.OutcomeRejected, scenario.OutcomeFailed}}
	sc.Events = []scenario.Event{spikeEvent("spike", "client-srv", 100, 130, 5)}
	for _, seed := range []int64{1, 2, 3} {
		var n int64
		r := mustRun(t, sc, Options{Seed: seed}, &hooks{outcomes: func(v int64) { n = v }})
		c := r.Counts
		if want := c.Completed + c.Failed + c.Dropped + c.Rejected + c.TimedOut; n != want || c.TimedOut+c.Rejected == 0 {
			t.Errorf("seed %d: the watches counted %d outcomes, want %d (%+v)", seed, n, want, c)
		}
		rec := r.Recovery["spike"]
		if rec.BaselineP95 == nil || math.Abs(*rec.BaselineP95-L) > result.RelativeAccuracy*L ||
			rec.RecoveredAfterS == nil || *rec.RecoveredAfterS != 11 {
			t.Errorf("seed %d: recovery %s / %s, want %v / 11", seed, fmtPtr(rec.BaselineP95), fmtPtr(rec.RecoveredAfterS), L)
		}
	}
}
