package study_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

var cores = "topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores"

// TestCheck: the plan of each kind (candidates, candidate runs, the
// scenarios whose size bounds the study) and the library's errors, a bad
// path as a *scenario.ValidationError naming it.
func TestCheck(t *testing.T) {
	t.Parallel()
	base, _ := testenv.Canonical(t, testenv.OneServerYAML(30, 10))
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.1}
	seeds := []int64{1, 2, 3}
	sweep := func(params ...analysis.Param) study.Settings {
		return study.Settings{Sweep: &analysis.SweepSpec{Params: params, Seeds: seeds}}
	}
	sizing := func(what string, maxN int, loads ...float64) study.Settings {
		return study.Settings{Sizing: &analysis.SizingSpec{What: what, Server: "srv-1", SLA: sla, Seeds: seeds, Max: maxN, Loads: loads}}
	}
	for name, tc := range map[string]struct {
		kind                  store.StudyKind
		s                     study.Settings
		candidates, scenarios int
		servers               int
	}{
		"Sweep":       {store.KindSweep, sweep(analysis.Param{Path: cores, Values: []float64{1, 2, 4}}, analysis.Param{Path: "load", Values: []float64{1, 2}}), 6, 6, 1},
		"SizingCores": {store.KindSizing, sizing("cores", 16), 10, 1, 1}, // 1, 2, 4, 8, 16, then at most 4 bisections and answer + 1
		"SizingSmall": {store.KindSizing, sizing("cores", 2), 2, 1, 1},
		"SizingLoad":  {store.KindSizing, sizing("load", 0, 0.5, 1, 2), 3, 1, 1},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := study.Check(context.Background(), tc.kind, base, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if p.Servers != tc.servers {
				t.Errorf("plan: %d servers at most, want %d", p.Servers, tc.servers)
			}
			if p.Candidates != tc.candidates || p.Runs != tc.candidates*len(seeds) || len(p.Scenarios) != tc.scenarios {
				t.Errorf("plan: %d candidates, %d runs, %d scenarios; want %d, %d, %d", p.Candidates, p.Runs, len(p.Scenarios),
					tc.candidates, tc.candidates*len(seeds), tc.scenarios)
			}
		})
	}
	_, err := study.Check(context.Background(), store.KindSweep, base, sweep(analysis.Param{Path: "topology_graph.nodes.servers[id=nope].server_resources.cpu_cores", Values: []float64{1}}))
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.Errors[0].Path, "servers[id=nope]") {
		t.Errorf("unknown path: error %v, want a *scenario.ValidationError at the path", err)
	}
	if _, err := study.Check(context.Background(), store.KindSizing, base, sweep(analysis.Param{Path: cores, Values: []float64{1}})); err == nil {
		t.Error("sweep settings for a sizing study: no error")
	}
	// A replicas search of an autoscaled server sizes its max_replicas
	// (10 in the example): its largest candidate runs at most max = 4
	// instances, not 10 + 3 copies.
	yml, err := os.ReadFile(filepath.Join("..", "..", "examples", "autoscaled_diurnal.yml"))
	if err != nil {
		t.Fatal(err)
	}
	scaled, _ := testenv.Canonical(t, string(yml))
	rs := sizing("replicas", 4)
	rs.Sizing.Server = "api"
	if p, err := study.Check(context.Background(), store.KindSizing, scaled, rs); err != nil || p.Servers != 4 {
		t.Errorf("replicas of an autoscaled server: plan %+v, error %v; want 4 servers at most", p, err)
	}
	bad := sizing("cores", 4)
	bad.Sizing.Server = "nope"
	if _, err := study.Check(context.Background(), store.KindSizing, base, bad); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown server: error %v, want one naming it", err)
	}
	if _, err := study.Decode(store.KindSizing, []byte(`{"sweep":{}}`)); err == nil {
		t.Error("Decode of sweep settings as sizing: no error")
	}
}

// TestRunSweep runs a sweep through Run with a direct RunFunc: one point
// per candidate, in order.
func TestRunSweep(t *testing.T) {
	t.Parallel()
	base, _ := testenv.Canonical(t, testenv.OneServerYAML(30, 10))
	s := study.Settings{Sweep: &analysis.SweepSpec{Params: []analysis.Param{{Path: cores, Values: []float64{1, 2}}}, Seeds: []int64{1, 2}}}
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
	}
	res, err := study.Run(context.Background(), store.KindSweep, base, s, run, 4)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != store.KindSweep || res.Sweep == nil || len(res.Sweep.Points) != 2 || res.Sweep.Points[1].Values[0] != 2 {
		t.Errorf("result %+v, want two points, cores 1 then 2", res)
	}
}

// TestRunSizingUnreachable: a sizing study whose SLA no candidate meets
// still has a result, with the evidence and the library's message.
func TestRunSizingUnreachable(t *testing.T) {
	t.Parallel()
	base, _ := testenv.Canonical(t, testenv.OneServerYAML(30, 10))
	s := study.Settings{Sizing: &analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: analysis.SLA{Percentile: 0.99, LatencyS: 0.001},
		Seeds: []int64{1}, Max: 2}}
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
	}
	res, err := study.Run(context.Background(), store.KindSizing, base, s, run, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sizing == nil || res.Sizing.Size == nil || res.Sizing.Size.Answer != 0 || len(res.Sizing.Size.Evaluations) != 2 ||
		!strings.Contains(res.Unreachable, "SLA not met") {
		t.Errorf("result %+v (unreachable %q), want answer 0, both candidates, and the message", res.Sizing, res.Unreachable)
	}
}
