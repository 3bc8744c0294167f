package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fastsim/fastsim/analysis"
)

// WriteSizing writes the outcome of analysis.SizeCores or SizeReplicas: a
// line saying what was sized against which SLA, a table of every candidate
// evaluated (SLA percentile mean ± 95 % half-width, median, throughput,
// completed share, utilisation of the sized server, requests in flight at
// the horizon, verdict), the answer, and any warning. Without an answer
// (Answer 0) the last line says that the SLA was not met up to the
// maximum. WriteSizing returns the first error of w.
func WriteSizing(w io.Writer, r *analysis.SizeResult) error {
	sw := &stickyWriter{w: w}
	target := "server " + r.Server
	if r.Server == "" {
		target = "every server"
	}
	fmt.Fprintf(sw, "Sizing %s of %s for %s\n", r.What, target, r.SLA)
	fmt.Fprintf(sw, "%s\n", decisionRule(r.SLA, len(r.Seeds), r.Conservative, "candidate"))
	utilLabel := "util %"
	if r.Server == "" {
		utilLabel = "util % max"
	}
	errCol := showErrors(r.SLA, r.Evaluations)
	t := candidateTable(r.What, r.SLA, utilLabel, errCol)
	verdicts := []string{"verdict"}
	for _, ev := range r.Evaluations {
		t.add(candidateRow(num(ev.Value), ev, sizedUtilization(ev, r.Server), len(r.Seeds), errCol)...)
		verdicts = append(verdicts, verdict(ev))
	}
	writeWithVerdicts(sw, t, verdicts)
	if r.Answer > 0 {
		fmt.Fprintf(sw, "Answer  %d %s, the fewest that meet the SLA\n", r.Answer, unit(r.What, r.Answer))
		writeAnswerReplicas(sw, r)
	} else {
		fmt.Fprintf(sw, "Answer  none: the SLA is not met with up to %d %s\n", r.Max, r.What)
	}
	for _, warning := range r.Warnings {
		fmt.Fprintf(sw, "Warning  %s\n", warning)
	}
	if sw.err != nil {
		return fmt.Errorf("report: writing sizing table: %w", sw.err)
	}
	return nil
}

// writeAnswerReplicas writes, when the sized server has replicas or
// autoscaling, the instances it ran on average at the answer and, when
// priced, their cost per run.
func writeAnswerReplicas(w io.Writer, r *analysis.SizeResult) {
	for _, ev := range r.Evaluations {
		if int(ev.Value) != r.Answer {
			continue
		}
		rep, ok := ev.Replicas[r.Server]
		if !ok {
			return
		}
		line := fmt.Sprintf("At the answer  %s instances on average", fixed(rep.Mean, 2))
		if c, ok := ev.Cost[r.Server]; ok {
			line += fmt.Sprintf(", cost %s per run", strconv.FormatFloat(c.Mean, 'g', 4, 64))
		}
		fmt.Fprintln(w, line)
		return
	}
}

// WriteSweep writes the outcome of analysis.Sweep, the degradation curve:
// one row per load level with its arrival rate, latency percentiles,
// throughput, completed share, drops, requests in flight at the horizon,
// the highest server utilisation and the verdict, then the knee (the
// highest load meeting the SLA) and any warning. WriteSweep returns the
// first error of w.
func WriteSweep(w io.Writer, r *analysis.SweepResult) error {
	sw := &stickyWriter{w: w}
	fmt.Fprintf(sw, "Load sweep for %s; base rate %s req/s (x1)\n", r.SLA, fixed(r.BaseRateRPS, 2))
	fmt.Fprintf(sw, "%s\n", decisionRule(r.SLA, len(r.Seeds), r.Conservative, "level"))
	p := analysis.PercentileName(r.SLA.Percentile)
	// The SLA percentile gets its own column unless it is one of the three
	// shown anyway.
	extra := p != "p50" && p != "p95" && p != "p99"
	t := &textTable{}
	header := []string{"load", "rate req/s", "p50 ms", "p95 ms", "p99 ms"}
	if extra {
		header = append(header, p+" ms")
	}
	header = append(header, p+" +/-", "throughput req/s", "completed %")
	errCol := showErrors(r.SLA, r.Levels)
	if errCol {
		header = append(header, "errors %")
	}
	t.add(append(header, "dropped", "in flight", "util % max")...)
	verdicts := []string{"verdict"}
	for _, ev := range r.Levels {
		row := []string{"x" + num(ev.Value), fixed(ev.RateRPS, 2), ms(ev.P50.Mean), ms(ev.P95.Mean), ms(ev.P99.Mean)}
		if extra {
			row = append(row, ms(ev.Latency.Mean))
		}
		row = append(row, halfWidth(ev, len(r.Seeds)), fixed(ev.ThroughputRPS.Mean, 2), fixed(100*ev.CompletedRatio.Mean, 2))
		if errCol {
			row = append(row, errorsCell(ev))
		}
		t.add(append(row, fixed(ev.Dropped.Mean, 1), fixed(ev.InFlight.Mean, 1), fixed(100*maxUtilization(ev), 2))...)
		verdicts = append(verdicts, verdict(ev))
	}
	writeWithVerdicts(sw, t, verdicts)
	if r.Knee > 0 {
		fmt.Fprintf(sw, "Knee  x%s (%s req/s): the highest load meeting the SLA\n", num(r.Knee), fixed(r.KneeRateRPS, 2))
	} else {
		fmt.Fprintln(sw, "Knee  none: even the lowest load misses the SLA")
	}
	for _, warning := range r.Warnings {
		fmt.Fprintf(sw, "Warning  %s\n", warning)
	}
	if sw.err != nil {
		return fmt.Errorf("report: writing sweep table: %w", sw.err)
	}
	return nil
}

// decisionRule says how candidates are judged.
func decisionRule(sla analysis.SLA, replications int, conservative bool, what string) string {
	on := "the mean"
	if conservative {
		on = "the upper end of the 95 % confidence interval"
	}
	return fmt.Sprintf("Each %s runs %s with the same seeds and passes when %s of its %s across them meets the SLA",
		what, nounCount(replications, "replication"), on, analysis.PercentileName(sla.Percentile))
}

// writeWithVerdicts writes t with verdicts[k] appended, left-aligned, to
// its line k.
func writeWithVerdicts(w io.Writer, t *textTable, verdicts []string) {
	var b strings.Builder
	t.write(&b, "  ")
	for k, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		fmt.Fprintf(w, "%s  %s\n", line, verdicts[k])
	}
}

// halfWidth formats the half-width of the SLA percentile's confidence
// interval, "n/a" with fewer than two replications.
func halfWidth(ev analysis.Evaluation, replications int) string {
	if replications < 2 {
		return "n/a"
	}
	return ms(ev.Latency.HalfWidth)
}

// candidateTable returns a sizing table with its header row, with an
// "errors %" column when errCol.
func candidateTable(what string, sla analysis.SLA, utilLabel string, errCol bool) *textTable {
	t := &textTable{numeric: true}
	p := analysis.PercentileName(sla.Percentile)
	header := []string{what, p + " ms", "+/-", "p50 ms", "throughput req/s", "completed %"}
	if errCol {
		header = append(header, "errors %")
	}
	t.add(append(header, utilLabel, "in flight")...)
	return t
}

// candidateRow formats one sizing candidate.
func candidateRow(value string, ev analysis.Evaluation, util float64, replications int, errCol bool) []string {
	row := []string{value, ms(ev.Latency.Mean), halfWidth(ev, replications), ms(ev.P50.Mean), fixed(ev.ThroughputRPS.Mean, 2),
		fixed(100*ev.CompletedRatio.Mean, 2)}
	if errCol {
		row = append(row, errorsCell(ev))
	}
	return append(row, fixed(100*util, 2), fixed(ev.InFlight.Mean, 1))
}

// showErrors reports whether a sizing table shows the error share: when
// the SLA bounds it or any candidate has errors.
func showErrors(sla analysis.SLA, evs []analysis.Evaluation) bool {
	if sla.MaxErrorRatio != nil {
		return true
	}
	for _, ev := range evs {
		if ev.ErrorRatio.Mean > 0 {
			return true
		}
	}
	return false
}

// errorsCell formats the error share of a candidate in percent, to three
// decimals (an SLA of 0.1 % needs them).
func errorsCell(ev analysis.Evaluation) string {
	return fixed(100*ev.ErrorRatio.Mean, 3)
}

// verdict is "pass", or "FAIL: " and the reason.
func verdict(ev analysis.Evaluation) string {
	if ev.Pass {
		return "pass"
	}
	return "FAIL: " + ev.Reason
}

// sizedUtilization is the mean utilisation of the sized server and its
// copies ("<id>-2", …), or the highest utilisation of any server when
// every server was sized.
func sizedUtilization(ev analysis.Evaluation, server string) float64 {
	if server == "" {
		return maxUtilization(ev)
	}
	sum, n := 0.0, 0
	for id, u := range ev.Utilization {
		if id == server || isCopy(id, server) {
			sum += u.Mean
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// isCopy reports whether id is "<server>-k" with k ≥ 2.
func isCopy(id, server string) bool {
	rest, ok := strings.CutPrefix(id, server+"-")
	if !ok {
		return false
	}
	k, err := strconv.Atoi(rest)
	return err == nil && k >= 2
}

// maxUtilization is the highest mean utilisation of any server.
func maxUtilization(ev analysis.Evaluation) float64 {
	m := 0.0
	for _, u := range ev.Utilization {
		m = max(m, u.Mean)
	}
	return m
}

// unit is "core"/"cores" or "replica"/"replicas" for n.
func unit(what string, n int) string {
	if n == 1 {
		return strings.TrimSuffix(what, "s")
	}
	return what
}
