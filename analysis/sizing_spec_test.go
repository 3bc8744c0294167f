package analysis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/scenario"
)

// TestSizingSpecMatchesSizeCores answers the M/M/c question of
// TestSizeCoresMMc through SizingSpec.Run, as `fastsim size` and the
// service do, with one run at a time and with three: the answer (7
// cores) and every evaluation are those of SizeCores, bit for bit, since
// the runs are deterministic for a seed and the search for its results.
func TestSizingSpecMatchesSizeCores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc := queueScenario(t, 500, scenario.ExpRV(0.01), 1, false, 60)
	sla := analysis.SLA{Percentile: 0.95, LatencyS: 0.0375}
	direct, err := analysis.SizeCores(ctx, sc, "srv-1", sla, analysis.Options{Run: runFastsim, Seeds: seeds(3)})
	if err != nil {
		t.Fatal(err)
	}
	spec := analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: sla, Seeds: seeds(3)}
	for _, par := range []int{1, 3} {
		res, err := spec.Run(ctx, sc, analysis.Options{Run: runFastsim, Parallelism: par,
			Seeds: []int64{99}, Conservative: true, Max: 2}) // ignored: the spec decides
		if err != nil {
			t.Fatal(err)
		}
		if res.Load != nil || res.Size == nil || res.Size.Answer != 7 {
			t.Fatalf("parallelism %d: %+v, want 7 cores", par, res)
		}
		if diff := cmp.Diff(direct, res.Size); diff != "" {
			t.Errorf("parallelism %d: SizingSpec.Run differs from SizeCores (-want +got):\n%s", par, diff)
		}
	}
}

func TestSizingSpecDispatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &fakeRunner{latency: func(cores, servers int, rate float64, _ int64) float64 { return rate / 1000 / float64(cores*servers) }}
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.0051}
	// api and db behind the load balancer: 10 req/s over 1 + n servers
	// gives 0.01/(1+n) s, under 3.4 ms from n = 2.
	res, err := analysis.SizingSpec{What: "replicas", Server: "api", SLA: analysis.SLA{Percentile: 0.99, LatencyS: 0.0034}, Seeds: []int64{1, 2}}.Run(ctx, twoServers(t, true), analysis.Options{Run: f.run})
	if err != nil || res.Size == nil || res.Size.What != "replicas" || res.Size.Answer != 2 {
		t.Errorf("replicas: %+v, %v; want 2 replicas", res, err)
	}
	res, err = analysis.SizingSpec{What: "load", SLA: sla, Seeds: []int64{1}, Loads: []float64{0.5, 1, 2}}.Run(ctx, twoServers(t, false), analysis.Options{Run: f.run})
	if err != nil || res.Load == nil || res.Load.Knee != 0.5 {
		t.Errorf("load: %+v, %v; want the knee at x0.5", res, err)
	}
	res, err = analysis.SizingSpec{What: "cores", Server: "api", SLA: analysis.SLA{Percentile: 0.99, LatencyS: 0.0001}, Seeds: []int64{1}, Max: 4}.Run(ctx, twoServers(t, false), analysis.Options{Run: f.run})
	var ue *analysis.UnreachableError
	if !errors.As(err, &ue) || res == nil || res.Size == nil || len(res.Size.Evaluations) != 3 {
		t.Errorf("unreachable: %+v, %v; want the evaluations and an *UnreachableError", res, err)
	}
	if _, err := (analysis.SizingSpec{What: "ram", SLA: sla, Seeds: []int64{1}}).Run(ctx, twoServers(t, false), analysis.Options{Run: f.run}); err == nil ||
		!strings.Contains(err.Error(), `what must be cores, replicas or load, got "ram"`) {
		t.Errorf("what ram: %v", err)
	}
}
