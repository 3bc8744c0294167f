package api_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/docsui"
	"github.com/fastsim/fastsim/web"
)

// apiPolicy is the strict Content-Security-Policy of the API's answers
// (internal/api apiCSP): the UI's policy must never reach them.
const apiPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// TestUIServing serves the committed build (web.Files) through the whole
// API handler and checks the fallback table: files and client-side routes
// get the UI under its policy and cache headers; the service's own paths
// keep their answers, policies and problem+json errors, whatever the
// method, with or without a credential.
func TestUIServing(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{ui: web.Handler(web.Files())})
	index := b.as("").do(t, "GET", "/", "", nil)
	script := regexp.MustCompile(`src="(/assets/index-[^"]+\.js)"`).FindSubmatch(index.body)
	if script == nil {
		t.Fatalf("GET / does not load /assets/index-*.js:\n%s", index.body)
	}
	const (
		ui      = "ui"      // index.html, UI policy, no-cache
		asset   = "asset"   // a hashed file, UI policy, immutable
		file    = "file"    // another file of the build, UI policy, no-cache
		problem = "problem" // application/problem+json, API policy
		api     = "api"     // the API's own answer, API policy
		docs    = "docs"    // the reference page, its own policy
	)
	tests := []struct {
		method, path string
		auth         bool
		status       int
		kind         string
	}{
		{"GET", "/", false, 200, ui},
		{"HEAD", "/", false, 200, ui},
		{"GET", "/index.html", false, 200, ui},
		{"GET", "/scenarios", false, 200, ui},
		{"GET", "/scenarios/0190b8a0-0000-7000-8000-000000000000/edit", false, 200, ui},
		{"GET", "/runs/abc/result?tab=charts", false, 200, ui},
		{"GET", "/apiary", false, 200, ui}, // only /api and below are reserved
		{"GET", "/readyz", false, 200, ui},
		{"GET", string(script[1]), false, 200, asset},
		{"GET", "/favicon.svg", false, 200, file},
		{"POST", "/scenarios", true, 405, problem},
		{"DELETE", "/", true, 405, problem},
		{"GET", "/api", true, 404, problem},
		{"GET", "/api/", true, 404, problem},
		{"GET", "/api/nope", true, 404, problem},
		{"GET", "/api/v1/nope", true, 404, problem},
		{"POST", "/api/v1/nope", true, 404, problem},
		{"DELETE", "/api/v1/scenarios/x/y/z", true, 404, problem},
		{"GET", "/api/v1/nope", false, 401, problem}, // authentication first, as without a UI
		{"DELETE", "/api/v1/runs", true, 405, problem},
		{"GET", "/api/v1/me", true, 200, api},
		{"GET", "/api/v1/ui-config", false, 200, api},
		{"GET", "/health", false, 200, api},
		{"GET", "/ready", false, 200, api},
		{"GET", "/openapi.json", false, 200, api},
		{"GET", "/openapi.txt", false, 404, problem},
		{"GET", "/metrics", false, 404, problem}, // no Metrics handler in this test
		{"GET", "/schemas", false, 404, problem},
		{"GET", "/docs", false, 200, docs},
		{"GET", "/docs/assets/nope.js", false, 404, problem},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			c := b.as("")
			if tt.auth {
				c = b
			}
			r := c.do(t, tt.method, tt.path, "", nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", r.status, tt.status, r.body)
			}
			h := r.header
			csp, ct, cache := h.Get("Content-Security-Policy"), h.Get("Content-Type"), h.Get("Cache-Control")
			isIndex := strings.Contains(string(r.body), `<div id="root"></div>`)
			switch tt.kind {
			case ui, asset, file:
				if csp != web.CSP {
					t.Errorf("Content-Security-Policy %q, want the UI's %q", csp, web.CSP)
				}
				if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("the security headers of every answer are missing: %v", h)
				}
			}
			switch tt.kind {
			case ui:
				if !strings.HasPrefix(ct, "text/html") || cache != "no-cache" || (tt.method == "GET" && !isIndex) {
					t.Errorf("Content-Type %q, Cache-Control %q, index.html %v: want the UI's index.html, no-cache", ct, cache, isIndex)
				}
			case asset:
				if !strings.HasPrefix(ct, "text/javascript") || cache != "public, max-age=31536000, immutable" || isIndex {
					t.Errorf("Content-Type %q, Cache-Control %q: want the script, immutable", ct, cache)
				}
			case file:
				if ct != "image/svg+xml" || cache != "no-cache" {
					t.Errorf("Content-Type %q, Cache-Control %q: want the icon, no-cache", ct, cache)
				}
			case problem:
				if ct != "application/problem+json" || csp != apiPolicy || isIndex {
					t.Errorf("Content-Type %q, CSP %q, index.html %v: want the API's problem under its policy", ct, csp, isIndex)
				}
				if tt.status == 405 && h.Get("Allow") == "" {
					t.Error("405 without Allow")
				}
			case api:
				if csp != apiPolicy || isIndex {
					t.Errorf("CSP %q, index.html %v: want the API's answer under its policy", csp, isIndex)
				}
			case docs:
				if csp != docsui.CSP || isIndex {
					t.Errorf("CSP %q: want the reference page's", csp)
				}
			}
		})
	}
}

// TestUIPolicyHasNoInlineSources pins the UI's policy to the contract of
// web.md: same-origin scripts and styles only, nothing inline or eval'd.
func TestUIPolicyHasNoInlineSources(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "http:", "https:"} {
		if strings.Contains(web.CSP, bad) {
			t.Errorf("web.CSP %q allows %s", web.CSP, bad)
		}
	}
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(web.CSP, want) {
			t.Errorf("web.CSP %q lacks %s", web.CSP, want)
		}
	}
}
