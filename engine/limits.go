package engine

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/fastsim/fastsim/scenario"
)

// Defaults of the run-time limits of Options. docs/limits.md states the
// memory and CPU time they imply.
const (
	// DefaultMaxEvents is the number of processed events at which a run
	// stops when Options.MaxEvents is 0: several minutes of one core.
	DefaultMaxEvents int64 = 10_000_000_000
	// DefaultMaxInFlight is the number of requests alive at once at which a
	// run stops when Options.MaxInFlight is 0: at most 2.6 GB of memory
	// (BytesPerInFlight each), about 1.5 GB measured.
	DefaultMaxInFlight int64 = 10_000_000
	// BytesPerInFlight bounds the memory one request alive in the system
	// costs, transient copies included: its slot in the request slab (32
	// bytes), at most one pending event (24 bytes) or one queue entry (4
	// bytes) and its entry in the free list (4 bytes), in slices that grow
	// by doubling (the slab) or by 1.25 (the event heap, the queues) and
	// coexist with their old copy while they grow. Measured: 60 to 150
	// bytes (TestHostileScenarios in the root package). With the keys of
	// spec §12 an attempt also has a call state (72 bytes) and a pending
	// deadline event, which it keeps after its response until the
	// deadline: those count towards the limit too.
	BytesPerInFlight = 256
	// FixedRunBytes bounds the memory of a run besides its requests in
	// flight, its throughput series (8 bytes per simulated second) and its
	// kept sampled series (8 bytes per value): the compiled model, the
	// latency sketch and the runtime's slack.
	FixedRunBytes = 64 << 20
	// maxSlab is the largest number of requests the slab can index (int32):
	// MaxInFlight is at most maxSlab - 1.
	maxSlab = math.MaxInt32
)

// ErrLimitExceeded is the error a run stopped by one of its run-time
// limits (Options.MaxEvents, Options.MaxInFlight) matches with errors.Is.
var ErrLimitExceeded = errors.New("run-time limit exceeded")

// Limit names a run-time limit of Options.
type Limit string

// The run-time limits.
const (
	// LimitEvents is Options.MaxEvents.
	LimitEvents Limit = "max_events"
	// LimitInFlight is Options.MaxInFlight.
	LimitInFlight Limit = "max_in_flight"
)

// LimitError is the error of a run stopped by a run-time limit. It matches
// ErrLimitExceeded. Callers that expose the limit under another name (a
// command-line flag, a plan) add it to the message by wrapping.
type LimitError struct {
	// Limit is the limit crossed.
	Limit Limit
	// Value is the limit's value.
	Value int64
	// SimTime is the simulated time reached, in seconds.
	SimTime float64
	// Horizon is the simulated time at which the run would have ended, in
	// seconds.
	Horizon float64
	// Events is the number of events processed.
	Events int64
	// Hint says what to change in the scenario: for LimitInFlight the most
	// loaded server or edge, when the engine can tell.
	Hint string
}

// Error says which limit was crossed, when, and what to change.
func (e *LimitError) Error() string {
	at := fmt.Sprintf("at t = %s s of %s s", strconv.FormatFloat(e.SimTime, 'f', 1, 64), strconv.FormatFloat(e.Horizon, 'f', 0, 64))
	switch e.Limit {
	case LimitInFlight:
		return fmt.Sprintf("the system is unstable: more than %s requests in flight %s; %s; add cores or replicas or lower the load, or raise the limit of requests in flight (%s)",
			group(e.Value), at, e.Hint, e.Limit)
	case LimitEvents:
		return fmt.Sprintf("the run reached its limit of %s processed events %s; shorten sim_settings.total_simulation_time or lower the load, or raise the event limit (%s)",
			group(e.Value), at, e.Limit)
	}
	return fmt.Sprintf("run-time limit %s = %d exceeded %s", e.Limit, e.Value, at)
}

// Is reports whether target is ErrLimitExceeded.
func (e *LimitError) Is(target error) bool { return target == ErrLimitExceeded }

// group formats n with thousands separators: 2000000 as "2,000,000".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// MemoryBound returns the bound on the memory one run of sc with opts adds
// to its process (docs/limits.md): FixedRunBytes, plus 8 bytes per
// simulated second (throughput), per kept sampled value when opts.Series
// is set, 32 bytes per window of the outcomes series with resilience keys
// (at most MaxOutcomeWindows), plus BytesPerInFlight per request the run
// may hold in flight
// (opts.MaxInFlight or its default). sc must be valid.
func MemoryBound(sc *scenario.Scenario, opts Options) int64 {
	opts = opts.withDefaults()
	st := sc.Settings
	n := int64(FixedRunBytes) + 8*int64(st.TotalSimulationTime)
	if opts.Series && st.SamplePeriodS > 0 {
		per := int64(0)
		for _, x := range st.EnabledSampleMetrics {
			if x == scenario.EdgeConcurrentConnection {
				per += int64(len(sc.Topology.Edges))
			} else {
				per += int64(instanceCount(sc))
			}
		}
		n += 8 * min(per*sampleCount(st.SamplePeriodS, float64(st.TotalSimulationTime)), maxSeriesValues)
	}
	if sc.HasResilience() {
		n += 32 * int64(math.Ceil(float64(st.TotalSimulationTime)/outcomeWindow(float64(st.TotalSimulationTime)))) // the outcomes series
	}
	return n + BytesPerInFlight*(opts.MaxInFlight+1)
}

// limitOrDefault returns the effective value of a limit option: def for 0,
// ceiling for a negative value (no limit), and at most ceiling.
func limitOrDefault(v, def, ceiling int64) int64 {
	switch {
	case v == 0:
		return min(def, ceiling)
	case v < 0:
		return ceiling
	}
	return min(v, ceiling)
}

// growSlab appends a zero request to the slab, growing it by doubling but
// never past the in-flight limit plus one (the request that crosses it), so
// that the slab's capacity stays within the bound docs/limits.md states.
func (m *sim) growSlab() {
	if n := len(m.reqs); n == cap(m.reqs) {
		c := min(int64(max(2*n, 1024)), m.maxInFlight+1)
		if c <= int64(n) { // only after the limit was crossed
			c = int64(n) + 1
		}
		grown := make([]request, n, c)
		copy(grown, m.reqs)
		m.reqs = grown
	}
	m.reqs = append(m.reqs, request{})
	if int64(len(m.reqs)) > m.maxInFlight {
		// Every slot is in use (the free list is empty), so this request
		// is the one that crosses the limit: stop before the next event.
		m.overflowT = m.now
		m.nextCheck = m.events + 1
	}
}

// inFlightError is the error of a run with more than maxInFlight requests
// in flight. Its hint names where most of them are: the server holding the
// most, or the edge carrying the most.
func (m *sim) inFlightError() *LimitError {
	e := &LimitError{Limit: LimitInFlight, Value: m.maxInFlight, SimTime: m.overflowT, Horizon: m.horizon, Events: m.events}
	best, hint := int64(-1), "the load exceeds what the system serves"
	for i := range m.servers {
		sv := &m.servers[i]
		busy := int64(sv.cores - sv.freeCores)
		held := busy + int64(sv.ioSleep) + int64(sv.ready.len()+sv.ramWait.len())
		if held <= best {
			continue
		}
		best = held
		util := 0.0
		if m.now > 0 {
			sv.integrateBusy(m.now)
			util = sv.busyArea / (float64(sv.cores) * m.now)
		}
		hint = fmt.Sprintf("server %s holds %s of them (%s waiting for a core, %s for RAM; its %d core(s) busy %.0f %% of the time)",
			sv.id, group(held), group(int64(sv.ready.len())), group(int64(sv.ramWait.len())), sv.cores, 100*util)
	}
	for i := range m.edges {
		if ed := &m.edges[i]; int64(ed.inFlight) > best {
			best = int64(ed.inFlight)
			hint = fmt.Sprintf("edge %s carries %s of them (latency too long for the load)", ed.id, group(best))
		}
	}
	if n := int64(len(m.cstates) - len(m.cfree)); n > best && n > int64(len(m.reqs)-len(m.free)) {
		hint = fmt.Sprintf("%s attempts are waiting for their deadline (timeout_s long for the load)", group(n))
	}
	e.Hint = hint
	return e
}
