package report

import (
	"fmt"

	"github.com/fastsim/fastsim/result"
)

// The figures of spec §12–§14 (outcomes, admission, breakers, replicas) in
// the text and HTML reports. Each appears only when the result carries it,
// so a Part I result reads exactly as before.

// overloadShown reports whether r carries figures of spec §12: an outcome
// series, a client breaker, or a timeout, rejection or retry anywhere.
func overloadShown(r *result.Result) bool {
	c := r.Counts
	if r.Outcomes != nil || r.Client != nil || c.TimedOut > 0 || c.Rejected > 0 || c.Retries > 0 {
		return true
	}
	for _, s := range r.Servers {
		if s.Rejected > 0 || s.WastedS > 0 {
			return true
		}
	}
	for _, cs := range r.Calls {
		if cs.Rejected > 0 || cs.TimedOut > 0 || cs.CircuitBreaker != nil {
			return true
		}
	}
	return false
}

// countCells returns the header and the values of the request counts: the
// Part I columns, or with overload figures every outcome in the order of
// the conservation law (generated = completed + failed + rejected +
// timed out + dropped + in flight), then attempts and retries.
func countCells(r *result.Result) (header, values []string) {
	c := r.Counts
	if !overloadShown(r) {
		return []string{"generated", "completed", "dropped", "failed", "in flight", "events"},
			[]string{itoa(c.Generated), itoa(c.Completed), itoa(c.Dropped), itoa(c.Failed), itoa(c.InFlight), itoa(c.Events)}
	}
	return []string{"generated", "completed", "failed", "rejected", "timed out", "dropped", "in flight", "attempts", "retries", "events"},
		[]string{itoa(c.Generated), itoa(c.Completed), itoa(c.Failed), itoa(c.Rejected), itoa(c.TimedOut), itoa(c.Dropped),
			itoa(c.InFlight), itoa(c.Attempts), itoa(c.Retries), itoa(c.Events)}
}

// breakerText describes a circuit breaker's figures: "opened 3 times,
// open 15 s in all".
func breakerText(b *result.BreakerStats) string {
	times := "times"
	if b.Opened == 1 {
		times = "time"
	}
	return fmt.Sprintf("opened %s %s, open %s s in all", itoa(b.Opened), times, num(b.OpenS))
}

// latencyAllTitle introduces the latency of every request with an outcome.
const latencyAllTitle = "requests with an outcome (completed, failed, rejected or timed out, at their outcome)"

// serverCols says which optional columns the servers table has.
type serverCols struct {
	overload, replicas, cost bool
}

// serverColumns returns the optional server columns r needs.
func serverColumns(r *result.Result) serverCols {
	c := serverCols{overload: overloadShown(r)}
	for _, s := range r.Servers {
		c.replicas = c.replicas || s.Replicas != nil
		c.cost = c.cost || s.Cost != nil
	}
	return c
}

// header returns the optional columns' headers.
func (c serverCols) header() []string {
	var h []string
	if c.overload {
		h = append(h, "rejected", "wasted s")
	}
	if c.replicas {
		h = append(h, "replicas mean", "replicas min", "replicas max")
	}
	if c.cost {
		h = append(h, "cost")
	}
	return h
}

// cells returns the optional columns of server s; "-" where s has no
// such figure (an instance has no replica count).
func (c serverCols) cells(s result.ServerStats) []string {
	var out []string
	if c.overload {
		out = append(out, itoa(s.Rejected), num(s.WastedS))
	}
	if c.replicas {
		if s.Replicas == nil {
			out = append(out, "-", "-", "-")
		} else {
			out = append(out, num(s.Replicas.Mean), itoa(int64(s.Replicas.Min)), itoa(int64(s.Replicas.Max)))
		}
	}
	if c.cost {
		if s.Cost == nil {
			out = append(out, "-")
		} else {
			out = append(out, num(*s.Cost))
		}
	}
	return out
}

// callCols says which optional columns the calls table has.
type callCols struct {
	overload, breaker bool
}

// callColumns returns the optional call columns r needs.
func callColumns(r *result.Result) callCols {
	c := callCols{overload: overloadShown(r)}
	for _, cs := range r.Calls {
		c.breaker = c.breaker || cs.CircuitBreaker != nil
	}
	return c
}

// header returns the optional columns' headers, which follow "failed".
func (c callCols) header() []string {
	var h []string
	if c.overload {
		h = append(h, "rejected", "timed out")
	}
	if c.breaker {
		h = append(h, "breaker opened", "open s")
	}
	return h
}

// cells returns the optional columns of call cs.
func (c callCols) cells(cs result.CallStats) []string {
	var out []string
	if c.overload {
		out = append(out, itoa(cs.Rejected), itoa(cs.TimedOut))
	}
	if c.breaker {
		if b := cs.CircuitBreaker; b != nil {
			out = append(out, itoa(b.Opened), num(b.OpenS))
		} else {
			out = append(out, "-", "-")
		}
	}
	return out
}
