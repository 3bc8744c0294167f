package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/cache/cachetest"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
)

// waitFinal polls a run until it reaches a final status.
func waitFinal(t *testing.T, b testBundle, id string, within time.Duration) api.Run {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := b.do(t, "GET", runPath(id), "", nil)
		wantStatus(t, r, http.StatusOK)
		var run api.Run
		if err := json.Unmarshal(r.body, &run); err != nil {
			t.Fatal(err)
		}
		switch run.Status {
		case "succeeded", "failed", "cancelled":
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after %s", id, run.Status, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getResult(t *testing.T, b testBundle, id string) api.ResultBody {
	t.Helper()
	r := b.do(t, "GET", runPath(id, "/result"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var res api.ResultBody
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRunLifecycle drives a run end to end on every configured database:
// create a scenario, run it, follow the event stream to the end, and read
// the result and the series.
func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, workers: 1})
			srv := httptest.NewServer(b.handler)
			t.Cleanup(srv.Close)
			sid := createScenario(t, b, "lifecycle", readFile(t, "small.yml"))["id"].(string)
			r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "seed": 3})
			wantStatus(t, r, http.StatusAccepted)
			id := mustID(t, r)

			// The event stream ends with the final status.
			resp, err := b.get(srv.URL + runPath(id, "/events"))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Errorf("Content-Type = %q", ct)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			events := parseSSE(t, body)
			last := events[len(events)-1]
			if last.name != "status" || last.run.Status != "succeeded" || last.run.Progress != 1 {
				t.Fatalf("last event = %+v, want status succeeded with progress 1", last)
			}
			for _, ev := range events[:len(events)-1] {
				if ev.name != "progress" {
					t.Errorf("event %q before the end, want progress", ev.name)
				}
			}

			run := waitFinal(t, b, id, 30*time.Second)
			if run.StartedAt == nil || run.FinishedAt == nil || run.QueuedS == nil || run.RunningS == nil || run.CacheHit {
				t.Errorf("finished run lacks timings or claims a cache hit: %+v", run)
			}
			res := getResult(t, b, id)
			if res.Seed != 3 || res.HorizonS != 20 || res.Counts.Generated == 0 ||
				res.Counts.Generated != res.Counts.Completed+res.Counts.Dropped+res.Counts.Failed+res.Counts.InFlight {
				t.Errorf("result counts inconsistent: seed %d horizon %v counts %+v", res.Seed, res.HorizonS, res.Counts)
			}
			if res.Replications != nil || res.Statistics != nil {
				t.Error("a single-replication result has replications or statistics")
			}
			r = b.do(t, "GET", runPath(id, "/series"), "", nil)
			wantStatus(t, r, http.StatusOK)
			var series result.Series
			if err := json.Unmarshal(r.body, &series); err != nil {
				t.Fatal(err)
			}
			// 20 s sampled every 0.1 s: samples k = 0..199.
			if got := len(series.Servers["srv"].ReadyQueueLen); series.PeriodS != 0.1 || got != 200 {
				t.Errorf("series: period %v, %d samples; want 0.1 and 200", series.PeriodS, got)
			}
			// Cancelling a finished run conflicts.
			wantStatus(t, b.do(t, "POST", runPath(id, "/cancel"), "", nil), http.StatusConflict)
		})
	}
}

func TestReplicationsAndCacheHit(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{workers: 2})
	small := json.RawMessage(canonical(t, readFile(t, "small.yml")))
	req := map[string]any{"scenario": small, "seed": 11, "replications": 3}
	r := b.doJSON(t, "POST", "/api/v1/runs", req)
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	if run := waitFinal(t, b, id, 60*time.Second); run.Status != "succeeded" {
		t.Fatalf("run %s: %s (%s)", id, run.Status, run.Error)
	}
	res := getResult(t, b, id)
	if len(res.Replications) != 3 || res.Statistics == nil || res.Statistics.Replications != 3 {
		t.Fatalf("result has %d replications, statistics %+v; want 3", len(res.Replications), res.Statistics)
	}
	var sum int64
	for _, rep := range res.Replications {
		sum += rep.Counts.Completed
	}
	if sum != res.Counts.Completed {
		t.Errorf("merged completed %d != sum of replications %d", res.Counts.Completed, sum)
	}
	// The HTML report says it is a merge and shows the statistics.
	page := b.do(t, "GET", runPath(id, "/report.html"), "", nil)
	wantStatus(t, page, http.StatusOK)
	p99 := result.FormatNumber(1000 * res.Statistics.LatencyP99.Mean)
	for _, want := range []string{"Merged from 3 replications", "95 % confidence interval", "latency p99 (ms)", ">" + p99 + "<"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("report.html of a replicated run lacks %q", want)
		}
	}

	// The same request again is answered from the cache at once, with the
	// same result.
	r = b.doJSON(t, "POST", "/api/v1/runs", req)
	wantStatus(t, r, http.StatusAccepted)
	var hit api.Run
	if err := json.Unmarshal(r.body, &hit); err != nil {
		t.Fatal(err)
	}
	if hit.Status != "succeeded" || !hit.CacheHit || hit.ID == id {
		t.Fatalf("second run = %+v, want a new succeeded run with cache_hit", hit)
	}
	again := getResult(t, b, hit.ID)
	again.RunID = res.RunID
	a, _ := json.Marshal(again)
	o, _ := json.Marshal(res)
	if string(a) != string(o) {
		t.Error("the cached result differs from the original")
	}
	// A different seed is a different key.
	req["seed"] = 12
	r = b.doJSON(t, "POST", "/api/v1/runs", req)
	wantStatus(t, r, http.StatusAccepted)
	if r.json(t)["cache_hit"] != false {
		t.Error("a different seed hit the cache")
	}
}

// TestCacheNeverCrossesEngines runs the same scenario and seed, for the
// same user, on two API instances that share the store and the cache but
// stand for two builds of the engine: the second build never reuses the
// first one's result, from the cache or from the store.
func TestCacheNeverCrossesEngines(t *testing.T) {
	t.Parallel()
	old := setup(t, setupOpts{workers: 1, engine: "engine-old"})
	next := setup(t, setupOpts{workers: 1, engine: "engine-new", store: old.store, cache: old.cache, noAccount: true})
	next.user, next.token = old.user, old.token
	req := map[string]any{"scenario": string(readFile(t, "small.yml")), "seed": 21}

	steps := []struct {
		name    string
		b       testBundle
		wantHit bool
	}{
		{"OldEngineFirstRun", old, false},
		{"NewEngineSameRun", next, false},
		{"OldEngineAgain", old, true},
		{"NewEngineAgain", next, true},
	}
	for _, st := range steps {
		r := st.b.doJSON(t, "POST", "/api/v1/runs", req)
		wantStatus(t, r, http.StatusAccepted)
		if got := r.json(t)["cache_hit"]; got != st.wantHit {
			t.Fatalf("%s: cache_hit = %v, want %v", st.name, got, st.wantHit)
		}
		if run := waitFinal(t, st.b, mustID(t, r), time.Minute); run.Status != "succeeded" {
			t.Fatalf("%s: run %s (%s)", st.name, run.Status, run.Error)
		}
	}
}

func TestCancelRunningRun(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs a multi-second simulation")
	}
	b := setup(t, setupOpts{workers: 1})
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(readFile(t, "long.yml"))})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = b.do(t, "GET", runPath(id), "", nil)
		if st := r.json(t)["status"]; st == "running" {
			break
		} else if st != "queued" {
			t.Fatalf("status = %v before cancel, want running", st)
		}
		if time.Now().After(deadline) {
			t.Fatal("run never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	r = b.do(t, "POST", runPath(id, "/cancel"), "", nil)
	wantStatus(t, r, http.StatusOK)
	if r.json(t)["cancel_requested"] != true {
		t.Errorf("cancel response = %s", r.body)
	}
	run := waitFinal(t, b, id, 10*time.Second)
	if run.Status != "cancelled" {
		t.Fatalf("status = %s (%s), want cancelled", run.Status, run.Error)
	}
	wantStatus(t, b.do(t, "GET", runPath(id, "/result"), "", nil), http.StatusConflict)
}

// TestRedisOutageMidTest runs with a Redis cache behind a proxy the test
// cuts: requests keep succeeding, runs keep running, and /ready reports the
// cache. The Redis is FASTSIM_TEST_REDIS_URL when set, else an in-process
// fake.
func TestRedisOutageMidTest(t *testing.T) {
	t.Parallel()
	target, db := "", "0"
	if raw := testenv.RedisURL(); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		target, db = u.Host, strings.TrimPrefix(u.Path, "/")
	} else {
		target = cachetest.NewFakeRedis(t).Addr()
	}
	proxy := cachetest.NewProxy(t, target)
	c, err := cache.NewRedis(cache.RedisOptions{
		URL: fmt.Sprintf("redis://%s/%s", proxy.Addr(), db), TTL: time.Minute,
		Prefix: fmt.Sprintf("fastsim-test:%d:", time.Now().UnixNano()), Timeout: 200 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	b := setup(t, setupOpts{workers: 1, cache: c, check: true})
	wantStatus(t, b.do(t, "GET", "/ready", "", nil), http.StatusOK)

	small := json.RawMessage(canonical(t, readFile(t, "small.yml")))
	first := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small, "seed": 5})
	wantStatus(t, first, http.StatusAccepted)
	if run := waitFinal(t, b, mustID(t, first), 30*time.Second); run.Status != "succeeded" {
		t.Fatalf("run: %s", run.Status)
	}
	// Fills the cache from the store.
	hit := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small, "seed": 5})
	wantStatus(t, hit, http.StatusAccepted)
	if hit.json(t)["cache_hit"] != true {
		t.Fatal("second identical run was not a cache hit")
	}
	if _, ok := c.Get(context.Background(), hitKey(t, b, mustID(t, hit))); !ok {
		t.Error("the cache hit did not fill Redis")
	}

	proxy.Cut()

	// Redis is gone: readiness says so, requests still work.
	r := b.do(t, "GET", "/ready", "", nil)
	wantStatus(t, r, http.StatusServiceUnavailable)
	wantStatus(t, b.do(t, "GET", runPath(mustID(t, first)), "", nil), http.StatusOK)
	r = b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small, "seed": 6})
	wantStatus(t, r, http.StatusAccepted)
	if run := waitFinal(t, b, mustID(t, r), 30*time.Second); run.Status != "succeeded" {
		t.Fatalf("run during the outage: %s (%s)", run.Status, run.Error)
	}
	r = b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": small, "seed": 5})
	wantStatus(t, r, http.StatusAccepted)
}

// hitKey returns the cache key of a run, read back through the store.
func hitKey(t *testing.T, b testBundle, id string) string {
	t.Helper()
	run, err := b.store.GetRun(context.Background(), b.actor(), id)
	if err != nil {
		t.Fatal(err)
	}
	return run.CacheKey
}

// TestEventsStreamProgress follows a multi-second run and checks that
// progress events arrive, increasing, before the final status.
func TestEventsStreamProgress(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs a multi-second simulation")
	}
	b := setup(t, setupOpts{workers: 1})
	srv := httptest.NewServer(b.handler)
	t.Cleanup(srv.Close)
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(readFile(t, "long.yml"))})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	resp, err := b.get(srv.URL + runPath(id, "/events"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var progress []float64
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		var run api.Run
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &run); err != nil {
			t.Fatal(err)
		}
		if run.Status == "running" && run.Progress > 0 {
			progress = append(progress, run.Progress)
		}
		if len(progress) >= 2 {
			// Enough: progress moves while the run is going. Stop it.
			wantStatus(t, b.do(t, "POST", runPath(id, "/cancel"), "", nil), http.StatusOK)
			break
		}
	}
	if len(progress) < 2 || progress[1] <= progress[0] {
		t.Fatalf("progress events %v, want at least two increasing", progress)
	}
	waitFinal(t, b, id, 10*time.Second)
}
