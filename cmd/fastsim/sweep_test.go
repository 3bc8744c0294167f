package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
)

// checkoutCores is the cores of the sizing example's server.
const checkoutCores = "topology_graph.nodes.servers[id=checkout].server_resources.cpu_cores"

func TestSweep(t *testing.T) {
	t.Parallel()
	// Two replications of 20 s, as TestSize: one core is overloaded, two
	// and more meet p99 <= 100 ms.
	fast := []string{"--replications", "2", "--horizon", "20"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"OneParam", []string{"--set", checkoutCores + "=1..3:1", "--p99", "100ms"}, 0,
			[]string{"Sweep of " + checkoutCores + ": 3 candidates", "Each candidate runs 2 replications with the same seeds",
				"SLA p99 <= 100 ms, judged on the mean", "checkout.cpu_cores  rate req/s", "FAIL: p99 mean", "  pass"}, nil},
		{"TwoParams", []string{"--set", checkoutCores + "=2,4", "--set", "load=0.5,1"}, 0,
			[]string{"Sweep of " + checkoutCores + " and load: 4 candidates", "checkout.cpu_cores  load x", "\n                   4       1      300.00  "}, nil},
		{"NoSLANoVerdict", []string{"--set", "load=0.5"}, 0, []string{"load x  rate req/s"}, nil},
		{"Quiet", []string{"--set", "load=1", "--quiet"}, 0, nil, nil},
		{"ErrNoSet", nil, 1, nil, []string{"no parameter: give --set PATH=v1,v2,…"}},
		{"ErrSyntax", []string{"--set", checkoutCores}, 1, nil, []string{"--set: analysis: sweep parameter", "has no ="}},
		{"ErrThree", []string{"--set", "a=1", "--set", "b=1", "--set", "c=1"}, 1, nil, []string{"at most 2 parameters, got 3"}},
		{"ErrUnknownPath", []string{"--set", "topology_graph.nodes.servers[id=checkout].server_resources.cores=1,2"}, 2, nil,
			[]string{`unknown key "cores"`, `(did you mean "cpu_cores"?)`}},
		{"ErrUnknownServer", []string{"--set", "topology_graph.nodes.servers[id=api].server_resources.cpu_cores=1,2"}, 2, nil,
			[]string{`no element of topology_graph.nodes.servers with id "api"; they are: checkout`}},
		{"ErrOutOfRange", []string{"--set", checkoutCores + "=0,1"}, 2, nil,
			[]string{"sweep candidate " + checkoutCores + "=0: topology_graph.nodes.servers[0].server_resources.cpu_cores"}},
		{"ErrWrongType", []string{"--set", checkoutCores + "=1.5"}, 2, nil, []string{"must be a whole number, got 1.5"}},
		{"ErrSLA", []string{"--set", "load=1", "--p99", "1s", "--p95", "1s"}, 1, nil, []string{"give one SLA, got --p99 and --p95"}},
		{"ErrReplications", []string{"--set", "load=1", "--replications", "0"}, 1, nil, []string{"--replications must be at least 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"sweep", checkout}, fast...), tt.args...)
			c := runCLI(t, args...)
			c.wantCode(t, tt.code)
			contains(t, "stdout", c.stdout, tt.stdout...)
			contains(t, "stderr", c.stderr, tt.stderr...)
			if tt.stderr == nil && c.stderr != "" {
				t.Errorf("stderr not empty:\n%s", c.stderr)
			}
			if tt.stdout == nil && c.stdout != "" {
				t.Errorf("stdout not empty:\n%s", c.stdout)
			}
			if strings.Contains(tt.name, "NoSLA") && strings.Contains(c.stdout, "verdict") {
				t.Errorf("a sweep without SLA prints verdicts:\n%s", c.stdout)
			}
		})
	}
}

// TestSweepJSONAndHTML checks the JSON (the seeds of fastsim run
// --replications, every point's figures) and that --html writes a report.
func TestSweepJSONAndHTML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	html := filepath.Join(dir, "sweep.html")
	c := runCLI(t, "sweep", checkout, "--replications", "2", "--horizon", "10", "--seed", "7",
		"--set", checkoutCores+"=1,2", "--p99", "100ms", "--json", "-", "--html", html)
	c.wantCode(t, 0)
	var out struct {
		FastsimVersion string `json:"fastsim_version"`
		Seed           int64  `json:"seed"`
		HorizonS       int    `json:"horizon_s"`
		analysis.SweepStudy
	}
	if err := json.Unmarshal([]byte(c.stdout), &out); err != nil {
		t.Fatalf("stdout is not the JSON: %v\n%s", err, c.stdout)
	}
	if out.Seed != 7 || out.HorizonS != 10 || len(out.Points) != 2 || out.Spec.SLA == nil {
		t.Errorf("JSON: seed %d, horizon %d, %d points, SLA %v", out.Seed, out.HorizonS, len(out.Points), out.Spec.SLA)
	}
	if diff := cmp.Diff([]int64{7, fastsim.ReplicationSeed(7, 1)}, out.Spec.Seeds); diff != "" {
		t.Errorf("seeds (-want +got):\n%s", diff)
	}
	if p := out.Points[1]; p.Pass == nil || !*p.Pass || p.Figures.LatencyP99.HalfWidth <= 0 || p.Figures.Utilization["checkout"].Mean <= 0 {
		t.Errorf("point 2 cores: %+v", p)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the HTML report", string(page), "<title>FastSim sweep report</title>", `id="chart-latency_p99"`, "<svg")
}

func TestCompare(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Two scenarios that differ in the server's cores, run with the same
	// seeds and with other seeds.
	data, err := os.ReadFile(checkout)
	if err != nil {
		t.Fatal(err)
	}
	three := filepath.Join(dir, "two.yml")
	if err := os.WriteFile(three, []byte(strings.Replace(string(data), "cpu_cores: 1", "cpu_cores: 2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "cpu_cores: 1") {
		t.Fatalf("%s has no cpu_cores: 1 to change", checkout)
	}
	run := func(file, seed, out string) string {
		path := filepath.Join(dir, out)
		c := runCLI(t, "run", file, "--replications", "3", "--seed", seed, "--json", path, "--quiet")
		c.wantCode(t, 0)
		return path
	}
	a := run(checkout, "42", "a.json")
	b := run(three, "42", "b.json")
	other := run(three, "7", "c.json")
	one := filepath.Join(dir, "one.json")
	runCLI(t, "run", checkout, "--json", one, "--quiet").wantCode(t, 0)

	c := runCLI(t, "compare", a, b, "--scenario-a", checkout, "--scenario-b", three)
	c.wantCode(t, 0)
	contains(t, "stdout", c.stdout, "Scenario changes from a to b (1):\n  "+checkoutCores+": 1 -> 2\n",
		"paired on the 3 seeds both runs share", "+/- unpaired", "mean latency ms", "util % checkout")

	c = runCLI(t, "compare", a, other)
	c.wantCode(t, 0)
	contains(t, "stdout", c.stdout, "Scenario changes: not compared", "Welch's unpaired interval")
	c = runCLI(t, "compare", one, a)
	c.wantCode(t, 0)
	contains(t, "stdout", c.stdout, "a run has a single replication, so no confidence interval")

	html := filepath.Join(dir, "cmp.html")
	c = runCLI(t, "compare", a, b, "--json", "-", "--html", html)
	c.wantCode(t, 0)
	var cmpOut analysis.Comparison
	if err := json.Unmarshal([]byte(c.stdout), &cmpOut); err != nil || cmpOut.Method != analysis.MethodPaired || len(cmpOut.Figures) == 0 {
		t.Errorf("JSON comparison: %v, %+v", err, cmpOut)
	}
	if page, err := os.ReadFile(html); err != nil || !strings.Contains(string(page), "FastSim comparison") {
		t.Errorf("HTML comparison: %v", err)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{a, filepath.Join(dir, "missing.json")}, 1, "reading run result: open "},
		{[]string{a, checkout}, 1, "give the JSON written by fastsim run --json"},
		{[]string{a, b, "--scenario-a", checkout}, 1, "--scenario-a and --scenario-b go together"},
		{[]string{a, b, "--scenario-a", checkout, "--scenario-b", "testdata/invalid.yml"}, 2, "invalid scenario"},
	} {
		c := runCLI(t, append([]string{"compare"}, tt.args...)...)
		c.wantCode(t, tt.code)
		contains(t, "stderr", c.stderr, tt.want)
	}
}
