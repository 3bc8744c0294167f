package telemetry_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/telemetry"
)

type bundle struct {
	logs    *bytes.Buffer
	metrics *telemetry.Metrics
	handler http.Handler
}

func setup(t *testing.T) bundle {
	t.Helper()
	var logs bytes.Buffer
	logger, err := telemetry.NewLogger(&logs, "debug", "json")
	if err != nil {
		t.Fatal(err)
	}
	m := telemetry.NewMetrics()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "inside handler", "id", r.PathValue("id"))
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("POST /fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.Handle("GET /metrics", m.Handler())
	return bundle{logs: &logs, metrics: m, handler: telemetry.Middleware(logger, m, mux)}
}

func (b bundle) do(t *testing.T, method, path, requestID string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if requestID != "" {
		req.Header.Set(telemetry.RequestIDHeader, requestID)
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return rec
}

func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestMiddlewareRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		wantEcho bool
	}{
		{name: "ClientID", in: "abc-123", wantEcho: true},
		{name: "EveryAllowedCharacter", in: "AZaz09._:-", wantEcho: true},
		{name: "LongestAccepted", in: strings.Repeat("x", 128), wantEcho: true},
		{name: "Generated", in: ""},
		{name: "InvalidReplaced", in: "has space"},
		{name: "TooLongReplaced", in: strings.Repeat("x", 129)},
		{name: "QuoteReplaced", in: `x","admin":true,"y":"`},
		{name: "BraceReplaced", in: "x{y}"},
		{name: "SlashReplaced", in: "a/b"},
		{name: "NonASCIIReplaced", in: "café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			rec := b.do(t, "GET", "/things/7", tt.in)
			id := rec.Header().Get(telemetry.RequestIDHeader)
			if tt.wantEcho && id != tt.in {
				t.Errorf("response id = %q, want the client's %q", id, tt.in)
			}
			if !tt.wantEcho && (len(id) != 32 || id == tt.in) {
				t.Errorf("response id = %q, want a generated 32-hex-digit id", id)
			}
			lines := logLines(t, b.logs)
			if len(lines) != 2 {
				t.Fatalf("got %d log lines, want 2 (handler, access log)", len(lines))
			}
			for _, l := range lines {
				if l["request_id"] != id {
					t.Errorf("log line %v has request_id %v, want %q", l, l["request_id"], id)
				}
			}
			access := lines[1]
			if access["route"] != "GET /things/{id}" || access["status"] != float64(200) || access["bytes"] != float64(2) {
				t.Errorf("access log = %v, want route GET /things/{id}, status 200, 2 bytes", access)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "GET", "/things/1", "")
	b.do(t, "GET", "/things/2", "")
	b.do(t, "POST", "/fail", "")
	b.do(t, "GET", "/nowhere", "")
	body := b.do(t, "GET", "/metrics", "").Body.String()
	for _, want := range []string{
		`fastsim_http_requests_total{method="GET",route="GET /things/{id}",status="200"} 2`,
		`fastsim_http_requests_total{method="POST",route="POST /fail",status="500"} 1`,
		`fastsim_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`fastsim_http_request_duration_seconds_count{method="GET",route="GET /things/{id}",status="200"} 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestNewLoggerErrors(t *testing.T) {
	t.Parallel()
	if _, err := telemetry.NewLogger(io.Discard, "loud", "json"); err == nil || !strings.Contains(err.Error(), `log level "loud"`) {
		t.Errorf("bad level error = %v", err)
	}
	if _, err := telemetry.NewLogger(io.Discard, "info", "xml"); err == nil || !strings.Contains(err.Error(), `log format "xml"`) {
		t.Errorf("bad format error = %v", err)
	}
}

// TestImportsNoCache keeps telemetry a leaf that knows no service
// component: the cache registers its own counter (cache.NewMetricsObserver).
func TestImportsNoCache(t *testing.T) {
	t.Parallel()
	// go test puts its own go command first on PATH.
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/fastsim/fastsim/internal/") && dep != "github.com/fastsim/fastsim/internal/telemetry" {
			t.Errorf("telemetry imports %s", dep)
		}
	}
}
