package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestProbeErrorsAreProblems: the worker's probe server answers a wrong
// method or path with problem+json, like the API, not net/http's plain
// text.
func TestProbeErrorsAreProblems(t *testing.T) {
	t.Parallel()
	h := probeHandler(prometheus.NewRegistry())
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "/health", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/metrics", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nothing", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		var p struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != tt.status || p.Title != http.StatusText(tt.status) {
			t.Errorf("%s %s: %d %q %q, want a %d problem", tt.method, tt.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body, tt.status)
		}
	}
}
