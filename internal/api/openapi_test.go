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
