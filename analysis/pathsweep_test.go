package analysis_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// coresPath is the cores of the one server of queueScenario.
const coresPath = "topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores"

// TestSweepCoresErlangC sweeps the cores of an M/M/c server (Poisson
// arrivals at 500 req/s, exponential service of mean 10 ms: 5 Erlangs)
// over 6, 7, 8 and 10 cores, three replications of 60 s each, and checks
// every point against Erlang C: mean time in system C(c, a)/(cμ − λ) +
// 1/μ, the p95 of mmcSojournQuantile (both plus 0.3 ms for three hops)
// and utilisation λ/(cμ).
//
// Tolerances: over replications 0..11 of seed 42 one 60 s run's mean
// latency had an SD of 4.0 % of its value at 6 cores (ρ = 0.83) and 1.5 %
// at 7, its p95 5.2 % and 1.9 %; the means over the 12 runs were within
// 1.2 % (mean) and 0.7 % (p95) of the formulas at every point. A mean of
// three runs has SD/√3, so 3 SD is 7 % (mean) and 9 % (p95) at 6 cores,
// 3 % and 4 % (with the sketch's 0.5 %) from 7 up. Utilisation is within
// 0.3 % in every run; 2 % is loose. Measured with these three seeds:
// 16.64 / 11.99 / 10.86 / 10.34 ms mean against 16.18 / 11.92 / 10.86 /
// 10.37, p95 44.97 / 33.10 / 30.96 / 30.25 ms against 42.77 / 32.97 /
// 31.06 / 30.35.
func TestSweepCoresErlangC(t *testing.T) {
	t.Parallel()
	const lambda, mu = 500.0, 100.0
	sc := queueScenario(t, lambda, scenario.ExpRV(1/mu), 1, false, 60)
	sla := analysis.SLA{Percentile: 0.95, LatencyS: 0.0375}
	spec := analysis.SweepSpec{
		Params: []analysis.Param{{Path: coresPath, Values: []float64{6, 7, 8, 10}}},
		Seeds:  seeds(3),
		SLA:    &sla,
	}
	st, err := analysis.RunSweep(context.Background(), sc, spec, analysis.Options{Run: runFastsim})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Points) != 4 {
		t.Fatalf("%d points, want 4", len(st.Points))
	}
	for i, p := range st.Points {
		c := int(p.Values[0])
		if p.Index != i || c != int(spec.Params[0].Values[i]) {
			t.Errorf("point %d: index %d, values %v", i, p.Index, p.Values)
		}
		tolMean, tolP95 := 0.03, 0.04
		if c == 6 {
			tolMean, tolP95 = 0.07, 0.09
		}
		mean := erlangC(c, lambda/mu)/(float64(c)*mu-lambda) + 1/mu + 3*hop
		if got := p.Figures.LatencyMean.Mean; math.Abs(got-mean) > tolMean*mean {
			t.Errorf("%d cores: mean latency %.6f s, Erlang C %.6f s (tolerance %v)", c, got, mean, tolMean)
		}
		p95 := mmcSojournQuantile(0.95, c, lambda, mu) + 3*hop
		t.Logf("%d cores: mean %.3f ± %.3f ms (Erlang C %.3f), p95 %.3f ± %.3f ms (Erlang C %.3f), utilisation %.4f", c,
			1000*p.Figures.LatencyMean.Mean, 1000*p.Figures.LatencyMean.HalfWidth, 1000*mean,
			1000*p.Figures.LatencyP95.Mean, 1000*p.Figures.LatencyP95.HalfWidth, 1000*p95, p.Figures.Utilization["srv-1"].Mean)
		if got := p.Figures.LatencyP95.Mean; math.Abs(got-p95) > tolP95*p95 {
			t.Errorf("%d cores: p95 %.6f s, Erlang C %.6f s (tolerance %v)", c, got, p95, tolP95)
		}
		if u, want := p.Figures.Utilization["srv-1"].Mean, lambda/(float64(c)*mu); math.Abs(u-want) > 0.02*want {
			t.Errorf("%d cores: utilisation %.4f, want %.4f", c, u, want)
		}
		if p.Figures.LatencyP95.HalfWidth <= 0 || p.SLALatency == nil || p.SLALatency.Mean != p.Figures.LatencyP95.Mean {
			t.Errorf("%d cores: p95 %+v, SLA latency %+v", c, p.Figures.LatencyP95, p.SLALatency)
		}
		// The same verdicts as TestSizeCoresMMc: 7 cores is the answer.
		if p.Pass == nil || *p.Pass != (c >= 7) {
			t.Errorf("%d cores: pass %v (%s), want %v", c, p.Pass, p.Reason, c >= 7)
		}
		if p.RateRPS != lambda || p.Figures.CompletedRatio.Mean < 0.999 {
			t.Errorf("%d cores: rate %v, completed %v", c, p.RateRPS, p.Figures.CompletedRatio.Mean)
		}
	}
}

func TestParseParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want analysis.Param
	}{
		{coresPath + "=1,2,4", analysis.Param{Path: coresPath, Values: []float64{1, 2, 4}}},
		{"rqs_input.avg_active_users.mean = 100, 200", analysis.Param{Path: "rqs_input.avg_active_users.mean", Values: []float64{100, 200}}},
		{"topology_graph.edges[id=gen-client].latency.mean=0.1..0.3:0.1", analysis.Param{Path: "topology_graph.edges[id=gen-client].latency.mean", Values: []float64{0.1, 0.2, 0.3}}},
		{"load=0.5..2/4", analysis.Param{Path: "load", Values: []float64{0.5, 1, 1.5, 2}}},
		{"x=1..10:4", analysis.Param{Path: "x", Values: []float64{1, 5, 9}}},
	}
	for _, tt := range tests {
		got, err := analysis.ParseParam(tt.in)
		if err != nil {
			t.Errorf("ParseParam(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseParam(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	errs := []struct{ in, want string }{
		{coresPath, "has no =; write PATH=v1,v2,… or PATH=from..to:step"},
		{"=1,2", "has no path before ="},
		{"x=", "x has no values after ="},
		{"x=1,two", `x: value "two" is not a finite number`},
		{"x=1,1", "x: value 1 is given twice"},
		{"x=1..5", "needs a step or a count"},
		{"x=5..1:1", "the end must be above the start"},
		{"x=1..5:0", "needs either a step > 0"},
		{"x=1..5/1", "needs either a step > 0 (from..to:step) or a count >= 2"},
		{"x=0..1000:1", "more than 100 values"},
		{"load=0,1", "multiplier 0 must be > 0"},
	}
	for _, tt := range errs {
		if _, err := analysis.ParseParam(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseParam(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

// TestSweepCandidates checks the order of two parameters' combinations
// (the last fastest), the load pseudo-parameter, and that the base is
// left alone.
func TestSweepCandidates(t *testing.T) {
	t.Parallel()
	base := twoServers(t, true)
	spec := analysis.SweepSpec{
		Params: []analysis.Param{
			{Path: "topology_graph.nodes.servers[id=db].server_resources.cpu_cores", Values: []float64{1, 2, 4}},
			{Path: analysis.LoadParam, Values: []float64{1, 3}},
		},
		Seeds: []int64{1},
	}
	cands, err := spec.Candidates(base)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]float64
	for i, c := range cands {
		if c.Index != i {
			t.Errorf("candidate %d has index %d", i, c.Index)
		}
		got = append(got, c.Values)
		cores := c.Scenario.Topology.Nodes.Servers[1].Resources.CPUCores
		rate := analysis.ArrivalRate(c.Scenario)
		if float64(cores) != c.Values[0] || rate != 10*c.Values[1] {
			t.Errorf("candidate %v: %d cores, %v req/s", c.Values, cores, rate)
		}
	}
	if diff := cmp.Diff([][]float64{{1, 1}, {1, 3}, {2, 1}, {2, 3}, {4, 1}, {4, 3}}, got); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	if base.Topology.Nodes.Servers[1].Resources.CPUCores != 1 || analysis.ArrivalRate(base) != 10 {
		t.Error("the base scenario was changed")
	}
}

func TestSweepCandidatesErrors(t *testing.T) {
	t.Parallel()
	base := twoServers(t, true)
	one := func(path string, vs ...float64) analysis.SweepSpec {
		return analysis.SweepSpec{Params: []analysis.Param{{Path: path, Values: vs}}, Seeds: []int64{1}}
	}
	many := make([]float64, 30)
	for i := range many {
		many[i] = float64(i + 1)
	}
	tests := []struct {
		name      string
		spec      analysis.SweepSpec
		want      string
		fieldPath string // the FieldError's path, when a *scenario.ValidationError
	}{
		{"UnknownKey", one("topology_graph.nodes.servers[id=api].server_resources.cores", 2),
			`(did you mean "cpu_cores"?)`, "topology_graph.nodes.servers[id=api].server_resources.cores"},
		{"UnknownServer", one("topology_graph.nodes.servers[id=web].server_resources.cpu_cores", 2),
			`no element of topology_graph.nodes.servers with id "web"`, "topology_graph.nodes.servers[id=web].server_resources.cpu_cores"},
		{"WrongType", one("topology_graph.nodes.servers[id=api].server_resources.cpu_cores", 1.5),
			"sweep parameter topology_graph.nodes.servers[id=api].server_resources.cpu_cores: must be a whole number, got 1.5", "topology_graph.nodes.servers[id=api].server_resources.cpu_cores"},
		{"OutOfRange", one("topology_graph.nodes.servers[id=api].server_resources.cpu_cores", 2, 0),
			"=0: topology_graph.nodes.servers[0].server_resources.cpu_cores", "topology_graph.nodes.servers[0].server_resources.cpu_cores"},
		{"NoParams", analysis.SweepSpec{Seeds: []int64{1}}, "needs at least one parameter", ""},
		{"ThreeParams", analysis.SweepSpec{Params: []analysis.Param{{"a", []float64{1}}, {"b", []float64{1}}, {"c", []float64{1}}}, Seeds: []int64{1}},
			"at most 2 parameters, got 3", ""},
		{"SamePath", analysis.SweepSpec{Params: []analysis.Param{{"a", []float64{1}}, {"a", []float64{2}}}, Seeds: []int64{1}}, "a is given twice", ""},
		{"TooMany", analysis.SweepSpec{Params: []analysis.Param{{"a", many}, {"b", many}}, Seeds: []int64{1}}, "900 combinations, more than 400", ""},
		{"NoSeeds", analysis.SweepSpec{Params: []analysis.Param{{"a", []float64{1}}}}, "at least one seed", ""},
		{"BadSLA", analysis.SweepSpec{Params: []analysis.Param{{"a", []float64{1}}}, Seeds: []int64{1}, SLA: &analysis.SLA{Percentile: 99, LatencyS: 1}},
			"percentile must be a fraction", ""},
	}
	for _, tt := range tests {
		_, err := tt.spec.Candidates(base)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
			continue
		}
		var ve *scenario.ValidationError
		if got := errors.As(err, &ve); got != (tt.fieldPath != "") || got && ve.Errors[0].Path != tt.fieldPath {
			t.Errorf("%s: %v: want a *scenario.ValidationError at %q", tt.name, err, tt.fieldPath)
		}
	}
}

// TestRunSweepCommonRandomNumbers checks with a fake runner that every
// candidate runs every seed (common random numbers), that the figures
// are those of the results, and SummarizeSweep's checks.
func TestRunSweepCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	f := &fakeRunner{latency: func(cores, _ int, rate float64, seed int64) float64 {
		return rate / 1000 / float64(cores) * (1 + float64(seed%3)/10)
	}}
	spec := analysis.SweepSpec{
		Params: []analysis.Param{
			{Path: "topology_graph.nodes.servers[0].server_resources.cpu_cores", Values: []float64{1, 2}},
			{Path: "rqs_input.avg_active_users.mean", Values: []float64{10, 20, 40}},
		},
		Seeds: []int64{5, 6, 7},
		SLA:   &analysis.SLA{Percentile: 0.99, LatencyS: 0.005},
	}
	st, err := analysis.RunSweep(context.Background(), twoServers(t, false), spec, analysis.Options{Run: f.run, Parallelism: 4})
	if err != nil {
		t.Fatal(err)
	}
	for key, ss := range f.seeds {
		slices.Sort(ss)
		if !slices.Equal(ss, spec.Seeds) {
			t.Errorf("candidate %s ran seeds %v, want %v", key, ss, spec.Seeds)
		}
	}
	if len(f.seeds) != 6 {
		t.Errorf("%d candidates ran, want 6", len(f.seeds))
	}
	// Candidate 4 is 2 cores, 20 users at 1 req/s each: latencies
	// 0.01·(1.2, 1.0, 1.1) for seeds 5, 6, 7; mean 0.011 > 0.005.
	p := st.Points[4]
	if diff := cmp.Diff([]float64{2, 20}, p.Values); diff != "" {
		t.Errorf("point 4 values (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(0.011, p.Figures.LatencyMean.Mean, approx(1e-12)); diff != "" {
		t.Errorf("point 4 mean latency (-want +got):\n%s", diff)
	}
	if p.Pass == nil || *p.Pass || !strings.HasPrefix(p.Reason, "p99 mean 11.") {
		t.Errorf("point 4: pass %v, reason %q", p.Pass, p.Reason)
	}
	// Candidate 0 is 1 core, 10 users: the same latencies.
	if p0 := st.Points[0]; p0.Figures.LatencyMean.Mean != p.Figures.LatencyMean.Mean || p0.RateRPS != 10 || p.RateRPS != 20 {
		t.Errorf("point 0: %+v, rate %v; point 4: rate %v", p0.Figures.LatencyMean, p0.RateRPS, p.RateRPS)
	}

	cands, err := spec.Candidates(twoServers(t, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := analysis.SummarizeSweep(spec, cands, nil); err == nil || !strings.Contains(err.Error(), "6 candidates but results for 0") {
		t.Errorf("SummarizeSweep without results: %v", err)
	}
	rs := make([][]*result.Result, 6)
	for i := range rs {
		rs[i] = make([]*result.Result, 3)
	}
	if _, err := analysis.SummarizeSweep(spec, cands, rs); err == nil || !strings.Contains(err.Error(), "has no result for seed 5") {
		t.Errorf("SummarizeSweep with missing results: %v", err)
	}
}
