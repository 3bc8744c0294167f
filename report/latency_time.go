package report

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastsim/fastsim/result"
)

// ChartLatencyTime is the name of the latency-over-time chart: p50, p95
// and p99 per window (result.LatencySeries) with the event windows shaded.
const ChartLatencyTime = "latency-time"

// latencyTimeFigure is latency over time on its own.
func latencyTimeFigure(in *input) figure {
	h := headerHeight + tputHeight + 60
	return figure{width: figureWidth, height: h, draw: func(dc draw.Canvas) {
		c := figureHeader(dc, in, "Latency over time", runSubtitle(in), true)
		in.alignTiles(c, [][]*plot.Plot{{in.latencyTimePanel(true).plot(in, tileWidth(1), tputHeight+60)}})
	}}
}

// latencyTimePanel is the p50, p95 and p99 of each latency window over
// time. A window where nothing completed (an outage) leaves a gap in the
// lines rather than a fall to zero.
func (in *input) latencyTimePanel(xlabel bool) timePanel {
	tp := timePanel{
		title:   "Latency per window: p50 (blue), p95 (orange), p99 (vermillion)",
		ylabel:  "latency",
		xlabel:  xlabel,
		missing: "series not recorded",
	}
	if in.r.Series == nil || in.r.Series.Latency == nil || len(in.r.Series.Latency.Count) == 0 {
		return tp
	}
	ls := in.r.Series.Latency
	var top float64
	for k, c := range ls.Count {
		if c > 0 {
			top = max(top, ls.P99[k])
		}
	}
	scale, unit := timeUnit(top)
	tp.title = fmt.Sprintf("Latency per %s s window: p50 (blue), p95 (orange), p99 (vermillion)", result.FormatNumber(ls.WindowS))
	tp.ylabel = "latency (" + unit + ")"
	for _, q := range []struct {
		ys  []float64
		col uint32
	}{{ls.P50, colBlue}, {ls.P95, colOrange}, {ls.P99, colVermillion}} {
		for _, seg := range windowSegments(ls.Count, q.ys, ls.WindowS, scale) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				continue // a finite sketch quantile always draws
			}
			l.LineStyle = draw.LineStyle{Color: rgb(q.col), Width: 1}
			tp.lines = append(tp.lines, l)
		}
	}
	tp.linesMax = top * scale
	tp.marks = in.recoveryMarks()
	return tp
}

// recoveryMarks returns a mark at the instant latency recovered after
// each event (result.Recovery), and one at the end of each event after
// which it did not recover before the horizon.
func (in *input) recoveryMarks() []flagLabel {
	var out []flagLabel
	for _, w := range in.windows {
		rec, ok := in.r.Recovery[w.id]
		switch {
		case !ok || rec.BaselineP95 == nil:
		case rec.RecoveredAfterS != nil:
			out = append(out, flagLabel{x: w.end + *rec.RecoveredAfterS,
				text: fmt.Sprintf("%s recovered +%s s", w.id, result.FormatNumber(*rec.RecoveredAfterS)), col: rgb(colGreen)})
		case w.end < in.horizon:
			out = append(out, flagLabel{x: w.end, text: w.id + ": not recovered", col: rgb(colVermillion)})
		}
	}
	return out
}

// windowSegments returns the runs of consecutive windows with completions
// as polylines through each window's middle, ys scaled by scale.
func windowSegments(count, ys []float64, width, scale float64) []plotter.XYs {
	var segs []plotter.XYs
	var cur plotter.XYs
	for k, c := range count {
		if c == 0 {
			if len(cur) > 0 {
				segs = append(segs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: (float64(k) + 0.5) * width, Y: ys[k] * scale})
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs
}

// latencyTimeHeight is the height of the latency-over-time panel in the
// dashboard.
const latencyTimeHeight vg.Length = tputHeight
