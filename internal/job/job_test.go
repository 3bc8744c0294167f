package job_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/sqlite"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// small is a run of a few milliseconds; long (about 2000 requests per
// second for 5000 s, some 90 million events) runs for tens of seconds
// unless cancelled, and reports progress every 1 % (about a second).
var (
	small = testenv.OneServerYAML(60, 30)
	long  = testenv.OneServerYAML(6000, 5000)
)

type testBundle struct {
	st     store.Backend
	client *job.Client
	reg    *prometheus.Registry
}

// setup returns a started client with workers over a fresh store of the
// dialect, stopped at cleanup.
func setup(t *testing.T, dialect string, cfg job.Config) *testBundle {
	t.Helper()
	st := testenv.StoreFor(t, dialect)
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	c, err := job.NewClient(st, cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return &testBundle{st: st, client: c, reg: reg}
}

// waitFor polls the run until cond holds; the deadline only bounds a hung
// test, it is not a timing assertion.
func waitFor(t *testing.T, st store.Store, id string, what string, cond func(store.Run) bool) store.Run {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r, err := st.GetRun(context.Background(), store.System(), id)
		if err != nil {
			t.Fatalf("GetRun: %v", err)
		}
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s never became %s; last state %s progress %.3f error %q", id, what, r.Status, r.Progress, r.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func final(r store.Run) bool { return r.Status.Final() }

// expected runs replication i of sc directly.
func expected(t *testing.T, sc *scenario.Scenario, seed int64, i int, series bool) *result.Result {
	t.Helper()
	opts := []fastsim.Option{fastsim.WithSeed(fastsim.ReplicationSeed(seed, i))}
	if series {
		opts = append(opts, fastsim.WithSeries())
	}
	r, err := fastsim.Run(context.Background(), sc, opts...)
	if err != nil {
		t.Fatalf("direct fastsim.Run: %v", err)
	}
	return r
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunSucceedsWithTheDirectResult(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 2})
			sc, body := testenv.Canonical(t, small)
			run, err := b.client.Submit(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 1234, Replications: 1})
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			if run.Status != store.StatusQueued || run.JobID == 0 {
				t.Errorf("Submit = status %s job %d, want queued with a job id", run.Status, run.JobID)
			}
			done := waitFor(t, b.st, run.ID, "final", final)
			if done.Status != store.StatusSucceeded || done.Progress != 1 || done.StartedAt == nil || done.Error != "" {
				t.Fatalf("run ended %s (progress %v, error %q), want succeeded", done.Status, done.Progress, done.Error)
			}
			want := expected(t, sc, 1234, 0, true)
			wantSeries := mustJSON(t, want.Series)
			want.Series = nil
			res, err := b.st.GetResult(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Result, mustJSON(t, want)) {
				t.Errorf("stored result differs from a direct fastsim.Run with the same seed:\n got %.300s\nwant %.300s", res.Result, mustJSON(t, want))
			}
			if res.Replications != nil || res.Statistics != nil {
				t.Errorf("single replication stored replications %q and statistics %q, want none", res.Replications, res.Statistics)
			}
			series, err := b.st.GetSeries(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(series, wantSeries) {
				t.Errorf("stored series (%d bytes) differ from the direct run's (%d bytes)", len(series), len(wantSeries))
			}
			// The worker updates its metrics after the run is final and
			// before its job is.
			if jobs := settledJobsOf(t, b.st, run.ID); len(jobs) != 1 || jobs[0].Attempt != 1 || jobs[0].State != rivertype.JobStateCompleted {
				t.Errorf("jobs: %s, want one completed at attempt 1", describeJobs(jobs))
			}
			if n := b.client.Metrics().Events(); n != want.Counts.Events {
				t.Errorf("Metrics().Events() = %d, want the run's %d events", n, want.Counts.Events)
			}
			checkMetric(t, b.reg, "fastsim_runs_finished_total", `status="succeeded"`, 1)
			checkMetric(t, b.reg, "fastsim_runs_submitted_total", "", 1)
			checkMetric(t, b.reg, "fastsim_runs", `status="succeeded"`, 1)
			checkMetric(t, b.reg, "fastsim_jobs_running", "", 0)
		})
	}
}

// checkMetric fails unless the registry has the metric with a label pair
// (`name="value"`, or "" for none) and value.
func checkMetric(t *testing.T, reg *prometheus.Registry, name, label string, want float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
			}
			if strings.Join(labels, ",") != label {
				continue
			}
			var got float64
			switch {
			case m.GetCounter() != nil:
				got = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				got = m.GetGauge().GetValue()
			}
			if got != want {
				t.Errorf("metric %s{%s} = %v, want %v", name, label, got, want)
			}
			return
		}
	}
	t.Errorf("metric %s{%s} not found", name, label)
}

func TestReplicationsAreMerged(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 3})
			sc, body := testenv.Canonical(t, small)
			const reps = 4
			run, err := b.client.Submit(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 99, Replications: reps})
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			done := waitFor(t, b.st, run.ID, "final", final)
			if done.Status != store.StatusSucceeded || done.Progress != 1 {
				t.Fatalf("run ended %s (progress %v, error %q), want succeeded", done.Status, done.Progress, done.Error)
			}
			rs := make([]*result.Result, reps)
			raw := make([]json.RawMessage, reps)
			var series0 []byte
			for i := range rs {
				rs[i] = expected(t, sc, 99, i, i == 0)
				if i == 0 {
					series0 = mustJSON(t, rs[0].Series)
					rs[0].Series = nil
				}
				raw[i] = mustJSON(t, rs[i])
			}
			stats := mustJSON(t, analysis.Summarize(rs))
			merged, err := result.Merge(rs)
			if err != nil {
				t.Fatal(err)
			}
			merged.Series = nil
			res, err := b.st.GetResult(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Result, mustJSON(t, merged)) {
				t.Errorf("merged result differs from result.Merge of direct runs:\n got %.300s\nwant %.300s", res.Result, mustJSON(t, merged))
			}
			if !bytes.Equal(res.Replications, mustJSON(t, raw)) {
				t.Errorf("replications differ from the direct runs with seeds ReplicationSeed(99, i)")
			}
			if !bytes.Equal(res.Statistics, stats) {
				t.Errorf("statistics = %s, want %s", res.Statistics, stats)
			}
			if series, err := b.st.GetSeries(context.Background(), store.System(), run.ID); err != nil || !bytes.Equal(series, series0) {
				t.Errorf("series of a replicated run: err %v, %d bytes; want replication 0's %d bytes", err, len(series), len(series0))
			}
			if reps, err := b.st.ListReplications(context.Background(), run.ID); err != nil || len(reps) != 0 {
				t.Errorf("replication rows after the merge: %d (err %v), want 0", len(reps), err)
			}
		})
	}
}

func TestCancelRunningRun(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 1, ProgressInterval: 50 * time.Millisecond})
			_, body := testenv.Canonical(t, long)
			run, err := b.client.Submit(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 5, Replications: 1})
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			running := waitFor(t, b.st, run.ID, "running with progress", func(r store.Run) bool {
				return r.Status == store.StatusRunning && r.Progress > 0 || r.Status.Final()
			})
			if running.Status != store.StatusRunning || running.Progress >= 1 {
				t.Fatalf("run is %s at progress %v, want running and not done", running.Status, running.Progress)
			}
			cancelAt := time.Now()
			got, err := b.client.Cancel(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatalf("Cancel: %v", err)
			}
			// Final at once: the worker only has to stop simulating.
			if got.Status != store.StatusCancelled || !got.CancelRequested || got.Error != "run cancelled on request" {
				t.Errorf("Cancel of a running run returned %s cancel_requested=%v error %q, want cancelled at once",
					got.Status, got.CancelRequested, got.Error)
			}
			done := waitFor(t, b.st, run.ID, "final", final)
			if done.Status != store.StatusCancelled || done.Error != "run cancelled on request" {
				t.Fatalf("run ended %s with %q, want cancelled", done.Status, done.Error)
			}
			// Reported, not asserted: wall-clock figures depend on the machine.
			t.Logf("cancelled %v after the request (progress was %.3f)", time.Since(cancelAt).Round(time.Millisecond), running.Progress)
			if _, err := b.st.GetResult(context.Background(), store.System(), run.ID); err == nil {
				t.Error("a cancelled run has a result")
			}
			if _, err := b.client.Cancel(context.Background(), store.System(), run.ID); err == nil {
				t.Error("second Cancel of a cancelled run: no error, want ErrConflict")
			}
			// The worker may win the race to finish the run, and count it
			// after the run is final: wait for its job to settle.
			settledJobsOf(t, b.st, run.ID)
			checkMetric(t, b.reg, "fastsim_runs_finished_total", `status="cancelled"`, 1)
		})
	}
}

func TestCancelQueuedRun(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			insertOnly, err := job.NewClient(st, job.Config{Workers: 0})
			if err != nil {
				t.Fatal(err)
			}
			_, body := testenv.Canonical(t, small)
			run, err := insertOnly.Submit(context.Background(), testenv.Actor(t, st), store.Run{Scenario: body, Seed: 5, Replications: 1})
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			got, err := insertOnly.Cancel(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatalf("Cancel: %v", err)
			}
			if got.Status != store.StatusCancelled {
				t.Fatalf("Cancel of a queued run: status %s, want cancelled at once", got.Status)
			}
			// A worker that starts later must not run it.
			workers, err := job.NewClient(st, job.Config{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := workers.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			second, err := insertOnly.Submit(context.Background(), testenv.Actor(t, st), store.Run{Scenario: body, Seed: 6, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, st, second.ID, "final", final) // the worker is up and fetching
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := workers.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			after, err := st.GetRun(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Status != store.StatusCancelled || after.StartedAt != nil {
				t.Errorf("cancelled queued run: status %s started %v, want cancelled and never started", after.Status, after.StartedAt)
			}
		})
	}
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	_, longBody := testenv.Canonical(t, long)
	tests := []struct {
		name      string
		body      []byte
		timeout   time.Duration
		maxEvents int64
		wantError string
	}{
		{"ErrTimeout", longBody, time.Second, 0, "wall-clock timeout of 1s"},
		{"ErrBadScenario", []byte(`{"not":"a scenario"}`), 0, 0, "decode the run's scenario"},
		{"ErrRunLimit", longBody, 0, 10_000, "the run reached its limit of 10,000 processed events"},
	}
	for _, dialect := range testenv.Dialects() {
		for _, tc := range tests {
			t.Run(dialect+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, dialect, job.Config{Workers: 1, RunTimeout: tc.timeout, MaxEvents: tc.maxEvents})
				run, err := b.client.Submit(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: tc.body, Seed: 1, Replications: 1})
				if err != nil {
					t.Fatalf("Submit: %v", err)
				}
				done := waitFor(t, b.st, run.ID, "final", final)
				if done.Status != store.StatusFailed || !strings.Contains(done.Error, tc.wantError) {
					t.Errorf("run ended %s with %q, want failed with %q", done.Status, done.Error, tc.wantError)
				}
				// Final at the first attempt: the same scenario and seed
				// would fail the same way again.
				jobs := settledJobsOf(t, b.st, run.ID)
				if len(jobs) != 1 || jobs[0].Attempt != 1 || jobs[0].State != rivertype.JobStateCompleted {
					t.Errorf("jobs of the failed run: %s, want one completed at attempt 1", describeJobs(jobs))
				}
				// Counted after the run is final, before its job is.
				checkMetric(t, b.reg, "fastsim_runs_finished_total", `status="failed"`, 1)
			})
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  job.Config
		want string
	}{
		{"OK", job.Config{}, ""},
		{"ErrRunTimeout", job.Config{RunTimeout: time.Millisecond}, "RunTimeout"},
		{"ErrCancelPollInterval", job.Config{CancelPollInterval: 2 * time.Second}, "CancelPollInterval"},
		{"ErrFetchPollInterval", job.Config{FetchPollInterval: time.Microsecond}, "FetchPollInterval"},
		{"ErrMaxAttempts", job.Config{MaxAttempts: -1}, "MaxAttempts"},
		{"ErrReconcileInterval", job.Config{ReconcileInterval: time.Millisecond}, "ReconcileInterval"},
		{"ErrHeartbeatInterval", job.Config{HeartbeatInterval: time.Millisecond}, "HeartbeatInterval"},
		{"ErrLeaseTTL", job.Config{HeartbeatInterval: time.Second, LeaseTTL: 2 * time.Second}, "LeaseTTL 2s: must be at least 3 × HeartbeatInterval (3s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.WithDefaults().Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("Validate() = %q, want an error naming %q", got, tc.want)
			}
		})
	}
	d := job.Config{Workers: -1}.WithDefaults()
	if diff := cmp.Diff([]any{10 * time.Minute, 250 * time.Millisecond, 200 * time.Millisecond, 30 * time.Second, 3, 2 * time.Second, 10 * time.Second},
		[]any{d.RunTimeout, d.ProgressInterval, d.CancelPollInterval, d.ReconcileInterval, d.MaxAttempts, d.HeartbeatInterval, d.LeaseTTL}); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if d.Workers < 1 {
		t.Errorf("Workers -1 became %d, want GOMAXPROCS", d.Workers)
	}
}

// TestReplicationsSpreadOverClients runs the replications of one run on two
// clients sharing the database, as two worker machines would: both execute
// some, and the merged result is the same as on one.
func TestReplicationsSpreadOverClients(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 1})
			other, err := job.NewClient(b.st, job.Config{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := other.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = other.Stop(ctx)
			})
			// Each replication takes a noticeable time (about 2 million
			// events), so that the other client fetches one meanwhile.
			sc, body := testenv.Canonical(t, testenv.OneServerYAML(6000, 100))
			const reps = 4
			run, err := b.client.Submit(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 3, Replications: reps})
			if err != nil {
				t.Fatal(err)
			}
			done := waitFor(t, b.st, run.ID, "final", final)
			if done.Status != store.StatusSucceeded {
				t.Fatalf("run ended %s with %q", done.Status, done.Error)
			}
			a, o := b.client.Metrics().Events(), other.Metrics().Events()
			if a == 0 || o == 0 {
				t.Errorf("events processed by the two clients: %d and %d, want both > 0", a, o)
			}
			var total int64
			rs := make([]*result.Result, reps)
			for i := range rs {
				rs[i] = expected(t, sc, 3, i, false)
				total += rs[i].Counts.Events
			}
			if a+o != total {
				t.Errorf("events processed %d + %d = %d, want the replications' %d", a, o, a+o, total)
			}
			merged, err := result.Merge(rs)
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.st.GetResult(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Result, mustJSON(t, merged)) {
				t.Errorf("merged result differs from result.Merge of direct runs")
			}
		})
	}
}

// TestStopHandsRunningJobsBack stops a client whose job is mid-run with a
// short deadline: the job is cancelled and handed back to the queue, and
// another client finishes the run with the bytes of a direct run.
func TestStopHandsRunningJobsBack(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			first, err := job.NewClient(st, job.Config{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			sc, body := testenv.Canonical(t, testenv.OneServerYAML(6000, 500))
			run, err := first.Submit(context.Background(), testenv.Actor(t, st), store.Run{Scenario: body, Seed: 8, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			mid := waitFor(t, st, run.ID, "running", func(r store.Run) bool { return r.Status != store.StatusQueued })
			if mid.Status != store.StatusRunning {
				t.Fatalf("run is %s, want running", mid.Status)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_ = first.Stop(ctx) // reports the deadline; the job is cancelled and handed back
			if r, err := st.GetRun(context.Background(), store.System(), run.ID); err != nil || r.Status.Final() {
				t.Fatalf("after Stop: run %s (err %v), want still unfinished (handed back, not failed)", r.Status, err)
			}
			second, err := job.NewClient(st, job.Config{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := second.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = second.Stop(ctx)
			})
			done := waitFor(t, st, run.ID, "final", final)
			if done.Status != store.StatusSucceeded {
				t.Fatalf("run ended %s with %q, want succeeded", done.Status, done.Error)
			}
			// The shutdown spent no attempt (a rolling restart never
			// brings a run closer to MaxAttempts).
			if jobs := settledJobsOf(t, st, run.ID); len(jobs) != 1 || jobs[0].Attempt != 1 || jobs[0].State != rivertype.JobStateCompleted {
				t.Errorf("jobs: %s, want one completed at attempt 1", describeJobs(jobs))
			}
			want := expected(t, sc, 8, 0, false)
			res, err := st.GetResult(context.Background(), store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Result, mustJSON(t, want)) {
				t.Errorf("result after hand-back differs from a direct run")
			}
		})
	}
}

// TestEnqueueInsideCreateRun uses Enqueue as the store.EnqueueFunc of a
// caller-managed CreateRun: the run is executed as if submitted.
func TestEnqueueInsideCreateRun(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 1})
			_, body := testenv.Canonical(t, small)
			run, err := b.st.CreateRun(context.Background(), testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 1, Replications: 1}, b.client.Enqueue)
			if err != nil {
				t.Fatalf("CreateRun with Enqueue: %v", err)
			}
			if done := waitFor(t, b.st, run.ID, "final", final); done.Status != store.StatusSucceeded {
				t.Errorf("run ended %s with %q, want succeeded", done.Status, done.Error)
			}
			// Anything but the store's transaction type is refused.
			err = b.client.Enqueue(context.Background(), wrongTx{}, store.Run{ID: "x"})
			if err == nil || !strings.Contains(err.Error(), "transaction") {
				t.Errorf("Enqueue with a bad transaction: error %v, want one naming the transaction type", err)
			}
		})
	}
}

// wrongTx is a store.Tx of no dialect.
type wrongTx struct{}

func (wrongTx) Unwrap() any { return "not a transaction" }

// flakyStore fails MarkRunning, as a database outage would.
type flakyStore struct {
	*sqlite.Store
}

var errOutage = errors.New("database outage")

func (flakyStore) MarkRunning(context.Context, string) (store.Run, error) {
	return store.Run{}, errOutage
}

// TestLastAttemptFailsTheRun: when River will not retry a job any more,
// the run is failed with the last error instead of staying running.
func TestLastAttemptFailsTheRun(t *testing.T) {
	t.Parallel()
	st := flakyStore{testenv.SQLite(t)}
	c, err := job.NewClient(st, job.Config{Workers: 1, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})
	_, body := testenv.Canonical(t, small)
	run, err := c.Submit(context.Background(), testenv.Actor(t, st), store.Run{Scenario: body, Seed: 1, Replications: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := waitFor(t, st, run.ID, "final", final)
	if want := "gave up after 1 attempts: " + errOutage.Error(); done.Status != store.StatusFailed || done.Error != want {
		t.Errorf("run ended %s with %q, want failed with %q", done.Status, done.Error, want)
	}
}
