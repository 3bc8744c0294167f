package report

import (
	"fmt"
	"io"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// NotRecoveredFlag is what the text and HTML reports say of an event
// after which latency did not come back before the horizon
// (result.Recovery.RecoveredAfterS null with a baseline).
const NotRecoveredFlag = "did not recover before the horizon (possible metastable failure)"

// recoveryTitle introduces the recovery table.
var recoveryTitle = fmt.Sprintf("Recovery after each event: p95 of the completions of the last %d s (after the end) against the p95 of the %d s before the event, within %s %%",
	result.RecoveryWindowS, result.RecoveryBaselineS, num(100*result.RecoveryTolerance))

// recoveryHeader is the header of the recovery table.
var recoveryHeader = []string{"event", "baseline p95 ms", "recovered after s"}

// recoveryRow is one event's row: its id, the baseline and the verdict,
// and whether the verdict is the metastable-failure flag.
type recoveryRow struct {
	cells   []string
	flagged bool
}

// recoveryRows returns the recovery table of r, one row per event in the
// scenario's order (sc may be nil: then in the order of the event windows,
// then sorted); nil when r has no recovery figures.
func recoveryRows(sc *scenario.Scenario, r *result.Result) []recoveryRow {
	if len(r.Recovery) == 0 {
		return nil
	}
	var ids []string
	ends := map[string]float64{}
	if sc != nil {
		for _, e := range sc.Events {
			ids = append(ids, e.ID)
			ends[e.ID] = e.End.TEnd
		}
	}
	for _, w := range r.EventWindows {
		if w.EventID != "" {
			ids = append(ids, w.EventID)
			if _, ok := ends[w.EventID]; !ok {
				ends[w.EventID] = w.EndS
			}
		}
	}
	var rows []recoveryRow
	for _, id := range ordered(ids, r.Recovery) {
		rec := r.Recovery[id]
		row := recoveryRow{cells: []string{id, "-", ""}}
		if rec.BaselineP95 != nil {
			row.cells[1] = ms(*rec.BaselineP95)
		}
		end, known := ends[id]
		switch {
		case rec.BaselineP95 == nil:
			row.cells[2] = fmt.Sprintf("- (no request completed in the %d s before)", result.RecoveryBaselineS)
		case rec.RecoveredAfterS != nil:
			row.cells[2] = num(*rec.RecoveredAfterS)
			if rec.NotRecovered > 0 {
				row.cells[2] += fmt.Sprintf(" (median of %d runs; %d did not recover)", rec.Replications, rec.NotRecovered)
			} else if rec.Replications > 1 {
				row.cells[2] += fmt.Sprintf(" (median of %d runs)", rec.Replications)
			}
		case known && end >= r.HorizonS && r.HorizonS > 0:
			row.cells[2] = "- (the event lasts until the horizon)"
		default:
			row.cells[2], row.flagged = NotRecoveredFlag, true
			if rec.Replications > 1 {
				row.cells[2] += fmt.Sprintf(" in %d of %d runs", rec.NotRecovered, rec.Replications)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// writeRecovery writes the recovery table of r, if any.
func writeRecovery(w io.Writer, sc *scenario.Scenario, r *result.Result) {
	rows := recoveryRows(sc, r)
	if rows == nil {
		return
	}
	fmt.Fprintln(w, recoveryTitle)
	t := textTable{textLast: true}
	t.add(recoveryHeader...)
	for _, row := range rows {
		t.add(row.cells...)
	}
	t.write(w, "  ")
	fmt.Fprintln(w)
}
