package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// renderCSP is the policy of the rendered documents (internal/api's
// renderCSP): inline styles and nothing else.
const renderCSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// TestChartsAndReport fetches every chart of a succeeded run in both
// formats and its HTML report, and checks the error paths: a queued run
// (409), an unknown run (404), an unknown chart and an unknown format (404).
func TestChartsAndReport(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, workers: 1})
			sid := createScenario(t, b, "charts", readFile(t, "small.yml"))["id"].(string)
			r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "seed": 5})
			wantStatus(t, r, http.StatusAccepted)
			id := mustID(t, r)
			if run := waitFinal(t, b, id, 30*time.Second); run.Status != "succeeded" {
				t.Fatalf("run %s: %+v", id, run)
			}

			r = b.do(t, "GET", runPath(id, "/charts"), "", nil)
			wantStatus(t, r, http.StatusOK)
			var list struct {
				Charts []api.ChartLink `json:"charts"`
				Report string          `json:"report"`
			}
			if err := json.Unmarshal(r.body, &list); err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, c := range list.Charts {
				names[c.Name] = true
			}
			for _, want := range []string{"dashboard", "latency", "throughput", "topology", "server-srv", "edges"} {
				if !names[want] {
					t.Errorf("chart %q missing from %v", want, list.Charts)
				}
			}
			for _, c := range list.Charts {
				svg := b.do(t, "GET", c.SVG, "", nil)
				wantStatus(t, svg, http.StatusOK)
				if ct := svg.header.Get("Content-Type"); ct != "image/svg+xml" || !bytes.Contains(svg.body, []byte("<svg")) {
					t.Errorf("%s: Content-Type %q, %d bytes", c.SVG, ct, len(svg.body))
				}
				png := b.do(t, "GET", c.PNG, "", nil)
				wantStatus(t, png, http.StatusOK)
				if ct := png.header.Get("Content-Type"); ct != "image/png" || !bytes.HasPrefix(png.body, []byte("\x89PNG\r\n\x1a\n")) {
					t.Errorf("%s: Content-Type %q, not a PNG", c.PNG, ct)
				}
			}
			// The series recorded by the worker reach the charts: no panel
			// says they are missing.
			dash := b.do(t, "GET", runPath(id, "/charts/dashboard.svg"), "", nil)
			if bytes.Contains(dash.body, []byte("series not recorded")) {
				t.Error("dashboard drawn without the stored series")
			}

			page := b.do(t, "GET", list.Report, "", nil)
			wantStatus(t, page, http.StatusOK)
			if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("report Content-Type %q", ct)
			}
			for _, want := range []string{"<html", "srv", "<svg"} {
				if !bytes.Contains(page.body, []byte(want)) {
					t.Errorf("report lacks %q", want)
				}
			}

			// The rendered documents carry the render policy (inline styles,
			// nothing else); JSON answers keep the strict one.
			for _, p := range []string{runPath(id, "/charts/dashboard.svg"), list.Report} {
				if got := b.do(t, "GET", p, "", nil).header.Get("Content-Security-Policy"); got != renderCSP {
					t.Errorf("GET %s: Content-Security-Policy %q, want %q", p, got, renderCSP)
				}
			}
			if got := r.header.Get("Content-Security-Policy"); got != strictCSP {
				t.Errorf("GET charts list: Content-Security-Policy %q, want %q", got, strictCSP)
			}
			// Another user gets 404 for a document already in the render
			// cache: the cache is behind the access check.
			_, other := newAccount(t, b, store.RoleUser)
			for _, p := range []string{runPath(id, "/charts/dashboard.svg"), list.Report} {
				wantStatus(t, b.as(other).do(t, "GET", p, "", nil), http.StatusNotFound)
			}

			for _, tt := range []struct {
				name, path string
				status     int
			}{
				{"ErrUnknownChart", runPath(id, "/charts/nope.svg"), http.StatusNotFound},
				{"ErrUnknownFormat", runPath(id, "/charts/dashboard.gif"), http.StatusNotFound},
				{"ErrNoExtension", runPath(id, "/charts/dashboard"), http.StatusNotFound},
				{"ErrUnknownRun", runPath("00000000-0000-4000-8000-000000000000", "/charts/dashboard.svg"), http.StatusNotFound},
				{"ErrUnknownRunReport", runPath("00000000-0000-4000-8000-000000000000", "/report.html"), http.StatusNotFound},
			} {
				got := b.do(t, "GET", tt.path, "", nil)
				if got.status != tt.status {
					t.Errorf("%s: GET %s = %d, want %d: %s", tt.name, tt.path, got.status, tt.status, got.body)
				}
			}
		})
	}
}

// TestChartsOfQueuedRun answers 409 while the run has no result.
func TestChartsOfQueuedRun(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 0})
	sid := createScenario(t, b, "queued", readFile(t, "small.yml"))["id"].(string)
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	for _, p := range []string{"/charts", "/charts/dashboard.svg", "/report.html"} {
		wantStatus(t, b.do(t, "GET", runPath(id, p), "", nil), http.StatusConflict)
	}
}

// TestChartLinksEscaped: a server id with "/", "?", "#", "%" and a space
// gives chart links whose path segments are escaped, and each link
// fetches its chart (unescaped, the link would 404 or lose its tail).
func TestChartLinksEscaped(t *testing.T) {
	t.Parallel()
	const id = "srv/a?b#c%d e"
	b := setup(t, setupOpts{workers: 1})
	yml := strings.ReplaceAll(string(readFile(t, "small.yml")), "srv", `"`+id+`"`)
	yml = strings.ReplaceAll(yml, `"`+id+`"-client`, "srv-client") // edge ids stay plain
	yml = strings.ReplaceAll(yml, `client-"`+id+`"`, "client-srv")
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": yml})
	wantStatus(t, r, http.StatusAccepted)
	run := mustID(t, r)
	if got := waitFinal(t, b, run, 30*time.Second); got.Status != "succeeded" {
		t.Fatalf("run %s: %+v", run, got)
	}
	r = b.do(t, "GET", runPath(run, "/charts"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var list struct {
		Charts []api.ChartLink `json:"charts"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	var server *api.ChartLink
	for i, c := range list.Charts {
		if c.Name == "server-"+id {
			server = &list.Charts[i]
		}
	}
	if server == nil {
		t.Fatalf("no chart server-%s in %+v", id, list.Charts)
	}
	want := "/api/v1/runs/" + run + "/charts/server-srv%2Fa%3Fb%23c%25d%20e.svg"
	if server.SVG != want {
		t.Errorf("SVG link = %q, want %q", server.SVG, want)
	}
	for _, link := range []string{server.SVG, server.PNG} {
		wantStatus(t, b.do(t, "GET", link, "", nil), http.StatusOK)
	}
}
