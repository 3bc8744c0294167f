package job_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// forceJob sets a River job's state and attempt directly in the database,
// as River would after giving up on a job whose worker kept dying.
func forceJob(t *testing.T, st store.Store, jobID int64, state string, attempt int) {
	t.Helper()
	var n int64
	err := st.Tx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		switch tx := tx.Unwrap().(type) {
		case pgx.Tx:
			tag, err := tx.Exec(ctx, `UPDATE river_job SET state = $1, attempt = $2, finalized_at = now() WHERE id = $3`, state, attempt, jobID)
			n = tag.RowsAffected()
			return err
		case *sql.Tx:
			res, err := tx.ExecContext(ctx, `UPDATE river_job SET state = ?, attempt = ?, finalized_at = datetime('now', 'subsec') WHERE id = ?`, state, attempt, jobID)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		default:
			return fmt.Errorf("transaction %T", tx)
		}
	})
	if err != nil || n != 1 {
		t.Fatalf("force job %d %s: %d rows updated (want 1), error %v", jobID, state, n, err)
	}
}

// insertJob inserts a job with args through an insert-only River client
// of the store's database and returns its id.
func insertJob(t *testing.T, st store.Backend, args river.JobArgs) int64 {
	t.Helper()
	q, err := st.NewQueue(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = st.Tx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		id, err = q.InsertTx(ctx, tx, args, nil)
		return err
	})
	if err != nil {
		t.Fatalf("insert %s job: %v", args.Kind(), err)
	}
	return id
}

// TestReconcileReplications: the run of several replications lives in its
// replication jobs once its parent job has completed; it is failed only
// when none of them can run any more.
func TestReconcileReplications(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			c, err := job.NewClient(st, job.Config{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			owner := testenv.Actor(t, st)
			_, body := testenv.Canonical(t, small)
			// submit returns a running run of 2 replications whose parent
			// job completed after inserting the replication jobs, the
			// first of which completed too; the second is returned.
			submit := func(seed int64) (store.Run, int64) {
				run, err := c.Submit(ctx, owner, store.Run{Scenario: body, Seed: seed, Replications: 2})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.MarkRunning(ctx, run.ID); err != nil {
					t.Fatal(err)
				}
				first := insertJob(t, st, job.ReplicationArgs{RunID: run.ID, Index: 0})
				second := insertJob(t, st, job.ReplicationArgs{RunID: run.ID, Index: 1})
				forceJob(t, st, run.JobID, "completed", 1)
				forceJob(t, st, first, "completed", 1)
				return run, second
			}
			live, _ := submit(1)
			dead, second := submit(2)
			forceJob(t, st, second, "discarded", 7)
			n, err := c.Reconcile(ctx)
			if err != nil || n != 1 {
				t.Fatalf("Reconcile = %d, %v; want 1, nil", n, err)
			}
			if got, _ := st.GetRun(ctx, store.System(), live.ID); got.Status != store.StatusRunning {
				t.Errorf("run with a live replication job is %s (%q), want running", got.Status, got.Error)
			}
			got, _ := st.GetRun(ctx, store.System(), dead.ID)
			if got.Status != store.StatusFailed || !strings.Contains(got.Error, "abandoned after 7 attempts") {
				t.Errorf("run whose replication job was discarded is %s (%q), want failed, abandoned after 7 attempts", got.Status, got.Error)
			}
		})
	}
}

func TestReconcileFailsAbandonedRuns(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			reg := prometheus.NewRegistry()
			c, err := job.NewClient(st, job.Config{Workers: 0, Registerer: reg}) // Reconcile needs no workers
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			owner := testenv.Actor(t, st)
			_, body := testenv.Canonical(t, small)
			tests := []struct {
				name       string
				running    bool   // the run was marked running before its job ended
				jobState   string // the state forced on the run's job; "" leaves it available
				attempt    int
				wantStatus store.RunStatus
				wantError  string
			}{
				{name: "LiveJob", wantStatus: store.StatusQueued},
				{name: "RunningLiveJob", running: true, wantStatus: store.StatusRunning},
				{name: "QueuedDiscarded", jobState: "discarded", attempt: 10, wantStatus: store.StatusFailed,
					wantError: "the job was abandoned after 10 attempts (worker crashes?)"},
				{name: "RunningDiscarded", running: true, jobState: "discarded", attempt: 3, wantStatus: store.StatusFailed,
					wantError: "the job was abandoned after 3 attempts (worker crashes?)"},
				{name: "CancelledInQueue", jobState: "cancelled", attempt: 1, wantStatus: store.StatusFailed,
					wantError: "the job was cancelled in the queue"},
				{name: "NoJobLeft", running: true, jobState: "completed", attempt: 1, wantStatus: store.StatusFailed,
					wantError: "no job of the run is left in the queue"},
			}
			ids := make([]string, len(tests))
			for i, tc := range tests {
				run, err := c.Submit(ctx, owner, store.Run{Scenario: body, Seed: int64(i), Replications: 1})
				if err != nil {
					t.Fatalf("%s: Submit: %v", tc.name, err)
				}
				if run.JobID == 0 {
					t.Fatalf("%s: Submit recorded no job id", tc.name)
				}
				if tc.running {
					if _, err := st.MarkRunning(ctx, run.ID); err != nil {
						t.Fatal(err)
					}
				}
				if tc.jobState != "" {
					forceJob(t, st, run.JobID, tc.jobState, tc.attempt)
				}
				ids[i] = run.ID
			}
			n, err := c.Reconcile(ctx)
			if err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if n != 4 {
				t.Errorf("Reconcile finished %d runs, want 4", n)
			}
			for i, tc := range tests {
				got, err := st.GetRun(ctx, store.System(), ids[i])
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tc.wantStatus || !strings.Contains(got.Error, tc.wantError) || (tc.wantError == "" && got.Error != "") {
					t.Errorf("%s: run is %s with error %q, want %s with %q", tc.name, got.Status, got.Error, tc.wantStatus, tc.wantError)
				}
			}
			checkMetric(t, reg, "fastsim_runs_finished_total", `status="failed"`, 4)
			if n, err := c.Reconcile(ctx); err != nil || n != 0 {
				t.Errorf("second Reconcile = %d, %v; want 0, nil (idempotent)", n, err)
			}
		})
	}
}

// TestStartedClientReconciles checks that a started client fails an
// abandoned run by itself, every ReconcileInterval.
func TestStartedClientReconciles(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			insertOnly, err := job.NewClient(st, job.Config{})
			if err != nil {
				t.Fatal(err)
			}
			_, body := testenv.Canonical(t, small)
			run, err := insertOnly.Submit(context.Background(), testenv.Actor(t, st), store.Run{Scenario: body, Seed: 1, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			forceJob(t, st, run.JobID, "discarded", 10)
			workers, err := job.NewClient(st, job.Config{Workers: 1, ReconcileInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if err := workers.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := workers.Stop(ctx); err != nil {
					t.Errorf("Stop: %v", err)
				}
			})
			got := waitFor(t, st, run.ID, "final", final)
			if got.Status != store.StatusFailed || !strings.Contains(got.Error, "abandoned after 10 attempts") {
				t.Errorf("abandoned run ended %s with %q, want failed, abandoned after 10 attempts", got.Status, got.Error)
			}
		})
	}
}
