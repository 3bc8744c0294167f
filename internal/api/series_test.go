package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
)

// TestStoredSeries runs a scenario sampled 5,000 times (50 s every 10 ms;
// one server and three edges, so 3 × 5,000 + 3 × 5,000 = 30,000 values)
// for a free-plan user whose plan stores up to series_values values at
// full resolution, and reads its series both ways. The default answer has
// result.StoredSeriesPoints points per series, says it was downsampled
// from 5,000, and keeps the extremes (its maximum is the run's recorded
// peak); ?resolution=full has every sample only when the plan allowed
// storing them.
func TestStoredSeries(t *testing.T) {
	t.Parallel()
	const n = 5000
	tests := []struct {
		name      string
		allowance int64 // the plan's series_values
		fullN     int   // points per series of ?resolution=full
	}{
		{"FullWithinPlan", 30_000, n},
		{"DownsampledOverPlan", 29_999, result.StoredSeriesPoints},
	}
	for _, dialect := range testenv.Dialects() {
		for _, tt := range tests {
			t.Run(dialect+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				plans := quota.Plans{store.PlanFree: {MaxSeriesValues: tt.allowance}}
				b := setup(t, setupOpts{dialect: dialect, workers: 1, jobConfig: func(c *job.Config) { c.Plans = plans }})
				yml := bytes.Replace(readFile(t, "small.yml"), []byte("total_simulation_time: 20\n  sample_period_s: 0.1"),
					[]byte("total_simulation_time: 50\n  sample_period_s: 0.01"), 1)
				r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": string(yml), "seed": 3})
				wantStatus(t, r, http.StatusAccepted)
				id := mustID(t, r)
				if run := waitFinal(t, b, id, time.Minute); run.Status != "succeeded" {
					t.Fatalf("run %s: %+v", id, run)
				}
				read := func(query string) result.Series {
					t.Helper()
					r := b.do(t, "GET", runPath(id, "/series")+query, "", nil)
					wantStatus(t, r, http.StatusOK)
					var s result.Series
					if err := json.Unmarshal(r.body, &s); err != nil {
						t.Fatal(err)
					}
					return s
				}
				s := read("")
				if s.DownsampledFrom != n || s.PeriodS != 0.01*n/result.StoredSeriesPoints {
					t.Errorf("downsampled_from %d, period_s %v; want %d, %v", s.DownsampledFrom, s.PeriodS, n, 0.01*n/result.StoredSeriesPoints)
				}
				for id, es := range s.Edges {
					if len(es.EdgeConcurrentConnection) != result.StoredSeriesPoints {
						t.Errorf("edge %s: %d points, want %d", id, len(es.EdgeConcurrentConnection), result.StoredSeriesPoints)
					}
				}
				srv := s.Servers["srv"]
				if len(srv.EventLoopIOSleep) != result.StoredSeriesPoints {
					t.Fatalf("server srv: %d points, want %d", len(srv.EventLoopIOSleep), result.StoredSeriesPoints)
				}
				var res result.Result // the body is the result with run_id added
				if err := json.Unmarshal(b.do(t, "GET", runPath(id, "/result"), "", nil).body, &res); err != nil {
					t.Fatal(err)
				}
				peak := res.Servers["srv"].EventLoopIOSleep
				if peak == nil {
					t.Fatal("no event_loop_io_sleep summary in the result")
				}
				if got := maxOf(srv.EventLoopIOSleep); got != peak.Max {
					t.Errorf("downsampled series maximum %v, want the run's peak %v", got, peak.Max)
				}

				full := read("?resolution=full")
				if got := len(full.Servers["srv"].EventLoopIOSleep); got != tt.fullN {
					t.Errorf("?resolution=full: %d points per series, want %d", got, tt.fullN)
				}
				if got := maxOf(full.Servers["srv"].EventLoopIOSleep); got != peak.Max {
					t.Errorf("?resolution=full maximum %v, want the run's peak %v", got, peak.Max)
				}
			})
		}
	}
}

func maxOf(ys []float64) float64 {
	m := ys[0]
	for _, y := range ys {
		m = max(m, y)
	}
	return m
}
