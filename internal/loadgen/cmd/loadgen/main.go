// Command loadgen measures a running FastSim API (see docs/api.md,
// "Performance"):
//
//	loadgen -url http://127.0.0.1:8000 -mode get-run  -c 50 -d 15s -scenario examples/single_server.yml
//	loadgen -url http://127.0.0.1:8000 -mode validate -c 50 -d 15s -scenario examples/single_server.yml
//	loadgen -url http://127.0.0.1:8000 -mode e2e -n 20 -scenario examples/single_server.yml
//
// get-run submits one run, then GETs /api/v1/runs/{id} from -c clients;
// validate POSTs the scenario to /api/v1/validate from -c clients; e2e
// submits -n runs one after the other, each with a fresh seed (so that the
// cache never answers), and times POST /api/v1/runs → status succeeded,
// polling every -poll.
//
// Only 2xx answers count as successes: the report gives the errors (any
// non-2xx answer, a 429 included, and transport failures) and the count of
// each status, and loadgen exits with status 1 after printing it when any
// request failed.
//
// Every request carries -key (default: $FASTSIM_API_KEY) as its bearer
// credential, e.g. -key "$(cat admin.key)" against `fastsim serve` in
// single-user mode.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/fastsim/fastsim/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type options struct {
	url, mode, scenario string
	key                 string
	concurrency, n      int
	duration, warmup    time.Duration
	poll                time.Duration
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8000", "base URL of the API")
	fs.StringVar(&o.mode, "mode", "get-run", "get-run, validate or e2e")
	fs.StringVar(&o.scenario, "scenario", "examples/single_server.yml", "scenario file (YAML)")
	fs.IntVar(&o.concurrency, "c", 50, "concurrent clients (get-run, validate)")
	fs.DurationVar(&o.duration, "d", 15*time.Second, "measured duration (get-run, validate)")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured warm-up before -d")
	fs.IntVar(&o.n, "n", 20, "runs to time (e2e)")
	fs.DurationVar(&o.poll, "poll", 5*time.Millisecond, "status poll interval (e2e)")
	fs.StringVar(&o.key, "key", os.Getenv("FASTSIM_API_KEY"), "API key or session token sent as the bearer credential")
	if err := fs.Parse(args); err != nil {
		return err
	}
	doc, err := os.ReadFile(o.scenario)
	if err != nil {
		return err
	}
	switch o.mode {
	case "get-run":
		id, err := submit(ctx, o, doc, 42)
		if err != nil {
			return err
		}
		if _, err := waitSucceeded(ctx, o, id); err != nil {
			return err
		}
		return load(ctx, out, o, func(ctx context.Context) (*http.Request, error) {
			return o.request(ctx, http.MethodGet, "/api/v1/runs/"+id, nil)
		})
	case "validate":
		return load(ctx, out, o, func(ctx context.Context) (*http.Request, error) {
			req, err := o.request(ctx, http.MethodPost, "/api/v1/validate", bytes.NewReader(doc))
			if err == nil {
				req.Header.Set("Content-Type", "application/yaml")
			}
			return req, err
		})
	case "e2e":
		return endToEnd(ctx, out, o, doc)
	}
	return fmt.Errorf("-mode %q: use get-run, validate or e2e", o.mode)
}

func load(ctx context.Context, out io.Writer, o options, newReq func(context.Context) (*http.Request, error)) error {
	rep, err := loadgen.Run(ctx, loadgen.Config{Concurrency: o.concurrency, Duration: o.duration, Warmup: o.warmup, NewRequest: newReq})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s, %d clients: %s\n", o.mode, o.concurrency, rep)
	if rep.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed (statuses above; a 429 means a rate limit is on: start the server with --rate-limit-ip off --rate-limit-user off --rate-limit-key off): the figures are not a measurement of the API", rep.Errors, rep.Requests)
	}
	return nil
}

// request returns a request to path of the API, with the bearer
// credential when -key is set.
func (o options) request(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, o.url+path, body)
	if err == nil && o.key != "" {
		req.Header.Set("Authorization", "Bearer "+o.key)
	}
	return req, err
}

func submit(ctx context.Context, o options, doc []byte, seed int64) (string, error) {
	body, err := json.Marshal(map[string]any{"scenario": string(doc), "seed": seed})
	if err != nil {
		return "", err
	}
	req, err := o.request(ctx, http.MethodPost, "/api/v1/runs", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var run struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&run); err != nil || resp.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("POST /api/v1/runs: status %d: %v", resp.StatusCode, err)
	}
	return run.ID, nil
}

func waitSucceeded(ctx context.Context, o options, id string) (string, error) {
	for {
		req, err := o.request(ctx, http.MethodGet, "/api/v1/runs/"+id, nil)
		if err != nil {
			return "", err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		var run struct{ Status, Error string }
		err = json.NewDecoder(resp.Body).Decode(&run)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		switch run.Status {
		case "succeeded":
			return run.Status, nil
		case "failed", "cancelled":
			return "", fmt.Errorf("run %s %s: %s", id, run.Status, run.Error)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(o.poll):
		}
	}
}

func endToEnd(ctx context.Context, out io.Writer, o options, doc []byte) error {
	if o.n < 1 {
		return errors.New("-n must be at least 1")
	}
	seed0 := time.Now().UnixNano()
	times := make([]time.Duration, 0, o.n)
	for i := range o.n {
		t0 := time.Now()
		id, err := submit(ctx, o, doc, seed0+int64(i))
		if err != nil {
			return err
		}
		if _, err := waitSucceeded(ctx, o, id); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	fmt.Fprintf(out, "e2e POST /runs → succeeded, %d runs: min %s, median %s, p90 %s, max %s\n", o.n,
		times[0].Round(time.Millisecond), times[len(times)/2].Round(time.Millisecond),
		times[min(len(times)-1, (len(times)*9+9)/10-1)].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	return nil
}
