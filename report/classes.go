package report

import (
	"fmt"
	"io"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// workloadText describes one generator in a line: its load and, when set,
// its endpoint and profile.
func workloadText(w scenario.Workload) string {
	var s string
	if w.Closed() {
		think := "?"
		if w.ThinkTime != nil {
			think = rvText(*w.ThinkTime, "s")
		}
		s = fmt.Sprintf("closed, %d users thinking %s between requests", w.Users, think)
	} else {
		rate := w.AvgActiveUsers.Mean * w.AvgRequestPerMinutePerUser.Mean / 60
		s = fmt.Sprintf("%s active users (%s) x %s req/min each (%s), about %s req/s; users redrawn every %d s",
			num(w.AvgActiveUsers.Mean), w.AvgActiveUsers.Distribution,
			num(w.AvgRequestPerMinutePerUser.Mean), w.AvgRequestPerMinutePerUser.Distribution,
			num(rate), w.UserSamplingWindow)
	}
	if len(w.Profile) > 0 {
		s += fmt.Sprintf("; profile of %d points, x from %s to %s", len(w.Profile), num(minX(w.Profile)), num(maxX(w.Profile)))
	}
	if w.Endpoint != "" {
		s += "; endpoint " + w.Endpoint
	}
	return s
}

func minX(pts []scenario.ProfilePoint) float64 {
	m := pts[0].X
	for _, p := range pts {
		m = min(m, p.X)
	}
	return m
}

func maxX(pts []scenario.ProfilePoint) float64 {
	m := pts[0].X
	for _, p := range pts {
		m = max(m, p.X)
	}
	return m
}

// classIDs returns the class ids of r in the scenario's order, then any
// other in sorted order.
func classIDs(sc *scenario.Scenario, r *result.Result) []string {
	var declared []string
	if sc != nil {
		for _, w := range sc.Generators() {
			declared = append(declared, w.ID)
		}
	}
	return ordered(declared, r.Classes)
}

// classRows returns the per-class table: its header, then one row per
// class with counts, throughput and latency in milliseconds.
func classRows(sc *scenario.Scenario, r *result.Result) [][]string {
	rows := [][]string{{"class", "generated", "completed", "dropped", "failed", "req/s", "mean", "p50", "p95", "p99", "max"}}
	for _, id := range classIDs(sc, r) {
		c := r.Classes[id]
		row := []string{id, itoa(c.Counts.Generated), itoa(c.Counts.Completed), itoa(c.Counts.Dropped), itoa(c.Counts.Failed), num(c.Throughput.MeanRPS)}
		if l := c.Latency; l.TotalRequests > 0 {
			row = append(row, ms(l.Mean), ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max))
		} else {
			row = append(row, "-", "-", "-", "-", "-")
		}
		rows = append(rows, row)
	}
	return rows
}

// writeClasses writes the per-class latency table (spec §14 `classes`);
// nothing with a single generator.
func writeClasses(w io.Writer, sc *scenario.Scenario, r *result.Result) {
	if len(r.Classes) == 0 {
		return
	}
	fmt.Fprintln(w, "Request classes (latency in ms, completed requests)")
	t := textTable{}
	for _, row := range classRows(sc, r) {
		t.add(row...)
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}

// generatorLine is a generator's line in the topology drawing.
func generatorLine(w scenario.Workload) string {
	if w.Closed() {
		return fmt.Sprintf("closed: %d users", w.Users)
	}
	s := fmt.Sprintf("%s users × %s req/min", result.FormatNumber(w.AvgActiveUsers.Mean), result.FormatNumber(w.AvgRequestPerMinutePerUser.Mean))
	if len(w.Profile) > 0 {
		s += " × profile"
	}
	return s
}
