package analysis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// errorRunner answers 10,000 generated requests of which 100/cores are
// rejected, 50/cores timed out (integer division) and 10·(seed mod 3)
// failed, the rest completed with a latency of 1 ms: the error share
// falls with the cores, with a seed-to-seed spread that only
// --conservative sees.
func errorRunner(_ context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
	c := int64(sc.Topology.Nodes.Servers[0].Resources.CPUCores)
	counts := result.Counts{Generated: 10000, Rejected: 100 / c, TimedOut: 50 / c, Failed: 10 * (seed % 3)}
	counts.Completed = counts.Generated - counts.Rejected - counts.TimedOut - counts.Failed
	sk := result.NewSketch()
	var m result.Moments
	for range 100 {
		sk.Add(0.001)
		m.Add(0.001)
	}
	return &result.Result{Counts: counts, Latency: result.LatencyFrom(m, sk), LatencySketch: sk,
		Servers: map[string]result.ServerStats{"api": {Utilization: 0.5}}}, nil
}

// TestSizeCoresErrorRate sizes cores against an outcome SLA, errors at
// most 0.6 % of the generated requests, with seeds 5, 6, 7 (10·(seed mod
// 3) = 20, 0, 10 failed: mean 10, SD 10, a 95 % half-width of
// 4.3027·10/√3 = 24.84 requests, 0.2484 %). On the mean, 3 cores give
// (33 + 16 + 10)/10,000 = 0.59 % and 2 give 0.85 %: the answer is 3. On
// the upper bound, 5 cores give 0.40 + 0.248 = 0.648 % and 6 give
// 0.34 + 0.248 = 0.588 %: the answer is 6.
func TestSizeCoresErrorRate(t *testing.T) {
	t.Parallel()
	maxErr := 0.006
	sla := analysis.SLA{Percentile: 0.99, LatencyS: 0.25, MaxErrorRatio: &maxErr}
	tests := []struct {
		conservative bool
		answer       int
		reason2      string // the reason 2 cores fail
	}{
		{false, 3, "errors mean 0.85 % > 0.6 %"},
		{true, 6, "errors 95 % upper bound 1.09841 % > 0.6 %"},
	}
	for _, tt := range tests {
		res, err := analysis.SizeCores(context.Background(), twoServers(t, false), "api", sla,
			analysis.Options{Run: errorRunner, Seeds: []int64{5, 6, 7}, Conservative: tt.conservative})
		if err != nil {
			t.Fatal(err)
		}
		if res.Answer != tt.answer {
			t.Errorf("conservative %v: answer %d cores, want %d", tt.conservative, res.Answer, tt.answer)
		}
		for _, ev := range res.Evaluations {
			if ev.Value == 2 && ev.Reason != tt.reason2 {
				t.Errorf("conservative %v: 2 cores fail with %q, want %q", tt.conservative, ev.Reason, tt.reason2)
			}
			c := int(ev.Value)
			want := float64(100/c+50/c+10) / 10000
			if diff := cmp.Diff(want, ev.ErrorRatio.Mean, approx(1e-12)); diff != "" {
				t.Errorf("%d cores: error ratio (-want +got):\n%s", c, diff)
			}
			if ev.Rejected.Mean != float64(100/c) || ev.TimedOut.Mean != float64(50/c) {
				t.Errorf("%d cores: rejected %v, timed out %v", c, ev.Rejected.Mean, ev.TimedOut.Mean)
			}
		}
	}
	if s := sla.String(); s != "p99 <= 250 ms, errors <= 0.6 %" {
		t.Errorf("SLA.String() = %q", s)
	}
	bad := 1.5
	if err := (analysis.SLA{Percentile: 0.99, LatencyS: 0.25, MaxErrorRatio: &bad}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "maximum error ratio must be in [0, 1]") {
		t.Errorf("Validate with max error ratio 1.5: %v", err)
	}
}

// approx compares floats within tol.
func approx(tol float64) cmp.Option {
	return cmp.Comparer(func(a, b float64) bool { return a-b <= tol && b-a <= tol })
}
