package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/internal/testenv"
)

// tenancyFixture is user A's objects, seen through the API: a scenario, a
// succeeded run of it with result and charts, and an API key.
type tenancyFixture struct {
	b          testBundle // sends A's key
	bTok       string     // user B's key
	admin      string     // an admin's key
	scenarioID string
	runID      string
	chartPath  string
	keyID      string
	studyID    string
}

func newTenancyFixture(t *testing.T, dialect string) tenancyFixture {
	t.Helper()
	b := setup(t, setupOpts{dialect: dialect, workers: 1})
	f := tenancyFixture{b: b}
	_, f.bTok = newAccount(t, b, store.RoleUser)
	_, f.admin = newAccount(t, b, store.RoleAdmin)
	f.scenarioID = createScenario(t, b, "a-scenario", readFile(t, "small.yml"))["id"].(string)
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": f.scenarioID, "seed": 7})
	wantStatus(t, r, http.StatusAccepted)
	f.runID = mustID(t, r)
	if run := waitFinal(t, b, f.runID, time.Minute); run.Status != "succeeded" {
		t.Fatalf("A's run ended %s", run.Status)
	}
	r = b.do(t, "GET", runPath(f.runID, "/charts"), "", nil)
	wantStatus(t, r, http.StatusOK)
	var charts struct{ Charts []struct{ SVG string } }
	if err := json.Unmarshal(r.body, &charts); err != nil || len(charts.Charts) == 0 {
		t.Fatalf("A's charts: %s (%v)", r.body, err)
	}
	u, err := url.Parse(charts.Charts[1].SVG) // latency
	if err != nil {
		t.Fatal(err)
	}
	f.chartPath = u.Path
	r = b.doJSON(t, "POST", "/api/v1/keys", map[string]any{"name": "second"})
	wantStatus(t, r, http.StatusCreated)
	f.keyID = mustID(t, r)
	r = b.doJSON(t, "POST", "/api/v1/studies", map[string]any{"kind": "sweep", "scenario_id": f.scenarioID, "replications": 1,
		"sweep": map[string]any{"params": []map[string]any{{"path": "load", "values": []float64{1}}}}})
	wantStatus(t, r, http.StatusAccepted)
	f.studyID = mustID(t, r)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		st := getStudy(t, b, f.studyID)
		if st.Status == "succeeded" {
			break
		}
		if st.Status == "failed" || st.Status == "cancelled" || time.Now().After(deadline) {
			t.Fatalf("A's study: %s (%s)", st.Status, st.Error)
		}
	}
	return f
}

// route is one request of the cross-tenant table.
type route struct {
	method, path string
	body         any // JSON body, or []byte sent as YAML
	wantA        int // status for the owner (proves the request can succeed)
	wantB        int // status for another user
}

func (f tenancyFixture) routes(t *testing.T) []route {
	sid, rid := f.scenarioID, f.runID
	yaml := readFile(t, "small.yml")
	return []route{
		{"GET", "/api/v1/scenarios/" + sid, nil, 200, 404},
		{"GET", "/api/v1/scenarios/" + sid + "/versions", nil, 200, 404},
		{"GET", "/api/v1/scenarios/" + sid + "/versions/1", nil, 200, 404},
		{"PUT", "/api/v1/scenarios/" + sid, yaml, 200, 404},
		{"POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "seed": 7}, 202, 404},
		{"POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "version": 1, "seed": 7}, 202, 404},
		{"GET", "/api/v1/runs/" + rid, nil, 200, 404},
		{"GET", "/api/v1/runs/" + rid + "/result", nil, 200, 404},
		{"GET", "/api/v1/runs/" + rid + "/series", nil, 200, 404},
		{"GET", "/api/v1/runs/" + rid + "/events", nil, 200, 404},
		{"GET", "/api/v1/runs/" + rid + "/charts", nil, 200, 404},
		{"GET", f.chartPath, nil, 200, 404},
		{"GET", "/api/v1/runs/" + rid + "/report.html", nil, 200, 404},
		{"POST", "/api/v1/runs/" + rid + "/cancel", nil, 409, 404},
		{"DELETE", "/api/v1/keys/" + f.keyID, nil, 204, 404},
		{"GET", "/api/v1/compare?a=" + rid + "&b=" + rid, nil, 200, 404},
		{"GET", "/api/v1/compare/charts/differences.svg?a=" + rid + "&b=" + rid, nil, 200, 404},
		{"GET", "/api/v1/compare/report.html?a=" + rid + "&b=" + rid, nil, 200, 404},
		{"GET", studyPath(f.studyID), nil, 200, 404},
		{"GET", studyPath(f.studyID, "/result"), nil, 200, 404},
		{"GET", studyPath(f.studyID, "/events"), nil, 200, 404},
		{"GET", studyPath(f.studyID, "/charts"), nil, 200, 404},
		{"GET", studyPath(f.studyID, "/charts/latency_p99.svg"), nil, 200, 404},
		{"GET", studyPath(f.studyID, "/report.html"), nil, 200, 404},
		{"POST", studyPath(f.studyID, "/cancel"), nil, 409, 404},
		{"DELETE", studyPath(f.studyID), nil, 204, 404},
		{"GET", "/api/v1/admin/users", nil, 403, 403},
		{"PATCH", "/api/v1/admin/users/" + f.b.user.ID, map[string]any{"plan": "pro"}, 403, 403},
		{"DELETE", "/api/v1/admin/users/" + f.b.user.ID, nil, 403, 403},
		// Last: deleting the scenario must leave the rows above intact for B's turn.
		{"DELETE", "/api/v1/scenarios/" + sid, nil, 204, 404},
	}
}

func (b testBundle) send(t *testing.T, rt route) response {
	t.Helper()
	if y, ok := rt.body.([]byte); ok {
		return b.do(t, rt.method, rt.path, "application/yaml", y)
	}
	if rt.body != nil {
		return b.doJSON(t, rt.method, rt.path, rt.body)
	}
	return b.do(t, rt.method, rt.path, "", nil)
}

// TestCrossTenant: user B gets 404 for every route over user A's objects
// (403 for admin routes) and lists none of them, while A gets through on
// the same requests; B's attempts change nothing, and an admin reads
// everything.
func TestCrossTenant(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := newTenancyFixture(t, dialect)
			bUser := f.b.as(f.bTok)
			routes := f.routes(t)
			covered := map[string]bool{}
			for _, rt := range routes {
				r := bUser.send(t, rt)
				if r.status != rt.wantB {
					t.Errorf("B: %s %s = %d, want %d; body %s", rt.method, rt.path, r.status, rt.wantB, r.body)
				}
				if rt.wantB == 404 && (bytes.Contains(r.body, []byte(f.b.user.ID)) || bytes.Contains(r.body, []byte("a-scenario"))) {
					t.Errorf("B: %s %s leaks A's data: %s", rt.method, rt.path, r.body)
				}
				covered[rt.method+" "+templatePath(rt.path)] = true
			}
			// B's lists are empty.
			for _, p := range []string{"/api/v1/scenarios", "/api/v1/runs", "/api/v1/runs?scenario_id=" + f.scenarioID, "/api/v1/keys", "/api/v1/studies"} {
				r := bUser.do(t, "GET", p, "", nil)
				wantStatus(t, r, http.StatusOK)
				var page struct{ Items []map[string]any }
				if err := json.Unmarshal(r.body, &page); err != nil {
					t.Fatal(err)
				}
				want := 0
				if p == "/api/v1/keys" {
					want = 1 // B's own
				}
				if len(page.Items) != want {
					t.Errorf("B: GET %s lists %d items, want %d: %s", p, len(page.Items), want, r.body)
				}
				covered["GET "+strings.Split(p, "?")[0]] = true
			}
			// The same scenario and seed from B is not answered from A's
			// cached run (which would reveal that A ran it): B gets a new run
			// of its own, queued like any first run, whose result, once
			// computed, has the same bytes as A's.
			r := bUser.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(readFile(t, "small.yml")), "seed": 7})
			wantStatus(t, r, http.StatusAccepted)
			first := r.json(t)
			if first["cache_hit"] != false || first["status"] != "queued" || first["id"] == f.runID {
				t.Errorf("B's run of A's scenario and seed = %v, want a new queued run without cache_hit", first)
			}
			bRunID := first["id"].(string)
			if run := waitFinal(t, bUser, bRunID, time.Minute); run.Status != "succeeded" {
				t.Fatalf("B's run: %s (%s)", run.Status, run.Error)
			}
			bRes, aRes := bUser.do(t, "GET", runPath(bRunID, "/result"), "", nil).json(t), f.b.do(t, "GET", runPath(f.runID, "/result"), "", nil).json(t)
			if bRes["run_id"] != bRunID {
				t.Errorf("B's result names run %v, want %s", bRes["run_id"], bRunID)
			}
			delete(bRes, "run_id")
			delete(aRes, "run_id")
			if diff := cmp.Diff(aRes, bRes); diff != "" {
				t.Errorf("B's result differs from A's (-A +B):\n%s", diff)
			}
			wantStatus(t, f.b.do(t, "GET", runPath(bRunID), "", nil), http.StatusNotFound)
			// B's second identical run is a hit on B's own run.
			r = bUser.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(readFile(t, "small.yml")), "seed": 7})
			wantStatus(t, r, http.StatusAccepted)
			if hit := r.json(t); hit["cache_hit"] != true || hit["status"] != "succeeded" {
				t.Errorf("B's second identical run = %v, want a cache hit", hit)
			}

			// An admin reads A's objects and lists them.
			admin := f.b.as(f.admin)
			for _, p := range []string{"/api/v1/scenarios/" + f.scenarioID, runPath(f.runID), runPath(f.runID, "/result")} {
				if r := admin.do(t, "GET", p, "", nil); r.status != http.StatusOK {
					t.Errorf("admin: GET %s = %d, want 200", p, r.status)
				}
			}
			if r := admin.do(t, "GET", "/api/v1/runs", "", nil); !bytes.Contains(r.body, []byte(f.runID)) {
				t.Errorf("admin: GET /api/v1/runs does not list A's run: %s", r.body)
			}
			// Then A, for whom the same requests work.
			for _, rt := range routes {
				if r := f.b.send(t, rt); r.status != rt.wantA {
					t.Errorf("A: %s %s = %d, want %d; body %s", rt.method, rt.path, r.status, rt.wantA, r.body)
				}
			}
			// Every protected route with a path parameter or a list is in the table.
			for _, op := range protectedOps(t, f.b) {
				if !strings.Contains(op, "{") && !strings.HasPrefix(op, "GET ") {
					continue // creation routes own nothing yet
				}
				switch op {
				case "GET /api/v1/me", "POST /api/v1/auth/logout":
					continue
				case "GET /api/v1/examples":
					continue // the same files for every user
				}
				if !covered[op] {
					t.Errorf("route %s is not in the cross-tenant table", op)
				}
			}
		})
	}
}

// templatePath turns a concrete path back into its route template.
func templatePath(p string) string {
	parts := strings.Split(strings.Split(p, "?")[0], "/")
	for i, s := range parts {
		switch {
		case i > 0 && len(s) == 36 && strings.Count(s, "-") == 4:
			parts[i] = "{id}"
		case i > 0 && parts[i-1] == "versions":
			parts[i] = "{version}"
		case i > 0 && parts[i-1] == "charts":
			parts[i] = "{file}"
		}
	}
	return strings.Join(parts, "/")
}

// protectedOps lists "METHOD /path" of every operation with a security
// requirement in the OpenAPI document.
func protectedOps(t *testing.T, b testBundle) []string {
	t.Helper()
	r := b.as("").do(t, "GET", "/openapi.json", "", nil)
	wantStatus(t, r, http.StatusOK)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct{ Type, Scheme, In, Name string } `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("security scheme bearer = %+v, want http bearer", s)
	}
	if s := doc.Components.SecuritySchemes["cookie"]; s.Type != "apiKey" || s.In != "cookie" || s.Name != "fastsim_session" {
		t.Errorf("security scheme cookie = %+v, want apiKey in cookie fastsim_session", s)
	}
	var out []string
	for p, ops := range doc.Paths {
		for m, o := range ops {
			public := !strings.HasPrefix(p, "/api/v1/") || p == "/api/v1/auth/login" || p == "/api/v1/auth/register" ||
				p == "/api/v1/auth/local-session" || p == "/api/v1/ui-config"
			if public != (len(o.Security) == 0) {
				t.Errorf("%s %s: security %v, want it iff the route is protected", m, p, o.Security)
			}
			if want := []map[string][]string{{"bearer": {}}, {"cookie": {}}}; !public && !cmp.Equal(o.Security, want) {
				t.Errorf("%s %s: security %v, want %v (bearer or the session cookie)", m, p, o.Security, want)
			}
			if !public {
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestUnauthenticated: every protected route answers 401 without a
// credential, with the Bearer challenge and one fixed body; public ones
// do not need one.
func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	anon := b.as("")
	var first []byte
	ops := protectedOps(t, b)
	if len(ops) < 20 {
		t.Fatalf("%d protected operations, want every /api/v1 route", len(ops))
	}
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer("{id}", "0190b8a0-0000-7000-8000-000000000000", "{version}", "1", "{file}", "latency.svg").Replace(path)
		for _, p := range []string{path, "/x/.." + path, "/" + path} {
			r := anon.do(t, method, p, "application/json", []byte(`{}`))
			if r.status == http.StatusMovedPermanently {
				continue // the mux redirects unclean paths; the target is checked above
			}
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s %s without credential = %d, want 401", method, p, r.status)
				continue
			}
			if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("%s %s: WWW-Authenticate = %q", method, p, got)
			}
			if first == nil {
				first = r.body
			} else if !bytes.Equal(first, r.body) {
				t.Errorf("%s %s: 401 body %s differs from %s", method, p, r.body, first)
			}
		}
	}
	for _, p := range []string{"/health", "/ready", "/openapi.json", "/docs"} {
		if r := anon.do(t, "GET", p, "", nil); r.status != http.StatusOK {
			t.Errorf("GET %s without credential = %d, want 200", p, r.status)
		}
	}
}

func login(t *testing.T, b testBundle, email, password string) response {
	t.Helper()
	return b.as("").doJSON(t, "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password})
}

func tokenOf(t *testing.T, r response) string {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	tok, _ := r.json(t)["token"].(string)
	if !strings.HasPrefix(tok, "fss_") || len(tok) != 4+43 {
		t.Fatalf("token %q: want fss_ and 43 base64url characters", tok)
	}
	return tok
}

// TestBrokenCredentials: each kind of bad credential gets 401 with the
// same body, and login failures do not tell unknown emails from wrong
// passwords.
func TestBrokenCredentials(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := testenv.NewClock(time.Now())
			b := setup(t, setupOpts{dialect: dialect, now: clk.Now})
			ok := b.do(t, "GET", "/api/v1/me", "", nil)
			wantStatus(t, ok, http.StatusOK)

			expired := tokenOf(t, login(t, b, b.user.Email, testPassword))
			revoked := tokenOf(t, login(t, b, b.user.Email, testPassword))
			wantStatus(t, b.as(revoked).do(t, "POST", "/api/v1/auth/logout", "", nil), http.StatusNoContent)
			clk.Advance(time.Hour + time.Second) // the bundle's session TTL is 1h
			fresh := tokenOf(t, login(t, b, b.user.Email, testPassword))

			r := b.doJSON(t, "POST", "/api/v1/keys", map[string]any{"name": "to revoke"})
			wantStatus(t, r, http.StatusCreated)
			revokedKey := r.json(t)["key"].(string)
			wantStatus(t, b.do(t, "DELETE", "/api/v1/keys/"+mustID(t, r), "", nil), http.StatusNoContent)

			doomed, doomedKey := newAccount(t, b, store.RoleUser)
			_, adminKey := newAccount(t, b, store.RoleAdmin)
			wantStatus(t, b.as(adminKey).do(t, "DELETE", "/api/v1/admin/users/"+doomed.ID, "", nil), http.StatusNoContent)

			forged := b.token[:12] + strings.Repeat("A", len(b.token)-12) // right prefix, wrong secret
			var body401 []byte
			for _, tc := range []struct{ name, header string }{
				{"NoHeader", ""},
				{"Basic", "Basic dXNlcjpwYXNz"},
				{"BearerOnly", "Bearer"},
				{"NoScheme", b.token},
				{"Truncated", "Bearer " + b.token[:20]},
				{"Extended", "Bearer " + b.token + "x"},
				{"UnknownPrefix", "Bearer xyz_" + b.token[4:]},
				{"ForgedKey", "Bearer " + forged},
				{"ExpiredToken", "Bearer " + expired},
				{"RevokedToken", "Bearer " + revoked},
				{"RevokedKey", "Bearer " + revokedKey},
				{"KeyOfDeletedUser", "Bearer " + doomedKey},
			} {
				r := b.doWithAuth(t, "GET", "/api/v1/me", tc.header)
				if r.status != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", tc.name, r.status)
					continue
				}
				if body401 == nil {
					body401 = r.body
				} else if !bytes.Equal(body401, r.body) {
					t.Errorf("%s: body %s differs from %s", tc.name, r.body, body401)
				}
			}
			if r := b.as(fresh).do(t, "GET", "/api/v1/me", "", nil); r.status != http.StatusOK {
				t.Errorf("a fresh token after the clock moved: %d", r.status)
			}

			wrong := login(t, b, b.user.Email, "not the password at all")
			unknown := login(t, b, "nobody@example.com", "not the password at all")
			upper := login(t, b, strings.ToUpper(b.user.Email), testPassword)
			wantStatus(t, wrong, http.StatusUnauthorized)
			wantStatus(t, unknown, http.StatusUnauthorized)
			wantStatus(t, upper, http.StatusOK)
			if !bytes.Equal(wrong.body, unknown.body) {
				t.Errorf("wrong password body %s differs from unknown email body %s", wrong.body, unknown.body)
			}
		})
	}
}

// doWithAuth sends a request with exactly this Authorization header ("" for
// none).
func (b testBundle) doWithAuth(t *testing.T, method, path, header string) response {
	t.Helper()
	req, _ := http.NewRequest(method, path, nil)
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// TestAccounts drives registration, login, keys, logout and the admin
// routes.
func TestAccounts(t *testing.T) {
	t.Parallel()
	closed := setup(t, setupOpts{})
	r := closed.as("").doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": "new@example.com", "password": "a fine long password"})
	wantStatus(t, r, http.StatusForbidden)

	b := setup(t, setupOpts{allowRegister: true})
	anon := b.as("")
	const pw = "a fine long password"
	r = anon.doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": "New@Example.com", "password": pw})
	wantStatus(t, r, http.StatusCreated)
	if u := r.json(t); u["email"] != "New@Example.com" || u["role"] != "user" || u["plan"] != "free" || u["password_hash"] != nil {
		t.Errorf("registered user = %v", u)
	}
	r = anon.doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": "NEW@example.com", "password": pw})
	wantStatus(t, r, http.StatusConflict)
	for _, tc := range []struct{ name, email, password, location string }{
		{"ErrShort", "s@example.com", "short", "body.password"},
		{"ErrLong", "s@example.com", strings.Repeat("x", 129), "body.password"},
		{"ErrCommon", "s@example.com", "qwertyuiop123", "body.password"},
		{"ErrIsEmail", "someone.long@example.com", "SOMEONE.long@example.com", "body.password"},
		{"ErrContainsLocalPart", "alice@example.com", "my name is alice, hello", "body.password"},
		{"ErrEmail", "not-an-email", pw, "body.email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := anon.doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": tc.email, "password": tc.password})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			p := problemOf(t, r)
			if len(p.Errors) != 1 || p.Errors[0].Location != tc.location {
				t.Errorf("errors = %+v, want one at %s", p.Errors, tc.location)
			}
			if len(tc.password) >= 5 && bytes.Contains(r.body, []byte(tc.password)) {
				t.Errorf("the response echoes the password: %s", r.body)
			}
		})
	}

	tok := tokenOf(t, login(t, b, "new@example.com", pw))
	user := b.as(tok)
	r = user.do(t, "GET", "/api/v1/me", "", nil)
	wantStatus(t, r, http.StatusOK)
	me := r.json(t)
	r = user.doJSON(t, "POST", "/api/v1/keys", map[string]any{"name": "ci"})
	wantStatus(t, r, http.StatusCreated)
	created := r.json(t)
	key := created["key"].(string)
	if !strings.HasPrefix(key, "fsk_") || !strings.HasPrefix(key, created["prefix"].(string)) || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("created key %v, Cache-Control %q", created, r.header.Get("Cache-Control"))
	}
	r = b.as(key).do(t, "GET", "/api/v1/keys", "", nil)
	wantStatus(t, r, http.StatusOK)
	var keys struct{ Items []map[string]any }
	_ = json.Unmarshal(r.body, &keys)
	if len(keys.Items) != 1 || keys.Items[0]["key"] != nil || keys.Items[0]["last_used_at"] == nil || keys.Items[0]["name"] != "ci" {
		t.Errorf("keys = %v, want one, without secret, used just now", keys.Items)
	}
	// Logout needs a session, not a key.
	wantStatus(t, b.as(key).do(t, "POST", "/api/v1/auth/logout", "", nil), http.StatusBadRequest)
	wantStatus(t, user.do(t, "POST", "/api/v1/auth/logout", "", nil), http.StatusNoContent)
	wantStatus(t, user.do(t, "GET", "/api/v1/me", "", nil), http.StatusUnauthorized)

	// Admin: list users, change plan and role.
	_, adminKey := newAccount(t, b, store.RoleAdmin)
	admin := b.as(adminKey)
	r = admin.do(t, "GET", "/api/v1/admin/users?email=NEW@", "", nil)
	wantStatus(t, r, http.StatusOK)
	var users struct{ Items []map[string]any }
	_ = json.Unmarshal(r.body, &users)
	if len(users.Items) != 1 || users.Items[0]["id"] != me["id"] {
		t.Errorf("admin user list filtered by email = %v", users.Items)
	}
	r = admin.doJSON(t, "PATCH", "/api/v1/admin/users/"+me["id"].(string), map[string]any{"plan": "enterprise", "role": "admin"})
	wantStatus(t, r, http.StatusOK)
	r = b.as(key).do(t, "GET", "/api/v1/me", "", nil)
	if got := r.json(t); got["plan"] != "enterprise" || got["role"] != "admin" {
		t.Errorf("after PATCH, me = %v", got)
	}
	wantStatus(t, admin.doJSON(t, "PATCH", "/api/v1/admin/users/"+me["id"].(string), map[string]any{"plan": "gold"}), http.StatusUnprocessableEntity)
	wantStatus(t, admin.doJSON(t, "PATCH", "/api/v1/admin/users/0190b8a0-0000-7000-8000-000000000000", map[string]any{"plan": "pro"}), http.StatusNotFound)
}

// TestInjection: SQL metacharacters and very long strings in names,
// filters, emails and passwords are stored verbatim or refused with a 4xx;
// never a 500.
func TestInjection(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{allowRegister: true})
	small := readFile(t, "small.yml")
	long := strings.Repeat("'; DROP TABLE runs; --", 500) // 11,000 characters
	for _, name := range []string{`'; DROP TABLE scenarios; --`, `" OR 1=1 --`, `%_\`, "ünïcødé 名前", strings.Repeat("é", 200)} {
		r := b.do(t, "POST", "/api/v1/scenarios?name="+url.QueryEscape(name), "application/yaml", small)
		wantStatus(t, r, http.StatusCreated)
		id := mustID(t, r)
		if got := b.do(t, "GET", "/api/v1/scenarios/"+id, "", nil).json(t)["name"]; got != name {
			t.Errorf("name %.30q read back as %.30q", name, got)
		}
		r = b.do(t, "GET", "/api/v1/scenarios?name="+url.QueryEscape(name), "", nil)
		wantStatus(t, r, http.StatusOK)
		var page struct{ Items []map[string]any }
		_ = json.Unmarshal(r.body, &page)
		if len(page.Items) != 1 {
			t.Errorf("filter %.30q matched %d scenarios, want 1", name, len(page.Items))
		}
	}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/scenarios?name=" + url.QueryEscape(long), small},
		{"GET", "/api/v1/scenarios?name=" + url.QueryEscape(long), nil},
		{"GET", "/api/v1/scenarios?cursor=" + url.QueryEscape("' OR 1=1 --"), nil},
		{"GET", "/api/v1/runs?status=" + url.QueryEscape("queued' OR '1'='1"), nil},
		{"GET", "/api/v1/runs?scenario_id=" + url.QueryEscape("' OR 1=1 --"), nil},
		{"GET", "/api/v1/scenarios/" + url.PathEscape("' OR 1=1 --"), nil},
		{"GET", "/api/v1/runs/" + url.PathEscape(long), nil},
		{"POST", "/api/v1/runs", map[string]any{"scenario_id": "' OR 1=1 --"}},
		{"POST", "/api/v1/keys", map[string]any{"name": long}},
		{"DELETE", "/api/v1/keys/" + url.PathEscape("' OR 1=1 --"), nil},
		{"POST", "/api/v1/auth/login", map[string]any{"email": "' OR 1=1 --", "password": "' OR 1=1 --"}},
		{"POST", "/api/v1/auth/login", map[string]any{"email": long, "password": long}},
		{"POST", "/api/v1/auth/login", map[string]any{"email": "x@example.com", "password": long}},
		{"POST", "/api/v1/auth/register", map[string]any{"email": long + "@example.com", "password": long}},
		{"POST", "/api/v1/auth/register", map[string]any{"email": "'--@example.com' OR 1=1", "password": "a fine long password"}},
	} {
		var r response
		if y, ok := tc.body.([]byte); ok {
			r = b.do(t, tc.method, tc.path, "application/yaml", y)
		} else if tc.body != nil {
			r = b.doJSON(t, tc.method, tc.path, tc.body)
		} else {
			r = b.do(t, tc.method, tc.path, "", nil)
		}
		if r.status < 400 || r.status >= 500 {
			if !(r.status == http.StatusOK && tc.method == "GET") {
				t.Errorf("%s %.60s = %d, want a 4xx (or 200 for an empty list)", tc.method, tc.path, r.status)
			}
		}
	}
	r := b.doJSON(t, "POST", "/api/v1/keys", map[string]any{"name": `'; DELETE FROM api_keys; --`})
	wantStatus(t, r, http.StatusCreated)
	r = b.do(t, "GET", "/api/v1/keys", "", nil)
	if !strings.Contains(string(r.body), `'; DELETE FROM api_keys; --`) {
		t.Errorf("key name not returned verbatim: %s", r.body)
	}
}

// TestNoSecretInLogs drives every credential path with the request
// logger on at debug level and greps the log for the secrets.
func TestNoSecretInLogs(t *testing.T) {
	t.Parallel()
	var logs testenv.SyncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b := setup(t, setupOpts{allowRegister: true, logger: logger})
	b.handler = telemetry.Middleware(logger, telemetry.NewMetrics(), b.handler)
	anon := b.as("")
	const pw = "log secret password 1"
	wantStatus(t, anon.doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": "log@example.com", "password": pw}), http.StatusCreated)
	wantStatus(t, anon.doJSON(t, "POST", "/api/v1/auth/register", map[string]any{"email": "log2@example.com", "password": "log secret"}), http.StatusUnprocessableEntity)
	wantStatus(t, login(t, b, "log@example.com", pw+"x"), http.StatusUnauthorized)
	tok := tokenOf(t, login(t, b, "log@example.com", pw))
	r := b.as(tok).doJSON(t, "POST", "/api/v1/keys", map[string]any{"name": "k"})
	wantStatus(t, r, http.StatusCreated)
	key := r.json(t)["key"].(string)
	wantStatus(t, b.as(key).do(t, "GET", "/api/v1/me", "", nil), http.StatusOK)
	wantStatus(t, b.as(key+"x").do(t, "GET", "/api/v1/me", "", nil), http.StatusUnauthorized)
	wantStatus(t, b.as(tok).do(t, "POST", "/api/v1/auth/logout", "", nil), http.StatusNoContent)
	wantStatus(t, b.as(tok).do(t, "GET", "/api/v1/runs", "", nil), http.StatusUnauthorized)
	// The browser's paths: cookie reads, writes without and with the CSRF
	// header, logout, and the stale cookie.
	sess, csrf := wantSessionCookies(t, login(t, b, "log@example.com", pw), false)
	jar := []*http.Cookie{{Name: sess.Name, Value: sess.Value}}
	wantStatus(t, b.browser(t, browserReq{method: "GET", path: "/api/v1/me", cookies: jar}), http.StatusOK)
	wantStatus(t, b.browser(t, browserReq{method: "POST", path: "/api/v1/keys", body: map[string]any{"name": "c"}, cookies: jar}), http.StatusForbidden)
	csrfHeader := map[string]string{"X-CSRF-Token": csrf.Value}
	wantStatus(t, b.browser(t, browserReq{method: "POST", path: "/api/v1/auth/logout", cookies: jar, header: csrfHeader}), http.StatusNoContent)
	wantStatus(t, b.browser(t, browserReq{method: "GET", path: "/api/v1/me", cookies: jar}), http.StatusUnauthorized)

	out := logs.String()
	if strings.Count(out, "\n") < 8 {
		t.Fatalf("only %d log lines captured; the test would prove nothing:\n%s", strings.Count(out, "\n"), out)
	}
	for name, secret := range map[string]string{"password": pw, "short password": "log secret", "token": tok,
		"token secret": tok[4:], "key": key, "key secret": key[12:], "test key": b.token[12:],
		"session cookie": sess.Value[4:], "CSRF token": csrf.Value} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s appears in the logs", name)
		}
	}
	if strings.Contains(strings.ToLower(out), "authorization") || strings.Contains(strings.ToLower(out), "cookie") {
		t.Errorf("a log line mentions the Authorization or Cookie header:\n%s", out)
	}
}

// TestLastAdmin: the only admin can neither demote themselves nor be
// deleted, so the service always keeps an admin; with a second admin the
// first may step down (409 names the fix). On every database.
func TestLastAdmin(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect})
			first, firstKey := newAccount(t, b, store.RoleAdmin)
			a := b.as(firstKey)
			r := a.doJSON(t, "PATCH", "/api/v1/admin/users/"+first.ID, map[string]string{"role": "user"})
			wantStatus(t, r, http.StatusConflict)
			if p := problemOf(t, r); !strings.Contains(p.Detail, "the only admin cannot be demoted or deleted; make another user admin first") {
				t.Errorf("detail = %q, want the last-admin rule and its fix", p.Detail)
			}
			wantStatus(t, a.do(t, "DELETE", "/api/v1/admin/users/"+first.ID, "", nil), http.StatusUnprocessableEntity)
			if u, err := b.store.GetUser(context.Background(), first.ID); err != nil || u.Role != store.RoleAdmin {
				t.Fatalf("the only admin is now %+v, %v; want unchanged", u, err)
			}
			// A second admin: the first may step down, then the second is
			// the only one and cannot be demoted by anyone.
			second, secondKey := newAccount(t, b, store.RoleAdmin)
			wantStatus(t, a.doJSON(t, "PATCH", "/api/v1/admin/users/"+first.ID, map[string]string{"role": "user"}), http.StatusOK)
			wantStatus(t, b.as(secondKey).doJSON(t, "PATCH", "/api/v1/admin/users/"+second.ID, map[string]string{"role": "user"}), http.StatusConflict)
		})
	}
}
