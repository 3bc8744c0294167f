package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// errStudyCancelled and errStudyTimeout are the causes of a coordinator
// context cancelled on request or at the study timeout.
var (
	errStudyCancelled = errors.New("study cancelled on request")
	errStudyTimeout   = errors.New("study timeout")
)

// target is what a job works for: a run (its replications included), a
// study (its coordinator), or one candidate run of a study.
type target struct {
	runID, studyID, key string
}

// String names the target in logs and errors.
func (t target) String() string {
	switch {
	case t.runID != "":
		return "run " + t.runID
	case t.key != "":
		return "candidate run " + t.key + " of study " + t.studyID
	case t.studyID != "":
		return "study " + t.studyID
	}
	return "unknown target"
}

// noun names the target's kind in messages: "run", "candidate run" or
// "study's coordinator".
func (t target) noun() string {
	switch {
	case t.key != "":
		return "candidate run"
	case t.studyID != "":
		return "study's coordinator"
	}
	return "run"
}

// failTarget ends the target of a job that will not run again with msg: a
// run or a study fails; a candidate run stores msg as its error, and its
// coordinator then fails the study with it.
func (c *Client) failTarget(ctx context.Context, t target, msg string) error {
	switch {
	case t.runID != "":
		return c.finish(ctx, t.runID, store.Finish{Status: store.StatusFailed, Error: msg})
	case t.key != "":
		err := c.store.FinishStudyRun(ctx, t.studyID, t.key, nil, msg, c.cfg.Owner)
		if errors.Is(err, store.ErrNotFound) {
			return nil // the study was deleted
		}
		return err
	case t.studyID != "":
		return c.finishStudy(ctx, t.studyID, store.StudyFinish{Status: store.StatusFailed, Error: msg})
	}
	return nil
}

// finishStudy ends a study; one already final (cancelled meanwhile, or
// another coordinator won) is fine.
func (c *Client) finishStudy(ctx context.Context, id string, f store.StudyFinish) error {
	_, err := c.store.FinishStudy(ctx, id, f)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func studyOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueStudies, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SubmitStudy stores st as queued and enqueues its coordinator in one
// transaction, then records the job id. See store.Store.CreateStudy for
// the fields it reads and the errors.
func (c *Client) SubmitStudy(ctx context.Context, actor store.Actor, st store.Study) (store.Study, error) {
	var jobID int64
	created, err := c.store.CreateStudy(ctx, actor, st, func(ctx context.Context, tx store.Tx, s store.Study) error {
		var err error
		jobID, err = c.queue.InsertTx(ctx, tx, StudyArgs{StudyID: s.ID}, studyOpts())
		return err
	})
	if err != nil {
		return store.Study{}, err
	}
	if err := c.store.SetStudyJobID(ctx, created.ID, jobID); err != nil {
		c.cfg.Logger.WarnContext(ctx, "record job id of study", "study_id", created.ID, "job_id", jobID, "error", err)
	} else {
		created.JobID = jobID
	}
	return created, nil
}

// CancelStudy cancels a study at once: a queued study's coordinator is
// removed from the queue, a running one becomes cancelled immediately;
// its coordinator and candidate runs notice within
// Config.CancelPollInterval and stop. It returns the study after the
// change, store.ErrNotFound, or store.ErrConflict when it is finished.
func (c *Client) CancelStudy(ctx context.Context, actor store.Actor, id string) (store.Study, error) {
	st, err := c.store.RequestStudyCancel(ctx, actor, id)
	if err != nil {
		return store.Study{}, err
	}
	if st.Status == store.StatusRunning {
		finished, err := c.store.FinishStudy(ctx, id, store.StudyFinish{Status: store.StatusCancelled, Error: errStudyCancelled.Error()})
		switch {
		case errors.Is(err, store.ErrConflict):
			return c.store.GetStudy(ctx, actor, id)
		case err != nil:
			return store.Study{}, fmt.Errorf("job: cancel running study %s: %w", id, err)
		}
		return finished, nil
	}
	if st.Status == store.StatusCancelled && st.JobID != 0 {
		if err := c.queue.JobCancel(ctx, st.JobID); err != nil && !errors.Is(err, rivertype.ErrNotFound) {
			c.cfg.Logger.WarnContext(ctx, "cancel queued study job", "study_id", id, "job_id", st.JobID, "error", err)
		}
	}
	return st, nil
}

// studyWorker executes "study" jobs: the coordinators.
type studyWorker struct {
	river.WorkerDefaults[StudyArgs]
	c *Client
}

// Timeout returns the coordinator's job timeout: the study timeout plus a
// margin.
func (w *studyWorker) Timeout(*river.Job[StudyArgs]) time.Duration { return w.c.studyJobTimeout() }

// Work runs the study's search or sweep.
func (w *studyWorker) Work(ctx context.Context, j *river.Job[StudyArgs]) error {
	return w.c.attempt(ctx, j.JobRow, target{studyID: j.Args.StudyID}, func(ctx context.Context) error {
		return w.c.workStudy(ctx, j.Args.StudyID)
	})
}

// studyRunWorker executes "study_run" jobs: one candidate run each.
type studyRunWorker struct {
	river.WorkerDefaults[StudyRunArgs]
	c *Client
}

// Timeout returns the job timeout of a run: the run timeout plus a margin.
func (w *studyRunWorker) Timeout(*river.Job[StudyRunArgs]) time.Duration { return w.c.jobTimeout() }

// Work simulates the candidate run and stores its outcome.
func (w *studyRunWorker) Work(ctx context.Context, j *river.Job[StudyRunArgs]) error {
	return w.c.attempt(ctx, j.JobRow, target{studyID: j.Args.StudyID, key: j.Args.Key}, func(ctx context.Context) error {
		return w.c.workStudyRun(ctx, j.Args.StudyID, j.Args.Key)
	})
}

// loadStudy returns the study to work on, or ok=false when there is
// nothing to do (final, or cancelled here); a deleted study cancels the
// job.
func (c *Client) loadStudy(ctx context.Context, id string) (store.Study, bool, error) {
	st, err := c.store.GetStudy(ctx, store.System(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Study{}, false, river.JobCancel(err)
	}
	if err != nil {
		return store.Study{}, false, err
	}
	if st.Status.Final() {
		return st, false, nil
	}
	if st.CancelRequested {
		return st, false, c.finishStudy(ctx, id, store.StudyFinish{Status: store.StatusCancelled, Error: errStudyCancelled.Error()})
	}
	return st, true, nil
}

// runKey identifies a candidate run within its study: a digest of the
// candidate's canonical scenario and the seed. The library asks for the
// same (scenario, seed) again when a coordinator replays the study, so
// the key finds the stored outcome.
func runKey(canonical []byte, seed int64) string {
	h := sha256.New()
	h.Write(canonical)
	h.Write([]byte("\x00seed=" + strconv.FormatInt(seed, 10)))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// workStudy runs the coordinator of a study: the library's search or
// sweep with a RunFunc that schedules each candidate run as a job (or
// finds its stored outcome) and waits for it. A coordinator resumed after
// its worker died replays the study: the library is deterministic for the
// same seeds, so it asks for the same candidate runs, whose outcomes are
// stored, and continues where the dead one stopped.
func (c *Client) workStudy(ctx context.Context, id string) error {
	st, ok, err := c.loadStudy(ctx, id)
	if !ok || err != nil {
		return err
	}
	if st, err = c.store.MarkStudyRunning(ctx, id); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	fail := func(msg string) error {
		return c.finishStudy(ctx, id, store.StudyFinish{Status: store.StatusFailed, Error: msg})
	}
	base, err := scenario.Decode(st.Scenario, scenario.FormatJSON)
	if err != nil {
		return fail(fmt.Sprintf("decode the study's scenario: %v", err))
	}
	settings, err := study.Decode(st.Kind, st.Settings)
	if err != nil {
		return fail(err.Error())
	}
	sctx, cancelTimeout := context.WithTimeoutCause(ctx, c.cfg.StudyTimeout, errStudyTimeout)
	defer cancelTimeout()
	sctx, cancel := context.WithCancelCause(sctx)
	defer cancel(nil)
	w := newWaiter(c, id, cancel)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.loop(sctx)
	}()
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		return c.candidateRun(ctx, w, st, sc, seed)
	}
	parallelism := analysis.MaxSweepCandidates * max(len(settings.Seeds()), 1)
	res, err := study.Run(sctx, st.Kind, base, settings, run, parallelism)
	cancel(nil)
	<-done
	if err != nil {
		switch cause := context.Cause(sctx); {
		case errors.Is(cause, errStudyCancelled):
			return c.finishStudy(ctx, id, store.StudyFinish{Status: store.StatusCancelled, Error: errStudyCancelled.Error()})
		case errors.Is(cause, errStudyTimeout):
			return fail(fmt.Sprintf("study exceeded the wall-clock timeout of %s; raise --study-timeout (FASTSIM_STUDY_TIMEOUT), "+
				"study fewer candidates or replications, or add workers", c.cfg.StudyTimeout))
		case ctx.Err() != nil:
			return fmt.Errorf("job: study %s interrupted: %w", id, err) // shutdown or lease lost: handed on
		}
		return fail(err.Error())
	}
	body, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("job: encode the result of study %s: %w", id, err)
	}
	f := store.StudyFinish{Status: store.StatusSucceeded, Result: body}
	if settings.Sizing != nil {
		// The search ends having needed fewer runs than its bound: every
		// candidate run it stored, no more.
		states, err := c.store.ListStudyRunStates(ctx, id)
		if err != nil {
			return err
		}
		f.RunsTotal = len(states)
	}
	return c.finishStudy(ctx, id, f)
}

// candidateRun is the coordinator's analysis.RunFunc: it stores the
// candidate run (sc, seed) with its job unless the study has it, waits
// for its outcome, and returns its result or its error.
func (c *Client) candidateRun(ctx context.Context, w *waiter, st store.Study, sc *scenario.Scenario, seed int64) (*result.Result, error) {
	canonical, err := scenario.Canonical(sc)
	if err != nil {
		return nil, err
	}
	key := runKey(canonical, seed)
	ch := w.watch(key)
	r, _, err := c.store.AddStudyRun(ctx, store.StudyRun{StudyID: st.ID, Key: key, Seed: seed, Scenario: canonical},
		func(ctx context.Context, tx store.Tx) error {
			_, err := c.queue.InsertTx(ctx, tx, StudyRunArgs{StudyID: st.ID, Key: key}, uniqueOpts())
			return err
		})
	if err != nil {
		return nil, err
	}
	if r.Status == store.StudyRunPending {
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-ch:
		}
	}
	r, err = c.store.GetStudyRun(ctx, st.ID, key)
	if err != nil {
		return nil, err
	}
	if r.Status != store.StudyRunSucceeded {
		return nil, errors.New(r.Error)
	}
	out := new(result.Result)
	if err := json.Unmarshal(r.Result, out); err != nil {
		return nil, fmt.Errorf("decode the result of candidate run %s: %w", key, err)
	}
	return out, nil
}

// waiter wakes the coordinator's RunFunc calls when their candidate runs
// end: one loop polls the states of all of the study's candidate runs
// every Config.CancelPollInterval (one query, no blobs) and the study
// itself, cancelling the coordinator when the study was cancelled or
// finished elsewhere.
type waiter struct {
	c      *Client
	id     string
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	waiting map[string]chan struct{}
	ended   map[string]bool
}

func newWaiter(c *Client, id string, cancel context.CancelCauseFunc) *waiter {
	return &waiter{c: c, id: id, cancel: cancel, waiting: map[string]chan struct{}{}, ended: map[string]bool{}}
}

// watch returns a channel closed once the candidate run key has ended
// (at once when it already has).
func (w *waiter) watch(key string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, ok := w.waiting[key]
	if !ok {
		ch = make(chan struct{})
		w.waiting[key] = ch
		if w.ended[key] {
			close(ch)
		}
	}
	return ch
}

// loop polls until ctx is done.
func (w *waiter) loop(ctx context.Context) {
	every(ctx, w.c.cfg.CancelPollInterval, func() bool {
		st, err := w.c.store.GetStudy(ctx, store.System(), w.id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.cancel(errStudyCancelled) // deleted
			return false
		case err != nil:
			return true // transient; the next tick retries
		case st.CancelRequested || st.Status.Final():
			w.cancel(errStudyCancelled)
			return false
		}
		states, err := w.c.store.ListStudyRunStates(ctx, w.id)
		if err != nil {
			return true
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, s := range states {
			if s.Status == store.StudyRunPending || w.ended[s.Key] {
				continue
			}
			w.ended[s.Key] = true
			if ch, ok := w.waiting[s.Key]; ok {
				close(ch)
			}
		}
		return true
	})
}

// workStudyRun simulates one candidate run and stores its outcome: its
// result, or the simulation's error (a run limit, the run timeout), which
// its coordinator then reports as the study's. A study finished or
// cancelled meanwhile makes it stop.
func (c *Client) workStudyRun(ctx context.Context, studyID, key string) error {
	st, ok, err := c.loadStudy(ctx, studyID)
	if !ok || err != nil {
		return err
	}
	r, err := c.store.GetStudyRun(ctx, studyID, key)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if r.Status != store.StudyRunPending {
		return nil // a retried job whose outcome is stored
	}
	c.metrics.jobStarted()
	defer c.metrics.jobEnded()
	res, err := c.simulateCandidate(ctx, st, r)
	switch {
	case errors.Is(err, errCancelled):
		return nil // the study ended: nothing to store
	case errors.Is(err, errTimeout):
		msg := fmt.Sprintf("a candidate run (seed %d) exceeded the wall-clock timeout of %s; raise --run-timeout (FASTSIM_RUN_TIMEOUT) or shorten the scenario",
			r.Seed, c.cfg.RunTimeout)
		return c.store.FinishStudyRun(ctx, studyID, key, nil, msg, c.cfg.Owner)
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("job: candidate run %s of study %s interrupted: %w", key, studyID, err)
	case err != nil:
		return c.store.FinishStudyRun(ctx, studyID, key, nil, err.Error(), c.cfg.Owner)
	}
	return c.store.FinishStudyRun(ctx, studyID, key, res, "", c.cfg.Owner)
}

// simulateCandidate runs candidate run r of study st with the run timeout
// and the run-time limits of the study owner's plan, stopping when the
// study is cancelled or finished. It returns the result JSON without
// series.
func (c *Client) simulateCandidate(ctx context.Context, st store.Study, r store.StudyRun) ([]byte, error) {
	sc, err := scenario.Decode(r.Scenario, scenario.FormatJSON)
	if err != nil {
		return nil, fmt.Errorf("decode the candidate's scenario: %w", err)
	}
	simCtx, cancelTimeout := context.WithTimeoutCause(ctx, c.cfg.RunTimeout, errTimeout)
	defer cancelTimeout()
	simCtx, cancel := context.WithCancelCause(simCtx)
	defer cancel(nil)
	go every(simCtx, c.cfg.CancelPollInterval, func() bool {
		cur, err := c.store.GetStudy(simCtx, store.System(), st.ID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (cur.CancelRequested || cur.Status.Final()) {
			cancel(errCancelled)
			return false
		}
		return true
	})
	res, err := c.runScenario(ctx, simCtx, store.Run{ID: st.ID, OwnerID: st.OwnerID}, sc, nil, fastsim.WithSeed(r.Seed))
	if err != nil {
		return nil, err
	}
	res.Series = nil
	body, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return body, nil
}

// ReconcileStudies fails the studies that no coordinator will finish:
// queued or running studies whose "study" job is discarded (its worker
// killed on every attempt), cancelled in the queue, or gone; a study
// whose cancellation was requested is cancelled instead. It returns how
// many studies it finished. Like Reconcile, it is idempotent and runs on
// every worker at once (every Config.ReconcileInterval).
func (c *Client) ReconcileStudies(ctx context.Context) (int, error) {
	studies, err := c.unfinishedStudies(ctx)
	if err != nil || len(studies) == 0 {
		return 0, err
	}
	jobs, err := c.tallyJobs(ctx, func(row *rivertype.JobRow) string {
		if row.Kind != KindStudy {
			return ""
		}
		return targetOf(row).studyID
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range studies {
		j := jobs[st.ID]
		if j.live {
			continue
		}
		f := studyAbandoned(st, j)
		_, err := c.store.FinishStudy(ctx, st.ID, f)
		switch {
		case errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return n, fmt.Errorf("job: reconcile study %s: %w", st.ID, err)
		}
		n++
		c.cfg.Logger.WarnContext(ctx, "finished an abandoned study", "study_id", st.ID, "status", string(f.Status), "error", f.Error)
	}
	return n, nil
}

// studyAbandoned returns how to finish a study whose coordinator job can
// no longer run.
func studyAbandoned(st store.Study, j runJobs) store.StudyFinish {
	switch {
	case st.CancelRequested:
		return store.StudyFinish{Status: store.StatusCancelled, Error: errStudyCancelled.Error()}
	case j.discarded > 0:
		return store.StudyFinish{Status: store.StatusFailed, Error: fmt.Sprintf(
			"the study's coordinator was abandoned after %d attempts (worker crashes?); check the workers' logs and memory, then submit the study again", j.discarded)}
	case j.cancelled:
		return store.StudyFinish{Status: store.StatusFailed, Error: "the study's coordinator job was cancelled in the queue; submit the study again"}
	default:
		return store.StudyFinish{Status: store.StatusFailed, Error: "the study's coordinator job is no longer in the queue; submit the study again"}
	}
}
