package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestServeGracefulShutdown stops `fastsim serve` while a long run is
// executing and a client follows its event stream: serve must end the
// stream, stop the worker within --shutdown-timeout, exit 0, and leave the
// run to be retried (not failed).
func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs a multi-second simulation")
	}
	addr := testenv.FreeAddr(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{
		"FASTSIM_ADDR": addr, "FASTSIM_DATA_DIR": dataDir, "FASTSIM_WORKERS": "1",
		"FASTSIM_SHUTDOWN_TIMEOUT": "1s",
	}
	getenv := func(k string) string { return env[k] }
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stdout, stderr testenv.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), &stdout, &stderr) }()
	base := "http://" + addr
	waitHTTP(t, base+"/ready", 30*time.Second, &stderr)
	client := singleUserClient(t, dataDir)

	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "api", "testdata", "long.yml"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"scenario": string(data)})
	resp, err := client.Post(base+"/api/v1/runs", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if created.ID == "" {
		t.Fatalf("POST /api/v1/runs: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(base + "/api/v1/runs/" + created.ID)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Status string }
		_ = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if r.Status == "running" {
			break
		}
		if r.Status != "queued" || time.Now().After(deadline) {
			t.Fatalf("run is %q, want running", r.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stream, err := client.Get(base + "/api/v1/runs/" + created.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		_, _ = io.Copy(io.Discard, stream.Body)
		stream.Body.Close()
	}()

	stop()
	start := time.Now()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("serve exit code %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop within 20s; stderr:\n%s", stderr.String())
	}
	t.Logf("serve stopped %s after the signal", time.Since(start).Round(time.Millisecond))
	select {
	case <-streamDone:
	case <-time.After(5 * time.Second):
		t.Error("the event stream was not ended by the shutdown")
	}

	// The run was handed back, not failed: it is still queued or running
	// (its job will be retried by the next worker).
	st, err := dial.Open(context.Background(), "", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.GetRun(context.Background(), store.System(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusRunning && r.Status != store.StatusQueued {
		t.Errorf("after shutdown the run is %s (%s), want it handed back (queued or running)", r.Status, r.Error)
	}
}
