package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"index.html":          {Data: []byte("<!doctype html><div id=root></div>")},
		"favicon.svg":         {Data: []byte("<svg/>")},
		"assets/index-abc.js": {Data: []byte("console.log(1)")},
	}
	h := Handler(files)
	tests := []struct {
		method, path string
		status       int
		body, cache  string
	}{
		{"GET", "/", 200, "<div id=root>", "no-cache"},
		{"GET", "/scenarios/123", 200, "<div id=root>", "no-cache"},
		{"GET", "/runs/abc/result?x=1", 200, "<div id=root>", "no-cache"},
		{"GET", "/assets/index-abc.js", 200, "console.log(1)", "public, max-age=31536000, immutable"},
		{"GET", "/favicon.svg", 200, "<svg/>", "no-cache"},
		{"GET", "/assets/missing.js", 200, "<div id=root>", "no-cache"},
		{"GET", "/../../etc/passwd", 200, "<div id=root>", "no-cache"},
		{"HEAD", "/runs", 200, "", "no-cache"},
		{"POST", "/", 405, "method not allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q does not contain %q", rec.Body.String(), tt.body)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != CSP {
				t.Errorf("CSP %q", got)
			}
		})
	}
}

// TestEmbeddedBuild checks that the committed build is embedded: an
// index.html that loads its script from /assets/ and has no inline script.
func TestEmbeddedBuild(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	Handler(Files()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body := rec.Body.String()
	if !strings.Contains(body, `<script type="module" crossorigin src="/assets/`) {
		t.Fatalf("index.html does not load the built script from /assets/:\n%s", body)
	}
	if strings.Count(body, "<script") != 1 {
		t.Errorf("index.html has an inline script (the CSP forbids it):\n%s", body)
	}
}

func TestHandlerWithoutBuild(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	Handler(fstest.MapFS{}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "npm run build") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}
