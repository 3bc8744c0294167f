package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeAPI answers the three calls loadgen makes, and 401 to requests
// without the bearer credential "fsk_test".
func fakeAPI(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/runs", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"id":"r1","status":"queued"}`))
	})
	mux.HandleFunc("GET /api/v1/runs/r1", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"r1","status":"succeeded"}`))
	})
	mux.HandleFunc("POST /api/v1/validate", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/yaml" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		_, _ = w.Write([]byte(`{"valid":true}`))
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fsk_test" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunModes(t *testing.T) {
	t.Parallel()
	srv := fakeAPI(t)
	doc := filepath.Join(t.TempDir(), "s.yml")
	if err := os.WriteFile(doc, []byte("rqs_input: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mode string
		want string
	}{
		{"get-run", "get-run, 2 clients: "},
		{"validate", "validate, 2 clients: "},
		{"e2e", "e2e POST /runs → succeeded, 3 runs: min "},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := []string{"-url", srv.URL, "-mode", tt.mode, "-scenario", doc, "-c", "2", "-d", "100ms", "-warmup", "0s", "-n", "3", "-poll", "1ms", "-key", "fsk_test"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out.String(), tt.want) {
				t.Errorf("output %q does not start with %q", out.String(), tt.want)
			}
			if tt.mode != "e2e" && !strings.Contains(out.String(), "errors 0 (transport 0), statuses 200×") {
				t.Errorf("output %q: want only 200s and no errors", out.String())
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	srv := fakeAPI(t)
	for name, args := range map[string][]string{
		"ErrMode":     {"-url", srv.URL, "-mode", "storm", "-scenario", "main.go"},
		"ErrScenario": {"-url", srv.URL, "-scenario", "/nonexistent.yml"},
		"ErrN":        {"-url", srv.URL, "-mode", "e2e", "-n", "0", "-scenario", "main.go"},
		"ErrNoKey":    {"-url", srv.URL, "-mode", "e2e", "-n", "1", "-scenario", "main.go", "-key", ""},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: run succeeded, want an error", name)
		}
	}
}

// TestRunRefusedIsAnError: answers that are not 2xx (here 401, a wrong key;
// a 429 alike) are printed by status and make loadgen fail.
func TestRunRefusedIsAnError(t *testing.T) {
	t.Parallel()
	srv := fakeAPI(t)
	var out bytes.Buffer
	args := []string{"-url", srv.URL, "-mode", "validate", "-scenario", "main.go", "-c", "2", "-d", "100ms", "-warmup", "0s", "-key", "fsk_wrong"}
	err := run(context.Background(), args, &out)
	if err == nil || !strings.Contains(err.Error(), "requests failed") {
		t.Errorf("run error = %v, want the failed requests counted", err)
	}
	if !strings.Contains(out.String(), " 0 ok/s,") || !strings.Contains(out.String(), "statuses 401×") {
		t.Errorf("output %q: want 0 ok/s and the 401s counted", out.String())
	}
}
