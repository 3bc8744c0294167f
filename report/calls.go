package report

import (
	"fmt"
	"io"
	"slices"
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
	declared := callIDs(sc)
	fmt.Fprintln(w, "Calls (latency in ms, sent to response received)")
	var t textTable
	cols := callColumns(r)
	t.add(slices.Concat([]string{"call", "attempts", "completed", "failed"}, cols.header(), []string{"mean", "p50", "p95", "p99", "max"})...)
	for _, id := range ordered(declared, r.Calls) {
		c := r.Calls[id]
		l := c.Latency
		t.add(slices.Concat([]string{id, itoa(c.Attempts), itoa(c.Completed), itoa(c.Failed)}, cols.cells(c),
			[]string{ms(l.Mean), ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max)})...)
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}

// serverGraphLines are the topology box lines of a server's replicas and
// calls (spec §10, §13): "× n replicas" (or "× min–max replicas,
// autoscaled") and "calls a, b" in the order of its steps.
func serverGraphLines(s scenario.Server) []string {
	var lines []string
	if a := s.Autoscaling; a != nil {
		lines = append(lines, fmt.Sprintf("× %d–%d replicas, autoscaled", a.MinReplicas, a.MaxReplicas))
	} else if n := s.ReplicaCount(); n > 1 {
		lines = append(lines, fmt.Sprintf("× %d replicas (%s#1…#%d)", n, s.ID, n))
	}
	var targets []string
	for _, e := range s.Endpoints {
		for _, st := range e.Steps {
			for _, c := range st.StepCalls() {
				if !slices.Contains(targets, c.Target) {
					targets = append(targets, c.Target)
				}
			}
		}
	}
	if len(targets) > 0 {
		lines = append(lines, ellipsis("calls "+strings.Join(targets, ", "), 28))
	}
	return lines
}

// callIDs lists the "<caller>-><target>" pairs of the scenario's calls in
// the order of its servers, endpoints and steps.
func callIDs(sc *scenario.Scenario) []string {
	var ids []string
	if sc == nil {
		return nil
	}
	for _, s := range sc.Topology.Nodes.Servers {
		for _, e := range s.Endpoints {
			for _, st := range e.Steps {
				for _, c := range st.StepCalls() {
					ids = append(ids, s.ID+"->"+c.Target)
				}
			}
		}
	}
	return ids
}

// callRows are the header and rows of the HTML report's calls table.
func callRows(sc *scenario.Scenario, r *result.Result) (header []string, rows [][]string) {
	cols := callColumns(r)
	header = slices.Concat([]string{"call", "attempts", "completed", "failed"}, cols.header(), []string{"mean", "p50", "p95", "p99", "max"})
	for _, id := range ordered(callIDs(sc), r.Calls) {
		c := r.Calls[id]
		l, n := c.Latency, c.Latency.TotalRequests
		rows = append(rows, slices.Concat([]string{id, result.FormatCount(c.Attempts), result.FormatCount(c.Completed), result.FormatCount(c.Failed)},
			cols.cells(c), []string{secOrDash(l.Mean, n), secOrDash(l.P50, n), secOrDash(l.P95, n), secOrDash(l.P99, n), secOrDash(l.Max, n)}))
	}
	return header, rows
}

// replicasText is how the server tables show a server's instances: ""
// for one, "x3" for fixed replicas and "x1–6" for an autoscaled server
// (min to max replicas), after the cores of one instance.
func replicasText(s scenario.Server) string {
	if a := s.Autoscaling; a != nil {
		return fmt.Sprintf("x%d–%d", a.MinReplicas, a.MaxReplicas)
	}
	if n := s.ReplicaCount(); n > 1 {
		return fmt.Sprintf("x%d", n)
	}
	return ""
}

// callsText describes a call or parallel step for the scenario tables.
func callsText(s scenario.Step) string {
	var parts []string
	for _, c := range s.StepCalls() {
		p := c.Target
		if c.Endpoint != "" {
			p += " " + c.Endpoint
		}
		if c.OnFailure == scenario.ContinueOnFailure {
			p += " (on failure: continue)"
		}
		parts = append(parts, p)
	}
	return string(s.Kind) + " " + strings.Join(parts, ", ")
}
