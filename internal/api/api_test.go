package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// testBundle is one API over a fresh store (PostgreSQL when
// FASTSIM_TEST_DATABASE_URL is set, SQLite otherwise).
type testBundle struct {
	handler http.Handler
	store   store.Backend
	jobs    *job.Client
	cache   cache.Cache
	auth    *auth.Authenticator
	// token is sent as the bearer credential of every request (user A's
	// API key); empty sends none.
	token string
	// user is the owner of token.
	user store.User
}

type setupOpts struct {
	dialect string // "" picks testenv.Store
	workers int
	limits  api.Limits
	cache   cache.Cache
	check   bool
	store   store.Backend
	// allowRegister turns POST /api/v1/auth/register on.
	allowRegister bool
	// logger receives the API's logs. Defaults to discarding them.
	logger *slog.Logger
	// now is the authenticator's clock. Defaults to time.Now.
	now func() time.Time
	// noAccount skips creating user A (for an unmigrated store).
	noAccount bool
	// engine is the engine identity of the cache keys. Defaults to
	// version.Engine().
	engine string
	// jobConfig, when set, edits the job client's configuration.
	jobConfig func(*job.Config)
	// authStore, when set, is the authenticator's store instead of the
	// bundle's (to break credential checks only).
	authStore store.UserStore
	// localSessionEmail turns single-user mode's local session on for
	// this user (api.Options.LocalSessionEmail).
	localSessionEmail string
	// ui serves the web UI (api.Options.UI). Defaults to none.
	ui http.Handler
	// examples are the example scenarios of GET /api/v1/examples.
	examples fs.FS
}

func setup(t *testing.T, o setupOpts) testBundle {
	t.Helper()
	st := o.store
	switch {
	case st != nil:
	case o.dialect != "":
		st = testenv.StoreFor(t, o.dialect)
	default:
		st = testenv.Store(t)
	}
	jc := job.Config{Workers: o.workers, RunTimeout: time.Minute, FetchPollInterval: 50 * time.Millisecond, ProgressInterval: 50 * time.Millisecond}
	if o.jobConfig != nil {
		o.jobConfig(&jc)
	}
	jobs, err := job.NewClient(st, jc)
	if err != nil {
		t.Fatalf("job.NewClient: %v", err)
	}
	if o.workers > 0 {
		if err := jobs.Start(context.Background()); err != nil {
			t.Fatalf("start workers: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = jobs.Stop(ctx)
		})
	}
	c := o.cache
	if c == nil {
		c = cache.NewMemory(16, time.Hour, nil)
	}
	logger := o.logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var users store.UserStore = st
	if o.authStore != nil {
		users = o.authStore
	}
	authn := auth.New(users, auth.Options{Params: auth.InsecureTestParams(), SessionTTL: time.Hour, Now: o.now})
	h := api.New(api.Options{
		Store: st, Jobs: jobs, Cache: c, Engine: o.engine, CheckCache: o.check, Limits: o.limits,
		Logger: logger, PollInterval: 20 * time.Millisecond, Auth: authn, AllowRegister: o.allowRegister,
		LocalSessionEmail: o.localSessionEmail, UI: o.ui, Examples: o.examples,
	})
	b := testBundle{handler: h, store: st, jobs: jobs, cache: c, auth: authn}
	if !o.noAccount {
		b.user, b.token = newAccount(t, b, store.RoleUser)
	}
	return b
}

// testPassword is the password of every account tests create.
const testPassword = "correct-horse-battery-9"

// newAccount creates a user of the role (email unique per call) and an
// API key of it, and returns the user and the key.
func newAccount(t *testing.T, b testBundle, role store.Role) (store.User, string) {
	t.Helper()
	ctx := context.Background()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	u, err := b.auth.CreateUser(ctx, fmt.Sprintf("tenant-%x@example.com", rnd), testPassword, role, store.PlanFree)
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	key, _, err := b.auth.CreateAPIKey(ctx, u, "test")
	if err != nil {
		t.Fatalf("create API key: %v", err)
	}
	return u, key
}

// as returns the bundle sending token as the bearer credential ("" for
// none).
func (b testBundle) as(token string) testBundle {
	b.token = token
	return b
}

// authHeader returns the Authorization header value of the bundle's
// token.
func (b testBundle) authHeader() string {
	if b.token == "" {
		return ""
	}
	return "Bearer " + b.token
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func (b testBundle) do(t *testing.T, method, path, contentType string, body []byte) response {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if h := b.authHeader(); h != "" {
		req.Header.Set("Authorization", h)
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (b testBundle) doJSON(t *testing.T, method, path string, v any) response {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b.do(t, method, path, "application/json", body)
}

func wantStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d; body: %s", r.status, want, r.body)
	}
}

// problemOf decodes a problem+json body.
type problemBody struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func problemOf(t *testing.T, r response) problemBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemBody
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %q: %v", r.body, err)
	}
	if p.Status != r.status {
		t.Errorf("problem status %d != response status %d", p.Status, r.status)
	}
	return p
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.do(t, "GET", "/health", "", nil)
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["status"]; got != "ok" {
		t.Errorf("status = %v, want ok", got)
	}
}

func TestReady(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		r := b.do(t, "GET", "/ready", "", nil)
		wantStatus(t, r, http.StatusOK)
		want := map[string]any{"status": "ready", "checks": map[string]any{"database": "ok", "migrations": "ok"}}
		if diff := cmp.Diff(want, r.json(t)); diff != "" {
			t.Errorf("ready body (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrMigrationsPending", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{store: testenv.SQLiteUnmigrated(t), noAccount: true})
		r := b.do(t, "GET", "/ready", "", nil)
		wantStatus(t, r, http.StatusServiceUnavailable)
		p := problemOf(t, r)
		if len(p.Errors) != 1 || p.Errors[0].Location != "migrations" || !strings.Contains(p.Errors[0].Message, "fastsim migrate up") {
			t.Errorf("errors = %+v, want one about pending migrations", p.Errors)
		}
	})
	t.Run("ErrCacheUnreachable", func(t *testing.T) {
		t.Parallel()
		c, err := cache.NewRedis(cache.RedisOptions{URL: "redis://" + closedPort(t) + "/0", Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		b := setup(t, setupOpts{cache: c, check: true})
		r := b.do(t, "GET", "/ready", "", nil)
		wantStatus(t, r, http.StatusServiceUnavailable)
		p := problemOf(t, r)
		if len(p.Errors) != 1 || p.Errors[0].Location != "cache" {
			t.Errorf("errors = %+v, want one about the cache", p.Errors)
		}
	})
}

func TestOpenAPIAndDocs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.do(t, "GET", "/openapi.json", "", nil)
	wantStatus(t, r, http.StatusOK)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	for path, methods := range map[string][]string{
		"/health": {"get"}, "/ready": {"get"}, "/api/v1/validate": {"post"},
		"/api/v1/scenarios": {"get", "post"}, "/api/v1/scenarios/{id}": {"get", "put", "delete"},
		"/api/v1/scenarios/{id}/versions": {"get"}, "/api/v1/scenarios/{id}/versions/{version}": {"get"},
		"/api/v1/runs": {"get", "post"}, "/api/v1/runs/{id}": {"get"}, "/api/v1/runs/{id}/result": {"get"},
		"/api/v1/runs/{id}/series": {"get"}, "/api/v1/runs/{id}/events": {"get"}, "/api/v1/runs/{id}/cancel": {"post"},
		"/api/v1/studies": {"get", "post"}, "/api/v1/studies/{id}": {"get", "delete"}, "/api/v1/studies/{id}/result": {"get"},
		"/api/v1/studies/{id}/events": {"get"}, "/api/v1/studies/{id}/cancel": {"post"}, "/api/v1/compare": {"get"},
	} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("OpenAPI lacks %s %s", strings.ToUpper(m), path)
			}
		}
	}
	wantStatus(t, b.do(t, "GET", "/docs", "", nil), http.StatusOK)
}

func TestUnknownRouteIsProblem(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	r := b.do(t, "GET", "/api/v1/nothing", "", nil)
	wantStatus(t, r, http.StatusNotFound)
}

func closedPort(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

func mustID(t *testing.T, r response) string {
	t.Helper()
	id, _ := r.json(t)["id"].(string)
	if id == "" {
		t.Fatalf("no id in %s", r.body)
	}
	return id
}

func runPath(id string, rest ...string) string {
	return "/api/v1/runs/" + id + strings.Join(rest, "")
}

// get is http.Get with the bundle's credential.
func (b testBundle) get(url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if h := b.authHeader(); h != "" {
		req.Header.Set("Authorization", h)
	}
	return http.DefaultClient.Do(req)
}

// actor returns the store actor of the bundle's user.
func (b testBundle) actor() store.Actor { return store.ActorOf(b.user) }
