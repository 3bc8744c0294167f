package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/web"
)

// chromiumPath is where Debian's chromium package (installed by .ci/run)
// puts the browser.
const chromiumPath = "/usr/bin/chromium"

// requireChromium returns the browser's path, or skips loudly when it is
// not installed; under FASTSIM_SLOW_TESTS=1 (CI, which installs it) a
// missing browser fails instead.
func requireChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv(testenv.SlowVar) == "1" {
			t.Fatalf("%s is missing but %s=1: install it (apt-get install -y chromium; .ci/run does)", chromiumPath, testenv.SlowVar)
		}
		t.Skip("!!! SKIPPED: " + chromiumPath + " not installed; the browser rendering of report.html and the SVG charts under their CSP is NOT tested (apt-get install -y chromium) !!!")
	}
	return chromiumPath
}

// screenshot loads url in headless Chromium and returns the screenshot and
// the browser's log (console messages included, CSP violations among
// them).
func screenshot(t *testing.T, browser, url string) (image.Image, string) {
	t.Helper()
	dir := t.TempDir()
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--window-size=800,600", "--screenshot="+shot, url)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, logs.String())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, logs.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img, logs.String()
}

// blackShare is the share of pure black pixels of img: an SVG chart whose
// styles are refused is drawn as black boxes.
func blackShare(img image.Image) float64 {
	b := img.Bounds()
	black := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r == 0 && g == 0 && bl == 0 {
				black++
			}
		}
	}
	return float64(black) / float64(b.Dx()*b.Dy())
}

// TestBrowserRendersDocuments opens a run's report.html and dashboard SVG
// in headless Chromium through the real API and checks that they render
// styled under the policy they are served with: no CSP violation in the
// browser's log, the report's page background is its stylesheet's
// #f7f8fa (unstyled: white), and the SVG is not a black box. As a
// control, the same documents served with the strict API policy must show
// the violation and the unstyled rendering, so the checks can fail.
func TestBrowserRendersDocuments(t *testing.T) {
	t.Parallel()
	testenv.RequireSlow(t) // four browser starts: ~10 s of CPU
	browser := requireChromium(t)
	b := setup(t, setupOpts{workers: 1})
	sid := createScenario(t, b, "browser", readFile(t, "small.yml"))["id"].(string)
	r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "seed": 5})
	wantStatus(t, r, http.StatusAccepted)
	id := mustID(t, r)
	if run := waitFinal(t, b, id, 30*time.Second); run.Status != "succeeded" {
		t.Fatalf("run %s: %+v", id, run)
	}
	// Chromium cannot send a bearer token: a front adds it, and, for the
	// control, replaces the policy by the strict one.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Header.Set("Authorization", "Bearer "+b.token)
		rec := httptest.NewRecorder()
		b.handler.ServeHTTP(rec, req)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if req.URL.Query().Get("control") == "strict" {
			w.Header().Set("Content-Security-Policy", strictCSP)
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)

	bg := color.NRGBA{0xf7, 0xf8, 0xfa, 0xff}
	tests := []struct {
		name, path string
		strict     bool
	}{
		{"ReportStyled", runPath(id, "/report.html"), false},
		{"SVGStyled", runPath(id, "/charts/dashboard.svg"), false},
		{"ControlReportUnstyled", runPath(id, "/report.html") + "?control=strict", true},
		{"ControlSVGBlack", runPath(id, "/charts/dashboard.svg") + "?control=strict", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			img, logs := screenshot(t, browser, srv.URL+tt.path)
			// Chromium logs "Applying inline style violates the following
			// Content Security Policy directive ..." (older releases:
			// "Refused to apply inline style because it violates ...").
			refused := strings.Contains(logs, "violates the following Content Security Policy directive")
			if refused != tt.strict {
				t.Errorf("CSP violation logged: %v, want %v; browser log (first 2000 bytes):\n%.2000s", refused, tt.strict, logs)
			}
			if strings.Contains(tt.path, "report.html") {
				got := color.NRGBAModel.Convert(img.At(2, 2)).(color.NRGBA)
				if styled := got == bg; styled == tt.strict {
					t.Errorf("page background %v, want styled (%v) = %v", got, bg, !tt.strict)
				}
				return
			}
			// A styled dashboard is mostly white and pale; the unstyled one
			// fills every shape in black.
			if share := blackShare(img); (share > 0.2) != tt.strict {
				t.Errorf("%.0f %% of the screenshot is black; want black boxes: %v", 100*share, tt.strict)
			}
		})
	}
}

// TestBrowserRendersDocs opens GET /docs in headless Chromium with no
// network beyond the API: the embedded Stoplight Elements must run under
// the page's policy (no CSP violation logged) and draw the reference from
// the OpenAPI document (its title, description and a tag appear in the
// DOM).
func TestBrowserRendersDocs(t *testing.T) {
	t.Parallel()
	testenv.RequireSlow(t) // a browser start: a few seconds of CPU
	browser := requireChromium(t)
	b := setup(t, setupOpts{})
	srv := httptest.NewServer(b.handler)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		// No route to anywhere but the test server: a CDN would fail.
		"--proxy-server=127.0.0.1:9", "--proxy-bypass-list="+strings.TrimPrefix(srv.URL, "http://"),
		"--virtual-time-budget=10000", "--dump-dom", srv.URL+"/docs")
	var dom, logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &dom, &logs
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "violates the following Content Security Policy directive") {
		t.Errorf("CSP violation on /docs; browser log (first 2000 bytes):\n%.2000s", logs.String())
	}
	for _, want := range []string{"FastSim API", "Discrete-event simulation of asynchronous backends", ">Runs<"} {
		if !strings.Contains(dom.String(), want) {
			t.Errorf("the rendered /docs lacks %q; DOM (first 2000 bytes):\n%.2000s\nlog:\n%.2000s", want, dom.String(), logs.String())
		}
	}
}

// dumpDOM loads url in headless Chromium with no route to anywhere but
// the test server at host, lets its scripts run for up to 10 s of virtual
// time, and returns the final DOM and the browser's log (console messages
// included, CSP violations among them).
func dumpDOM(t *testing.T, browser, host, url string) (dom, logs string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--proxy-server=127.0.0.1:9", "--proxy-bypass-list="+host,
		"--virtual-time-budget=10000", "--dump-dom", url)
	var out, log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, log.String())
	}
	return out.String(), log.String()
}

// TestBrowserRunsUI loads the committed web UI (web.Files, as fastsim
// serve embeds it) through the whole API handler in headless Chromium:
// the application must run under its Content-Security-Policy with no
// violation logged, and draw its first page from the API — the sign-in
// form on a server with accounts, and, in single-user mode, the scenario
// list after the password-less local session (a real browser's Origin and
// Host on a loopback server, the session in its HttpOnly cookie). As a
// control, the same build under a policy that refuses its script logs
// the violation and draws nothing, so the checks can fail.
func TestBrowserRunsUI(t *testing.T) {
	t.Parallel()
	testenv.RequireSlow(t) // three browser starts: ~10 s of CPU
	browser := requireChromium(t)
	const blocked = "default-src 'self'; script-src 'none'"
	tests := []struct {
		name       string
		singleUser bool
		policy     string // replaces the UI's policy when set (the control)
		want       string
		violation  bool
	}{
		{"SignIn", false, "", "Sign in to FastSim", false},
		{"SingleUserLocalSession", true, "", "<h1>Scenarios</h1>", false},
		{"ControlScriptRefused", false, blocked, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := setupOpts{ui: web.Handler(web.Files())}
			if tt.singleUser {
				o.localSessionEmail = "admin@localhost"
			}
			b := setup(t, o)
			if tt.singleUser {
				if _, err := b.auth.CreateUser(t.Context(), "admin@localhost", testPassword, store.RoleAdmin, store.PlanEnterprise); err != nil {
					t.Fatal(err)
				}
			}
			h := b.handler
			if tt.policy != "" {
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					b.handler.ServeHTTP(rec, r)
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.Header().Set("Content-Security-Policy", tt.policy)
					w.WriteHeader(rec.Code)
					_, _ = w.Write(rec.Body.Bytes())
				})
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			host := strings.TrimPrefix(srv.URL, "http://")
			dom, logs := dumpDOM(t, browser, host, srv.URL+"/")
			violated := strings.Contains(logs, "violates the following Content Security Policy directive")
			if violated != tt.violation {
				t.Errorf("CSP violation logged: %v, want %v; browser log (first 3000 bytes):\n%.3000s", violated, tt.violation, logs)
			}
			if tt.want != "" && !strings.Contains(dom, tt.want) {
				t.Errorf("the UI did not draw %q; DOM (first 3000 bytes):\n%.3000s\nlog:\n%.3000s", tt.want, dom, logs)
			}
			if tt.want == "" && !strings.Contains(dom, `<div id="root"></div>`) {
				t.Errorf("control: the refused script drew the page anyway; DOM (first 3000 bytes):\n%.3000s", dom)
			}
		})
	}
}
