package engine

import (
	"math"
	"slices"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// recoveryWatch follows one event for result.Recovery: its baseline
// before the event, then the sliding window after its end (the rule is
// documented with result.RecoveryBaselineS). It is fed the requests'
// outcomes in time order and needs no scheduled event: each outcome first
// closes the phases and evaluates the checkpoints that lie before it, and
// finish does the same up to the horizon.
//
// A window sees only completions, so a slow request still in flight would
// be invisible to it: a 1 s spike that adds 2 s to each request it
// touches has no slow completion before 1 s after its end, and the window
// of the first checkpoint would look recovered. So a checkpoint passes
// only once every request that was in flight at the event's end has its
// outcome: its stragglers. (Requests, not attempts or sub-requests: work
// a client gave up on may go on.)
type recoveryWatch struct {
	from, start, end float64 // baseline [from, start); event [start, end)

	phase    recoveryPhase
	base     *result.Sketch // baseline completions; nil outside the baseline phase
	baseline float64        // its p95, set when hasBase
	hasBase  bool

	// After the end: ring[j%RecoveryWindowS] holds the completions in
	// [end+j, end+j+1) for the last RecoveryWindowS buckets j; cur is
	// the bucket of the latest completion, inRing the values the ring
	// holds.
	ring   []*result.Sketch
	cur    int
	inRing int64

	// stragglers counts the requests in flight at the event's end that
	// have no outcome yet; a checkpoint passes only when it is 0.
	stragglers int64
	ended      bool // the end has been seen (ended was called)

	recovered float64 // seconds after the end, when phase is recDone and ok
	ok        bool
}

// recoveryPhase is where a watch is.
type recoveryPhase uint8

const (
	recPending  recoveryPhase = iota // before its baseline window
	recBaseline                      // in [from, start)
	recEvent                         // in [start, end): nothing to record
	recAfter                         // after the end, evaluating checkpoints
	recDone                          // recovered, or never can
)

// recoveries computes result.Recovery for the events of a run. It exists
// only when the scenario has events (at most result.MaxEventWindows), so
// a run without them pays one nil check per completion. Memory is
// bounded: a watch holds one sketch during its baseline and
// RecoveryWindowS sketches from its event's end until it recovers, all
// taken from and returned to a pool, so that steady state allocates
// nothing once the sketches cover the latencies.
type recoveries struct {
	w       []recoveryWatch // one per event, in the scenario's order
	order   []int32         // events by baseline start
	next    int             // order[next:] have not started their baseline
	active  []int32         // watches in the baseline, event or after phase
	pool    []*result.Sketch
	scratch *result.Sketch // the merged window of a checkpoint
	horizon float64
	// outcomes counts the requests with an outcome so far (add and
	// left), so that ended knows how many are in flight.
	outcomes int64
}

// newRecoveries returns the watches of the events of sc.
func newRecoveries(sc *scenario.Scenario, horizon float64) *recoveries {
	rc := &recoveries{w: make([]recoveryWatch, len(sc.Events)), horizon: horizon, scratch: result.NewSketch()}
	for k, ev := range sc.Events {
		start, end := ev.Start.TStart, min(ev.End.TEnd, horizon)
		rc.w[k] = recoveryWatch{from: max(0, start-result.RecoveryBaselineS), start: start, end: end}
		rc.order = append(rc.order, int32(k))
	}
	slices.SortStableFunc(rc.order, func(a, b int32) int {
		x, y := rc.w[a].from, rc.w[b].from
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return rc
}

// ended records that event f ended now, when generated requests had been
// created: those without an outcome yet are its stragglers.
func (rc *recoveries) ended(f int32, generated int64) {
	w := &rc.w[f]
	w.stragglers, w.ended = generated-rc.outcomes, true
}

// left records the outcome at time t of a request created at born
// (completed, failed, dropped, rejected or timed out): every request's
// outcome must be recorded once, by add for a completion and by left
// otherwise. The request is a straggler of every ended event whose end
// came at or after born; the watches are first brought to t, so that the
// checkpoints before t still count it. (A request created at the very
// instant of an event's end, after the end was processed, is not one of
// its stragglers but is counted off as one: the count stops at 0, and at
// worst a checkpoint passes while a straggler created at that same
// instant is still out.)
func (rc *recoveries) left(t, born float64) {
	rc.outcomes++
	rc.activate(t)
	for _, k := range rc.active {
		w := &rc.w[k]
		if w.ended && w.stragglers > 0 && born <= w.end {
			rc.advance(w, t)
			w.stragglers--
		}
	}
}

// add records the completion at time t of a request created at born.
func (rc *recoveries) add(t, born float64) {
	rc.left(t, born) // activates the watches whose baseline has started
	lat := t - born
	for k := 0; k < len(rc.active); {
		w := &rc.w[rc.active[k]]
		rc.advance(w, t)
		switch w.phase {
		case recBaseline:
			w.base.Add(lat)
		case recAfter:
			w.ring[w.cur%result.RecoveryWindowS].Add(lat)
			w.inRing++
		case recDone:
			rc.active[k] = rc.active[len(rc.active)-1]
			rc.active = rc.active[:len(rc.active)-1]
			continue
		}
		k++
	}
}

// activate adds the watches whose baseline has started by t to the
// active ones.
func (rc *recoveries) activate(t float64) {
	for rc.next < len(rc.order) && t >= rc.w[rc.order[rc.next]].from {
		rc.active = append(rc.active, rc.order[rc.next])
		rc.next++
	}
}

// finish brings every watch to the horizon.
func (rc *recoveries) finish() {
	rc.activate(math.Inf(1)) // the watches that never saw a completion
	for _, k := range rc.active {
		w := &rc.w[k]
		rc.advance(w, rc.horizon)
		if w.phase != recDone {
			rc.done(w) // no checkpoint passed before the horizon
		}
	}
	rc.active = rc.active[:0]
}

// advance moves w to time t: it closes the baseline at the event's start,
// opens the ring at its end, and evaluates every checkpoint end + k ≤ t
// not evaluated yet. At t = horizon the checkpoint at the horizon itself
// is evaluated too (completions happen before the horizon).
func (rc *recoveries) advance(w *recoveryWatch, t float64) {
	if w.phase == recPending {
		w.phase = recBaseline
		w.base = rc.get()
	}
	if w.phase == recBaseline && t >= w.start {
		if w.base.Count() > 0 {
			w.baseline, w.hasBase = w.base.Quantile(0.95), true
		}
		rc.put(w.base)
		w.base = nil
		w.phase = recEvent
		if !w.hasBase {
			rc.done(w) // nothing to recover to
			return
		}
	}
	if w.phase == recEvent && t >= w.end && w.end < rc.horizon {
		w.phase = recAfter
		w.ring = w.ring[:0]
		for range result.RecoveryWindowS {
			w.ring = append(w.ring, rc.get())
		}
		w.cur = 0
	}
	if w.phase != recAfter {
		return
	}
	j := int(math.Floor(t - w.end)) // t's bucket; checkpoints 1..j are due
	for k := w.cur + 1; k <= j; k++ {
		if w.inRing == 0 {
			break // every later window is empty until the next completion
		}
		if w.stragglers == 0 && rc.passes(w) {
			w.recovered, w.ok = float64(k*result.RecoveryStepS), true
			rc.done(w)
			return
		}
		// Bucket k starts: bucket k − RecoveryWindowS leaves the window.
		old := w.ring[k%result.RecoveryWindowS]
		w.inRing -= old.Count()
		old.Reset()
	}
	w.cur = max(w.cur, j)
}

// passes reports whether the p95 of the window in w's ring is within
// result.RecoveryTolerance of its baseline.
func (rc *recoveries) passes(w *recoveryWatch) bool {
	rc.scratch.Reset()
	for _, s := range w.ring {
		rc.scratch.Merge(s)
	}
	return rc.scratch.Quantile(0.95) <= (1+result.RecoveryTolerance)*w.baseline
}

// done ends w and returns its sketches to the pool.
func (rc *recoveries) done(w *recoveryWatch) {
	w.phase = recDone
	for _, s := range w.ring {
		rc.put(s)
	}
	w.ring = w.ring[:0]
	w.inRing = 0
}

// get takes an empty sketch from the pool.
func (rc *recoveries) get() *result.Sketch {
	if n := len(rc.pool); n > 0 {
		s := rc.pool[n-1]
		rc.pool = rc.pool[:n-1]
		return s
	}
	return result.NewSketch()
}

// put empties s and returns it to the pool.
func (rc *recoveries) put(s *result.Sketch) {
	s.Reset()
	rc.pool = append(rc.pool, s)
}

// results returns result.Recovery by event id; finish must have run.
func (rc *recoveries) results(sc *scenario.Scenario) map[string]result.Recovery {
	out := make(map[string]result.Recovery, len(rc.w))
	for k, ev := range sc.Events {
		w := &rc.w[k]
		var r result.Recovery
		if w.hasBase {
			r.BaselineP95 = ptrTo(w.baseline)
		}
		if w.ok {
			r.RecoveredAfterS = ptrTo(w.recovered)
		}
		out[ev.ID] = r
	}
	return out
}

// ptrTo returns a pointer to a copy of v.
func ptrTo(v float64) *float64 { return &v }
