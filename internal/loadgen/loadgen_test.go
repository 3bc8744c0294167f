package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestSummarizeNearestRank(t *testing.T) {
	t.Parallel()
	var ss []sample
	for i := 1; i <= 100; i++ {
		ss = append(ss, sample{latency: time.Duration(i) * time.Millisecond, status: 200})
	}
	ss = append(ss, sample{err: true})
	rep := summarize([][]sample{ss[:40], ss[40:]}, 2*time.Second)
	if rep.Requests != 100 || rep.Errors != 1 || rep.Statuses[200] != 100 || rep.RPS != 50 {
		t.Errorf("counts: %+v", rep)
	}
	// Nearest rank over 1..100 ms: p50 = 50 ms, p90 = 90 ms, p99 = 99 ms.
	if rep.P50 != 50*time.Millisecond || rep.P90 != 90*time.Millisecond || rep.P99 != 99*time.Millisecond || rep.Max != 100*time.Millisecond {
		t.Errorf("percentiles: p50 %s p90 %s p99 %s max %s", rep.P50, rep.P90, rep.P99, rep.Max)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	var inFlight, peak, served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		served.Add(1)
		time.Sleep(2 * time.Millisecond)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{
		Concurrency: 4, Duration: 200 * time.Millisecond,
		NewRequest: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests == 0 || rep.Statuses[http.StatusTeapot] != rep.Requests || rep.Errors != 0 {
		t.Errorf("report = %v", rep)
	}
	if rep.Requests > served.Load() {
		t.Errorf("counted %d requests, server served %d", rep.Requests, served.Load())
	}
	if p := peak.Load(); p > 4 {
		t.Errorf("peak concurrency %d, want at most 4", p)
	}
	if rep.P50 < 2*time.Millisecond {
		t.Errorf("p50 %s is below the handler's 2ms sleep", rep.P50)
	}
}

func TestRunNeedsRequest(t *testing.T) {
	t.Parallel()
	if _, err := Run(context.Background(), Config{}); err == nil {
		t.Error("Run without NewRequest succeeded")
	}
}
