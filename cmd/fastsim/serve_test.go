package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/testenv"
)

// waitHTTP polls url until it answers 200.
func waitHTTP(t *testing.T, url string, within time.Duration, logs *testenv.SyncBuffer) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s (last error %v); logs:\n%s", url, within, err, logs.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestServe starts `fastsim serve` in process on a free port (on
// PostgreSQL and Redis when FASTSIM_TEST_* are set, else on SQLite in a
// temporary directory and the memory cache), waits for /health and
// /ready, runs a scenario through the API, checks healthcheck, then
// cancels the context as SIGTERM does and expects a clean exit.
func TestServe(t *testing.T) {
	t.Parallel()
	addr := testenv.FreeAddr(t)
	env := map[string]string{
		"FASTSIM_ADDR":       addr,
		"FASTSIM_DATA_DIR":   filepath.Join(t.TempDir(), "data"),
		"FASTSIM_WORKERS":    "1",
		"FASTSIM_LOG_FORMAT": "json",
	}
	if testenv.DatabaseURL() != "" {
		env["FASTSIM_DATABASE_URL"] = testenv.PostgresURL(t)
	}
	// PostgreSQL: no single-user mode; the first admin comes from the CLI.
	var pgKey string
	if env["FASTSIM_DATABASE_URL"] != "" {
		c := runApp(t, context.Background(), func(a *app) {
			a.getenv = func(k string) string { return env[k] }
			a.stdin = strings.NewReader("a long test password 1\n")
		}, "users", "create", "--email", "admin@example.com", "--admin", "--key", "smoke")
		c.wantCode(t, exitOK)
		lines := strings.Fields(c.stdout)
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "fsk_") {
			t.Fatalf("users create printed %q, want the user id and an API key", c.stdout)
		}
		pgKey = lines[1]
	}
	if u := testenv.RedisURL(); u != "" {
		env["FASTSIM_REDIS_URL"] = u
	}
	getenv := func(k string) string { return env[k] }
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stdout, stderr testenv.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), &stdout, &stderr) }()
	base := "http://" + addr
	waitHTTP(t, base+"/health", 30*time.Second, &stderr)
	waitHTTP(t, base+"/ready", 10*time.Second, &stderr)
	var client *http.Client
	if pgKey != "" {
		client = bearerClient(pgKey)
	} else {
		client = singleUserClient(t, env["FASTSIM_DATA_DIR"])
	}
	// Without a credential, the API answers 401.
	if resp, err := http.Get(base + "/api/v1/runs"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /api/v1/runs without a credential: %v %v, want 401", resp, err)
	} else {
		resp.Body.Close()
	}

	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "api", "testdata", "small.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// A fresh seed, so that a shared Redis cannot answer from an earlier
	// test run: the simulation must execute.
	body, _ := json.Marshal(map[string]any{"scenario": string(data), "seed": time.Now().UnixNano()})
	resp, err := client.Post(base+"/api/v1/runs", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	loc := resp.Header.Get("Location")
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || loc == "" {
		t.Fatalf("POST /api/v1/runs: %d, Location %q", resp.StatusCode, loc)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(base + loc)
		if err != nil {
			t.Fatal(err)
		}
		var run struct{ Status, Error string }
		_ = json.NewDecoder(resp.Body).Decode(&run)
		resp.Body.Close()
		if run.Status == "succeeded" {
			break
		}
		if run.Status == "failed" || run.Status == "cancelled" || time.Now().After(deadline) {
			t.Fatalf("run %s: %s %s", loc, run.Status, run.Error)
		}
		time.Sleep(25 * time.Millisecond)
	}
	resp, err = client.Get(base + loc + "/result")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET result: %d", resp.StatusCode)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`fastsim_http_requests_total{method="POST",route="POST /api/v1/runs",status="202"} 1`, "fastsim_simulated_events_total", `fastsim_runs{status="succeeded"} 1`,
		`fastsim_http_rate_limited_total{limit="ip"} 0`, `fastsim_quota_refusals_total{limit="concurrent_runs"} 0`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// fastsim healthcheck finds the server through FASTSIM_ADDR.
	hc := runApp(t, context.Background(), func(a *app) { a.getenv = getenv }, "healthcheck")
	hc.wantCode(t, exitOK)

	stop() // what SIGTERM does through signal.NotifyContext
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("serve exit code %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop within 40s of the signal")
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"fastsim serving"`, `"msg":"shutting down"`, `"msg":"stopped","clean":true`, `"request_id":"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"ErrFlag", []string{"serve", "--workers", "-2"}, nil, "--workers / FASTSIM_WORKERS: -2 is out of range"},
		{"ErrEnv", []string{"serve"}, map[string]string{"FASTSIM_RUN_TIMEOUT": "soon"}, "environment variable FASTSIM_RUN_TIMEOUT"},
		{"ErrDatabaseURL", []string{"serve", "--database-url", "mysql://x"}, nil, "--database-url / FASTSIM_DATABASE_URL"},
		{"ErrHealthcheckNobody", []string{"healthcheck", "--url", "http://" + testenv.FreeAddr(t) + "/health", "--timeout", "1s"}, nil, "healthcheck http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := runApp(t, context.Background(), func(a *app) { a.getenv = func(k string) string { return tt.env[k] } }, tt.args...)
			c.wantCode(t, exitFailure)
			contains(t, "stderr", c.stderr, tt.want)
		})
	}
}

func TestHealthURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8000/health",
		":9000":          "http://127.0.0.1:9000/health",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/health",
		"localhost":      "http://127.0.0.1:8000/health",
		"127.0.0.1:0":    "http://127.0.0.1:8000/health",
		"[::1]:7000":     "http://127.0.0.1:7000/health",
		"fastsim.io:443": "http://127.0.0.1:443/health",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// bearerTransport adds a bearer credential to every request.
type bearerTransport struct{ key string }

// RoundTrip sends r with the Authorization header set.
func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.key)
	return http.DefaultTransport.RoundTrip(r)
}

// bearerClient returns an HTTP client that authenticates with key.
func bearerClient(key string) *http.Client { return &http.Client{Transport: bearerTransport{key}} }

// singleUserClient returns a client authenticated with the admin key
// that single-user mode wrote to dataDir/admin.key.
func singleUserClient(t *testing.T, dataDir string) *http.Client {
	t.Helper()
	key, err := readKeyFile(filepath.Join(dataDir, "admin.key"))
	if err != nil {
		t.Fatalf("single-user mode key: %v", err)
	}
	return bearerClient(key)
}

// TestServeSingleUser: the first start on the embedded defaults creates
// the admin and its key (printed once, file mode 0600); the second start
// prints nothing and the key still works.
func TestServeSingleUser(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	start := func() (stderr string, key string) {
		addr := testenv.FreeAddr(t)
		env := map[string]string{"FASTSIM_ADDR": addr, "FASTSIM_DATA_DIR": dataDir, "FASTSIM_WORKERS": "0"}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		var stdout, logs testenv.SyncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &logs)
		}()
		base := "http://" + addr
		waitHTTP(t, base+"/ready", 30*time.Second, &logs)
		k, err := readKeyFile(filepath.Join(dataDir, "admin.key"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := bearerClient(k).Get(base + "/api/v1/me")
		if err != nil {
			t.Fatal(err)
		}
		var me struct{ Email, Role string }
		_ = json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || me.Email != singleUserEmail || me.Role != "admin" {
			t.Errorf("GET /api/v1/me with admin.key: %d %+v, want 200 admin@localhost admin", resp.StatusCode, me)
		}
		checkLocalSession(t, base)
		stop()
		if code := <-done; code != exitOK {
			t.Fatalf("serve exit %d; stderr:\n%s", code, logs.String())
		}
		return logs.String(), k
	}
	first, key := start()
	if strings.Count(first, key) != 1 {
		t.Errorf("first start printed the key %d times, want once", strings.Count(first, key))
	}
	fi, err := os.Stat(filepath.Join(dataDir, "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode = %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(first, "single-user mode: listening on 127.0.0.1:") {
		t.Errorf("no start-up line saying where single-user mode listens; stderr:\n%s", first)
	}
	second, key2 := start()
	if key2 != key || strings.Contains(second, key) || strings.Contains(second, "single-user mode: created") {
		t.Errorf("second start: key changed (%v) or printed again; stderr:\n%s", key2 != key, second)
	}
}

// checkLocalSession opens single-user mode's browser session over real
// loopback TCP, as the UI's page does (Origin of the server), and checks
// that its cookie authenticates the admin and that no key is in the body.
func checkLocalSession(t *testing.T, base string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/local-session", nil)
	req.Header.Set("Origin", base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "fastsim_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusOK || session == nil || bytes.Contains(body, []byte("fsk_")) || bytes.Contains(body, []byte(session.Value)) {
		t.Fatalf("POST /api/v1/auth/local-session: %d %s; want 200, the session cookie, and no secret in the body", resp.StatusCode, body)
	}
	req, _ = http.NewRequest("GET", base+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ Email string }
	_ = json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || me.Email != singleUserEmail {
		t.Errorf("GET /api/v1/me with the local session's cookie: %d %+v", resp.StatusCode, me)
	}
}

// TestSingleUserBind: single-user mode listens on 127.0.0.1 unless an
// address is given, and says so at start; a deployment keeps :8000.
func TestSingleUserBind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        config.Config
		wantListen string
		wantNote   string
	}{
		{"SingleUserDefault", config.Config{}, "127.0.0.1:8000",
			"single-user mode: listening on 127.0.0.1:8000 only (this machine); give --addr :8000 or FASTSIM_ADDR=:8000 to accept other machines"},
		{"SingleUserAddrGiven", config.Config{Addr: ":9001"}, ":9001", "single-user mode: listening on [::]:9001 as --addr / FASTSIM_ADDR asks"},
		{"DeploymentDefault", config.Config{DatabaseURL: "postgres://db/fastsim"}, ":8000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.cfg.ListenAddr(); got != tt.wantListen {
				t.Errorf("ListenAddr = %q, want %q", got, tt.wantListen)
			}
			bound := map[string]string{"127.0.0.1:8000": "127.0.0.1:8000", ":9001": "[::]:9001", ":8000": "[::]:8000"}[tt.wantListen]
			if got := bindNote(tt.cfg, bound); got != tt.wantNote {
				t.Errorf("bindNote = %q, want %q", got, tt.wantNote)
			}
		})
	}
	if d := config.Default(1); d.ListenAddr() != "127.0.0.1:8000" {
		t.Errorf("the default configuration listens on %q, want 127.0.0.1:8000", d.ListenAddr())
	}
}
