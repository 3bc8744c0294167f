package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

func studyPath(id string, suffix ...string) string {
	return "/api/v1/studies/" + id + strings.Join(suffix, "")
}

// studyEvent is one event of a study's stream.
type studyEvent struct {
	name  string
	study api.Study
}

func parseStudySSE(t *testing.T, body []byte) []studyEvent {
	t.Helper()
	var out []studyEvent
	for _, block := range strings.Split(strings.TrimSpace(string(body)), "\n\n") {
		var ev studyEvent
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.study); err != nil {
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

func getStudy(t *testing.T, b testBundle, id string) api.Study {
	t.Helper()
	r := b.do(t, "GET", studyPath(id), "", nil)
	wantStatus(t, r, http.StatusOK)
	var st api.Study
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestSizingStudyLifecycle submits the M/M/c sizing study over the API,
// follows its event stream to the end (runs_done rising to runs_total),
// and checks that the result is exactly the library's answer on the same
// seeds (7 cores, every evaluation equal); then tenancy (another user
// gets 404 everywhere), list filters and delete.
func TestSizingStudyLifecycle(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, workers: 2, jobConfig: func(c *job.Config) { c.CancelPollInterval = 20 * time.Millisecond }})
			srv := httptest.NewServer(b.handler)
			t.Cleanup(srv.Close)
			sc := testenv.MMc(t, 60)
			body, err := scenario.Canonical(sc)
			if err != nil {
				t.Fatal(err)
			}
			sla := analysis.SLA{Percentile: 0.95, LatencyS: 0.0375}
			r := b.doJSON(t, "POST", "/api/v1/studies", map[string]any{
				"kind": "sizing", "scenario": json.RawMessage(body), "seed": 42, "replications": 3,
				"sizing": map[string]any{"what": "cores", "server": "srv-1", "sla": sla, "max": 16},
			})
			wantStatus(t, r, http.StatusAccepted)
			id := mustID(t, r)
			if loc := r.header.Get("Location"); loc != studyPath(id) {
				t.Errorf("Location = %q, want %q", loc, studyPath(id))
			}

			resp, err := b.get(srv.URL + studyPath(id, "/events"))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			events := parseStudySSE(t, raw)
			last := events[len(events)-1]
			if last.name != "status" || last.study.Status != "succeeded" || last.study.Progress != 1 ||
				last.study.RunsDone != last.study.RunsTotal || last.study.RunsDone == 0 {
				t.Fatalf("last event = %+v, want status succeeded with every run done", last)
			}
			prev := -1
			for _, ev := range events[:len(events)-1] {
				if ev.name != "progress" || ev.study.RunsDone < prev {
					t.Errorf("event %q with %d runs done after %d, want progress events with runs_done not decreasing", ev.name, ev.study.RunsDone, prev)
				}
				prev = ev.study.RunsDone
			}

			r = b.do(t, "GET", studyPath(id, "/result"), "", nil)
			wantStatus(t, r, http.StatusOK)
			var res api.StudyResultBody
			if err := json.Unmarshal(r.body, &res); err != nil {
				t.Fatal(err)
			}
			if res.Sizing == nil || res.Sizing.Size == nil || res.Sizing.Size.Answer != 7 || res.StudyID != id {
				t.Fatalf("result %s, want the answer 7 cores", r.body)
			}
			seeds := []int64{fastsim.ReplicationSeed(42, 0), fastsim.ReplicationSeed(42, 1), fastsim.ReplicationSeed(42, 2)}
			spec := analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: sla, Seeds: seeds, Max: 16}
			run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
				return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
			}
			local, err := spec.Run(context.Background(), sc, analysis.Options{Run: run, Parallelism: 3})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(local)
			got, _ := json.Marshal(res.Sizing)
			if string(want) != string(got) {
				t.Errorf("the study differs from the library on the same seeds:\nstudy %s\nlocal %s", got, want)
			}

			// Charts of a sizing study: its evaluations against the cores,
			// with the SLA line.
			names := studyChartNames(t, b, id)
			if !slices.Contains(names, "latency_p95") || slices.Contains(names, "latency_mean") {
				t.Errorf("charts %v, want latency_p95 and no latency_mean (an evaluation has none)", names)
			}
			r = b.do(t, "GET", studyPath(id, "/charts/latency_p95.svg"), "", nil)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(string(r.body), "<svg") {
				t.Errorf("latency_p95.svg is not an SVG: %.100s", r.body)
			}

			// Lists: filters by kind and status.
			for q, n := range map[string]int{"": 1, "?kind=sizing": 1, "?kind=sweep": 0, "?status=succeeded": 1, "?status=queued,running": 0} {
				r = b.do(t, "GET", "/api/v1/studies"+q, "", nil)
				wantStatus(t, r, http.StatusOK)
				var page api.StudyPage
				if err := json.Unmarshal(r.body, &page); err != nil {
					t.Fatal(err)
				}
				if len(page.Items) != n {
					t.Errorf("GET /api/v1/studies%s: %d studies, want %d", q, len(page.Items), n)
				}
			}
			wantStatus(t, b.do(t, "GET", "/api/v1/studies?kind=grid", "", nil), http.StatusBadRequest)

			// Tenancy: another user sees nothing of it.
			_, otherKey := newAccount(t, b, store.RoleUser)
			other := b.as(otherKey)
			for _, req := range []struct{ method, path string }{
				{"GET", studyPath(id)}, {"GET", studyPath(id, "/result")}, {"GET", studyPath(id, "/events")},
				{"POST", studyPath(id, "/cancel")}, {"DELETE", studyPath(id)}, {"GET", studyPath(id, "/charts")},
				{"GET", studyPath(id, "/charts/latency_p95.svg")}, {"GET", studyPath(id, "/report.html")},
			} {
				wantStatus(t, other.do(t, req.method, req.path, "", nil), http.StatusNotFound)
			}
			r = other.do(t, "GET", "/api/v1/studies", "", nil)
			wantStatus(t, r, http.StatusOK)
			if strings.Contains(string(r.body), id) {
				t.Error("another user's list shows the study")
			}

			// Cancel of a finished study: 409; delete: 204, then 404.
			wantStatus(t, b.do(t, "POST", studyPath(id, "/cancel"), "", nil), http.StatusConflict)
			wantStatus(t, b.do(t, "DELETE", studyPath(id), "", nil), http.StatusNoContent)
			wantStatus(t, b.do(t, "GET", studyPath(id), "", nil), http.StatusNotFound)
		})
	}
}

// TestSweepStudy runs a sweep over the cores of small.yml's server with
// two replications: one point per value, each with its figures.
func TestSweepStudy(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 2})
	r := b.doJSON(t, "POST", "/api/v1/studies", map[string]any{
		"kind": "sweep", "scenario": string(readFile(t, "small.yml")), "replications": 2,
		"sweep": map[string]any{"params": []map[string]any{
			{"path": "topology_graph.nodes.servers[id=srv].server_resources.cpu_cores", "values": []float64{1, 2}},
			{"path": "rqs_input.avg_active_users.mean", "from": 5, "to": 15, "count": 3},
		}},
	})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	if st := getStudy(t, b, id); st.RunsTotal != 12 || st.Kind != "sweep" {
		t.Fatalf("study %+v, want 12 candidate runs (2 × 3 candidates × 2 replications)", st)
	}
	deadline := time.Now().Add(time.Minute)
	for st := getStudy(t, b, id); !(st.Status == "succeeded" || st.Status == "failed" || st.Status == "cancelled"); st = getStudy(t, b, id) {
		if time.Now().After(deadline) {
			t.Fatalf("study still %s", st.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r = b.do(t, "GET", studyPath(id, "/result"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var res api.StudyResultBody
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Sweep == nil || len(res.Sweep.Points) != 6 {
		t.Fatalf("result %s, want 6 points", r.body)
	}
	for i, p := range res.Sweep.Points {
		if p.Figures.ThroughputRPS.Mean <= 0 || len(p.Values) != 2 {
			t.Errorf("point %d: %+v, want values of both parameters and a throughput", i, p)
		}
	}
	if got := res.Sweep.Points[5].Values; got[0] != 2 || got[1] != 15 {
		t.Errorf("last point's values %v, want [2 15] (row-major, last parameter fastest)", got)
	}

	// Charts: a curve per figure and, for two parameters, its heat map.
	names := studyChartNames(t, b, id)
	for _, want := range []string{"latency_p99", "heatmap-latency_p99", "throughput_rps", "utilization.srv", "heatmap-utilization.srv"} {
		if !slices.Contains(names, want) {
			t.Errorf("charts %v lack %s", names, want)
		}
	}
	for file, ct := range map[string]string{"/charts/latency_p99.svg": "image/svg+xml", "/charts/heatmap-latency_p99.png": "image/png",
		"/report.html": "text/html; charset=utf-8"} {
		r := b.do(t, "GET", studyPath(id, file), "", nil)
		wantStatus(t, r, http.StatusOK)
		if got := r.header.Get("Content-Type"); got != ct || len(r.body) == 0 {
			t.Errorf("%s: Content-Type %q and %d bytes, want %s", file, got, len(r.body), ct)
		}
	}
	wantStatus(t, b.do(t, "GET", studyPath(id, "/charts/nope.svg"), "", nil), http.StatusNotFound)
}

// studyChartNames lists the names of a study's charts.
func studyChartNames(t *testing.T, b testBundle, id string) []string {
	t.Helper()
	r := b.do(t, "GET", studyPath(id, "/charts"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var list struct {
		Charts []api.ChartLink `json:"charts"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list.Charts {
		names = append(names, c.Name)
	}
	return names
}

// TestStudyErrors: every mistake is a problem naming where it is — a bad
// path names the path (422), settings of the wrong kind, an unknown
// server, and a plan too small for the study's candidate runs.
func TestStudyErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	small := string(readFile(t, "small.yml"))
	sweep := func(path string) map[string]any {
		return map[string]any{"kind": "sweep", "scenario": small, "sweep": map[string]any{"params": []map[string]any{{"path": path, "values": []float64{1, 2}}}}}
	}
	for name, tc := range map[string]struct {
		body     map[string]any
		status   int
		location string
	}{
		"ErrUnknownPath": {sweep("topology_graph.nodes.servers[id=nope].server_resources.cpu_cores"), 422,
			"topology_graph.nodes.servers[id=nope].server_resources.cpu_cores"},
		"ErrNoSettings":     {map[string]any{"kind": "sizing", "scenario": small}, 422, "body.sizing"},
		"ErrUnknownServer":  {map[string]any{"kind": "sizing", "scenario": small, "sizing": map[string]any{"what": "cores", "server": "nope", "sla": map[string]any{"percentile": 0.99, "latency_s": 0.1}}}, 422, "body.sizing"},
		"ErrBadSLA":         {map[string]any{"kind": "sizing", "scenario": small, "sizing": map[string]any{"what": "cores", "sla": map[string]any{"percentile": 2, "latency_s": 0.1}}}, 422, "body.sizing"},
		"ErrNoScenario":     {map[string]any{"kind": "sweep", "sweep": map[string]any{"params": []map[string]any{{"path": "load", "values": []float64{1}}}}}, 422, "body.scenario_id"},
		"ErrRangeAndValues": {map[string]any{"kind": "sweep", "scenario": small, "sweep": map[string]any{"params": []map[string]any{{"path": "load", "values": []float64{1}, "from": 1, "to": 2, "step": 1}}}}, 422, "body.sweep.params[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			r := b.doJSON(t, "POST", "/api/v1/studies", tc.body)
			wantStatus(t, r, tc.status)
			p := problemOf(t, r)
			if len(p.Errors) == 0 || p.Errors[0].Location != tc.location {
				t.Errorf("problem %s, want an error at %q", r.body, tc.location)
			}
		})
	}
	// A plan whose runs per day cannot hold the study: 422 naming the
	// limit and the fix.
	plans := quota.DefaultPlans()
	free := plans[store.PlanFree]
	free.MaxRunsPerDay = 5
	plans[store.PlanFree] = free
	limited := withOptions(b, func(o *api.Options) { o.Plans = plans })
	r := limited.doJSON(t, "POST", "/api/v1/studies", map[string]any{
		"kind": "sweep", "scenario": small, "replications": 3,
		"sweep": map[string]any{"params": []map[string]any{{"path": "load", "values": []float64{1, 2}}}},
	})
	wantLimit(t, r, limitBody{Status: 422, Limit: "runs_per_day", Max: 5, Current: 6, Plan: "free"})
	if p := problemOf(t, r); !strings.Contains(p.Detail, "2 candidates × 3 replications") || !strings.Contains(p.Detail, "larger plan") {
		t.Errorf("detail %q does not explain the count and the fix", p.Detail)
	}
	// A replicas search whose largest candidate has more servers than the
	// plan allows: examples/lb_two_servers.yml's 2 servers plus up to 19
	// copies of srv-fast, over the free plan's 20.
	lb, err := os.ReadFile(filepath.Join("..", "..", "examples", "lb_two_servers.yml"))
	if err != nil {
		t.Fatal(err)
	}
	r = limited.doJSON(t, "POST", "/api/v1/studies", map[string]any{
		"kind": "sizing", "scenario": string(lb), "replications": 1,
		"sizing": map[string]any{"what": "replicas", "server": "srv-fast", "max": 20, "sla": map[string]any{"percentile": 0.99, "latency_s": 0.5}},
	})
	wantLimit(t, r, limitBody{Status: 422, Limit: "servers", Max: 20, Current: 21, Plan: "free"})
}

// TestCompareRuns compares two runs of scenarios that differ in one
// server's cores, on the same seeds: the diff lists exactly that path and
// the differences are paired; another user gets 404, an unfinished run
// 409.
func TestCompareRuns(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 2})
	small := readFile(t, "small.yml")
	two := []byte(strings.Replace(string(small), "cpu_cores: 1", "cpu_cores: 2", 1))
	var ids []string
	for _, body := range [][]byte{small, two} {
		r := b.do(t, "POST", "/api/v1/runs?seed=5&replications=3", "application/yaml", body)
		wantStatus(t, r, http.StatusAccepted)
		id := mustID(t, r)
		if run := waitFinal(t, b, id, time.Minute); run.Status != "succeeded" {
			t.Fatalf("run %s: %s %s", id, run.Status, run.Error)
		}
		ids = append(ids, id)
	}
	r := b.do(t, "GET", "/api/v1/compare?a="+ids[0]+"&b="+ids[1], "", nil)
	wantStatus(t, r, http.StatusOK)
	var cmp api.CompareBody
	if err := json.Unmarshal(r.body, &cmp); err != nil {
		t.Fatal(err)
	}
	if cmp.Method != analysis.MethodPaired || !cmp.ScenariosCompared || cmp.A != ids[0] || cmp.B != ids[1] {
		t.Errorf("comparison %s, want paired with both scenarios", r.body)
	}
	if len(cmp.Changes) != 1 || cmp.Changes[0].Path != "topology_graph.nodes.servers[id=srv].server_resources.cpu_cores" {
		t.Errorf("changes %+v, want exactly the server's cpu_cores", cmp.Changes)
	}
	if len(cmp.Figures) == 0 {
		t.Error("no figure differences")
	}
	q := "?a=" + ids[0] + "&b=" + ids[1]
	for file, ct := range map[string]string{"/charts/differences.svg": "image/svg+xml", "/charts/differences.png": "image/png",
		"/report.html": "text/html; charset=utf-8"} {
		r := b.do(t, "GET", "/api/v1/compare"+file+q, "", nil)
		wantStatus(t, r, http.StatusOK)
		if got := r.header.Get("Content-Type"); got != ct || len(r.body) == 0 {
			t.Errorf("%s: Content-Type %q and %d bytes, want %s", file, got, len(r.body), ct)
		}
	}
	wantStatus(t, b.do(t, "GET", "/api/v1/compare/charts/nope.svg"+q, "", nil), http.StatusNotFound)
	_, otherKey := newAccount(t, b, store.RoleUser)
	for _, p := range []string{"/api/v1/compare", "/api/v1/compare/charts/differences.svg", "/api/v1/compare/report.html"} {
		wantStatus(t, b.as(otherKey).do(t, "GET", p+q, "", nil), http.StatusNotFound)
	}
	wantStatus(t, b.do(t, "GET", "/api/v1/compare?a="+ids[0], "", nil), http.StatusUnprocessableEntity)
}

// TestStudyCancelAndDelete: an active study cannot be deleted (409) and
// counts as a concurrent run against the plan (a second study of a
// one-run plan gets 429); cancelled, it is cancelled at once, frees the
// slot, and can be deleted.
func TestStudyCancelAndDelete(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 1})
	plans := quota.DefaultPlans()
	free := plans[store.PlanFree]
	free.MaxConcurrentRuns = 1
	plans[store.PlanFree] = free
	b = withOptions(b, func(o *api.Options) { o.Plans = plans })
	// Each candidate run takes seconds.
	long := testenv.OneServerYAML(6000, 500)
	body := map[string]any{"kind": "sweep", "scenario": long, "replications": 2,
		"sweep": map[string]any{"params": []map[string]any{{"path": "load", "values": []float64{1, 2}}}}}
	r := b.doJSON(t, "POST", "/api/v1/studies", body)
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	r = b.doJSON(t, "POST", "/api/v1/studies", body)
	wantLimit(t, r, limitBody{Status: 429, Limit: "concurrent_runs", Max: 1, Current: 1, Plan: "free", RetryAfterS: -1})
	wantStatus(t, b.do(t, "DELETE", studyPath(id), "", nil), http.StatusConflict)
	r = b.do(t, "POST", studyPath(id, "/cancel"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var st api.Study
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatal(err)
	}
	if st.Status != "cancelled" || !st.CancelRequested {
		t.Errorf("after cancel: %+v, want cancelled at once", st)
	}
	wantStatus(t, b.do(t, "GET", studyPath(id, "/result"), "", nil), http.StatusConflict)
	r = b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(readFile(t, "small.yml"))})
	wantStatus(t, r, http.StatusAccepted) // the slot is free again
	wantStatus(t, b.do(t, "DELETE", studyPath(id), "", nil), http.StatusNoContent)
}

// TestLoadSizingStudy runs a load sizing study (fastsim size --what load):
// one level per load multiplier, and charts against the load.
func TestLoadSizingStudy(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 2})
	r := b.doJSON(t, "POST", "/api/v1/studies", map[string]any{
		"kind": "sizing", "scenario": string(readFile(t, "small.yml")), "replications": 2,
		"sizing": map[string]any{"what": "load", "loads": []float64{0.5, 1, 2}, "sla": map[string]any{"percentile": 0.99, "latency_s": 0.5}},
	})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	if st := getStudy(t, b, id); st.RunsTotal != 6 {
		t.Errorf("runs total %d, want 6 (3 loads × 2 replications)", st.RunsTotal)
	}
	deadline := time.Now().Add(time.Minute)
	for st := getStudy(t, b, id); st.Status != "succeeded"; st = getStudy(t, b, id) {
		if st.Status == "failed" || st.Status == "cancelled" || time.Now().After(deadline) {
			t.Fatalf("study %s (%s)", st.Status, st.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r = b.do(t, "GET", studyPath(id, "/result"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var res api.StudyResultBody
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Sizing == nil || res.Sizing.Load == nil || len(res.Sizing.Load.Levels) != 3 || res.Sizing.Load.Levels[2].Value != 2 {
		t.Fatalf("result %s, want the load sweep's three levels", r.body)
	}
	if names := studyChartNames(t, b, id); !slices.Contains(names, "latency_p99") {
		t.Errorf("charts %v lack latency_p99", names)
	}
	wantStatus(t, b.do(t, "GET", studyPath(id, "/charts/throughput_rps.png"), "", nil), http.StatusOK)
}
