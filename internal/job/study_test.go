package job_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

func replicationSeeds(seed int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = fastsim.ReplicationSeed(seed, i)
	}
	return out
}

func runDirect(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
	return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
}

// submitStudy stores and enqueues a study of kind over base.
func submitStudy(t *testing.T, b *testBundle, actor store.Actor, kind store.StudyKind, base *scenario.Scenario, s study.Settings, runs int) store.Study {
	t.Helper()
	body, err := scenario.Canonical(base)
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.client.SubmitStudy(context.Background(), actor, store.Study{Kind: kind, Scenario: body, Settings: mustJSON(t, s), RunsTotal: runs})
	if err != nil {
		t.Fatalf("SubmitStudy: %v", err)
	}
	return st
}

// waitStudy polls the study until cond holds; the deadline only bounds a
// hung test.
func waitStudy(t *testing.T, st store.Store, id, what string, cond func(store.Study) bool) store.Study {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		s, err := st.GetStudy(context.Background(), store.System(), id)
		if err != nil {
			t.Fatalf("GetStudy: %v", err)
		}
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("study %s never became %s; last state %s, %d of %d runs, error %q", id, what, s.Status, s.RunsDone, s.RunsTotal, s.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startOther starts a second client with workers over the same database.
func startOther(t *testing.T, st store.Backend, cfg job.Config) *job.Client {
	t.Helper()
	c, err := job.NewClient(st, cfg)
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
	return c
}

// studyRunJobs lists the candidate-run jobs in the River queue.
func studyRunJobs(t *testing.T, b *testBundle, states ...rivertype.JobState) []*rivertype.JobRow {
	t.Helper()
	q, err := b.st.NewQueue(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := river.NewJobListParams().Kinds(job.KindStudyRun).First(10000)
	if len(states) > 0 {
		p = p.States(states...)
	}
	res, err := q.JobList(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

// TestSizingStudyAnswersAsTheLibrary runs the M/M/c sizing study on two
// job clients sharing the database: the answer and every evaluation are
// exactly (byte for byte) what analysis.SizingSpec.Run gives in process on
// the same seeds — 7 cores, as Erlang C says — and the River job records
// show candidate runs executed by both clients.
func TestSizingStudyAnswersAsTheLibrary(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 1, Owner: "worker-a", CancelPollInterval: 20 * time.Millisecond})
			startOther(t, b.st, job.Config{Workers: 1, Owner: "worker-b", CancelPollInterval: 20 * time.Millisecond})
			sc := testenv.MMc(t, 60)
			spec := analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: analysis.SLA{Percentile: 0.95, LatencyS: 0.0375},
				Seeds: replicationSeeds(42, 3), Max: 16}
			s := study.Settings{Sizing: &spec}
			plan, err := study.Check(context.Background(), store.KindSizing, sc, s)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			created := submitStudy(t, b, testenv.Actor(t, b.st), store.KindSizing, sc, s, plan.Runs)
			done := waitStudy(t, b.st, created.ID, "final", func(s store.Study) bool { return s.Status.Final() })
			if done.Status != store.StatusSucceeded {
				t.Fatalf("study ended %s with %q", done.Status, done.Error)
			}
			body, err := b.st.GetStudyResult(context.Background(), store.System(), created.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got study.Result
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Sizing == nil || got.Sizing.Size == nil || got.Sizing.Size.Answer != 7 {
				t.Fatalf("study result %s, want the answer 7 cores", body)
			}
			local, err := spec.Run(context.Background(), sc, analysis.Options{Run: runDirect, Parallelism: 3})
			if err != nil {
				t.Fatal(err)
			}
			if want, gotJSON := mustJSON(t, local), mustJSON(t, got.Sizing); string(want) != string(gotJSON) {
				t.Errorf("the study's sizing differs from the library's on the same seeds:\nstudy %s\nlocal %s", gotJSON, want)
			}
			// Candidates 1, 2, 4, 8, then 6 and 7, three seeds each.
			wantRuns := len(local.Size.Evaluations) * 3
			if done.RunsDone != wantRuns || done.RunsTotal != wantRuns {
				t.Errorf("runs %d of %d, want %d of %d", done.RunsDone, done.RunsTotal, wantRuns, wantRuns)
			}
			// River records a job's completion just after its worker stored
			// the outcome: wait for it.
			jobs := studyRunJobs(t, b)
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) &&
				slices.ContainsFunc(jobs, func(j *rivertype.JobRow) bool { return j.State == rivertype.JobStateRunning }); {
				time.Sleep(20 * time.Millisecond)
				jobs = studyRunJobs(t, b)
			}
			if len(jobs) != wantRuns {
				t.Errorf("%d candidate-run jobs, want %d (one per candidate and seed)", len(jobs), wantRuns)
			}
			by := map[string]int{}
			for _, j := range jobs {
				if j.State != rivertype.JobStateCompleted {
					t.Errorf("job %d is %s, want completed", j.ID, j.State)
				}
				for _, w := range j.AttemptedBy {
					by[w]++
				}
			}
			if by["worker-a"] == 0 || by["worker-b"] == 0 {
				t.Errorf("candidate runs by worker %v, want some on each of worker-a and worker-b", by)
			}
			t.Logf("candidate runs by worker: %v", by)
			checkMetric(t, b.reg, "fastsim_studies", `status="succeeded"`, 1)
		})
	}
}

// TestStudyCancel cancels a running study: it is cancelled at once, and
// its coordinator and candidate runs stop (no candidate-run job is left
// running or waiting to run).
func TestStudyCancel(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect, job.Config{Workers: 2, CancelPollInterval: 20 * time.Millisecond})
			// Each candidate run takes seconds: the study is mid-way when
			// cancelled.
			sc, _ := testenv.Canonical(t, testenv.OneServerYAML(6000, 2000))
			spec := analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: analysis.SLA{Percentile: 0.99, LatencyS: 0.06},
				Seeds: replicationSeeds(1, 3), Max: 8}
			actor := testenv.Actor(t, b.st)
			created := submitStudy(t, b, actor, store.KindSizing, sc, study.Settings{Sizing: &spec}, 24)
			waitStudy(t, b.st, created.ID, "running", func(s store.Study) bool { return s.Status == store.StatusRunning })
			for len(studyRunJobs(t, b, rivertype.JobStateRunning)) == 0 {
				time.Sleep(10 * time.Millisecond)
			}
			cancelled, err := b.client.CancelStudy(context.Background(), actor, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cancelled.Status != store.StatusCancelled {
				t.Fatalf("after CancelStudy: %s, want cancelled at once", cancelled.Status)
			}
			deadline := time.Now().Add(time.Minute)
			live := []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}
			for jobs := studyRunJobs(t, b, live...); len(jobs) > 0; jobs = studyRunJobs(t, b, live...) {
				if time.Now().After(deadline) {
					t.Fatalf("%d candidate-run jobs still live a minute after the cancel", len(jobs))
				}
				time.Sleep(20 * time.Millisecond)
			}
			if _, err := b.client.CancelStudy(context.Background(), actor, created.ID); err == nil {
				t.Error("second CancelStudy: no error, want ErrConflict")
			}
			final := waitStudy(t, b.st, created.ID, "final", func(s store.Study) bool { return s.Status.Final() })
			if final.Status != store.StatusCancelled || final.RunsDone != 0 {
				t.Errorf("study %s with %d runs done, want cancelled with none", final.Status, final.RunsDone)
			}
			if slices.ContainsFunc(studyRunJobs(t, b), func(j *rivertype.JobRow) bool { return j.State == rivertype.JobStateDiscarded }) {
				t.Error("a candidate-run job was discarded; a cancelled study's jobs end without error")
			}
		})
	}
}

// TestStudyFailsWithACandidateRunsError: a candidate run that crosses a
// run-time limit fails its study with the engine's message.
func TestStudyFailsWithACandidateRunsError(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", job.Config{Workers: 2, MaxEvents: 1000, CancelPollInterval: 20 * time.Millisecond})
	sc, _ := testenv.Canonical(t, small)
	s := study.Settings{Sweep: &analysis.SweepSpec{Params: []analysis.Param{{Path: analysis.LoadParam, Values: []float64{1, 2}}}, Seeds: []int64{1}}}
	created := submitStudy(t, b, testenv.Actor(t, b.st), store.KindSweep, sc, s, 2)
	done := waitStudy(t, b.st, created.ID, "final", func(s store.Study) bool { return s.Status.Final() })
	if done.Status != store.StatusFailed || !strings.Contains(done.Error, "limit") || !strings.Contains(done.Error, "--max-events") {
		t.Errorf("study ended %s with %q, want failed naming the event limit", done.Status, done.Error)
	}
}

// TestReconcileStudies fails a study that no coordinator job will run
// (here: none was ever queued) and cancels one whose cancel was asked.
func TestReconcileStudies(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", job.Config{Workers: 1, ReconcileInterval: time.Hour})
	actor := testenv.Actor(t, b.st)
	_, body := testenv.Canonical(t, small)
	orphan := func() store.Study {
		st, err := b.st.CreateStudy(context.Background(), actor, store.Study{Kind: store.KindSweep, Scenario: body, Settings: []byte(`{}`), RunsTotal: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	lost, cancelled := orphan(), orphan()
	if _, err := b.st.MarkStudyRunning(context.Background(), cancelled.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.RequestStudyCancel(context.Background(), actor, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	n, err := b.client.ReconcileStudies(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("ReconcileStudies = %d, %v; want 2 studies finished", n, err)
	}
	for _, tc := range []struct {
		id     string
		status store.RunStatus
		msg    string
	}{{lost.ID, store.StatusFailed, "no longer in the queue"}, {cancelled.ID, store.StatusCancelled, "cancelled"}} {
		st, err := b.st.GetStudy(context.Background(), store.System(), tc.id)
		if err != nil || st.Status != tc.status || !strings.Contains(st.Error, tc.msg) {
			t.Errorf("study %s: %s %q (%v), want %s with %q", tc.id, st.Status, st.Error, err, tc.status, tc.msg)
		}
	}
	if n, err := b.client.ReconcileStudies(context.Background()); err != nil || n != 0 {
		t.Errorf("second ReconcileStudies = %d, %v; want 0", n, err)
	}
}

// TestStudyTimeout: a study over Config.StudyTimeout fails saying so, and
// its candidate runs stop.
func TestStudyTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", job.Config{Workers: 1, StudyTimeout: time.Second, CancelPollInterval: 20 * time.Millisecond})
	sc, _ := testenv.Canonical(t, long) // tens of seconds per candidate run
	s := study.Settings{Sweep: &analysis.SweepSpec{Params: []analysis.Param{{Path: analysis.LoadParam, Values: []float64{1}}}, Seeds: []int64{1}}}
	created := submitStudy(t, b, testenv.Actor(t, b.st), store.KindSweep, sc, s, 1)
	done := waitStudy(t, b.st, created.ID, "final", func(s store.Study) bool { return s.Status.Final() })
	if done.Status != store.StatusFailed || !strings.Contains(done.Error, "--study-timeout") {
		t.Errorf("study ended %s with %q, want failed naming --study-timeout", done.Status, done.Error)
	}
	deadline := time.Now().Add(time.Minute)
	for len(studyRunJobs(t, b, rivertype.JobStateRunning)) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the candidate run still runs a minute after its study timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
