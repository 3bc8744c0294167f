package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// htmlDoc is what parseHTML learns of a report.
type htmlDoc struct {
	text     string         // all character data, concatenated
	elements map[string]int // element counts by local name
	attrs    []xml.Attr     // every attribute of every element
	styles   string         // the content of <style> elements and style attributes
}

// parseHTML parses the report strictly. The report is written as
// well-formed markup (polyglot HTML: every element closed, attributes
// quoted, inline SVG is XML), so encoding/xml in strict mode checks that
// every tag is balanced and every entity and attribute well-formed,
// without a dependency on an HTML5 parser.
func parseHTML(t *testing.T, doc []byte) htmlDoc {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	out := htmlDoc{elements: map[string]int{}}
	var text, styles strings.Builder
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the report is not well-formed: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			out.elements[tk.Name.Local]++
			out.attrs = append(out.attrs, tk.Attr...)
			for _, a := range tk.Attr {
				if a.Name.Local == "style" {
					styles.WriteString(a.Value + "\n")
				}
			}
			stack = append(stack, tk.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "style" {
				styles.Write(tk)
			}
			text.Write(tk)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
	out.text, out.styles = text.String(), styles.String()
	return out
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 3000, 0.1)
	var b bytes.Buffer
	if err := WriteHTML(t.Context(), &b, sc, r, nil); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("<!DOCTYPE html>\n<html lang=\"en\">")) {
		t.Errorf("the report does not start with the HTML5 doctype: %q", b.String()[:40])
	}
	doc := parseHTML(t, b.Bytes())

	t.Run("ContainsEveryServerAndEventID", func(t *testing.T) {
		t.Parallel()
		var ids []string
		for _, s := range sc.Topology.Nodes.Servers {
			ids = append(ids, s.ID)
		}
		for _, e := range sc.Events {
			ids = append(ids, e.ID)
		}
		for _, e := range sc.Topology.Edges {
			ids = append(ids, e.ID)
		}
		for _, id := range ids {
			if !strings.Contains(doc.text, id) {
				t.Errorf("the report's text lacks %q", id)
			}
		}
	})

	t.Run("FetchesNothing", func(t *testing.T) {
		t.Parallel()
		for _, el := range []string{"script", "link", "img", "iframe", "object", "embed", "image", "use", "base"} {
			if n := doc.elements[el]; n > 0 {
				t.Errorf("the report has %d <%s> elements", n, el)
			}
		}
		for _, a := range doc.attrs {
			switch a.Name.Local {
			case "src", "srcset", "action", "formaction", "poster", "data":
				t.Errorf("attribute %s=%q can fetch", a.Name.Local, a.Value)
			case "href":
				if !strings.HasPrefix(a.Value, "#") {
					t.Errorf("link %q leaves the document", a.Value)
				}
			}
		}
		if strings.Contains(doc.styles, "url(") || strings.Contains(doc.styles, "@import") {
			t.Error("the CSS refers to an external resource")
		}
	})

	t.Run("HasSectionsTablesAndCharts", func(t *testing.T) {
		t.Parallel()
		// Topology plus latency, throughput, latency over time, three
		// servers and edges.
		if got := doc.elements["svg"]; got != 8 {
			t.Errorf("%d inline SVGs, want 8", got)
		}
		for _, want := range []string{
			"Topology", "Workload", "Load balancer", "Servers", "Edges", "Events", "Requests", "Latency", "Throughput", "Charts",
			"io_db 30 ms", "ram 64 MB", "server outage", "network spike", "+50 ms", "round_robin",
			"p99.9", "ready queue mean / max", "in transit mean / max",
			"Event windows: requests completed inside each window against outside every window", "outside", "server_down", "network_spike",
			"Latency over time: p50, p95 and p99 per window",
		} {
			if !strings.Contains(doc.text, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
	})
}

func TestWriteHTMLEscapesScenarioText(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	hostile := `<script>alert("x")</script>&amp;`
	sc.Events[0].ID = hostile
	sc.Topology.Nodes.Servers[0].Endpoints[0].Name = `"><img src=x onerror=alert(1)>`
	r := syntheticResult(sc, 300, 1)
	var b bytes.Buffer
	if err := WriteHTML(t.Context(), &b, sc, r, nil); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	doc := parseHTML(t, b.Bytes())
	if doc.elements["script"] != 0 || doc.elements["img"] != 0 {
		t.Fatalf("scenario text became markup: %v", doc.elements)
	}
	if !strings.Contains(doc.text, hostile) {
		t.Error("the hostile event id is not shown as text")
	}
}

func TestWriteHTMLWithoutSeriesOrLatency(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 300, 1)
	r.Series = nil
	r.LatencySketch = nil
	r.Latency = result.Latency{}
	r.Counts.Completed = 0
	var b bytes.Buffer
	if err := WriteHTML(t.Context(), &b, sc, r, nil); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	doc := parseHTML(t, b.Bytes())
	for _, want := range []string{"series not recorded", "no completed requests"} {
		if !strings.Contains(doc.text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestWriteHTMLErrors(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 300, 1)
	tests := []struct {
		name string
		w    io.Writer
		sc   *scenario.Scenario
		r    *result.Result
		is   error
	}{
		{"ErrNilScenario", io.Discard, nil, r, nil},
		{"ErrNilResult", io.Discard, sc, nil, nil},
		{"ErrWriter", failWriter{}, sc, r, errWriteFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := WriteHTML(t.Context(), tt.w, tt.sc, tt.r, nil)
			if err == nil {
				t.Fatal("err = nil")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.is)
			}
		})
	}
}

func TestOrderedIDs(t *testing.T) {
	t.Parallel()
	got := orderedIDs([]string{"b", "a"}, map[string]int{"a": 1, "z": 2, "c": 3, "b": 4})
	if diff := cmp.Diff([]string{"b", "a", "c", "z"}, got); diff != "" {
		t.Errorf("orderedIDs (-want +got):\n%s", diff)
	}
}

// TestAsyncFlowScenariosRender draws every chart and the HTML report of
// every AsyncFlow-format scenario of the repository
// (scenario/testdata/asyncflow) and of AsyncFlow's own valid collection
// when it is beside the repository, run by the engine for a short horizon:
// whatever the topology (with or without a load balancer, with or without
// events), nothing fails and every id shows.
func TestAsyncFlowScenariosRender(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "scenario", "testdata", "asyncflow", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no AsyncFlow-format scenarios in scenario/testdata/asyncflow: %v", err)
	}
	dir := filepath.Join("..", "..", "shared", "asyncflow", "valid")
	shared, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(shared) == 0 {
		t.Logf("NOTE: AsyncFlow's own scenarios are absent from %s: only the repository's AsyncFlow-format files are rendered", dir)
	}
	files = append(files, shared...)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data, scenario.FormatYAML)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			// A short horizon keeps the test fast; the events are scaled
			// with it, which keeps them valid (ordered, not overlapping).
			h := min(sc.Settings.TotalSimulationTime, 20)
			if testing.Short() {
				h = 5
			}
			f := float64(h) / float64(sc.Settings.TotalSimulationTime)
			sc.Settings.TotalSimulationTime = h
			for k := range sc.Events {
				sc.Events[k].Start.TStart *= f
				sc.Events[k].End.TEnd *= f
			}
			r, err := engine.Run(context.Background(), sc, engine.Options{Seed: 1, Series: true})
			if err != nil {
				t.Fatalf("engine.Run: %v", err)
			}
			for _, c := range Charts(sc, r) {
				if err := RenderChart(t.Context(), io.Discard, c.Name, SVG, sc, r, ChartOptions{}); err != nil {
					t.Errorf("chart %s: %v", c.Name, err)
				}
			}
			var b bytes.Buffer
			if err := WriteHTML(t.Context(), &b, sc, r, nil); err != nil {
				t.Fatalf("WriteHTML: %v", err)
			}
			doc := parseHTML(t, b.Bytes())
			for _, s := range sc.Topology.Nodes.Servers {
				if !strings.Contains(doc.text, s.ID) {
					t.Errorf("the report lacks server %q", s.ID)
				}
			}
			for _, e := range sc.Events {
				if !strings.Contains(doc.text, e.ID) {
					t.Errorf("the report lacks event %q", e.ID)
				}
			}
		})
	}
}

func TestWriteHTMLReplications(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 3000, 0.1)
	var merged, single bytes.Buffer
	if err := WriteHTML(t.Context(), &merged, sc, r, twoServersSummary()); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	if err := WriteHTML(t.Context(), &single, sc, r, nil); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	text := parseHTML(t, merged.Bytes()).text
	// The p99 row of twoServersSummary: 140.1 ± 4.4 ms, rounded for people.
	for _, want := range []string{"Merged from 5 replications", "95 % confidence interval", "latency p99 (ms)", "140.1", "4.4", "135.7", "144.5", "16,101"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report of a merged result does not contain %q", want)
		}
	}
	if s := parseHTML(t, single.Bytes()).text; strings.Contains(s, "Merged from") || strings.Contains(s, "confidence interval") {
		t.Error("the report of a single run speaks of replications")
	}
}

func TestWriteHTMLListsOnlyMeasuredEventMetrics(t *testing.T) {
	t.Parallel()
	// rqs_clock is always measured and shown as such; llm_cost changes
	// nothing and must not look active.
	tests := []struct {
		name   string
		list   []scenario.EventMetric
		want   string
		absent string
	}{
		{"Default", []scenario.EventMetric{scenario.RqsClock}, "rqs_clock (always measured)", "llm_cost"},
		{"Ignored", []scenario.EventMetric{scenario.LLMCost}, "rqs_clock (always measured), llm_cost (ignored: not measured)", ""},
		{"Empty", []scenario.EventMetric{}, "rqs_clock (always measured)", "llm_cost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := chartScenario(t, 300)
			sc.Settings.EnabledEventMetrics = tc.list
			var b bytes.Buffer
			if err := WriteHTML(t.Context(), &b, sc, syntheticResult(sc, 300, 1), nil); err != nil {
				t.Fatalf("WriteHTML: %v", err)
			}
			doc := parseHTML(t, b.Bytes())
			if !strings.Contains(doc.text, "event metrics"+tc.want) {
				t.Errorf("the event metrics row is not %q", tc.want)
			}
			if tc.absent != "" && strings.Contains(doc.text, tc.absent) {
				t.Errorf("the report mentions %s", tc.absent)
			}
		})
	}
}

func TestWriteHTMLOverload(t *testing.T) {
	t.Parallel()
	sc := overloadChartScenario(t)
	r := overloadChartResult(sc, 3000, 0.1)
	var b bytes.Buffer
	if err := WriteHTML(t.Context(), &b, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, b.Bytes())
	for _, want := range []string{
		"Recovery after each event", "srv-2-down", "lb-spike", NotRecoveredFlag,
		"rejected", "timed out", "attempts", "retries", "wasted s", "replicas mean", "cost", "0.0625",
		"client circuit breaker", "opened 2 times, open 10 s in all", "breaker opened",
		"Outcomes over time", "Circuit breakers", "Replicas over time",
	} {
		if !strings.Contains(doc.text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !bytes.Contains(b.Bytes(), []byte(`<td class="flag">`+NotRecoveredFlag+`</td>`)) {
		t.Error("the metastable-failure flag is not highlighted")
	}
	// A Part I result of the same scenario shows none of it but recovery.
	var plain bytes.Buffer
	if err := WriteHTML(t.Context(), &plain, chartScenario(t, 300), syntheticResult(chartScenario(t, 300), 3000, 0.1), nil); err != nil {
		t.Fatal(err)
	}
	for _, never := range []string{"timed out", "wasted s", "replicas mean", "circuit breaker", "Outcomes over time", "Latency, every outcome"} {
		if strings.Contains(parseHTML(t, plain.Bytes()).text, never) {
			t.Errorf("the report of a Part I result shows %q", never)
		}
	}
}
