package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// TestStudySurvivesKill9 runs a sizing study on two `fastsim worker`
// processes and kills (kill -9) the one running the study's coordinator
// mid-study, on each database: the other worker takes the coordinator
// over as it takes over a run (its lease), replays the study from the
// stored candidate runs, and finishes it with exactly the library's
// answer on the same seeds (7 cores); no candidate run is lost or run
// twice to completion. It takes about 12 s (FASTSIM_SLOW_TESTS=1).
func TestStudySurvivesKill9(t *testing.T) {
	t.Parallel()
	testenv.RequireSlow(t)
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			bin := fastsimBinary(t)
			ctx := context.Background()
			st, dbArgs := processDB(t, dialect)
			owner := testenv.Actor(t, st)
			submitter, err := job.NewClient(st, job.Config{}) // insert-only
			if err != nil {
				t.Fatal(err)
			}
			sc := testenv.MMc(t, 200)
			seeds := []int64{fastsim.ReplicationSeed(42, 0), fastsim.ReplicationSeed(42, 1), fastsim.ReplicationSeed(42, 2)}
			spec := analysis.SizingSpec{What: "cores", Server: "srv-1", SLA: analysis.SLA{Percentile: 0.95, LatencyS: 0.0375}, Seeds: seeds, Max: 16}
			settings := study.Settings{Sizing: &spec}
			plan, err := study.Check(ctx, store.KindSizing, sc, settings)
			if err != nil {
				t.Fatal(err)
			}
			base, err := scenario.Canonical(sc)
			if err != nil {
				t.Fatal(err)
			}
			created, err := submitter.SubmitStudy(ctx, owner, store.Study{Kind: store.KindSizing, Scenario: base,
				Settings: mustMarshal(t, settings), RunsTotal: plan.Runs})
			if err != nil {
				t.Fatal(err)
			}
			// A minute-long lease: the survivor must hand the dead worker's
			// jobs on at once, knowing its process gone (same host).
			workerArgs := append([]string{"--workers", "1", "--run-timeout", "2m", "--no-migrate", "--metrics-addr", "127.0.0.1:0",
				"--heartbeat-interval", "200ms", "--lease-ttl", "1m"}, dbArgs...)
			workers := []*workerProc{startWorker(t, bin, workerArgs...), startWorker(t, bin, workerArgs...)}

			// Mid-study: some candidate runs stored, the coordinator leased.
			deadline := time.Now().Add(2 * time.Minute)
			var mid store.Study
			for {
				if mid, err = st.GetStudy(ctx, store.System(), created.ID); err != nil {
					t.Fatal(err)
				}
				if mid.RunsDone >= 3 || mid.Status.Final() || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if mid.Status != store.StatusRunning {
				t.Fatalf("study is %s with %d runs done before the kill; want it mid-study", mid.Status, mid.RunsDone)
			}
			lease := leaseOf(t, st, created.JobID)
			var victim *workerProc
			for _, w := range workers {
				if strings.Contains(lease.Owner, "/"+strconv.Itoa(w.cmd.Process.Pid)+"/") {
					victim = w
				}
			}
			if victim == nil {
				t.Fatalf("the coordinator's lease %q names neither worker", lease.Owner)
			}
			kill9(t, victim)
			killedAt := time.Now()
			t.Logf("killed the coordinator's worker %d with %d of at most %d runs done", victim.cmd.Process.Pid, mid.RunsDone, mid.RunsTotal)

			local := make(chan []byte, 1)
			go func() {
				run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
					return fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
				}
				res, err := spec.Run(context.Background(), sc, analysis.Options{Run: run, Parallelism: 1})
				if err != nil {
					local <- []byte(err.Error())
					return
				}
				b, _ := json.Marshal(res)
				local <- b
			}()
			var done store.Study
			for {
				if done, err = st.GetStudy(ctx, store.System(), created.ID); err != nil {
					t.Fatal(err)
				}
				if done.Status.Final() {
					break
				}
				if time.Since(killedAt) > 2*time.Minute {
					t.Fatalf("study still %s two minutes after the kill", done.Status)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if done.Status != store.StatusSucceeded {
				t.Fatalf("study after the kill ended %s with %q", done.Status, done.Error)
			}
			t.Logf("study succeeded %v after the kill", time.Since(killedAt).Round(100*time.Millisecond))
			body, err := st.GetStudyResult(ctx, owner, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got study.Result
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Sizing == nil || got.Sizing.Size == nil || got.Sizing.Size.Answer != 7 {
				t.Fatalf("result %s, want 7 cores", body)
			}
			if g, w := mustMarshal(t, got.Sizing), <-local; string(g) != string(w) {
				t.Errorf("the study after the kill differs from the library on the same seeds:\n got %s\nwant %s", g, w)
			}
			// One stored outcome per candidate and seed: none lost, none
			// duplicated.
			states, err := st.ListStudyRunStates(ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(got.Sizing.Size.Evaluations) * len(seeds); len(states) != want || done.RunsDone != want {
				t.Errorf("%d candidate runs stored, %d done; want %d (every evaluation × seed, once)", len(states), done.RunsDone, want)
			}
		})
	}
}
