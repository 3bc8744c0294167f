package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/scenario"
)

// TestRunRequests covers POST /runs and the endpoints of a run that no
// worker executes (an API-only replica): the run stays queued.
func TestRunRequests(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{limits: api.Limits{MaxReplications: 5, MaxEventBudget: 100_000}})
	small := readFile(t, "small.yml")
	smallJSON := json.RawMessage(canonical(t, small))
	stored := createScenario(t, b, "stored", small)
	sid := stored["id"].(string)

	t.Run("OKInlineJSON", func(t *testing.T) {
		t.Parallel()
		r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": smallJSON, "seed": 7, "replications": 2})
		wantStatus(t, r, http.StatusAccepted)
		run := r.json(t)
		if r.header.Get("Location") != runPath(run["id"].(string)) {
			t.Errorf("Location = %q", r.header.Get("Location"))
		}
		want := map[string]any{"status": "queued", "seed": float64(7), "replications": float64(2), "cache_hit": false, "progress": float64(0)}
		for k, v := range want {
			if run[k] != v {
				t.Errorf("%s = %v, want %v", k, run[k], v)
			}
		}
	})
	t.Run("OKInlineYAMLDefaults", func(t *testing.T) {
		t.Parallel()
		r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(small)})
		wantStatus(t, r, http.StatusAccepted)
		if run := r.json(t); run["seed"] != float64(42) || run["replications"] != float64(1) {
			t.Errorf("defaults: seed %v replications %v, want 42 and 1", run["seed"], run["replications"])
		}
	})
	t.Run("OKStoredScenario", func(t *testing.T) {
		t.Parallel()
		r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "version": 1})
		wantStatus(t, r, http.StatusAccepted)
		if run := r.json(t); run["scenario_id"] != sid || run["scenario_version"] != float64(1) {
			t.Errorf("run = %v, want scenario %s version 1", run, sid)
		}
	})

	over := func() []byte {
		sc, err := scenario.Decode(small, scenario.FormatYAML)
		if err != nil {
			t.Fatal(err)
		}
		sc.Settings.TotalSimulationTime = 1000
		out, err := scenario.Canonical(sc)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}()
	tests := []struct {
		name     string
		body     map[string]any
		status   int
		location string
		contains string
	}{
		{"ErrNoScenario", map[string]any{"seed": 1}, 422, "body.scenario_id", "give scenario_id"},
		{"ErrBothScenarios", map[string]any{"scenario_id": sid, "scenario": smallJSON}, 422, "body.scenario", "not both"},
		{"ErrVersionWithInline", map[string]any{"scenario": smallJSON, "version": 2}, 422, "body.version", "scenario_id only"},
		{"ErrUnknownScenario", map[string]any{"scenario_id": "01900000-0000-7000-8000-000000000000"}, 404, "", ""},
		{"ErrUnknownVersion", map[string]any{"scenario_id": sid, "version": 9}, 404, "", ""},
		{"ErrTooManyReplications", map[string]any{"scenario": smallJSON, "replications": 6}, 422, "body.replications", "6 replications is over the limit of 5"},
		{"ErrNegativeReplications", map[string]any{"scenario": smallJSON, "replications": -1}, 422, "body.replications", ""},
		// engine.Estimate: 1000 s × 10 req/s × 6 = 60000 events per replication.
		{"ErrOverBudget", map[string]any{"scenario": json.RawMessage(over), "replications": 2}, 422, "body",
			"estimated at 120000 events (2 replication(s) of 1000 s at 10 requests/s), over the budget of 100000 by 20000 events (20%)"},
		{"ErrInvalidInline", map[string]any{"scenario": string(readFile(t, "invalid.yml"))}, 422, "rqs_input.colour", "unknown key"},
		{"ErrUnknownField", map[string]any{"scenario": smallJSON, "sead": 3}, 422, "body.sead", ""},
		{"ErrBodyTooLarge", map[string]any{"scenario": strings.Repeat("#", 1<<20)}, 413, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := b.doJSON(t, "POST", "/api/v1/runs", tt.body)
			wantStatus(t, r, tt.status)
			p := problemOf(t, r)
			if tt.location == "" {
				return
			}
			found := false
			for _, e := range p.Errors {
				if e.Location == tt.location && strings.Contains(e.Message, tt.contains) {
					found = true
				}
			}
			if !found {
				t.Errorf("errors %+v lack %s: %q", p.Errors, tt.location, tt.contains)
			}
		})
	}
}

func TestQueuedRunEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	small := json.RawMessage(canonical(t, readFile(t, "small.yml")))
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	const unknown = "01900000-0000-7000-8000-000000000000"

	r = b.do(t, "GET", runPath(id), "", nil)
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["status"]; got != "queued" {
		t.Errorf("status = %v, want queued", got)
	}
	for _, tt := range []struct {
		name, method, path string
		status             int
	}{
		{"ErrResultOfQueuedRun", "GET", runPath(id, "/result"), 409},
		{"ErrSeriesOfQueuedRun", "GET", runPath(id, "/series"), 409},
		{"ErrGetUnknown", "GET", runPath(unknown), 404},
		{"ErrGetMalformedID", "GET", runPath("not-a-uuid"), 404},
		{"ErrResultUnknown", "GET", runPath(unknown, "/result"), 404},
		{"ErrSeriesUnknown", "GET", runPath(unknown, "/series"), 404},
		{"ErrEventsUnknown", "GET", runPath(unknown, "/events"), 404},
		{"ErrCancelUnknown", "POST", runPath(unknown, "/cancel"), 404},
		{"ErrListBadStatus", "GET", "/api/v1/runs?status=queued,done", 400},
		{"ErrListBadLimit", "GET", "/api/v1/runs?limit=-3", 422},
	} {
		r := b.do(t, tt.method, tt.path, "", nil)
		if r.status != tt.status {
			t.Errorf("%s: status = %d, want %d; body %s", tt.name, r.status, tt.status, r.body)
			continue
		}
		problemOf(t, r)
	}

	// Cancelling a queued run cancels it at once; a second cancel conflicts.
	r = b.do(t, "POST", runPath(id, "/cancel"), "", nil)
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["status"]; got != "cancelled" {
		t.Errorf("status after cancel = %v, want cancelled", got)
	}
	r = b.do(t, "POST", runPath(id, "/cancel"), "", nil)
	wantStatus(t, r, http.StatusConflict)
	problemOf(t, r)
	r = b.do(t, "GET", runPath(id, "/result"), "", nil)
	wantStatus(t, r, http.StatusConflict)
	if p := problemOf(t, r); !strings.Contains(p.Detail, "is cancelled") {
		t.Errorf("detail = %q, want it to say the run is cancelled", p.Detail)
	}

	// The event stream of a finished run is one status event.
	r = b.do(t, "GET", runPath(id, "/events"), "", nil)
	wantStatus(t, r, http.StatusOK)
	events := parseSSE(t, r.body)
	if len(events) != 1 || events[0].name != "status" || events[0].run.Status != "cancelled" {
		t.Errorf("events = %+v, want one status event with status cancelled", events)
	}

	// Status filter.
	r2 := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small, "seed": 2})
	wantStatus(t, r2, http.StatusAccepted)
	for filter, want := range map[string][]string{
		"queued":           {mustID(t, r2)},
		"cancelled":        {id},
		"queued,cancelled": {mustID(t, r2), id},
		"succeeded":        {},
	} {
		r := b.do(t, "GET", "/api/v1/runs?status="+filter, "", nil)
		wantStatus(t, r, http.StatusOK)
		var page api.RunPage
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, run := range page.Items {
			got = append(got, run.ID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("status=%s (-want +got):\n%s", filter, diff)
		}
	}
}

func TestDeleteScenarioWithQueuedRun(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	sid := createScenario(t, b, "busy", readFile(t, "small.yml"))["id"].(string)
	run := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid})
	wantStatus(t, run, http.StatusAccepted)
	r := b.do(t, "DELETE", "/api/v1/scenarios/"+sid, "", nil)
	wantStatus(t, r, http.StatusConflict)
	problemOf(t, r)
	wantStatus(t, b.do(t, "POST", runPath(mustID(t, run), "/cancel"), "", nil), http.StatusOK)
	wantStatus(t, b.do(t, "DELETE", "/api/v1/scenarios/"+sid, "", nil), http.StatusNoContent)
}

type sseEvent struct {
	name string
	run  api.Run
}

func parseSSE(t *testing.T, body []byte) []sseEvent {
	t.Helper()
	var out []sseEvent
	for _, block := range strings.Split(strings.TrimSpace(string(body)), "\n\n") {
		var ev sseEvent
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.run); err != nil {
					t.Fatalf("SSE data %q: %v", line, err)
				}
			}
		}
		if ev.name != "" {
			out = append(out, ev)
		}
	}
	return out
}

// TestCreateRunYAML: POST /api/v1/runs takes a scenario in YAML, like
// /validate and /scenarios, with seed and replications in the query; its
// errors name where; any other media type gets 415 saying what to send.
func TestCreateRunYAML(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{limits: api.Limits{MaxReplications: 5}})
	small := readFile(t, "small.yml")
	r := b.do(t, "POST", "/api/v1/runs?seed=7&replications=2", "application/yaml", small)
	wantStatus(t, r, http.StatusAccepted)
	got := r.json(t)
	if got["seed"] != float64(7) || got["replications"] != float64(2) || got["status"] != "queued" {
		t.Errorf("run = %v, want seed 7, 2 replications, queued", got)
	}
	// Without query parameters the defaults apply; any YAML media type.
	r = b.do(t, "POST", "/api/v1/runs", "text/yaml; charset=utf-8", small)
	wantStatus(t, r, http.StatusAccepted)
	if got := r.json(t); got["seed"] != float64(42) || got["replications"] != float64(1) {
		t.Errorf("defaults: run = %v, want seed 42, 1 replication", got)
	}

	tests := []struct {
		name, path, ct string
		body           []byte
		status         int
		location       string
		contains       string
	}{
		{"ErrInvalidScenario", "/api/v1/runs", "application/yaml", readFile(t, "invalid.yml"), 422, "rqs_input.colour", "unknown key"},
		{"ErrSeedNotInteger", "/api/v1/runs?seed=abc", "application/yaml", small, 422, "query.seed", `must be an integer, got "abc"`},
		{"ErrTooManyReplications", "/api/v1/runs?replications=6", "application/x-yaml", small, 422, "body.replications", "6 replications is over the limit of 5"},
		{"ErrMediaType", "/api/v1/runs", "text/plain", small, 415, "header.Content-Type", "use application/json or application/yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "POST", tt.path, tt.ct, tt.body)
			wantStatus(t, r, tt.status)
			p := problemOf(t, r)
			found := false
			for _, e := range p.Errors {
				found = found || (e.Location == tt.location && strings.Contains(e.Message, tt.contains))
			}
			if !found {
				t.Errorf("errors %+v lack %s: %q", p.Errors, tt.location, tt.contains)
			}
		})
	}
}
