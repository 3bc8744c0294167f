package api_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
)

// browserReq is a request as a browser sends it: cookies, and the headers
// and addresses local sessions look at.
type browserReq struct {
	method, path string
	body         any
	cookies      []*http.Cookie
	header       map[string]string
	remoteAddr   string // "" keeps httptest's 192.0.2.1:1234 (not loopback)
	host         string
	tls          bool
}

func (b testBundle) browser(t *testing.T, br browserReq) response {
	t.Helper()
	var body []byte
	if br.body != nil {
		var err error
		if body, err = json.Marshal(br.body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(br.method, br.path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range br.cookies {
		req.AddCookie(c)
	}
	for k, v := range br.header {
		req.Header.Set(k, v)
	}
	if br.remoteAddr != "" {
		req.RemoteAddr = br.remoteAddr
	}
	if br.host != "" {
		req.Host = br.host
	}
	if br.tls {
		req.TLS = &tls.ConnectionState{}
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// cookiesOf returns the Set-Cookie cookies of r by name.
func cookiesOf(r response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		out[c.Name] = c
	}
	return out
}

// wantSessionCookies checks the two cookies of a new browser session and
// returns them (session, csrf).
func wantSessionCookies(t *testing.T, r response, secure bool) (*http.Cookie, *http.Cookie) {
	t.Helper()
	cs := cookiesOf(r)
	sess, csrf := cs["fastsim_session"], cs["fastsim_csrf"]
	if sess == nil || csrf == nil {
		t.Fatalf("Set-Cookie %q: want fastsim_session and fastsim_csrf", r.header.Values("Set-Cookie"))
	}
	if !strings.HasPrefix(sess.Value, "fss_") || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || sess.Path != "/" || sess.Secure != secure {
		t.Errorf("fastsim_session = %q: want a session token, HttpOnly, SameSite=Strict, Path=/, Secure=%v", sess.Raw, secure)
	}
	if csrf.Value != auth.CSRFToken(sess.Value) || csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || csrf.Path != "/" || csrf.Secure != secure {
		t.Errorf("fastsim_csrf = %q: want the session's CSRF token, readable by scripts, SameSite=Strict, Path=/, Secure=%v", csrf.Raw, secure)
	}
	if sess.Expires.IsZero() || !sess.Expires.Equal(csrf.Expires) {
		t.Errorf("expiries %v and %v: want both the session's", sess.Expires, csrf.Expires)
	}
	return sess, csrf
}

// wantCleared checks that r deletes both session cookies.
func wantCleared(t *testing.T, r response) {
	t.Helper()
	cs := cookiesOf(r)
	for _, name := range []string{"fastsim_session", "fastsim_csrf"} {
		if c := cs[name]; c == nil || c.Value != "" || c.MaxAge >= 0 || c.Path != "/" {
			t.Errorf("Set-Cookie %q: want %s deleted (empty, Max-Age=0, Path=/)", r.header.Values("Set-Cookie"), name)
		}
	}
}

// TestCookieSession drives a browser session: login sets the two cookies
// (and returns the CSRF token), the cookie authenticates reads, writes
// need X-CSRF-Token equal to the CSRF cookie, a bearer credential needs
// none and wins over the cookie, logout deletes both cookies, and a 401
// on a stale cookie deletes them too.
func TestCookieSession(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := login(t, b, b.user.Email, testPassword)
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("login Cache-Control %q, want no-store", got)
	}
	sess, csrf := wantSessionCookies(t, r, false)
	m := r.json(t)
	if m["token"] != sess.Value || m["csrf_token"] != csrf.Value {
		t.Errorf("login body token %v csrf_token %v: want the cookies' values", m["token"], m["csrf_token"])
	}
	jar := []*http.Cookie{{Name: sess.Name, Value: sess.Value}, {Name: csrf.Name, Value: csrf.Value}}
	withCSRF := map[string]string{"X-CSRF-Token": csrf.Value}

	r = b.browser(t, browserReq{method: "GET", path: "/api/v1/me", cookies: jar})
	wantStatus(t, r, http.StatusOK)
	if r.json(t)["email"] != b.user.Email {
		t.Errorf("GET /me with the cookie: %s", r.body)
	}

	key := map[string]any{"name": "k"}
	tests := []struct {
		name   string
		req    browserReq
		status int
	}{
		{"write without CSRF header", browserReq{method: "POST", path: "/api/v1/keys", body: key, cookies: jar}, http.StatusForbidden},
		{"write with a wrong CSRF header", browserReq{method: "POST", path: "/api/v1/keys", body: key, cookies: jar,
			header: map[string]string{"X-CSRF-Token": auth.CSRFToken("fss_other")}}, http.StatusForbidden},
		{"write with the session token as CSRF header", browserReq{method: "POST", path: "/api/v1/keys", body: key, cookies: jar,
			header: map[string]string{"X-CSRF-Token": sess.Value}}, http.StatusForbidden},
		{"write with the CSRF header", browserReq{method: "POST", path: "/api/v1/keys", body: key, cookies: jar, header: withCSRF}, http.StatusCreated},
		{"bearer write needs no CSRF header", browserReq{method: "POST", path: "/api/v1/keys", body: key,
			header: map[string]string{"Authorization": "Bearer " + b.token}}, http.StatusCreated},
		{"bearer wins over the cookie", browserReq{method: "POST", path: "/api/v1/keys", body: key, cookies: jar,
			header: map[string]string{"Authorization": "Bearer fsk_broken"}}, http.StatusUnauthorized},
		{"an API key in the cookie is refused", browserReq{method: "GET", path: "/api/v1/me",
			cookies: []*http.Cookie{{Name: "fastsim_session", Value: b.token}}}, http.StatusUnauthorized},
		{"a safe method needs no CSRF header", browserReq{method: "GET", path: "/api/v1/keys", cookies: jar}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.browser(t, tt.req)
			wantStatus(t, r, tt.status)
			if tt.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", r.header.Get("Content-Type"))
			}
			if tt.status == http.StatusForbidden && !strings.Contains(problemOf(t, r).Detail, "X-CSRF-Token") {
				t.Errorf("403 detail %q does not name the X-CSRF-Token header", problemOf(t, r).Detail)
			}
		})
	}

	// Logout is a write: the CSRF header is needed, then both cookies go.
	wantStatus(t, b.browser(t, browserReq{method: "POST", path: "/api/v1/auth/logout", cookies: jar}), http.StatusForbidden)
	r = b.browser(t, browserReq{method: "POST", path: "/api/v1/auth/logout", cookies: jar, header: withCSRF})
	wantStatus(t, r, http.StatusNoContent)
	wantCleared(t, r)
	r = b.browser(t, browserReq{method: "GET", path: "/api/v1/me", cookies: jar})
	wantStatus(t, r, http.StatusUnauthorized)
	wantCleared(t, r)
	if got := problemOf(t, r).Detail; got != auth.ErrUnauthenticated.Error() {
		t.Errorf("401 detail %q: want the one 401 detail", got)
	}
}

// TestCookieSessionSecure: a login over TLS sets Secure cookies.
func TestCookieSessionSecure(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.browser(t, browserReq{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": b.user.Email, "password": testPassword}, tls: true})
	wantStatus(t, r, http.StatusOK)
	wantSessionCookies(t, r, true)
}

// TestCookieWritesNeedCSRF tries every protected operation of the OpenAPI
// document that changes state with the session cookie and no CSRF
// header: each gets 403 before its handler runs (the body is empty, so a
// handler would answer 4xx of another kind).
func TestCookieWritesNeedCSRF(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	sess, _ := wantSessionCookies(t, login(t, b, b.user.Email, testPassword), false)
	jar := []*http.Cookie{{Name: sess.Name, Value: sess.Value}}
	writes := 0
	for _, op := range protectedOps(t, b) {
		method, path, _ := strings.Cut(op, " ")
		if method == "GET" || method == "HEAD" {
			continue
		}
		writes++
		path = strings.NewReplacer("{id}", "0190b8a0-0000-7000-8000-000000000000", "{version}", "1", "{file}", "latency.svg").Replace(path)
		r := b.browser(t, browserReq{method: method, path: path, cookies: jar})
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "X-CSRF-Token") {
			t.Errorf("%s %s with the cookie and no CSRF header = %d %s, want 403 naming X-CSRF-Token", method, path, r.status, r.body)
		}
	}
	if writes < 8 {
		t.Errorf("%d state-changing protected operations, want every POST, PUT, PATCH and DELETE", writes)
	}
}

// TestLocalSession: single-user mode opens the admin's browser session
// for a page of this loopback server and refuses everything else with a
// problem that says why.
func TestLocalSession(t *testing.T) {
	t.Parallel()
	local := map[string]string{"Origin": "http://127.0.0.1:8000"}
	tests := []struct {
		name       string
		multiUser  bool
		req        browserReq
		status     int
		detailPart string
	}{
		{"loopback IPv4", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000", header: local}, http.StatusOK, ""},
		{"localhost", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "localhost:8000",
			header: map[string]string{"Origin": "http://localhost:8000"}}, http.StatusOK, ""},
		{"loopback IPv6", false, browserReq{remoteAddr: "[::1]:50000", host: "[::1]:8000",
			header: map[string]string{"Origin": "http://[::1]:8000"}}, http.StatusOK, ""},
		{"multi-user mode", true, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000", header: local},
			http.StatusNotFound, "only in single-user mode"},
		{"another machine", false, browserReq{remoteAddr: "192.0.2.7:50000", host: "127.0.0.1:8000", header: local},
			http.StatusForbidden, "came from 192.0.2.7"},
		{"another machine on the LAN address", false, browserReq{remoteAddr: "10.0.0.9:50000", host: "10.0.0.2:8000",
			header: map[string]string{"Origin": "http://10.0.0.2:8000"}}, http.StatusForbidden, "came from 10.0.0.9"},
		{"through a proxy", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000",
			header: map[string]string{"Origin": "http://127.0.0.1:8000", "X-Forwarded-For": "203.0.113.5"}}, http.StatusForbidden, "proxy"},
		{"DNS rebinding", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "attacker.example:8000",
			header: map[string]string{"Origin": "http://attacker.example:8000"}}, http.StatusForbidden, `not at Host "attacker.example:8000"`},
		{"foreign origin", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000",
			header: map[string]string{"Origin": "https://attacker.example"}}, http.StatusForbidden, "Origin is https://attacker.example"},
		{"another local server's page", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "localhost:8000",
			header: map[string]string{"Origin": "http://localhost:3000"}}, http.StatusForbidden, "Origin is http://localhost:3000"},
		{"opaque origin", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000",
			header: map[string]string{"Origin": "null"}}, http.StatusForbidden, "Origin is null"},
		{"no origin", false, browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000"}, http.StatusForbidden, "Origin is (none)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := setupOpts{localSessionEmail: "admin@localhost"}
			if tt.multiUser {
				o.localSessionEmail = ""
			}
			b := setup(t, o)
			admin, err := b.auth.CreateUser(t.Context(), "admin@localhost", testPassword, store.RoleAdmin, store.PlanEnterprise)
			if err != nil {
				t.Fatal(err)
			}
			tt.req.method, tt.req.path = "POST", "/api/v1/auth/local-session"
			r := b.browser(t, tt.req)
			wantStatus(t, r, tt.status)
			if tt.status != http.StatusOK {
				if r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(problemOf(t, r).Detail, tt.detailPart) {
					t.Errorf("refusal %s %s: want a problem whose detail contains %q", r.header.Get("Content-Type"), r.body, tt.detailPart)
				}
				if len(cookiesOf(r)) != 0 {
					t.Errorf("a refusal sets cookies: %q", r.header.Values("Set-Cookie"))
				}
				return
			}
			sess, csrf := wantSessionCookies(t, r, false)
			m := r.json(t)
			if _, has := m["token"]; has || strings.Contains(string(r.body), sess.Value) {
				t.Errorf("the local session's body %s holds its secret: it must stay in the HttpOnly cookie", r.body)
			}
			if m["csrf_token"] != csrf.Value || m["user"].(map[string]any)["id"] != admin.ID {
				t.Errorf("body %s: want the admin and the CSRF token", r.body)
			}
			me := b.browser(t, browserReq{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{{Name: sess.Name, Value: sess.Value}}})
			wantStatus(t, me, http.StatusOK)
			if me.json(t)["role"] != "admin" {
				t.Errorf("GET /me with the local session: %s", me.body)
			}
		})
	}
}

// TestLocalSessionWithoutAdmin: single-user mode whose admin was deleted
// answers 404 saying so.
func TestLocalSessionWithoutAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{localSessionEmail: "admin@localhost"})
	r := b.browser(t, browserReq{method: "POST", path: "/api/v1/auth/local-session", remoteAddr: "127.0.0.1:1", host: "127.0.0.1:8000",
		header: map[string]string{"Origin": "http://127.0.0.1:8000"}})
	wantStatus(t, r, http.StatusNotFound)
	if d := problemOf(t, r).Detail; !strings.Contains(d, "admin@localhost no longer exists") {
		t.Errorf("detail %q", d)
	}
}

// TestUIConfig: the public settings the UI reads before sign-in.
func TestUIConfig(t *testing.T) {
	t.Parallel()
	local := browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000"}
	tests := []struct {
		name string
		o    setupOpts
		req  browserReq
		want string
	}{
		{"multi-user", setupOpts{}, local, `"single_user":false,"registration":false`},
		{"single-user, this machine", setupOpts{localSessionEmail: "admin@localhost"}, local, `"single_user":true,"registration":false`},
		{"single-user, localhost", setupOpts{localSessionEmail: "admin@localhost"},
			browserReq{remoteAddr: "[::1]:50000", host: "localhost:8000"}, `"single_user":true,"registration":false`},
		{"single-user, another machine", setupOpts{localSessionEmail: "admin@localhost"},
			browserReq{remoteAddr: "192.0.2.7:50000", host: "10.0.0.2:8000"}, `"single_user":false,"registration":false`},
		{"single-user, through a proxy", setupOpts{localSessionEmail: "admin@localhost"},
			browserReq{remoteAddr: "127.0.0.1:50000", host: "127.0.0.1:8000", header: map[string]string{"X-Forwarded-For": "203.0.113.5"}},
			`"single_user":false,"registration":false`},
		{"registration", setupOpts{allowRegister: true}, local, `"single_user":false,"registration":true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.o)
			tt.req.method, tt.req.path = "GET", "/api/v1/ui-config"
			r := b.browser(t, tt.req)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(string(r.body), tt.want) || !strings.Contains(string(r.body), `"version":`) {
				t.Errorf("body %s, want %s and a version", r.body, tt.want)
			}
		})
	}
}
