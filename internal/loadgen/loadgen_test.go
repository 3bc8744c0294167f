package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummarizeNearestRank(t *testing.T) {
	t.Parallel()
	var ss []sample
	for i := 1; i <= 100; i++ {
		ss = append(ss, sample{latency: time.Duration(i) * time.Millisecond, status: 200})
	}
	// Refusals and failures are errors, and their (short) latencies stay
	// out of the percentiles.
	for range 3 {
		ss = append(ss, sample{latency: 100 * time.Microsecond, status: http.StatusTooManyRequests})
	}
	ss = append(ss, sample{latency: time.Microsecond, status: http.StatusInternalServerError}, sample{err: true})
	rep := summarize([][]sample{ss[:40], ss[40:]}, 2*time.Second)
	want := Report{
		Requests: 105, OK: 100, Errors: 5, TransportErrors: 1,
		Statuses: map[int]int64{200: 100, 429: 3, 500: 1},
		Elapsed:  2 * time.Second, RPS: 50, // 100 successes in 2 s
		// Nearest rank over the 2xx latencies 1..100 ms.
		P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond,
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	const wantLine = "105 requests in 2s: 50 ok/s, p50 50ms, p90 90ms, p99 99ms, max 100ms, errors 5 (transport 1), statuses 200×100 429×3 500×1"
	if got := rep.String(); got != wantLine {
		t.Errorf("String() = %q\nwant       %q", got, wantLine)
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
		if served.Add(1)%2 == 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		time.Sleep(2 * time.Millisecond)
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
	// Every other answer is a 429: an error, never a success.
	if rep.OK == 0 || rep.Errors != rep.Statuses[http.StatusTooManyRequests] || rep.Errors == 0 ||
		rep.OK != rep.Statuses[http.StatusOK] || rep.OK+rep.Errors != rep.Requests || rep.TransportErrors != 0 {
		t.Errorf("report = %v", rep)
	}
	if rep.Requests > served.Load() {
		t.Errorf("counted %d requests, server served %d", rep.Requests, served.Load())
	}
	if p := peak.Load(); p > 4 {
		t.Errorf("peak concurrency %d, want at most 4", p)
	}
	if rep.P50 < 2*time.Millisecond {
		t.Errorf("p50 %s is below the 2xx handler's 2ms sleep: the instant 429s were counted", rep.P50)
	}
}

func TestRunNeedsRequest(t *testing.T) {
	t.Parallel()
	if _, err := Run(context.Background(), Config{}); err == nil {
		t.Error("Run without NewRequest succeeded")
	}
}
