package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config describes one load test.
type Config struct {
	// Concurrency is the number of concurrent clients, each with at most
	// one request in flight. Defaults to 50.
	Concurrency int
	// Duration is how long clients keep sending. Defaults to 10s.
	Duration time.Duration
	// Warmup is a period before Duration whose requests are not counted.
	// Defaults to 0.
	Warmup time.Duration
	// NewRequest builds each request. Required.
	NewRequest func(ctx context.Context) (*http.Request, error)
	// Client sends the requests. Defaults to a client whose transport keeps
	// Concurrency idle connections per host.
	Client *http.Client
}

// Report is the outcome of a load test. Only 2xx answers count as
// successes: a 429 (rate limited), a 5xx or a transport failure is an
// error, so a figure can never be made of refused requests.
type Report struct {
	// Requests is the number of requests sent and finished in the measured
	// period: successes plus errors.
	Requests int64
	// OK is the number of 2xx answers.
	OK int64
	// Errors is the number of requests that failed: any non-2xx answer and
	// any transport failure.
	Errors int64
	// TransportErrors is the part of Errors that got no answer.
	TransportErrors int64
	// Statuses counts answers by status code (transport failures excluded).
	Statuses map[int]int64
	// Elapsed is the measured period.
	Elapsed time.Duration
	// RPS is OK / Elapsed: successful requests per second.
	RPS float64
	// P50, P90, P99 and Max are latency percentiles (nearest rank) of the
	// successful (2xx) requests.
	P50, P90, P99, Max time.Duration
}

// String formats the report on one line, statuses in code order, e.g.
// "1000 requests in 10s: 100 ok/s, p50 …, errors 0 (transport 0), statuses 200×1000".
func (r Report) String() string {
	codes := slices.Sorted(maps.Keys(r.Statuses))
	statuses := make([]string, len(codes))
	for i, c := range codes {
		statuses[i] = fmt.Sprintf("%d×%d", c, r.Statuses[c])
	}
	if len(statuses) == 0 {
		statuses = []string{"none"}
	}
	return fmt.Sprintf("%d requests in %s: %.0f ok/s, p50 %s, p90 %s, p99 %s, max %s, errors %d (transport %d), statuses %s",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond), r.Errors, r.TransportErrors, strings.Join(statuses, " "))
}

type sample struct {
	latency time.Duration
	status  int
	err     bool
}

// Run runs the load test and returns its report. It returns an error only
// for an invalid configuration or when ctx is cancelled.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.NewRequest == nil {
		return Report{}, errors.New("loadgen: Config.NewRequest is required")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 50
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: &http.Transport{
			MaxIdleConnsPerHost: cfg.Concurrency, MaxIdleConns: cfg.Concurrency, IdleConnTimeout: time.Minute,
		}}
	}
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()

	per := make([][]sample, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s, ok := once(ctx, cfg)
				if !ok {
					return
				}
				if time.Now().After(measureFrom) {
					per[i] = append(per[i], s)
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return Report{}, fmt.Errorf("loadgen: %w", err)
	}
	return summarize(per, time.Since(measureFrom)), nil
}

// once sends one request; ok is false when the deadline cut it short (the
// request is then not counted).
func once(ctx context.Context, cfg Config) (sample, bool) {
	req, err := cfg.NewRequest(ctx)
	if err != nil {
		return sample{err: true}, ctx.Err() == nil
	}
	t0 := time.Now()
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return sample{latency: time.Since(t0), err: true}, ctx.Err() == nil
	}
	_, copyErr := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if copyErr != nil && ctx.Err() != nil {
		return sample{}, false
	}
	return sample{latency: time.Since(t0), status: resp.StatusCode, err: copyErr != nil}, true
}

func summarize(per [][]sample, elapsed time.Duration) Report {
	rep := Report{Statuses: map[int]int64{}, Elapsed: elapsed}
	var lats []time.Duration
	for _, ss := range per {
		for _, s := range ss {
			rep.Requests++
			switch {
			case s.err:
				rep.Errors++
				rep.TransportErrors++
				continue
			case s.status < 200 || s.status > 299:
				rep.Errors++
			default:
				rep.OK++
				lats = append(lats, s.latency)
			}
			rep.Statuses[s.status]++
		}
	}
	if elapsed > 0 {
		rep.RPS = float64(rep.OK) / elapsed.Seconds()
	}
	if len(lats) == 0 {
		return rep
	}
	slices.Sort(lats)
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(lats))+0.999999999) - 1 // nearest rank: ceil(q·n)
		return lats[min(max(i, 0), len(lats)-1)]
	}
	rep.P50, rep.P90, rep.P99, rep.Max = rank(0.50), rank(0.90), rank(0.99), lats[len(lats)-1]
	return rep
}
