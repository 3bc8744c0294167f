package job_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// jobsOf returns the River jobs of run, in id order.
func jobsOf(t *testing.T, st store.Backend, runID string) []*rivertype.JobRow {
	t.Helper()
	q, err := st.NewQueue(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.JobList(context.Background(), river.NewJobListParams().
		Kinds(job.KindSimulate, job.KindSimulateReplication).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(100))
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	var out []*rivertype.JobRow
	for _, row := range res.Jobs {
		var args job.SimulateArgs
		if err := json.Unmarshal(row.EncodedArgs, &args); err == nil && args.RunID == runID {
			out = append(out, row)
		}
	}
	return out
}

// settledJobsOf waits until every job of run is finalized (completed,
// cancelled or discarded) and returns them; the limit only bounds a hung
// test. Once a run is final, each of its jobs is finalized soon: River
// marks a job completed just after its Work returned, and any later
// attempt sees the final run and completes at once. A job is finalized
// only after its worker's metrics moved, so metrics are checked after it.
func settledJobsOf(t *testing.T, st store.Backend, runID string) []*rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		jobs := jobsOf(t, st, runID)
		settled := true
		for _, j := range jobs {
			switch j.State {
			case rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
			default:
				settled = false
			}
		}
		if settled || time.Now().After(deadline) {
			return jobs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// describeJobs formats job rows for failure messages.
func describeJobs(rows []*rivertype.JobRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "[job %d %s attempt %d errors %d] ", r.ID, r.State, r.Attempt, len(r.Errors))
	}
	return b.String()
}

// dieRunning leaves job jobID as a worker killed mid-run would: River's
// row running with its attempt counted, started an hour ago, and (when
// withLease) a lease that expired a second ago.
func dieRunning(t *testing.T, st store.Backend, jobID int64, withLease bool) int {
	t.Helper()
	attempt := runningSinceAnHour(t, st, jobID, 1)
	if withLease {
		l := store.Lease{JobID: jobID, Attempt: attempt, Owner: "dead/1", ExpiresAt: time.Now().Add(-time.Second)}
		if err := st.AcquireLease(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	return attempt
}

// runningSinceAnHour sets River's row of job jobID running, its attempt
// moved by bump, started an hour ago, and returns the attempt.
func runningSinceAnHour(t *testing.T, st store.Backend, jobID int64, bump int) int {
	t.Helper()
	var attempt int
	err := st.Tx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		switch tx := tx.Unwrap().(type) {
		case pgx.Tx:
			return tx.QueryRow(ctx, `UPDATE river_job SET state = 'running', attempt = attempt + $2, finalized_at = NULL,
				attempted_at = now() - interval '1 hour' WHERE id = $1 RETURNING attempt`, jobID, bump).Scan(&attempt)
		case *sql.Tx:
			return tx.QueryRowContext(ctx, `UPDATE river_job SET state = 'running', attempt = attempt + ?, finalized_at = NULL,
				attempted_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour') WHERE id = ? RETURNING attempt`, bump, jobID).Scan(&attempt)
		default:
			return fmt.Errorf("transaction %T", tx)
		}
	})
	if err != nil {
		t.Fatalf("job %d running since an hour: %v", jobID, err)
	}
	return attempt
}

// TestEndedAttemptKeepsItsLease: River records an attempt's outcome only
// after Work returns, so the job stays running, without heartbeats, a
// moment longer. The attempt's lease covers that moment: a reaper must
// not take the job for one whose worker died before taking a lease (it
// did when the lease was deleted at the end of Work: a job started over
// LeaseTTL ago got a spurious "worker died" error, one of the two deaths
// that discard a job, and was made available again).
func TestEndedAttemptKeepsItsLease(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 1})
			ctx := context.Background()
			_, body := testenv.Canonical(t, small)
			run, err := b.client.Submit(ctx, testenv.Actor(t, b.st), store.Run{Scenario: body, Seed: 1, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			if done := waitFor(t, b.st, run.ID, "final", final); done.Status != store.StatusSucceeded {
				t.Fatalf("run ended %s with %q, want succeeded", done.Status, done.Error)
			}
			if jobs := settledJobsOf(t, b.st, run.ID); len(jobs) != 1 || jobs[0].State != rivertype.JobStateCompleted || jobs[0].Attempt != 1 {
				t.Fatalf("jobs: %s, want one completed at attempt 1", describeJobs(jobs))
			}
			// Stopped, the client's reaper and River's rescuer (which
			// would rightly rescue a job running for an hour) leave the
			// job to the reaper below.
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := b.client.Stop(sctx); err != nil {
				t.Fatal(err)
			}
			// The moment between Work's return and River's record, for an
			// attempt that started an hour ago.
			runningSinceAnHour(t, b.st, run.JobID, 0)
			reaper, err := job.NewClient(b.st, job.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := reaper.Reap(ctx); err != nil || n != 0 {
				t.Errorf("Reap = %d, %v; want 0 (the ended attempt's lease is live)", n, err)
			}
			if jobs := jobsOf(t, b.st, run.ID); len(jobs) != 1 || jobs[0].State != rivertype.JobStateRunning || len(jobs[0].Errors) != 0 {
				t.Errorf("jobs after Reap: %s, want the job still running, without errors", describeJobs(jobs))
			}
		})
	}
}

// TestReapPoisonJob: the first death of a job's worker hands the job back
// at once (to be retried); the second ends it and fails the run with the
// reason and the attempt times. A live lease is never reaped.
func TestReapPoisonJob(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			reg := prometheus.NewRegistry()
			c, err := job.NewClient(st, job.Config{Registerer: reg}) // Reap needs no workers
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			_, body := testenv.Canonical(t, small)
			run, err := c.Submit(ctx, testenv.Actor(t, st), store.Run{Scenario: body, Seed: 1, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			reap := func(what string, want int) {
				t.Helper()
				n, err := c.Reap(ctx)
				if err != nil || n != want {
					t.Fatalf("%s: Reap = %d, %v; want %d jobs handed on", what, n, err, want)
				}
			}
			reap("nothing running", 0)

			// A live worker: its lease has not expired.
			attempt := dieRunning(t, st, run.JobID, false)
			if err := st.AcquireLease(ctx, store.Lease{JobID: run.JobID, Attempt: attempt, Owner: "live/1", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			reap("live lease", 0)

			// It dies: its lease expires; the job is available again.
			if err := st.AcquireLease(ctx, store.Lease{JobID: run.JobID, Attempt: attempt, Owner: "live/1", ExpiresAt: time.Now().Add(-time.Second)}); err != nil {
				t.Fatal(err)
			}
			reap("first death", 1)
			reap("first death, again", 0)
			jobs := jobsOf(t, st, run.ID)
			if len(jobs) != 1 || jobs[0].State != rivertype.JobStateAvailable || len(jobs[0].Errors) != 1 ||
				!strings.HasPrefix(jobs[0].Errors[0].Error, "worker died (lease of live/1 expired at ") {
				t.Fatalf("after the first death: %s %+v, want the job available with one 'worker died' error", describeJobs(jobs), jobs[0].Errors)
			}
			if r, _ := st.GetRun(ctx, store.System(), run.ID); r.Status.Final() {
				t.Fatalf("run is %s after the first death, want it waiting for its retry", r.Status)
			}

			// The retry's worker dies before it even takes a lease.
			dieRunning(t, st, run.JobID, false)
			reap("second death", 1)
			jobs = jobsOf(t, st, run.ID)
			if len(jobs) != 1 || jobs[0].State != rivertype.JobStateDiscarded || len(jobs[0].Errors) != 2 {
				t.Fatalf("after the second death: %s, want the job discarded with two errors", describeJobs(jobs))
			}
			r, err := st.GetRun(ctx, store.System(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			at := func(e rivertype.AttemptError) string { return e.At.UTC().Format(time.RFC3339) }
			want := fmt.Sprintf("the worker running this run died twice (attempts at %s, %s); not retried: ", at(jobs[0].Errors[0]), at(jobs[0].Errors[1]))
			if r.Status != store.StatusFailed || !strings.HasPrefix(r.Error, want) {
				t.Errorf("run after the second death: %s %q, want failed with %q…", r.Status, r.Error, want)
			}
			reap("discarded", 0)
			checkMetric(t, reg, "fastsim_jobs_reaped_total", `outcome="retried"`, 1)
			checkMetric(t, reg, "fastsim_jobs_reaped_total", `outcome="failed"`, 1)
			checkMetric(t, reg, "fastsim_runs_finished_total", `status="failed"`, 1)
		})
	}
}

// TestReapedJobSucceeds: a job left running by a dead worker is taken by
// a live client within LeaseTTL + HeartbeatInterval and gives the bytes
// of a direct run.
func TestReapedJobSucceeds(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			insertOnly, err := job.NewClient(st, job.Config{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			sc, body := testenv.Canonical(t, small)
			owner := testenv.Actor(t, st)
			run, err := insertOnly.Submit(ctx, owner, store.Run{Scenario: body, Seed: 7, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			dieRunning(t, st, run.JobID, true)
			worker, err := job.NewClient(st, job.Config{Workers: 1, HeartbeatInterval: 100 * time.Millisecond, LeaseTTL: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := worker.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				_ = worker.Stop(sctx)
			})
			done := waitFor(t, st, run.ID, "final", final)
			if done.Status != store.StatusSucceeded {
				t.Fatalf("run ended %s with %q, want succeeded", done.Status, done.Error)
			}
			res, err := st.GetResult(ctx, owner, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := mustJSON(t, expected(t, sc, 7, 0, false)); string(res.Result) != string(want) {
				t.Errorf("result after the rescue differs from a direct run:\n got %.200s\nwant %.200s", res.Result, want)
			}
			jobs := settledJobsOf(t, st, run.ID)
			if len(jobs) != 1 || jobs[0].State != rivertype.JobStateCompleted || jobs[0].Attempt != 2 {
				t.Errorf("jobs: %s, want one completed at attempt 2", describeJobs(jobs))
			}
			// The last lease outlives its attempt by LeaseTTL, then a reap
			// prunes it (LeaseTTL later); the limit only bounds a hung test.
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
				leases, err := st.ListLeases(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(leases) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("leases a minute after the run: %+v; want none (pruned)", leases)
				}
			}
		})
	}
}

// TestReapOwnerDead: a lease whose owner Config.OwnerDead knows dead (an
// earlier process of this host) is reaped before it expires; others wait.
func TestReapOwnerDead(t *testing.T) {
	t.Parallel()
	st := testenv.SQLite(t)
	c, err := job.NewClient(st, job.Config{Owner: "me", OwnerDead: func(o string) bool { return o == "gone" || o == "me" }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, body := testenv.Canonical(t, small)
	owner := testenv.Actor(t, st)
	for _, tc := range []struct {
		owner string
		want  int
	}{
		{"alive", 0},
		{"me", 0}, // its own leases are never dead
		{"gone", 1},
	} {
		run, err := c.Submit(ctx, owner, store.Run{Scenario: body, Seed: int64(len(tc.owner)), Replications: 1})
		if err != nil {
			t.Fatal(err)
		}
		attempt := dieRunning(t, st, run.JobID, false)
		if err := st.AcquireLease(ctx, store.Lease{JobID: run.JobID, Attempt: attempt, Owner: tc.owner, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Reap(ctx); err != nil || n != tc.want {
			t.Errorf("Reap with a live lease of %q = %d, %v; want %d", tc.owner, n, err, tc.want)
		}
		// The lease stays: the next pass must leave this job alone too.
	}
}
