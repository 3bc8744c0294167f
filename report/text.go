package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// WriteText writes the human-readable report of r, a run of sc: a header
// summarising the scenario, request counts, a latency table (ms), the
// throughput, the latency and throughput inside each event window against
// outside (when the scenario has events), the recovery after each event
// (flagging NotRecoveredFlag), a per-server table (cores, requests, utilisation, ready queue,
// I/O sleeping and RAM) and a per-edge table (drops and connections in
// transit). With the figures of spec §12–§14 it adds every outcome count,
// attempts and retries, the client's circuit breaker, the latency of every
// request with an outcome, per-server rejections, wasted work, replicas
// and cost, and per-call rejections, timeouts and breakers; a Part I
// result reads as before. Servers and edges are listed in the scenario's declaration
// order. sc may be nil, in which case the scenario lines and the core
// counts are left out. A sampled metric that was not enabled shows "-".
//
// When stats is not nil, r is the merge of stats.Replications replications
// (analysis.Replicated): the header says so and the report ends with the
// table of each main figure's mean per run and 95 % confidence interval.
// Every number is rounded for people (result.FormatNumber). WriteText
// returns the first error of w.
func WriteText(w io.Writer, sc *scenario.Scenario, r *result.Result, stats *analysis.Summary) error {
	if r == nil {
		return fmt.Errorf("report: result is nil")
	}
	sw := &stickyWriter{w: w}
	writeHeader(sw, sc, r, stats)
	writeCounts(sw, r)
	writeLatency(sw, r)
	writeClasses(sw, sc, r)
	writeThroughput(sw, r)
	writeEventWindows(sw, r)
	writeRecovery(sw, sc, r)
	writeServers(sw, sc, r)
	writeCalls(sw, sc, r)
	writeEdges(sw, sc, r)
	if stats != nil {
		writeReplications(sw, stats)
	}
	if sw.err != nil {
		return fmt.Errorf("report: writing text report: %w", sw.err)
	}
	return nil
}

// writeHeader writes the title and the scenario summary.
func writeHeader(w io.Writer, sc *scenario.Scenario, r *result.Result, stats *analysis.Summary) {
	fmt.Fprintf(w, "FastSim %s  seed %d  horizon %s s\n", r.FastsimVersion, r.Seed, num(r.HorizonS))
	if stats != nil {
		fmt.Fprintln(w, mergedNote(stats))
	}
	if sc == nil {
		fmt.Fprintln(w)
		return
	}
	for _, wl := range sc.Generators() {
		fmt.Fprintf(w, "Workload  %s: %s\n", wl.ID, workloadText(wl))
	}
	nodes := sc.Topology.Nodes
	lb := loadBalancersLine(&nodes)
	fmt.Fprintf(w, "Topology  %s, %s, %s, %s; %s\n",
		nounCount(len(nodes.Servers), "server"), lb, nounCount(len(sc.Topology.Edges), "edge"),
		nounCount(len(sc.Events), "event"), "sampled every "+num(sc.Settings.SamplePeriodS)+" s")
	fmt.Fprintln(w)
}

// writeCounts writes the request counters.
func writeCounts(w io.Writer, r *result.Result) {
	fmt.Fprintln(w, "Requests")
	t := textTable{numeric: true}
	header, values := countCells(r)
	t.add(header...)
	t.add(values...)
	t.write(w, "  ")
	if r.Client != nil && r.Client.CircuitBreaker != nil {
		fmt.Fprintf(w, "  client circuit breaker: %s\n", breakerText(r.Client.CircuitBreaker))
	}
	fmt.Fprintln(w)
}

// writeLatency writes the latency table in milliseconds.
func writeLatency(w io.Writer, r *result.Result) {
	l := r.Latency
	if l.TotalRequests == 0 {
		fmt.Fprintln(w, "Latency: no request completed")
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "Latency (ms) of %s completed requests\n", itoa(l.TotalRequests))
	writeLatencyTable(w, l)
	if la := r.LatencyAll; overloadShown(r) && la.TotalRequests > 0 {
		fmt.Fprintf(w, "Latency (ms) of %s %s\n", itoa(la.TotalRequests), latencyAllTitle)
		writeLatencyTable(w, la)
	}
}

// writeLatencyTable writes one latency table in milliseconds.
func writeLatencyTable(w io.Writer, l result.Latency) {
	t := textTable{numeric: true}
	t.add("mean", "std dev", "min", "p50", "p90", "p95", "p99", "p99.9", "max")
	t.add(ms(l.Mean), ms(l.StdDev), ms(l.Min), ms(l.P50), ms(l.P90), ms(l.P95), ms(l.P99), ms(l.P999), ms(l.Max))
	t.write(w, "  ")
	fmt.Fprintln(w)
}

// writeThroughput writes the mean throughput and the range of the windows.
func writeThroughput(w io.Writer, r *result.Result) {
	tp := r.Throughput
	fmt.Fprintf(w, "Throughput  %s req/s mean", num(tp.MeanRPS))
	if len(tp.Series) > 0 {
		fmt.Fprintf(w, "; per %s s window min %s, max %s (%d windows)",
			num(tp.WindowS), num(slices.Min(tp.Series)), num(slices.Max(tp.Series)), len(tp.Series))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
}

// writeServers writes the per-server table.
func writeServers(w io.Writer, sc *scenario.Scenario, r *result.Result) {
	if len(r.Servers) == 0 {
		return
	}
	cores := map[string]string{}
	var declared []string
	if sc != nil {
		for _, s := range sc.Topology.Nodes.Servers {
			cores[s.ID] = strconv.Itoa(s.Resources.CPUCores)
			if x := replicasText(s); x != "" {
				cores[s.ID] += " " + x
			}
			declared = append(declared, s.ID)
		}
	}
	fmt.Fprintln(w, "Servers")
	var t textTable
	cols := serverColumns(r)
	t.add(append([]string{"server", "cores", "requests", "failed", "util %", "ready q mean", "ready q max",
		"io sleep mean", "io sleep max", "ram MB mean", "ram MB max"}, cols.header()...)...)
	for _, id := range ordered(declared, r.Servers) {
		s := r.Servers[id]
		c := "-"
		if n, ok := cores[id]; ok {
			c = n
		}
		t.add(append(serverRow(id, c, s), cols.cells(s)...)...)
		for _, in := range slices.Sorted(maps.Keys(s.Instances)) {
			t.add(append(serverRow("  "+in, "", s.Instances[in]), cols.cells(s.Instances[in])...)...)
		}
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}

// writeEdges writes the per-edge table.
func writeEdges(w io.Writer, sc *scenario.Scenario, r *result.Result) {
	if len(r.Edges) == 0 {
		return
	}
	var declared []string
	if sc != nil {
		for _, e := range sc.Topology.Edges {
			declared = append(declared, e.ID)
		}
	}
	fmt.Fprintln(w, "Edges")
	var t textTable
	t.add("edge", "dropped", "in transit mean", "in transit max")
	for _, id := range ordered(declared, r.Edges) {
		e := r.Edges[id]
		t.add(append([]string{id, itoa(e.Dropped)}, summary(e.EdgeConcurrentConnection)...)...)
	}
	t.write(w, "  ")
}

// ordered returns the keys of m: first those in declared, in that order,
// then any others sorted.
func ordered[V any](declared []string, m map[string]V) []string {
	var ids []string
	seen := map[string]bool{}
	for _, id := range declared {
		if _, ok := m[id]; ok && !seen[id] {
			ids = append(ids, id)
			seen[id] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(m)) {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// summary formats a sampled-series summary as mean and max cells.
func summary(s *result.Summary) []string {
	if s == nil {
		return []string{"-", "-"}
	}
	return []string{num(s.Mean), num(s.Max)}
}

// ms formats seconds as milliseconds, rounded for people.
func ms(s float64) string { return num(1000 * s) }

// fixed formats v with prec decimals.
func fixed(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// num formats v for people (result.FormatNumber).
func num(v float64) string { return result.FormatNumber(v) }

// itoa formats a count for people, with thousands separators.
func itoa(n int64) string { return result.FormatCount(n) }

// nounCount formats "1 server", "2 servers".
func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
