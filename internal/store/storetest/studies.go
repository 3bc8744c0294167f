package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

func newStudy(kind store.StudyKind, total int) store.Study {
	return store.Study{Kind: kind, Scenario: []byte(`{"base":true}`), Settings: []byte(`{"params":[]}`), RunsTotal: total}
}

// testStudyLifecycle follows a study from creation to its result: the
// coordinator's job is enqueued in the creation's transaction, candidate
// runs are added once each (with their job), their outcomes recount
// RunsDone, and the result is stored with the final status.
func testStudyLifecycle(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	enqueued := 0
	s := must(st.CreateStudy(c, a, newStudy(store.KindSweep, 4), func(context.Context, store.Tx, store.Study) error { enqueued++; return nil }))(t)
	if enqueued != 1 || s.Status != store.StatusQueued || s.OwnerID != a.UserID || s.RunsTotal != 4 || s.RunsDone != 0 || s.ID == "" {
		t.Fatalf("created %+v (enqueued %d), want queued, owned, 4 runs in total, enqueued once", s, enqueued)
	}
	must0(t, st.SetStudyJobID(c, s.ID, 77))
	got := must(st.GetStudy(c, a, s.ID))(t)
	if got.JobID != 77 || string(got.Settings) != `{"params":[]}` || string(got.Scenario) != `{"base":true}` || got.Kind != store.KindSweep {
		t.Errorf("GetStudy = %+v", got)
	}
	running := must(st.MarkStudyRunning(c, s.ID))(t)
	if running.Status != store.StatusRunning || running.StartedAt == nil {
		t.Errorf("MarkStudyRunning = %+v, want running with a start time", running)
	}
	again := must(st.MarkStudyRunning(c, s.ID))(t)
	if !again.StartedAt.Equal(*running.StartedAt) {
		t.Errorf("a second MarkStudyRunning moved StartedAt from %v to %v", running.StartedAt, again.StartedAt)
	}

	runEnqueued := 0
	enqueue := func(context.Context, store.Tx) error { runEnqueued++; return nil }
	for i, key := range []string{"k1", "k2", "k1"} {
		r, inserted, err := st.AddStudyRun(c, store.StudyRun{StudyID: s.ID, Key: key, Seed: int64(i), Scenario: []byte(`{"cand":"` + key + `"}`)}, enqueue)
		if err != nil {
			t.Fatalf("AddStudyRun %s: %v", key, err)
		}
		if wantInserted := i < 2; inserted != wantInserted || r.Status != store.StudyRunPending || string(r.Scenario) != `{"cand":"`+key+`"}` {
			t.Errorf("AddStudyRun #%d %s = %+v, inserted %v; want pending, inserted %v", i, key, r, inserted, wantInserted)
		}
	}
	if runEnqueued != 2 {
		t.Errorf("enqueue called %d times, want 2 (once per new key)", runEnqueued)
	}
	must0(t, st.FinishStudyRun(c, s.ID, "k1", []byte(`{"p99":0.1}`), "", "worker-a"))
	must0(t, st.FinishStudyRun(c, s.ID, "k2", nil, "boom", "worker-b"))
	wantErr(t, "FinishStudyRun of an unknown key", st.FinishStudyRun(c, s.ID, "nope", []byte(`{}`), "", "w"), store.ErrNotFound)
	states := must(st.ListStudyRunStates(c, s.ID))(t)
	want := []store.StudyRunState{{Key: "k1", Status: store.StudyRunSucceeded}, {Key: "k2", Status: store.StudyRunFailed, Error: "boom"}}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("ListStudyRunStates (-want +got):\n%s", diff)
	}
	r1 := must(st.GetStudyRun(c, s.ID, "k1"))(t)
	if string(r1.Result) != `{"p99":0.1}` || r1.Worker != "worker-a" || r1.Seed != 0 || r1.Status != store.StudyRunSucceeded {
		t.Errorf("GetStudyRun k1 = %+v", r1)
	}
	if got := must(st.GetStudy(c, a, s.ID))(t); got.RunsDone != 2 {
		t.Errorf("RunsDone = %d after two finished runs, want 2", got.RunsDone)
	}
	_, err := st.GetStudyResult(c, a, s.ID)
	wantErr(t, "GetStudyResult before the end", err, store.ErrNotFound)
	wantErr(t, "DeleteStudy while running", st.DeleteStudy(c, a, s.ID), store.ErrConflict)

	_, err = st.FinishStudy(c, s.ID, store.StudyFinish{Status: store.StatusSucceeded})
	wantErr(t, "FinishStudy succeeded without result", err, store.ErrInvalid)
	done := must(st.FinishStudy(c, s.ID, store.StudyFinish{Status: store.StatusSucceeded, Result: []byte(`{"answer":7}`), RunsTotal: 2}))(t)
	if done.Status != store.StatusSucceeded || done.FinishedAt == nil || done.RunsTotal != 2 {
		t.Errorf("FinishStudy = %+v, want succeeded, finished, 2 runs in total", done)
	}
	if res := must(st.GetStudyResult(c, a, s.ID))(t); string(res) != `{"answer":7}` {
		t.Errorf("GetStudyResult = %s", res)
	}
	_, err = st.FinishStudy(c, s.ID, store.StudyFinish{Status: store.StatusFailed, Error: "late"})
	wantErr(t, "FinishStudy of a finished study", err, store.ErrConflict)
	_, err = st.MarkStudyRunning(c, s.ID)
	wantErr(t, "MarkStudyRunning of a finished study", err, store.ErrConflict)
	_, _, err = st.AddStudyRun(c, store.StudyRun{StudyID: s.ID, Key: "k3", Scenario: []byte(`{}`)}, nil)
	wantErr(t, "AddStudyRun to a finished study", err, store.ErrConflict)
	counts := must(st.CountStudies(c))(t)
	if counts[store.StatusSucceeded] != 1 {
		t.Errorf("CountStudies = %v, want 1 succeeded", counts)
	}

	must0(t, st.DeleteStudy(c, a, s.ID))
	_, err = st.GetStudy(c, a, s.ID)
	wantErr(t, "GetStudy after delete", err, store.ErrNotFound)
	_, err = st.GetStudyRun(c, s.ID, "k1")
	wantErr(t, "GetStudyRun after delete", err, store.ErrNotFound)
	wantErr(t, "DeleteStudy twice", st.DeleteStudy(c, a, s.ID), store.ErrNotFound)
}

var errEnqueueStudy = errors.New("queue down")

// testStudyErrors checks the creation errors and that a failed enqueue
// stores nothing.
func testStudyErrors(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	bad := func(mod func(*store.Study)) store.Study {
		s := newStudy(store.KindSizing, 3)
		mod(&s)
		return s
	}
	missing := "0195f2a4-0000-7000-8000-000000000000"
	for name, tc := range map[string]struct {
		study store.Study
		want  error
	}{
		"ErrKind":            {bad(func(s *store.Study) { s.Kind = "grid" }), store.ErrInvalid},
		"ErrNoScenario":      {bad(func(s *store.Study) { s.Scenario = nil }), store.ErrInvalid},
		"ErrNoSettings":      {bad(func(s *store.Study) { s.Settings = nil }), store.ErrInvalid},
		"ErrRunsTotal":       {bad(func(s *store.Study) { s.RunsTotal = 0 }), store.ErrInvalid},
		"ErrUnknownScenario": {bad(func(s *store.Study) { s.ScenarioID = &missing }), store.ErrNotFound},
	} {
		_, err := st.CreateStudy(c, a, tc.study, nil)
		wantErr(t, name, err, tc.want)
	}
	_, err := st.CreateStudy(c, store.System(), newStudy(store.KindSizing, 1), nil)
	wantErr(t, "ErrNoUser", err, store.ErrInvalid)
	_, err = st.CreateStudy(c, a, newStudy(store.KindSizing, 1), func(context.Context, store.Tx, store.Study) error { return errEnqueueStudy })
	if !errors.Is(err, errEnqueueStudy) {
		t.Fatalf("CreateStudy with failing enqueue: error = %v, want it to wrap %v", err, errEnqueueStudy)
	}
	if page := must(st.ListStudies(c, a, store.ListStudiesParams{}))(t); len(page.Items) != 0 {
		t.Errorf("after a failed enqueue, %d studies exist, want 0", len(page.Items))
	}
	_, err = st.ListStudies(c, a, store.ListStudiesParams{Kind: "grid"})
	wantErr(t, "ListStudies with an unknown kind", err, store.ErrInvalid)
	_, err = st.ListStudies(c, a, store.ListStudiesParams{Status: []store.RunStatus{"done"}})
	wantErr(t, "ListStudies with an unknown status", err, store.ErrInvalid)
	_, _, err = st.AddStudyRun(c, store.StudyRun{StudyID: missing, Key: "k", Scenario: []byte(`{}`)}, nil)
	wantErr(t, "AddStudyRun to an unknown study", err, store.ErrNotFound)
	_, err = st.GetStudy(c, a, "not-a-uuid")
	wantErr(t, "GetStudy of a malformed id", err, store.ErrNotFound)
}

// testStudyCancel checks that a queued study is cancelled at once, a
// running one only flagged (its coordinator ends it), a finished one
// refused; and that a study of a stored scenario checks the version.
func testStudyCancel(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	q := must(st.CreateStudy(c, a, newStudy(store.KindSweep, 2), nil))(t)
	got := must(st.RequestStudyCancel(c, a, q.ID))(t)
	if got.Status != store.StatusCancelled || !got.CancelRequested || got.FinishedAt == nil || got.Error == "" {
		t.Errorf("cancel a queued study: %+v, want cancelled at once with a message", got)
	}
	_, err := st.RequestStudyCancel(c, a, q.ID)
	wantErr(t, "cancel a cancelled study", err, store.ErrConflict)
	r := must(st.CreateStudy(c, a, newStudy(store.KindSweep, 2), nil))(t)
	must(st.MarkStudyRunning(c, r.ID))(t)
	got = must(st.RequestStudyCancel(c, a, r.ID))(t)
	if got.Status != store.StatusRunning || !got.CancelRequested {
		t.Errorf("cancel a running study: %+v, want running with cancel requested", got)
	}
	fin := must(st.FinishStudy(c, r.ID, store.StudyFinish{Status: store.StatusCancelled, Error: "cancelled"}))(t)
	if fin.Status != store.StatusCancelled {
		t.Errorf("FinishStudy cancelled = %+v", fin)
	}

	sc, v := must2(st.CreateScenario(c, a, "base", []byte(`{"v":1}`)))(t)
	s := newStudy(store.KindSizing, 5)
	s.ScenarioID, s.ScenarioVersion = &sc.ID, &v.Version
	created := must(st.CreateStudy(c, a, s, nil))(t)
	if created.ScenarioID == nil || *created.ScenarioID != sc.ID || *created.ScenarioVersion != 1 {
		t.Errorf("study of a stored scenario: %+v", created)
	}
	two := 2
	s.ScenarioVersion = &two
	_, err = st.CreateStudy(c, a, s, nil)
	wantErr(t, "study of a missing version", err, store.ErrNotFound)
	_, err = st.CreateStudy(c, owner(t, st), s, nil)
	wantErr(t, "study of another user's scenario", err, store.ErrNotFound)
}

// testListStudies checks the filters, the order and the pagination.
func testListStudies(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	var ids []string
	for i := range 5 {
		kind := store.KindSweep
		if i%2 == 1 {
			kind = store.KindSizing
		}
		s := must(st.CreateStudy(c, a, newStudy(kind, 1), nil))(t)
		ids = append([]string{s.ID}, ids...) // newest first
		time.Sleep(time.Millisecond)
	}
	must(st.MarkStudyRunning(c, ids[0]))(t)
	must(st.CreateStudy(c, owner(t, st), newStudy(store.KindSweep, 1), nil))(t) // another user's
	got := pageIDs(t, func(cursor string) (store.Page[store.Study], error) {
		return st.ListStudies(c, a, store.ListStudiesParams{Limit: 2, Cursor: cursor})
	}, func(s store.Study) string { return s.ID })
	if diff := cmp.Diff([][]string{ids[0:2], ids[2:4], ids[4:5]}, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	sizing := must(st.ListStudies(c, a, store.ListStudiesParams{Kind: store.KindSizing}))(t)
	if len(sizing.Items) != 2 || sizing.Items[0].Kind != store.KindSizing {
		t.Errorf("kind=sizing: %d studies, want 2", len(sizing.Items))
	}
	running := must(st.ListStudies(c, a, store.ListStudiesParams{Status: []store.RunStatus{store.StatusRunning}}))(t)
	if len(running.Items) != 1 || running.Items[0].ID != ids[0] {
		t.Errorf("status=running: %v, want only %s", running.Items, ids[0])
	}
}

// testStudyTenancy checks that another user sees none of a user's
// studies (404 on every method) and that an admin sees them all.
func testStudyTenancy(t *testing.T, st store.Store) {
	c := ctx(t)
	a, b := owner(t, st), owner(t, st)
	admin := store.ActorOf(newUser(t, st, store.RoleAdmin))
	s := must(st.CreateStudy(c, a, newStudy(store.KindSweep, 1), nil))(t)
	_, err := st.GetStudy(c, b, s.ID)
	wantErr(t, "GetStudy by another user", err, store.ErrNotFound)
	_, err = st.RequestStudyCancel(c, b, s.ID)
	wantErr(t, "cancel by another user", err, store.ErrNotFound)
	wantErr(t, "DeleteStudy by another user", st.DeleteStudy(c, b, s.ID), store.ErrNotFound)
	if page := must(st.ListStudies(c, b, store.ListStudiesParams{}))(t); len(page.Items) != 0 {
		t.Errorf("another user lists %d studies, want 0", len(page.Items))
	}
	must(st.FinishStudy(c, s.ID, store.StudyFinish{Status: store.StatusSucceeded, Result: []byte(`{}`)}))(t)
	_, err = st.GetStudyResult(c, b, s.ID)
	wantErr(t, "GetStudyResult by another user", err, store.ErrNotFound)
	must(st.GetStudy(c, admin, s.ID))(t)
	must(st.GetStudyResult(c, admin, s.ID))(t)
	if page := must(st.ListStudies(c, admin, store.ListStudiesParams{}))(t); len(page.Items) != 1 {
		t.Errorf("the admin lists %d studies, want 1", len(page.Items))
	}
	// Deleting the owner deletes the study (once it is finished).
	must0(t, st.DeleteUser(c, a.UserID))
	_, err = st.GetStudy(c, admin, s.ID)
	wantErr(t, "GetStudy after its owner was deleted", err, store.ErrNotFound)
	active := must(st.CreateStudy(c, b, newStudy(store.KindSweep, 1), nil))(t)
	wantErr(t, "DeleteUser with an active study", st.DeleteUser(c, b.UserID), store.ErrConflict)
	must(st.RequestStudyCancel(c, b, active.ID))(t)
	must0(t, st.DeleteUser(c, b.UserID))
}

// testStudyQuota checks that a study counts as one active run and as its
// candidate runs against the runs of the day, together with runs.
func testStudyQuota(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	q := &store.RunQuota{MaxActive: 2, MaxPerDay: 10, Since: time.Now().Add(-time.Hour)}
	study := func(n int) (store.Study, error) {
		s := newStudy(store.KindSweep, n)
		s.Quota = q
		return st.CreateStudy(c, a, s, nil)
	}
	wantQuota := func(what string, err error, want store.QuotaError) {
		t.Helper()
		var qe *store.QuotaError
		if !errors.As(err, &qe) {
			t.Fatalf("%s: error = %v, want a *QuotaError", what, err)
		}
		if diff := cmp.Diff(want, *qe); diff != "" {
			t.Errorf("%s: quota error (-want +got):\n%s", what, diff)
		}
	}
	_, err := study(11)
	wantQuota("a study of 11 runs", err, store.QuotaError{Limit: store.LimitRunsPerDay, Max: 10, Current: 0, Requested: 11})
	s1 := must(study(6))(t)
	r := newRun(`{"q":1}`, 1)
	r.Quota = q
	must(st.CreateRun(c, a, r, nil))(t)
	_, err = study(1)
	wantQuota("a third active one", err, store.QuotaError{Limit: store.LimitConcurrentRuns, Max: 2, Current: 2, Requested: 1})
	must(st.RequestStudyCancel(c, a, s1.ID))(t)
	_, err = study(4)
	wantQuota("over the day", err, store.QuotaError{Limit: store.LimitRunsPerDay, Max: 10, Current: 7, Requested: 4})
	must(study(3))(t)
	r = newRun(`{"q":2}`, 1)
	r.Quota = q
	_, err = st.CreateRun(c, a, r, nil)
	wantQuota("a run after the studies filled the day", err, store.QuotaError{Limit: store.LimitConcurrentRuns, Max: 2, Current: 2, Requested: 1})
}
