package report

import (
	"fmt"
	"io"

	"github.com/fastsim/fastsim/result"
)

// eventWindowHeader is the header of the event-window table.
var eventWindowHeader = []string{"window", "kind", "target", "from s", "to s", "completed", "req/s", "p50 ms", "p95 ms", "p99 ms", "mean ms"}

// eventWindowRows returns one row per event window of r, then the row of
// the completions outside every window, rounded for people; nil when the
// run had no events.
func eventWindowRows(r *result.Result) [][]string {
	var rows [][]string
	for _, w := range r.EventWindows {
		id, kind, target, from, to := w.EventID, w.Kind, w.TargetID, num(w.StartS), num(w.EndS)
		if w.Kind == result.WindowOutside {
			id, kind, target, from, to = "outside", "-", "-", "-", "-"
		}
		lat := func(v float64) string {
			if w.Latency.TotalRequests == 0 {
				return "-"
			}
			return ms(v)
		}
		rows = append(rows, []string{id, kind, target, from, to, result.FormatCount(w.Completed), num(w.ThroughputRPS),
			lat(w.Latency.P50), lat(w.Latency.P95), lat(w.Latency.P99), lat(w.Latency.Mean)})
	}
	return rows
}

// eventWindowsTitle introduces the event-window table.
const eventWindowsTitle = "Event windows: requests completed inside each window against outside every window"

// writeEventWindows writes the event-window table of r, if any.
func writeEventWindows(w io.Writer, r *result.Result) {
	rows := eventWindowRows(r)
	if rows == nil {
		return
	}
	fmt.Fprintln(w, eventWindowsTitle)
	var t textTable
	t.add(eventWindowHeader...)
	for _, row := range rows {
		t.add(row...)
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}
