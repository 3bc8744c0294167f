package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
)

// httpGet returns the status and body of GET url.
func httpGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestWorkerProbes runs the worker in process with its metrics server on a
// free port: /health answers while it runs, /metrics has the job metrics
// (and the Go and process collectors) with the values of the one run it
// executed, and the server is gone once the worker has stopped.
func TestWorkerProbes(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := config.Default(1)
			cfg.Workers, cfg.AutoMigrate, cfg.LogFormat = 1, false, "text"
			cfg.MetricsAddr = testenv.FreeAddr(t)
			switch dialect {
			case "sqlite":
				cfg.DataDir = t.TempDir()
			case "postgres":
				cfg.DatabaseURL = testenv.PostgresURL(t)
			}
			st, err := dial.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			owner := testenv.Actor(t, st)
			submitter, err := job.NewClient(st, job.Config{})
			if err != nil {
				t.Fatal(err)
			}
			_, body := workerScenario(t, 5)
			run, err := submitter.Submit(ctx, owner, store.Run{Scenario: body, Seed: 7, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}

			stderr := &testenv.SyncBuffer{}
			a := &app{stderr: stderr, getenv: func(string) string { return "" }}
			wctx, stop := context.WithCancel(ctx)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- a.work(wctx, cfg) }()
			defer func() {
				if t.Failed() {
					t.Logf("worker log:\n%s", stderr.String())
				}
			}()

			base := "http://" + cfg.MetricsAddr
			deadline := time.Now().Add(time.Minute) // bounds a hung test
			for {
				code, health, err := httpGet(base + "/health")
				if err == nil {
					if code != http.StatusOK || !strings.Contains(health, `"status":"ok"`) {
						t.Fatalf("GET /health = %d %s, want 200 and status ok", code, health)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the worker's /health never answered: %v", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
			got := pollRun(t, st, run.ID, "final", 2*time.Minute, func(r store.Run) bool { return r.Status.Final() })
			if got.Status != store.StatusSucceeded {
				t.Fatalf("run ended %s with %q, want succeeded", got.Status, got.Error)
			}
			res, err := st.GetResult(ctx, owner, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			var r result.Result
			if err := json.Unmarshal(res.Result, &r); err != nil {
				t.Fatal(err)
			}
			if r.Counts.Events == 0 {
				t.Fatal("the run's result counts no events")
			}

			code, metrics, err := httpGet(base + "/metrics")
			if err != nil || code != http.StatusOK {
				t.Fatalf("GET /metrics = %d, %v", code, err)
			}
			for _, want := range []string{
				`fastsim_runs_finished_total{status="succeeded"} 1`,
				"fastsim_runs_submitted_total 0", // submitted by another client
				"fastsim_jobs_running 0",
				fmt.Sprintf("fastsim_simulated_events_total %d", r.Counts.Events),
				`fastsim_runs{status="succeeded"} 1`,
				`fastsim_runs{status="queued"} 0`,
			} {
				if !strings.Contains(metrics, "\n"+want+"\n") {
					t.Errorf("/metrics lacks the line %q", want)
				}
			}
			for _, want := range []string{"\ngo_goroutines ", "\nprocess_cpu_seconds_total "} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
				}
			}
			if strings.Contains(metrics, "fastsim_http_requests_total") {
				t.Errorf("/metrics of a worker has the API's HTTP metrics")
			}

			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("work returned %v, want nil after a clean stop", err)
				}
			case <-time.After(time.Minute):
				t.Fatal("the worker did not stop within a minute")
			}
			if _, _, err := httpGet(base + "/health"); err == nil {
				t.Errorf("/health still answers after the worker stopped")
			}
			if !strings.Contains(stderr.String(), "metrics_addr="+cfg.MetricsAddr) {
				t.Errorf("start log does not name the metrics address %s", cfg.MetricsAddr)
			}
		})
	}
}

// TestWorkerMetricsAddrInUse checks that a worker whose metrics port is
// taken fails at once, naming the setting.
func TestWorkerMetricsAddrInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	res := runCLI(t, "worker", "--workers", "1", "--data-dir", t.TempDir(), "--metrics-addr", ln.Addr().String())
	res.wantCode(t, exitFailure)
	contains(t, "stderr", res.stderr, "--metrics-addr "+ln.Addr().String(), "or off")
}
