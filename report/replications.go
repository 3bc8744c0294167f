package report

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/fastsim/fastsim/analysis"
)

// mergedNote says that a result merges s.Replications replications and how
// its figures combine them.
func mergedNote(s *analysis.Summary) string {
	return fmt.Sprintf("Merged from %d replications: counts are totals over them, rates, utilisation and sampled means are averages per run.", s.Replications)
}

// ciRows returns the confidence-interval table of s, without its header:
// per main figure, its name, mean, half-width, low and high ends, rounded
// for people. With fewer than two replications the interval shows "n/a".
func ciRows(s *analysis.Summary) [][]string {
	var rows [][]string
	row := func(name string, e analysis.Estimate, scale float64) {
		hw, lo, hi := "n/a", "n/a", "n/a"
		if s.Replications >= 2 {
			hw, lo, hi = num(scale*e.HalfWidth), num(scale*e.Low()), num(scale*e.High())
		}
		rows = append(rows, []string{name, num(scale * e.Mean), hw, lo, hi})
	}
	row("latency mean (ms)", s.LatencyMean, 1000)
	row("latency p50 (ms)", s.LatencyP50, 1000)
	row("latency p95 (ms)", s.LatencyP95, 1000)
	row("latency p99 (ms)", s.LatencyP99, 1000)
	row("throughput (req/s)", s.ThroughputRPS, 1)
	row("completed", s.Completed, 1)
	row("dropped", s.Dropped, 1)
	for _, id := range slices.Sorted(maps.Keys(s.Servers)) {
		row("utilisation "+id+" (%)", s.Servers[id].Utilization, 100)
	}
	return rows
}

// ciHeader is the header of the confidence-interval table.
var ciHeader = []string{"figure", "mean", "+/-", "low", "high"}

// writeReplications writes the table of estimates across replications: for
// each main figure, its mean per run and the half-width of its 95 %
// confidence interval.
func writeReplications(w io.Writer, s *analysis.Summary) {
	fmt.Fprintf(w, "\nReplications  mean per run of %d replications with its %s %% confidence interval (Student t)\n", s.Replications, num(100*s.Confidence))
	var t textTable
	t.add(ciHeader...)
	for _, r := range ciRows(s) {
		t.add(r...)
	}
	t.write(w, "  ")
}
