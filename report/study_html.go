package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

// studyHTML is what the sweep and comparison templates show; every text
// is final.
type studyHTML struct {
	Title   string
	Heading string
	Meta    []kv
	Notes   []string
	// Changes are the scenario changes of a comparison.
	Changes [][]string
	// Header and Rows are the main table.
	Header []string
	Rows   [][]string
	// Footnote follows the table.
	Footnote string
	Charts   []htmlChart
}

// WriteSweepHTML writes a self-contained HTML report of a sweep run on
// the base scenario sc: the parameters, seeds and SLA, the table of every
// candidate (as WriteSweepStudy) and every chart of SweepCharts as inline
// SVG. Like WriteHTML it fetches nothing and loads no script; the output
// depends only on sc and st. It returns an error when st is nil, a chart
// cannot be drawn or writing fails, and one wrapping ctx.Err(), having
// written nothing, when ctx is done first.
func WriteSweepHTML(ctx context.Context, w io.Writer, sc *scenario.Scenario, st *analysis.SweepStudy) error {
	if st == nil || len(st.Points) == 0 {
		return errors.New("report: the sweep report needs a sweep with points")
	}
	d := studyHTML{Title: "FastSim sweep report", Heading: "FastSim sweep report"}
	for i, p := range st.Spec.Params {
		d.Meta = append(d.Meta, kv{fmt.Sprintf("parameter %d", i+1), p.Path + " = " + numList(p.Values)})
	}
	d.Meta = append(d.Meta, kv{"candidates", fmt.Sprint(len(st.Points))}, kv{"replications per candidate", fmt.Sprint(len(st.Spec.Seeds))},
		kv{"seeds", intList(st.Spec.Seeds)})
	if st.Spec.SLA != nil {
		on := "mean"
		if st.Spec.Conservative {
			on = "upper end of the 95 % confidence interval"
		}
		d.Meta = append(d.Meta, kv{"SLA", st.Spec.SLA.String() + ", judged on the " + on})
	}
	if sc != nil {
		d.Meta = append(d.Meta, kv{"horizon", fmt.Sprint(sc.Settings.TotalSimulationTime) + " s"})
	}
	d.Notes = append(d.Notes, "Every candidate ran the same seeds (common random numbers), so differences between candidates are the effect of the parameters rather than of luck. +/- is the half-width of the 95 % confidence interval across replications (Student t).")
	header, rows, verdicts := sweepRows(st)
	if st.Spec.SLA != nil {
		header = append(header, verdicts[0])
		for i := range rows {
			rows[i] = append(rows[i], verdicts[i+1])
		}
	}
	d.Header, d.Rows = header, rows
	for _, c := range SweepCharts(st) {
		fig, err := sweepFigure(st, c.Name)
		if err != nil {
			return err
		}
		svg, err := inlineSVG(ctx, fig)
		if err != nil {
			return err
		}
		d.Charts = append(d.Charts, htmlChart{ID: "chart-" + c.Name, Title: c.Title, SVG: svg})
	}
	return executeStudy(w, d)
}

// WriteComparisonHTML writes a self-contained HTML report of a comparison:
// the runs (named nameA and nameB), the scenario changes by path, the
// table of figure differences with their confidence intervals (as
// WriteComparison) and the chart of RenderComparisonChart. It fetches
// nothing and loads no script.
func WriteComparisonHTML(ctx context.Context, w io.Writer, c *analysis.Comparison, nameA, nameB string) error {
	if c == nil {
		return errors.New("report: the comparison report needs a comparison")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("report: comparison not written: %w", err)
	}
	d := studyHTML{Title: "FastSim comparison: " + nameA + " and " + nameB, Heading: "FastSim comparison"}
	d.Meta = []kv{{"a", nameA}, {"b", nameB}, {"seeds of a", intList(c.SeedsA)}, {"seeds of b", intList(c.SeedsB)}, {"method", c.Method}}
	d.Notes = append(d.Notes, comparisonMethod(c))
	switch {
	case !c.ScenariosCompared:
		d.Notes = append(d.Notes, "Scenario changes: not compared (both scenarios are needed).")
	case len(c.Changes) == 0:
		d.Notes = append(d.Notes, "Scenario changes: none, the scenarios are the same.")
	default:
		d.Changes = append(d.Changes, []string{"path", "a", "b"})
		for _, ch := range c.Changes {
			d.Changes = append(d.Changes, []string{ch.Path, changeText(ch.Old), changeText(ch.New)})
		}
	}
	d.Header, d.Rows = comparisonRows(c)
	if fig, err := comparisonFigure(c); err == nil {
		svg, err := inlineSVG(ctx, fig)
		if err != nil {
			return err
		}
		d.Charts = append(d.Charts, htmlChart{ID: "chart-" + ComparisonChart, Title: "Differences b − a relative to a"})
		d.Charts[0].SVG = svg
	}
	if c.Method != analysis.MethodNone {
		d.Footnote = "* the 95 % confidence interval of b − a excludes 0"
	}
	return executeStudy(w, d)
}

// changeText formats one side of a scenario change.
func changeText(v any) string {
	s := scenario.Change{Old: v}.String()
	s = strings.TrimPrefix(s, ": ")
	if k := strings.LastIndex(s, " -> "); k >= 0 {
		s = s[:k]
	}
	return s
}

// numList formats values for people, comma-separated.
func numList(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = num(v)
	}
	return strings.Join(parts, ", ")
}

// intList formats seeds, comma-separated.
func intList(vs []int64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

// executeStudy renders d with the study template to w.
func executeStudy(w io.Writer, d studyHTML) error {
	var buf bytes.Buffer
	if err := studyTemplate.Execute(&buf, d); err != nil {
		return fmt.Errorf("report: executing the HTML template: %w", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("report: writing the HTML report: %w", err)
	}
	return nil
}

// studyTemplate lays out sweep and comparison reports with the run
// report's style sheet; nothing is fetched.
var studyTemplate = template.Must(template.New("study").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>` + reportCSS + `
td.pass { color: #007a55; } td.fail { color: #b84a00; }
</style>
</head>
<body>
<header>
<h1>{{.Heading}}</h1>
<table class="kv"><tbody>{{range .Meta}}<tr><th>{{.K}}</th><td>{{.V}}</td></tr>{{end}}</tbody></table>
{{range .Notes}}<p class="meta">{{.}}</p>
{{end}}</header>
<main>
{{if .Changes}}<section id="changes">
<h2>Scenario changes from a to b</h2>
<table>
<thead><tr>{{range index .Changes 0}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range $k, $row := .Changes}}{{if $k}}<tr><td><code>{{index $row 0}}</code></td><td><code>{{index $row 1}}</code></td><td><code>{{index $row 2}}</code></td></tr>
{{end}}{{end}}</tbody>
</table>
</section>{{end}}
<section id="table">
<h2>Results</h2>
<div class="panel"><table>
<thead><tr>{{range .Header}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}<td class="{{if eq $c "pass"}}pass{{else if ge (len $c) 5}}{{if eq (slice $c 0 5) "FAIL:"}}fail{{else}}num{{end}}{{else}}num{{end}}">{{$c}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{if .Footnote}}<p class="meta">{{.Footnote}}</p>{{end}}
</section>
{{if .Charts}}<section id="charts">
<h2>Charts</h2>
{{range .Charts}}<figure id="{{.ID}}" class="panel">{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>
{{end}}
</section>{{end}}
</main>
<footer>Written by FastSim. This file is self-contained: it loads no scripts, style sheets, fonts or images from anywhere.</footer>
</body>
</html>`))
