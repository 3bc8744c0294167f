package report

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/fastsim/fastsim/analysis"
)

// WriteReplications writes the table of estimates across replications: for
// each main figure, its mean and the half-width of its 95 % confidence
// interval. It is meant to follow WriteText of the merged result, whose
// counts are totals over the replications and whose throughput,
// utilisation and sampled means are averages per run; its first line says
// so. With fewer than two replications the half-widths show "n/a".
// WriteReplications returns the first error of w.
func WriteReplications(w io.Writer, s analysis.Summary) error {
	sw := &stickyWriter{w: w}
	fmt.Fprintf(sw, "\nReplications  %s; the report above merges them (counts are totals, rates and utilisation averages)\n", nounCount(s.Replications, "run"))
	fmt.Fprintf(sw, "Mean per run with %s %% confidence interval (Student t)\n", num(100*s.Confidence))
	var t textTable
	t.add("figure", "mean", "+/-", "low", "high")
	row := func(name string, e analysis.Estimate, scale float64, prec int) {
		hw, lo, hi := "n/a", "n/a", "n/a"
		if s.Replications >= 2 {
			hw, lo, hi = fixed(scale*e.HalfWidth, prec), fixed(scale*e.Low(), prec), fixed(scale*e.High(), prec)
		}
		t.add(name, fixed(scale*e.Mean, prec), hw, lo, hi)
	}
	row("latency mean (ms)", s.LatencyMean, 1000, 3)
	row("latency p50 (ms)", s.LatencyP50, 1000, 3)
	row("latency p95 (ms)", s.LatencyP95, 1000, 3)
	row("latency p99 (ms)", s.LatencyP99, 1000, 3)
	row("throughput (req/s)", s.ThroughputRPS, 1, 3)
	row("completed", s.Completed, 1, 1)
	row("dropped", s.Dropped, 1, 1)
	for _, id := range slices.Sorted(maps.Keys(s.Servers)) {
		row("utilisation "+id+" (%)", s.Servers[id].Utilization, 100, 2)
	}
	t.write(sw, "  ")
	if sw.err != nil {
		return fmt.Errorf("report: writing replication table: %w", sw.err)
	}
	return nil
}
