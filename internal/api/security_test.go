package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/store"
)

const strictCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// TestSecurityHeaders checks the headers of every kind of answer: probes,
// authenticated and refused API calls, unknown routes, the OpenAPI
// document and the docs page.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	tests := []struct {
		name, method, path, token string
		status                    int
		csp                       func(string) bool
	}{
		{"Health", "GET", "/health", "", 200, nil},
		{"Unauthenticated", "GET", "/api/v1/runs", "-", 401, nil},
		{"Authenticated", "GET", "/api/v1/runs", "", 200, nil},
		{"NotFound", "GET", "/nope", "", 404, nil},
		{"OpenAPI", "GET", "/openapi.json", "", 200, nil},
		{"Docs", "GET", "/docs", "", 200, func(csp string) bool {
			// The embedded Stoplight Elements: same-origin scripts only,
			// nothing from elsewhere, no eval, no inline script.
			return strings.Contains(csp, "default-src 'none'") && strings.Contains(csp, "script-src 'self'") &&
				!strings.Contains(csp, "http") && !strings.Contains(csp, "unsafe-eval") && !strings.Contains(csp, "script-src 'unsafe-inline'")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bb := b
			if tt.token == "-" {
				bb = b.as("")
			}
			r := bb.do(t, tt.method, tt.path, "", nil)
			wantStatus(t, r, tt.status)
			for k, want := range map[string]string{
				"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
				"Strict-Transport-Security": "", "Access-Control-Allow-Origin": "",
			} {
				if got := r.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			csp := r.header.Get("Content-Security-Policy")
			if tt.csp == nil && csp != strictCSP {
				t.Errorf("Content-Security-Policy = %q, want %q", csp, strictCSP)
			}
			if tt.csp != nil && !tt.csp(csp) {
				t.Errorf("Content-Security-Policy of /docs = %q", csp)
			}
		})
	}
	t.Run("HSTSWhenConfigured", func(t *testing.T) {
		t.Parallel()
		h := withOptions(b, func(o *api.Options) { o.Security.HSTSMaxAge = 365 * 24 * time.Hour })
		r := h.do(t, "GET", "/health", "", nil)
		if got := r.header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
			t.Errorf("Strict-Transport-Security = %q", got)
		}
	})
}

// corsDo sends a request with an Origin (and, for a preflight, the
// Access-Control-Request-* headers).
func corsDo(t *testing.T, b testBundle, method, path, origin string, preflightHeaders string) response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Origin", origin)
	if method == http.MethodOptions {
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", preflightHeaders)
	} else {
		req.Header.Set("Authorization", b.authHeader())
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const good, evil = "https://app.example.com", "https://evil.example.net"
	off := setup(t, setupOpts{})
	on := withOptions(off, func(o *api.Options) { o.Security.CORSOrigins = []string{good, "http://localhost:5173"} })

	t.Run("OffByDefault", func(t *testing.T) {
		t.Parallel()
		r := corsDo(t, off, "GET", "/api/v1/runs", good, "")
		wantStatus(t, r, http.StatusOK)
		if v := r.header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("Access-Control-Allow-Origin = %q with CORS off", v)
		}
		p := corsDo(t, off, "OPTIONS", "/api/v1/runs", good, "authorization")
		if p.status == http.StatusNoContent || p.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight with CORS off answered %d %v", p.status, p.header)
		}
	})
	t.Run("AllowedOrigin", func(t *testing.T) {
		t.Parallel()
		r := corsDo(t, on, "GET", "/api/v1/runs", good, "")
		wantStatus(t, r, http.StatusOK)
		got := map[string]string{}
		for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary", "Access-Control-Allow-Credentials"} {
			got[k] = r.header.Get(k)
		}
		want := map[string]string{
			"Access-Control-Allow-Origin": good, "Access-Control-Expose-Headers": "Location, Retry-After, X-Request-Id",
			"Vary": "Origin", "Access-Control-Allow-Credentials": "",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CORS headers (-want +got):\n%s", diff)
		}
	})
	t.Run("Preflight", func(t *testing.T) {
		t.Parallel()
		r := corsDo(t, on, "OPTIONS", "/api/v1/runs", good, "Authorization, Content-Type, X-Evil")
		wantStatus(t, r, http.StatusNoContent)
		got := map[string]string{}
		for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
			got[k] = r.header.Get(k)
		}
		want := map[string]string{
			"Access-Control-Allow-Origin": good, "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
			"Access-Control-Allow-Headers": "authorization, content-type", "Access-Control-Max-Age": "600",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("preflight headers (-want +got):\n%s", diff)
		}
	})
	t.Run("OtherOriginRefused", func(t *testing.T) {
		t.Parallel()
		for _, origin := range []string{evil, good + ".evil.example.net", "https://APP.example.com", "null"} {
			r := corsDo(t, on, "GET", "/api/v1/runs", origin, "")
			p := corsDo(t, on, "OPTIONS", "/api/v1/runs", origin, "authorization")
			if r.header.Get("Access-Control-Allow-Origin") != "" || p.header.Get("Access-Control-Allow-Origin") != "" || p.status == http.StatusNoContent {
				t.Errorf("origin %q: GET allow-origin %q, preflight %d allow-origin %q; want no CORS", origin,
					r.header.Get("Access-Control-Allow-Origin"), p.status, p.header.Get("Access-Control-Allow-Origin"))
			}
		}
	})
}

// TestBodyBoundedOnEveryRoute sends one byte more than --max-body-bytes to
// every operation of the OpenAPI document that takes a body, with the
// length announced and chunked: each answers 413.
func TestBodyBoundedOnEveryRoute(t *testing.T) {
	t.Parallel()
	for _, limit := range []int64{4096, 1 << 20} {
		t.Run(strconv.FormatInt(limit, 10), func(t *testing.T) {
			t.Parallel()
			testBodyBounded(t, limit)
		})
	}
}

func testBodyBounded(t *testing.T, limit int64) {
	b := setup(t, setupOpts{limits: api.Limits{MaxBodyBytes: limit}, allowRegister: true})
	_, adminKey := newAccount(t, b, store.RoleAdmin)
	r := b.do(t, "GET", "/openapi.json", "", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody *struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	var routes []string
	for path, methods := range doc.Paths {
		for method, op := range methods {
			if op.RequestBody != nil {
				routes = append(routes, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(routes)
	for _, must := range []string{"POST /api/v1/auth/login", "POST /api/v1/auth/register", "POST /api/v1/runs", "POST /api/v1/scenarios"} {
		if i := sort.SearchStrings(routes, must); i == len(routes) || routes[i] != must {
			t.Errorf("%s is not in the OpenAPI document with a body", must)
		}
	}
	big := append([]byte(`{"email":"`), bytes.Repeat([]byte("a"), int(limit))...)
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer("{id}", "0190b5e1-0000-7000-8000-000000000000", "{version}", "1", "{file}", "x.svg").Replace(path)
		for _, chunked := range []bool{false, true} {
			var body io.Reader = bytes.NewReader(big)
			if chunked {
				body = io.MultiReader(bytes.NewReader(big)) // no length known
			}
			req := httptest.NewRequest(method, path, body)
			if chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+adminKey)
			rec := httptest.NewRecorder()
			b.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s (chunked %v): status %d, want 413; body %s", route, chunked, rec.Code, rec.Body.Bytes())
			}
		}
	}
	t.Logf("%d routes with a body checked", len(routes))
}
