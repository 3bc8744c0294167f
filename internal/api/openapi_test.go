package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestOpenAPISurfaceGolden pins the API surface generated into the OpenAPI
// document: every operation with its parameters, request media types and
// response statuses (not the schemas of the library's result types, which
// evolve with the engine). A change shows up as a diff of
// testdata/openapi_surface.golden; rewrite it with
// go test ./internal/api -run OpenAPISurface -update after reviewing it.
func TestOpenAPISurfaceGolden(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.do(t, "GET", "/openapi.json", "", nil)
	wantStatus(t, r, http.StatusOK)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name     string `json:"name"`
				In       string `json:"in"`
				Required bool   `json:"required"`
			} `json:"parameters"`
			RequestBody *struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var params []string
			for _, p := range op.Parameters {
				req := ""
				if p.Required {
					req = "!"
				}
				params = append(params, p.In+":"+p.Name+req)
			}
			var media []string
			if op.RequestBody != nil {
				for ct := range op.RequestBody.Content {
					media = append(media, ct)
				}
			}
			var statuses []string
			for st := range op.Responses {
				statuses = append(statuses, st)
			}
			sort.Strings(params)
			sort.Strings(media)
			sort.Strings(statuses)
			lines = append(lines, fmt.Sprintf("%s %s %s params=[%s] body=[%s] responses=[%s]",
				strings.ToUpper(method), path, op.OperationID, strings.Join(params, " "), strings.Join(media, " "), strings.Join(statuses, " ")))
		}
	}
	sort.Strings(lines)
	got := []byte(strings.Join(lines, "\n") + "\n")
	path := filepath.Join("testdata", "openapi_surface.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("the API surface differs from %s:\ngot:\n%s", path, got)
	}
}

// TestOpenAPIResultShape proves that the result the API documents (and
// answers) has the shape of analysis.Replicated, the one `fastsim run
// --json` writes: the same top-level fields, plus run_id.
func TestOpenAPIResultShape(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.do(t, "GET", "/openapi.json", "", nil)
	wantStatus(t, r, http.StatusOK)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type any `json:"type"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	schema, ok := doc.Components.Schemas["ResultBody"]
	if !ok {
		t.Fatal("no ResultBody schema in the OpenAPI document")
	}
	var got []string
	for name := range schema.Properties {
		got = append(got, name)
	}
	// Every field of analysis.Replicated, set so that none is omitted.
	full := analysis.Replicated{
		Result: result.Result{Series: &result.Series{}, LatencySketch: result.NewSketch(), EventWindows: []result.EventWindow{{}},
			Classes: map[string]result.ClassStats{"c": {}}, Calls: map[string]result.CallStats{"a->b": {}},
			Outcomes: &result.OutcomeSeries{}, Client: &result.ClientStats{}, Recovery: map[string]result.Recovery{"e": {}},
			LatencyOtherSketch: result.NewSketch(), LatencyOtherMoments: &result.Moments{}},
		Replications: []result.Result{{}},
		Statistics:   &analysis.Summary{},
	}
	data, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	want := []string{"run_id"}
	for name := range fields {
		want = append(want, name)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ResultBody properties\n got %v\nwant %v (analysis.Replicated's fields and run_id)", got, want)
	}
	if typ := schema.Properties["replications"].Type; typ != "array" && fmt.Sprint(typ) != "[array null]" {
		t.Errorf("replications has type %v, want an array of results", typ)
	}
}
