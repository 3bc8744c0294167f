package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/internal/testenv"
)

// brokenKeyStore fails every API-key lookup as a database outage would.
type brokenKeyStore struct{ store.Store }

func (brokenKeyStore) APIKeyUser(context.Context, string) (store.APIKey, store.User, error) {
	return store.APIKey{}, store.User{}, errors.New("connection refused")
}

// TestRequestIDCannotInjectIntoProblems sends the injection attempt of
// issue 8 (an X-Request-ID that closes the detail string and adds a
// field) to the 503 that authn.go used to build by concatenation: the id
// is replaced by a generated one, and the body is exactly a problem.
func TestRequestIDCannotInjectIntoProblems(t *testing.T) {
	t.Parallel()
	st := testenv.Store(t)
	b := setup(t, setupOpts{store: st, authStore: brokenKeyStore{Store: st}})
	h := telemetry.Middleware(slog.New(slog.NewTextHandler(io.Discard, nil)), nil, b.handler)
	for _, id := range []string{`x","admin":true,"detail":"pwned`, "x\\\"}", "ok-id"} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/runs", nil)
		req.Header.Set("Authorization", "Bearer "+b.token)
		req.Header.Set(telemetry.RequestIDHeader, id)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		r := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		wantStatus(t, r, http.StatusServiceUnavailable)
		got := r.header.Get(telemetry.RequestIDHeader)
		if id == "ok-id" && got != id {
			t.Errorf("a safe id %q was replaced by %q", id, got)
		}
		if id != "ok-id" && (got == id || len(got) != 32) {
			t.Errorf("unsafe id %q answered with id %q, want a generated one", id, got)
		}
		var fields map[string]any
		if err := json.Unmarshal(r.body, &fields); err != nil {
			t.Fatalf("body %q: %v", r.body, err)
		}
		want := map[string]any{"title": "Service Unavailable", "status": float64(503), "detail": "cannot check credentials now; request id " + got}
		if diff := cmp.Diff(want, fields); diff != "" {
			t.Errorf("id %q: body (-want +got):\n%s", id, diff)
		}
	}
}

// TestUnmatchedAreProblems checks that the mux's own answers (405 for a
// method a route does not have, 404 for no route) are problems, with the
// Allow header of a 405 kept.
func TestUnmatchedAreProblems(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	tests := []struct {
		name, method, path string
		status             int
		allow              string
		detail             string
	}{
		{"MethodNotAllowed", http.MethodDelete, "/api/v1/runs", http.StatusMethodNotAllowed, "GET, HEAD, POST", "this route does not accept DELETE; use one of: GET, HEAD, POST"},
		{"MethodNotAllowedPublic", http.MethodPost, "/health", http.StatusMethodNotAllowed, "GET, HEAD", "this route does not accept POST; use one of: GET, HEAD"},
		{"NotFound", http.MethodGet, "/api/v1/nothing-here", http.StatusNotFound, "", "no route has this path; GET /openapi lists the routes"},
		{"NotFoundPublic", http.MethodGet, "/nothing", http.StatusNotFound, "", "no route has this path; GET /openapi lists the routes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := b.do(t, tt.method, tt.path, "", nil)
			wantStatus(t, r, tt.status)
			p := problemOf(t, r)
			if p.Detail != tt.detail || p.Title != http.StatusText(tt.status) {
				t.Errorf("problem = %+v, want title %q, detail %q", p, http.StatusText(tt.status), tt.detail)
			}
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if strings.Contains(string(r.body), "Method Not Allowed\n") {
				t.Errorf("plain-text body leaked: %q", r.body)
			}
		})
	}
}

// TestProblemsEchoNoValue: a login sent with a wrong Content-Type gets a
// 415 that says what to send without echoing the body (the password).
func TestProblemsEchoNoValue(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	const secret = "secret-password-xyz"
	r := b.do(t, http.MethodPost, "/api/v1/auth/login", "text/plain", []byte(`{"email":"a@example.com","password":"`+secret+`"}`))
	wantStatus(t, r, http.StatusUnsupportedMediaType)
	if strings.Contains(string(r.body), secret) {
		t.Errorf("the 415 echoes the request body: %s", r.body)
	}
	if !strings.Contains(string(r.body), "unknown content type: text/plain") {
		t.Errorf("the 415 no longer says what was wrong: %s", r.body)
	}
}
