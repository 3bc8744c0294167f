package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fastsim/fastsim/analysis"
)

// figureUnit says how a figure of analysis.Figures is shown: its label,
// the factor from its value to the shown one, and the decimals.
type figureUnit struct {
	label string
	scale float64
	prec  int
}

// unitOf returns how the figure called name is shown.
func unitOf(name string) figureUnit {
	switch {
	case strings.HasPrefix(name, "latency_"):
		return figureUnit{strings.TrimPrefix(name, "latency_") + " latency ms", 1000, 3}
	case name == "throughput_rps":
		return figureUnit{"throughput req/s", 1, 2}
	case name == "in_flight":
		return figureUnit{"in flight", 1, 1}
	case strings.HasSuffix(name, "_ratio"):
		return figureUnit{strings.ReplaceAll(strings.TrimSuffix(name, "_ratio"), "_", " ") + " %", 100, 3}
	case strings.HasPrefix(name, "utilization."):
		return figureUnit{"util % " + strings.TrimPrefix(name, "utilization."), 100, 2}
	}
	return figureUnit{name, 1, 3}
}

// format shows a value of the figure.
func (u figureUnit) format(v float64) string { return fixed(u.scale*v, u.prec) }

// ParamLabel is the short name of a sweep parameter in tables and on
// charts: the last key of its path (`cpu_cores`), with the nearest id
// selector before it when there is one (`api.cpu_cores`), or the path of
// the load pseudo-parameter.
func ParamLabel(path string) string {
	if path == analysis.LoadParam {
		return "load x"
	}
	key := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		key = path[i+1:]
	}
	if i := strings.LastIndex(path, "[id="); i >= 0 {
		if j := strings.IndexByte(path[i:], ']'); j > 0 {
			return path[i+4:i+j] + "." + key
		}
	}
	return key
}

// WriteSweepStudy writes the outcome of analysis.RunSweep: the swept
// parameters, how every candidate was run, then one row per candidate
// with the parameters' values, arrival rate, mean and p50/p95/p99 latency
// with the 95 % half-widths of the mean and p99, throughput, completed
// share, error share (when any candidate has errors or the SLA bounds
// them), highest utilisation, requests in flight at the horizon and, with
// an SLA, the verdict. It returns the first error of w.
func WriteSweepStudy(w io.Writer, st *analysis.SweepStudy) error {
	sw := &stickyWriter{w: w}
	spec := st.Spec
	paths := make([]string, len(spec.Params))
	for i, p := range spec.Params {
		paths[i] = p.Path
	}
	fmt.Fprintf(sw, "Sweep of %s: %s\n", strings.Join(paths, " and "), nounCount(len(st.Points), "candidate"))
	rule := fmt.Sprintf("Each candidate runs %s with the same seeds; +/- is the half-width of the 95 %% confidence interval", nounCount(len(spec.Seeds), "replication"))
	if spec.SLA != nil {
		on := "the mean"
		if spec.Conservative {
			on = "the upper end of the 95 % confidence interval"
		}
		rule += fmt.Sprintf("; SLA %s, judged on %s", spec.SLA, on)
	}
	fmt.Fprintln(sw, rule)
	header, rows, verdicts := sweepRows(st)
	t := &textTable{numeric: true}
	t.add(header...)
	for _, row := range rows {
		t.add(row...)
	}
	if spec.SLA != nil {
		writeWithVerdicts(sw, t, verdicts)
	} else {
		t.write(sw, "  ")
	}
	if sw.err != nil {
		return fmt.Errorf("report: writing sweep table: %w", sw.err)
	}
	return nil
}

// sweepRows returns the table of a sweep: its header, one row per point,
// and the verdicts (the header "verdict" first; empty without an SLA).
func sweepRows(st *analysis.SweepStudy) (header []string, rows [][]string, verdicts []string) {
	spec := st.Spec
	errCol := spec.SLA != nil && spec.SLA.MaxErrorRatio != nil
	for _, p := range st.Points {
		errCol = errCol || p.Figures.ErrorRatio.Mean > 0
	}
	for _, p := range spec.Params {
		header = append(header, ParamLabel(p.Path))
	}
	header = append(header, "rate req/s", "mean ms", "+/-", "p50 ms", "p95 ms", "p99 ms", "+/-", "throughput req/s", "completed %")
	if errCol {
		header = append(header, "errors %")
	}
	header = append(header, "util % max", "in flight")
	verdicts = []string{"verdict"}
	hw := func(e analysis.Estimate) string {
		if len(spec.Seeds) < 2 {
			return "n/a"
		}
		return ms(e.HalfWidth)
	}
	for _, p := range st.Points {
		var row []string
		for _, v := range p.Values {
			row = append(row, num(v))
		}
		f := p.Figures
		row = append(row, fixed(p.RateRPS, 2), ms(f.LatencyMean.Mean), hw(f.LatencyMean), ms(f.LatencyP50.Mean), ms(f.LatencyP95.Mean),
			ms(f.LatencyP99.Mean), hw(f.LatencyP99), fixed(f.ThroughputRPS.Mean, 2), fixed(100*f.CompletedRatio.Mean, 2))
		if errCol {
			row = append(row, fixed(100*f.ErrorRatio.Mean, 3))
		}
		maxUtil := 0.0
		for _, u := range f.Utilization {
			maxUtil = max(maxUtil, u.Mean)
		}
		rows = append(rows, append(row, fixed(100*maxUtil, 2), fixed(f.InFlight.Mean, 1)))
		switch {
		case p.Pass == nil:
			verdicts = append(verdicts, "")
		case *p.Pass:
			verdicts = append(verdicts, "pass")
		default:
			verdicts = append(verdicts, "FAIL: "+p.Reason)
		}
	}
	return header, rows, verdicts
}

// WriteComparison writes the outcome of analysis.Compare: what changed
// from a to b (path: old -> new), then for every figure a, b, b − a with
// the half-width of its 95 % interval and, for a paired comparison, the
// half-width an unpaired comparison would have had, and whether the
// interval excludes 0. It returns the first error of w.
func WriteComparison(w io.Writer, c *analysis.Comparison) error {
	sw := &stickyWriter{w: w}
	switch {
	case !c.ScenariosCompared:
		fmt.Fprintln(sw, "Scenario changes: not compared (give both scenarios)")
	case len(c.Changes) == 0:
		fmt.Fprintln(sw, "Scenario changes: none, the scenarios are the same")
	default:
		fmt.Fprintf(sw, "Scenario changes from a to b (%d):\n", len(c.Changes))
		for _, ch := range c.Changes {
			fmt.Fprintf(sw, "  %s\n", ch)
		}
	}
	fmt.Fprintln(sw, comparisonMethod(c))
	t := &textTable{}
	header, rows := comparisonRows(c)
	t.add(header...)
	for _, row := range rows {
		t.add(row...)
	}
	// The last column (the significance mark) is often empty.
	var b strings.Builder
	t.write(&b, "  ")
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			fmt.Fprintln(sw, strings.TrimRight(line, " \n"))
		}
	}
	if c.Method != analysis.MethodNone {
		fmt.Fprintln(sw, "* the 95 % confidence interval of b - a excludes 0")
	}
	if sw.err != nil {
		return fmt.Errorf("report: writing comparison: %w", sw.err)
	}
	return nil
}

// comparisonRows returns the table of a comparison: its header and one
// row per figure, the last cell "*" when the interval excludes 0.
func comparisonRows(c *analysis.Comparison) ([]string, [][]string) {
	paired := c.Method == analysis.MethodPaired
	header := []string{"figure", "a", "b", "b - a", "+/-"}
	if paired {
		header = append(header, "+/- unpaired")
	}
	header = append(header, "")
	var rows [][]string
	for _, d := range c.Figures {
		u := unitOf(d.Name)
		row := []string{u.label, u.format(d.A.Mean), u.format(d.B.Mean), signed(u, d.Diff.Mean), ciCell(u, d.Diff.HalfWidth, c.Method)}
		if paired {
			row = append(row, u.format(d.UnpairedHalfWidth))
		}
		mark := ""
		if d.Significant {
			mark = "*"
		}
		rows = append(rows, append(row, mark))
	}
	return header, rows
}

// comparisonMethod says how the intervals were computed.
func comparisonMethod(c *analysis.Comparison) string {
	switch c.Method {
	case analysis.MethodPaired:
		return fmt.Sprintf("Differences b - a: paired on the %s both runs share (common random numbers), Student t on the per-seed differences; +/- unpaired is Welch's half-width on the same data",
			nounCount(len(c.SeedsA), "seed"))
	case analysis.MethodWelch:
		return fmt.Sprintf("Differences b - a: the runs used different seeds (%s and %s), so Welch's unpaired interval; the same seeds would give a paired one, often much narrower",
			nounCount(len(c.SeedsA), "replication"), nounCount(len(c.SeedsB), "replication"))
	}
	return "Differences b - a: a run has a single replication, so no confidence interval; run both with --replications 2 or more and the same --seed for a paired one"
}

// signed formats a difference with its sign.
func signed(u figureUnit, v float64) string {
	s := u.format(v)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// ciCell is the half-width, or "n/a" without an interval.
func ciCell(u figureUnit, hw float64, method string) string {
	if method == analysis.MethodNone {
		return "n/a"
	}
	return u.format(hw)
}
