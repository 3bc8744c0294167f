package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
	"github.com/fastsim/fastsim/version"
)

// cli is the outcome of one in-process command.
type cli struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command line args in process, as main would.
func runCLI(t *testing.T, args ...string) cli {
	t.Helper()
	return runApp(t, context.Background(), nil, args...)
}

// runApp runs args with an app configured by configure (may be nil).
func runApp(t *testing.T, ctx context.Context, configure func(a *app), args ...string) cli {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, isTerminal: isTerminal, progressMin: progressMinRequests}
	if configure != nil {
		configure(a)
	}
	code := a.execute(ctx, args)
	return cli{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// wantCode fails the test unless the command exited with code.
func (c cli) wantCode(t *testing.T, code int) {
	t.Helper()
	if c.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", c.code, code, c.stdout, c.stderr)
	}
}

// contains fails the test unless s contains every one of subs.
func contains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}

const (
	small   = "testdata/small.yml"
	warning = "testdata/warning.yml"
	invalid = "testdata/invalid.yml"
)

// direct runs testdata/small.yml through the library, for comparison.
func direct(t *testing.T, opts ...fastsim.Option) *result.Result {
	t.Helper()
	data, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	r, err := fastsim.Run(context.Background(), sc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func indented(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func TestRunMainSignature(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"version"}, os.Getenv, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), version.Version) {
		t.Errorf("run(version) = %d, stdout %q", code, stdout.String())
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "version")
	c.wantCode(t, 0)
	want := "fastsim " + version.Version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ", engine " + version.Engine() + ")\n"
	if diff := cmp.Diff(want, c.stdout); diff != "" {
		t.Errorf("version output (-want +got):\n%s", diff)
	}
}

func TestRunReport(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "run", small)
	c.wantCode(t, 0)
	r := direct(t)
	contains(t, "report", c.stdout,
		"FastSim "+version.Version+"  seed 42  horizon 30 s",
		"Latency (ms) of ",
		"Throughput  ",
		"srv-1       1",
		"client-srv",
	)
	if c.stderr != "" {
		t.Errorf("stderr not empty:\n%s", c.stderr)
	}
	// The report carries the run's exact counts.
	contains(t, "report", c.stdout, " "+itoa(r.Counts.Generated)+" ", " "+itoa(r.Counts.Completed)+" ")
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	t.Run("Stdout", func(t *testing.T) {
		t.Parallel()
		c := runCLI(t, "run", small, "--json", "-", "--seed", "7")
		c.wantCode(t, 0)
		// Byte-identical to the library's result, and nothing else on stdout.
		if diff := cmp.Diff(indented(t, direct(t, fastsim.WithSeed(7))), c.stdout); diff != "" {
			t.Errorf("JSON on stdout (-want +got):\n%s", diff)
		}
	})
	t.Run("FileAndReport", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "out.json")
		c := runCLI(t, "run", small, "--json", path, "--series")
		c.wantCode(t, 0)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(indented(t, direct(t, fastsim.WithSeries())), string(got)); diff != "" {
			t.Errorf("JSON file (-want +got):\n%s", diff)
		}
		contains(t, "report", c.stdout, "Latency (ms)")
	})
	t.Run("Quiet", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "out.json")
		c := runCLI(t, "run", small, "--json", path, "--quiet")
		c.wantCode(t, 0)
		if c.stdout != "" {
			t.Errorf("--quiet printed:\n%s", c.stdout)
		}
		var r result.Result
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		if r.Seed != 42 || r.HorizonS != 30 || r.Counts.Completed == 0 {
			t.Errorf("decoded result: seed %d horizon %v completed %d", r.Seed, r.HorizonS, r.Counts.Completed)
		}
	})
	t.Run("ErrUnwritable", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "no", "such", "dir", "out.json")
		c := runCLI(t, "run", small, "--json", path)
		c.wantCode(t, 1)
		contains(t, "stderr", c.stderr, "writing the JSON result to "+path)
	})
}

func TestRunReplications(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "run", small, "--replications", "3", "--json", "-")
	c.wantCode(t, 0)
	// The shape of analysis.Replicated, the API's result shape too.
	var got analysis.Replicated
	if err := json.Unmarshal([]byte(c.stdout), &got); err != nil {
		t.Fatalf("decoding %s: %v", c.stdout, err)
	}
	var completed int64
	for i := range 3 {
		r := direct(t, fastsim.WithSeed(fastsim.ReplicationSeed(42, i)))
		completed += r.Counts.Completed
		if i < len(got.Replications) && got.Replications[i].Counts != r.Counts {
			t.Errorf("replications[%d].counts = %+v, want %+v (the run with seed %d)", i, got.Replications[i].Counts, r.Counts, r.Seed)
		}
	}
	if got.Counts.Completed != completed || len(got.Replications) != 3 || got.Statistics == nil ||
		got.Statistics.Replications != 3 || got.Statistics.LatencyMean.HalfWidth <= 0 {
		t.Errorf("completed %d (want %d), %d replications, statistics %+v", got.Counts.Completed, completed, len(got.Replications), got.Statistics)
	}

	c = runCLI(t, "run", small, "--replications", "2")
	c.wantCode(t, 0)
	contains(t, "report", c.stdout, "Latency (ms)", "Merged from 2 replications", "Replications  mean per run of 2 replications", "latency mean (ms)", "utilisation srv-1 (%)")
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"ErrInvalidScenario", []string{"run", invalid}, 2, []string{
			"fastsim: testdata/invalid.yml: invalid scenario, 2 errors:\n",
			`topology_graph.nodes.servers[0].endpoints[0].steps[0].kind: unknown value "cpu_parse"`,
			"sim_settings.total_simulation_time: must be",
		}},
		{"ErrMissingFile", []string{"run", "testdata/nope.yml"}, 1, []string{"fastsim: reading scenario: open testdata/nope.yml: no such file or directory"}},
		{"ErrSeedNotANumber", []string{"run", small, "--seed", "abc"}, 1, []string{`invalid argument "abc" for "--seed" flag`, "; run 'fastsim run --help' for usage"}},
		{"ErrReplicationsZero", []string{"run", small, "--replications", "0"}, 1, []string{"--replications must be at least 1, got 0"}},
		{"ErrUnknownFlag", []string{"run", small, "--sed", "1"}, 1, []string{"unknown flag: --sed"}},
		{"ErrNoFile", []string{"run"}, 1, []string{"accepts 1 arg(s), received 0"}},
		{"ErrUnknownCommand", []string{"rnu"}, 1, []string{`unknown command "rnu"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := runCLI(t, tt.args...)
			c.wantCode(t, tt.code)
			contains(t, "stderr", c.stderr, tt.stderr...)
			if c.stdout != "" {
				t.Errorf("stdout not empty on error:\n%s", c.stdout)
			}
		})
	}
}

func TestRunWarning(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "run", warning, "--quiet")
	c.wantCode(t, 0)
	contains(t, "stderr", c.stderr, "fastsim: testdata/warning.yml: warning: topology_graph.edges[0].latency.distribution: poisson")
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as if SIGINT arrived
	c := runApp(t, ctx, nil, "run", small)
	c.wantCode(t, 1)
	contains(t, "stderr", c.stderr, "run interrupted, no result written", "context canceled")
}

func TestRunProgressBar(t *testing.T) {
	t.Parallel()
	terminal := func(a *app) {
		a.isTerminal = func(io.Writer) bool { return true }
		a.progressMin = 0
	}
	c := runApp(t, context.Background(), terminal, "run", small, "--quiet")
	c.wantCode(t, 0)
	contains(t, "stderr on a terminal", c.stderr, "simulating")

	// Not a terminal (a buffer): no bar, whatever the length.
	c = runApp(t, context.Background(), func(a *app) { a.progressMin = 0 }, "run", small, "--quiet")
	c.wantCode(t, 0)
	if c.stderr != "" {
		t.Errorf("progress drawn on a non-terminal:\n%s", c.stderr)
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("isTerminal(buffer) = true")
	}
}

func TestProgressThreshold(t *testing.T) {
	t.Parallel()
	sc, err := (&app{}).loadScenario(t.Context(), small)
	if err != nil {
		t.Fatal(err)
	}
	c, err := engine.Estimate(sc)
	if err != nil {
		t.Fatal(err)
	}
	// The bar shows from engine.Estimate's requests of all replications.
	for _, tt := range []struct {
		reps int
		min  float64
		bar  bool
	}{
		{1, float64(c.Requests), true},
		{1, float64(c.Requests) + 1, false},
		{4, float64(4 * c.Requests), true},
		{4, float64(4*c.Requests) + 1, false},
	} {
		a := &app{stderr: io.Discard, isTerminal: func(io.Writer) bool { return true }, progressMin: tt.min}
		if got := a.newProgress(sc, tt.reps) != nil; got != tt.bar {
			t.Errorf("%d replications of %d requests, threshold %v: bar %v, want %v", tt.reps, c.Requests, tt.min, got, tt.bar)
		}
	}
}

func TestRunLimitFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"in flight", []string{"run", small, "--max-in-flight", "1"},
			[]string{"simulating testdata/small.yml: ", "the system is unstable: more than 1 requests in flight at t = ", "; the limit is --max-in-flight 1"}},
		{"events", []string{"run", small, "--max-events", "10", "--replications", "2"},
			[]string{"limit of 10 processed events at t = ", "; the limit is --max-events 10"}},
		{"size", []string{"size", small, "--p99", "1s", "--max-events", "10"},
			[]string{"sizing testdata/small.yml: ", "limit of 10 processed events", "; the limit is --max-events 10"}},
	}
	for _, tt := range tests {
		c := runApp(t, context.Background(), nil, tt.args...)
		c.wantCode(t, 1)
		contains(t, tt.name+": stderr", c.stderr, tt.want...)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"OK", []string{small}, 0, "testdata/small.yml: valid\n", ""},
		{"OKWithWarning", []string{warning}, 0,
			"warning: topology_graph.edges[0].latency.distribution: poisson draws whole seconds, so this latency with mean 0.002 s is mostly 0 s; use exponential or deterministic\n" +
				"testdata/warning.yml: valid, 1 warning\n", ""},
		{"ErrInvalid", []string{invalid, small}, 2,
			"testdata/invalid.yml: invalid scenario, 2 errors\n" +
				`topology_graph.nodes.servers[0].endpoints[0].steps[0].kind: unknown value "cpu_parse"; accepted values: initial_parsing, cpu_bound_operation, ram, io_task_spawn, io_llm, io_wait, io_db, io_cache, call, parallel (line 15)` + "\n" +
				"sim_settings.total_simulation_time: must be a whole number of seconds >= 5, got -3 (line 21)\n" +
				"testdata/small.yml: valid\n", ""},
		{"ErrMissing", []string{invalid, "testdata/nope.yml"}, 1,
			"testdata/invalid.yml: invalid scenario, 2 errors\n" +
				`topology_graph.nodes.servers[0].endpoints[0].steps[0].kind: unknown value "cpu_parse"; accepted values: initial_parsing, cpu_bound_operation, ram, io_task_spawn, io_llm, io_wait, io_db, io_cache, call, parallel (line 15)` + "\n" +
				"sim_settings.total_simulation_time: must be a whole number of seconds >= 5, got -3 (line 21)\n",
			"fastsim: reading scenario: open testdata/nope.yml: no such file or directory (check the file name)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := runCLI(t, append([]string{"validate"}, tt.args...)...)
			c.wantCode(t, tt.code)
			if diff := cmp.Diff(tt.stdout, c.stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stderr, c.stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

// asyncflowDir returns ../shared/asyncflow relative to the repository root
// (two levels above this package), skipping the test if it is absent.
func asyncflowDir(t *testing.T, sub string) []string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "asyncflow", sub)
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no AsyncFlow scenarios in %s (the folder exists in CI and on the development machine)", dir)
	}
	return files
}

func TestValidateAsyncFlow(t *testing.T) {
	t.Parallel()
	t.Run("Valid", func(t *testing.T) {
		t.Parallel()
		files := asyncflowDir(t, "valid")
		c := runCLI(t, append([]string{"validate"}, files...)...)
		c.wantCode(t, 0)
		if n := strings.Count(c.stdout, ": valid"); n != len(files) {
			t.Errorf("%d files reported valid, want %d:\n%s", n, len(files), c.stdout)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		for _, f := range asyncflowDir(t, "invalid") {
			c := runCLI(t, "validate", f)
			c.wantCode(t, 2)
			contains(t, "stdout", c.stdout, f+": invalid scenario, ")
		}
	})
}

func TestRunPlotsAndReport(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		plots := filepath.Join(dir, "charts")
		html := filepath.Join(dir, "report.html")
		jsonPath := filepath.Join(dir, "out.json")
		c := runCLI(t, "run", small, "--quiet", "--plots", plots, "--report", html, "--json", jsonPath)
		c.wantCode(t, 0)
		sc := readSmall(t)
		r := direct(t, fastsim.WithSeries())
		var want []string
		for _, ch := range report.Charts(sc, r) {
			want = append(want, ch.Name+".png", ch.Name+".svg")
		}
		entries, err := os.ReadDir(plots)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chart files (-want +got):\n%s", diff)
		}
		page, err := os.ReadFile(html)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WriteHTML(t.Context(), &buf, sc, r, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(page, buf.Bytes()) {
			t.Errorf("report.html differs from report.WriteHTML of the same run")
		}
		// The series were recorded for the charts only: the JSON is the
		// plain result, byte for byte.
		data, err := os.ReadFile(jsonPath)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(indented(t, direct(t)), string(data)); diff != "" {
			t.Errorf("JSON with --plots (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrPlotsDirIsFile", func(t *testing.T) {
		t.Parallel()
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		c := runCLI(t, "run", small, "--quiet", "--plots", file)
		c.wantCode(t, 1)
		contains(t, "stderr", c.stderr, "--plots: creating "+file)
	})
	t.Run("ErrReportUnwritable", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "no", "dir", "r.html")
		c := runCLI(t, "run", small, "--quiet", "--report", path)
		c.wantCode(t, 1)
		contains(t, "stderr", c.stderr, "--report: writing "+path)
	})
}

// readSmall decodes the small test scenario.
func readSmall(t *testing.T) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
