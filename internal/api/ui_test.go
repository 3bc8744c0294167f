package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestUIFallback checks that the UI gets every unreserved GET, and that
// the API's own paths keep their answers and their 404 problems.
func TestUIFallback(t *testing.T) {
	t.Parallel()
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "UI "+r.URL.Path) })
	h := New(Options{UI: ui})
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/", 200, "UI /"},
		{"GET", "/scenarios/abc", 200, "UI /scenarios/abc"},
		{"GET", "/assets/index.js", 200, "UI /assets/index.js"},
		{"GET", "/health", 200, `"status"`},
		{"GET", "/openapi.json", 200, `"openapi"`},
		{"GET", "/api/v1/nope", 401, "Unauthorized"}, // authentication first, as without a UI
		{"GET", "/api/nope", 404, "no route has this path"},
		{"GET", "/api", 404, "no route has this path"},
		{"GET", "/docs/assets/nope.js", 404, "no such asset"},
		{"GET", "/metrics", 404, "no route has this path"}, // no Metrics handler in this test
		{"GET", "/openapi.txt", 404, "no route has this path"},
		{"GET", "/api/v1/me", 401, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("%d %q, want %d containing %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if tt.status == 404 && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}
