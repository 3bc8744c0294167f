package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// loadBalancersLine describes the scenario's load balancers for the
// header: "no load balancer", or each with its algorithm.
func loadBalancersLine(nodes *scenario.Nodes) string {
	lbs := nodes.AllLoadBalancers()
	if len(lbs) == 0 {
		return "no load balancer"
	}
	parts := make([]string, len(lbs))
	for i, lb := range lbs {
		parts[i] = fmt.Sprintf("%s (%s)", lb.ID, lb.Algorithm)
	}
	if len(lbs) == 1 {
		return "load balancer " + parts[0]
	}
	return "load balancers " + strings.Join(parts, ", ")
}

// serverRow is one row of the servers table.
func serverRow(id, cores string, s result.ServerStats) []string {
	row := []string{id, cores, itoa(s.Requests), itoa(s.Failed), num(100 * s.Utilization)}
	row = append(row, summary(s.ReadyQueueLen)...)
	row = append(row, summary(s.EventLoopIOSleep)...)
	return append(row, summary(s.RAMInUse)...)
}

// writeCalls writes the per-call table (spec §14): one row per
// "<caller>-><target>" pair, in the order of the calls in the scenario.
func writeCalls(w io.Writer, sc *scenario.Scenario, r *result.Result) {
	if len(r.Calls) == 0 {
		return
	}
	var declared []string
	if sc != nil {
		for _, s := range sc.Topology.Nodes.Servers {
			for _, e := range s.Endpoints {
				for _, st := range e.Steps {
					for _, c := range st.StepCalls() {
						declared = append(declared, s.ID+"->"+c.Target)
					}
				}
			}
		}
	}
	fmt.Fprintln(w, "Calls (latency in ms, sent to response received)")
	var t textTable
	t.add("call", "attempts", "completed", "failed", "mean", "p50", "p95", "p99", "max")
	for _, id := range ordered(declared, r.Calls) {
		c := r.Calls[id]
		l := c.Latency
		t.add(id, itoa(c.Attempts), itoa(c.Completed), itoa(c.Failed), ms(l.Mean), ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max))
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}
