package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot/plotter"

	"github.com/fastsim/fastsim/result"
)

func TestWindowSegments(t *testing.T) {
	t.Parallel()
	// Windows of 2 s; windows 1 and 4 saw no completion (an outage): the
	// lines break there instead of falling to 0.
	count := []float64{1, 0, 2, 3, 0, 1}
	ys := []float64{0.1, 0, 0.2, 0.3, 0, 0.4}
	got := windowSegments(count, ys, 2, 1000)
	want := []plotter.XYs{{{X: 1, Y: 100}}, {{X: 5, Y: 200}, {X: 7, Y: 300}}, {{X: 11, Y: 400}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

func TestLatencyTimeChart(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 3000, 0.1)
	var b bytes.Buffer
	if err := RenderChart(t.Context(), &b, ChartLatencyTime, SVG, sc, r, ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	// 300 s: 200 windows of 2 s (result.MaxLatencyWindows); latencies of
	// tens of ms; both event windows labelled on the time axis.
	for _, want := range []string{">Latency over time<", ">Latency per 2 s window: p50 (blue), p95 (orange), p99 (vermillion)<", ">latency (ms)<", ">srv-2-down<", ">lb-spike<", ">time (s)<"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the latency-over-time chart lacks %q", want)
		}
	}
	noSeries := *r
	noSeries.Series = nil
	b.Reset()
	if err := RenderChart(t.Context(), &b, ChartLatencyTime, SVG, sc, &noSeries, ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ">series not recorded<") {
		t.Error("the latency-over-time chart without series does not say so")
	}
	if got := result.LatencyWindowS(300); got != 2 {
		t.Fatalf("LatencyWindowS(300) = %v, want 2", got)
	}
}
