package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

// NewStore returns a fresh, empty, unmigrated store, closed at cleanup.
type NewStore func(t *testing.T) store.Store

// Run runs the conformance suite against the stores newStore returns.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"ScenarioLifecycle", testScenarioLifecycle},
		{"ScenarioErrors", testScenarioErrors},
		{"ListScenarios", testListScenarios},
		{"DeleteScenario", testDeleteScenario},
		{"CreateRun", testCreateRun},
		{"CreateRunEnqueueErrorStoresNothing", testCreateRunEnqueueError},
		{"CreateRunErrors", testCreateRunErrors},
		{"RunLifecycle", testRunLifecycle},
		{"RunStateConflicts", testRunStateConflicts},
		{"RequestCancel", testRequestCancel},
		{"ListRuns", testListRuns},
		{"Replications", testReplications},
		{"CachedRun", testCachedRun},
		{"LargeResult", testLargeResult},
		{"Tx", testTx},
		{"Leases", testLeases},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APIKeys", testAPIKeys},
		{"DeleteUser", testDeleteUser},
		{"LastAdmin", testLastAdmin},
		{"Tenancy", testTenancy},
		{"AdminSeesAll", testAdminSeesAll},
		{"Injection", testInjection},
		{"Quota", testQuota},
		{"QuotaRace", testQuotaRace},
		{"StudyLifecycle", testStudyLifecycle},
		{"StudyErrors", testStudyErrors},
		{"StudyCancel", testStudyCancel},
		{"ListStudies", testListStudies},
		{"StudyTenancy", testStudyTenancy},
		{"StudyQuota", testStudyQuota},
	}
	t.Run("MigrateFromEmpty", func(t *testing.T) {
		t.Parallel()
		testMigrate(t, newStore(t))
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			if err := st.Migrate(ctx(t)); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			tc.fn(t, st)
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// must returns a function that fails the test on err and otherwise
// returns v: must(st.GetRun(c, a, id))(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", what, err, target)
	}
}

func testMigrate(t *testing.T, st store.Store) {
	c := ctx(t)
	before := must(st.MigrationStatus(c))(t)
	if before.AtHead() {
		t.Fatal("fresh store: AtHead() = true, want false")
	}
	if len(before.App) == 0 || len(before.River) == 0 {
		t.Fatalf("fresh store: %d app and %d River migrations listed, want both > 0", len(before.App), len(before.River))
	}
	for _, m := range append(before.App, before.River...) {
		if m.Applied {
			t.Errorf("fresh store: migration %d %s applied, want pending", m.Version, m.Name)
		}
	}
	if before.App[0].Version != 1 || before.App[0].Name != "0001_init" {
		t.Errorf("first app migration = %d %q, want 1 \"0001_init\"", before.App[0].Version, before.App[0].Name)
	}
	if err := st.Migrate(c); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	after := must(st.MigrationStatus(c))(t)
	if !after.AtHead() {
		t.Fatalf("after Migrate: AtHead() = false: %+v", after)
	}
	if err := st.Migrate(c); err != nil {
		t.Fatalf("second Migrate (no-op): %v", err)
	}
	if diff := cmp.Diff(after, must(st.MigrationStatus(c))(t)); diff != "" {
		t.Errorf("status changed by a no-op Migrate (-before +after):\n%s", diff)
	}
	// The schema works once migrated.
	a := owner(t, st)
	if _, _, err := st.CreateScenario(c, a, "s", []byte(`{}`)); err != nil {
		t.Errorf("CreateScenario after Migrate: %v", err)
	}
}

func testScenarioLifecycle(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	body1 := []byte(`{"a":1}`)
	sc, v1 := must2(st.CreateScenario(c, a, "checkout", body1))(t)
	if sc.ID == "" || sc.Name != "checkout" || sc.LatestVersion != 1 || sc.CreatedAt.IsZero() || !sc.UpdatedAt.Equal(sc.CreatedAt) {
		t.Fatalf("CreateScenario = %+v", sc)
	}
	wantV1 := store.ScenarioVersion{ScenarioID: sc.ID, Version: 1, Name: "checkout", Body: body1, CreatedAt: sc.CreatedAt}
	if diff := cmp.Diff(wantV1, v1); diff != "" {
		t.Errorf("version 1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sc, must(st.GetScenario(c, a, sc.ID))(t)); diff != "" {
		t.Errorf("GetScenario (-want +got):\n%s", diff)
	}
	body2 := []byte(`{"a":2}`)
	sc2, v2 := must2(st.UpdateScenario(c, a, sc.ID, "", body2))(t)
	if sc2.LatestVersion != 2 || sc2.Name != "checkout" || v2.Version != 2 || !bytes.Equal(v2.Body, body2) {
		t.Fatalf("UpdateScenario = %+v, %+v", sc2, v2)
	}
	sc3, v3 := must2(st.UpdateScenario(c, a, sc.ID, "checkout-v3", []byte(`{"a":3}`)))(t)
	if sc3.Name != "checkout-v3" || sc3.LatestVersion != 3 || v3.Name != "checkout-v3" {
		t.Fatalf("UpdateScenario with rename = %+v, %+v", sc3, v3)
	}
	if diff := cmp.Diff(sc3, must(st.GetScenario(c, a, sc.ID))(t)); diff != "" {
		t.Errorf("GetScenario after updates (-want +got):\n%s", diff)
	}
	tests := []struct {
		version  int
		wantBody string
	}{{0, `{"a":3}`}, {1, `{"a":1}`}, {2, `{"a":2}`}, {3, `{"a":3}`}}
	for _, tc := range tests {
		v := must(st.GetScenarioVersion(c, a, sc.ID, tc.version))(t)
		if string(v.Body) != tc.wantBody {
			t.Errorf("GetScenarioVersion(%d) body = %s, want %s", tc.version, v.Body, tc.wantBody)
		}
	}
	vs := must(st.ListScenarioVersions(c, a, sc.ID))(t)
	if len(vs) != 3 {
		t.Fatalf("ListScenarioVersions: %d versions, want 3", len(vs))
	}
	for i, v := range vs {
		if v.Version != i+1 {
			t.Errorf("ListScenarioVersions[%d].Version = %d, want %d", i, v.Version, i+1)
		}
	}
	if diff := cmp.Diff(v1, vs[0]); diff != "" {
		t.Errorf("version 1 as listed (-want +got):\n%s", diff)
	}
}

// must2 is must for two values.
func must2[A, B any](a A, b B, err error) func(*testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func testScenarioErrors(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	sc, _ := must2(st.CreateScenario(c, a, "x", []byte(`{}`)))(t)
	const unknown = "0190a5b2-0000-7000-8000-000000000000"
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"CreateEmptyName", second(st.CreateScenario(c, a, "", []byte(`{}`))), store.ErrInvalid},
		{"CreateEmptyBody", second(st.CreateScenario(c, a, "x", nil)), store.ErrInvalid},
		{"GetUnknown", errOf(st.GetScenario(c, a, unknown)), store.ErrNotFound},
		{"GetMalformedID", errOf(st.GetScenario(c, a, "not-a-uuid")), store.ErrNotFound},
		{"GetVersionUnknownScenario", errOf(st.GetScenarioVersion(c, a, unknown, 0)), store.ErrNotFound},
		{"GetVersionTooHigh", errOf(st.GetScenarioVersion(c, a, sc.ID, 2)), store.ErrNotFound},
		{"GetVersionNegative", errOf(st.GetScenarioVersion(c, a, sc.ID, -1)), store.ErrNotFound},
		{"ListVersionsUnknown", errOf(st.ListScenarioVersions(c, a, unknown)), store.ErrNotFound},
		{"UpdateUnknown", second(st.UpdateScenario(c, a, unknown, "", []byte(`{}`))), store.ErrNotFound},
		{"UpdateEmptyBody", second(st.UpdateScenario(c, a, sc.ID, "", nil)), store.ErrInvalid},
		{"DeleteUnknown", st.DeleteScenario(c, a, unknown), store.ErrNotFound},
		{"DeleteMalformedID", st.DeleteScenario(c, a, "zzz"), store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.name, tc.err, tc.want) })
	}
	if got := must(st.GetScenario(c, a, sc.ID))(t); got.LatestVersion != 1 {
		t.Errorf("failed updates changed the scenario: %+v", got)
	}
}

func errOf[T any](_ T, err error) error { return err }

func second[A, B any](_ A, _ B, err error) error { return err }

func testListScenarios(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	var ids []string // creation order
	for i := range 7 {
		name := fmt.Sprintf("alpha-%d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("Beta-%d", i)
		}
		sc, _ := must2(st.CreateScenario(c, a, name, []byte(`{}`)))(t)
		ids = append(ids, sc.ID)
	}
	newestFirst := func(idx ...int) []string {
		out := make([]string, len(idx))
		for i, k := range idx {
			out[i] = ids[k]
		}
		return out
	}
	tests := []struct {
		name   string
		params store.ListScenariosParams
		want   [][]string // pages
	}{
		{"AllOnePage", store.ListScenariosParams{}, [][]string{newestFirst(6, 5, 4, 3, 2, 1, 0)}},
		{"PagesOfThree", store.ListScenariosParams{Limit: 3}, [][]string{newestFirst(6, 5, 4), newestFirst(3, 2, 1), newestFirst(0)}},
		{"ExactPages", store.ListScenariosParams{Limit: 7}, [][]string{newestFirst(6, 5, 4, 3, 2, 1, 0)}},
		{"NameFilterCaseInsensitive", store.ListScenariosParams{NameContains: "bEtA", Limit: 2}, [][]string{newestFirst(5, 3), newestFirst(1)}},
		{"NameFilterNoMatch", store.ListScenariosParams{NameContains: "gamma"}, [][]string{nil}},
		{"NameFilterPercentIsLiteral", store.ListScenariosParams{NameContains: "%"}, [][]string{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pageIDs(t, func(cursor string) (store.Page[store.Scenario], error) {
				p := tc.params
				p.Cursor = cursor
				return st.ListScenarios(c, a, p)
			}, func(s store.Scenario) string { return s.ID })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
	for _, p := range []store.ListScenariosParams{{Limit: -1}, {Limit: 1001}, {Cursor: "garbage!"}, {Cursor: "MTIzfGFiYw"}} {
		_, err := st.ListScenarios(c, a, p)
		wantErr(t, fmt.Sprintf("ListScenarios(%+v)", p), err, store.ErrInvalid)
	}
}

// pageIDs lists from the first page, following NextCursor (10 pages at
// most), and returns the ids of each page.
func pageIDs[T any](t *testing.T, list func(cursor string) (store.Page[T], error), id func(T) string) [][]string {
	t.Helper()
	var got [][]string
	cursor := ""
	for range 10 {
		page := must(list(cursor))(t)
		var ids []string
		for _, item := range page.Items {
			ids = append(ids, id(item))
		}
		got = append(got, ids)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	return got
}

func newRun(body string, reps int) store.Run {
	return store.Run{Scenario: []byte(body), Seed: 7, Replications: reps, CacheKey: "k-" + body}
}

func testDeleteScenario(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	sc, _ := must2(st.CreateScenario(c, a, "x", []byte(`{"v":1}`)))(t)
	v := 1
	r := newRun(`{"v":1}`, 1)
	r.ScenarioID, r.ScenarioVersion = &sc.ID, &v
	run := must(st.CreateRun(c, a, r, nil))(t)
	wantErr(t, "DeleteScenario with a queued run", st.DeleteScenario(c, a, sc.ID), store.ErrConflict)
	must(st.MarkRunning(c, run.ID))(t)
	wantErr(t, "DeleteScenario with a running run", st.DeleteScenario(c, a, sc.ID), store.ErrConflict)
	must(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusFailed, Error: "boom"}))(t)
	if err := st.DeleteScenario(c, a, sc.ID); err != nil {
		t.Fatalf("DeleteScenario with only finished runs: %v", err)
	}
	wantErr(t, "GetScenario after delete", errOf(st.GetScenario(c, a, sc.ID)), store.ErrNotFound)
	wantErr(t, "GetScenarioVersion after delete", errOf(st.GetScenarioVersion(c, a, sc.ID, 1)), store.ErrNotFound)
	got := must(st.GetRun(c, a, run.ID))(t)
	if got.ScenarioID != nil || got.ScenarioVersion != nil || string(got.Scenario) != `{"v":1}` {
		t.Errorf("run after its scenario was deleted: ScenarioID=%v ScenarioVersion=%v Scenario=%s; want nil, nil and the snapshot",
			got.ScenarioID, got.ScenarioVersion, got.Scenario)
	}
	wantErr(t, "second DeleteScenario", st.DeleteScenario(c, a, sc.ID), store.ErrNotFound)
}

func testCreateRun(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	sc, _ := must2(st.CreateScenario(c, a, "x", []byte(`{"v":1}`)))(t)
	v := 1
	in := store.Run{ScenarioID: &sc.ID, ScenarioVersion: &v, Scenario: []byte(`{"v":1}`), Seed: -3, Replications: 4, CacheKey: "key",
		// Store-assigned fields are ignored.
		Status: store.StatusSucceeded, Progress: 0.5, Error: "e", CacheHit: true, CancelRequested: true, JobID: 9}
	var calls int
	var txSeen any
	run := must(st.CreateRun(c, a, in, func(_ context.Context, tx store.Tx, r store.Run) error {
		calls++
		txSeen = tx.Unwrap()
		if r.ID == "" || r.Status != store.StatusQueued {
			t.Errorf("enqueue got run %+v, want an ID and status queued", r)
		}
		return nil
	}))(t)
	if calls != 1 || txSeen == nil {
		t.Errorf("enqueue called %d times with tx %T, want once with a transaction", calls, txSeen)
	}
	want := store.Run{ID: run.ID, OwnerID: a.UserID, ScenarioID: &sc.ID, ScenarioVersion: &v, Scenario: []byte(`{"v":1}`), Seed: -3, Replications: 4,
		Status: store.StatusQueued, CacheKey: "key", CreatedAt: run.CreatedAt}
	if diff := cmp.Diff(want, run); diff != "" {
		t.Errorf("CreateRun (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, must(st.GetRun(c, a, run.ID))(t)); diff != "" {
		t.Errorf("GetRun (-want +got):\n%s", diff)
	}
	if err := st.SetRunJobID(c, run.ID, 1234); err != nil {
		t.Fatal(err)
	}
	if got := must(st.GetRun(c, a, run.ID))(t); got.JobID != 1234 {
		t.Errorf("JobID after SetRunJobID = %d, want 1234", got.JobID)
	}
	wantErr(t, "SetRunJobID unknown", st.SetRunJobID(c, "0190a5b2-0000-7000-8000-000000000000", 1), store.ErrNotFound)
	inline := must(st.CreateRun(c, a, newRun(`{"inline":true}`, 1), nil))(t)
	if inline.ScenarioID != nil || inline.ScenarioVersion != nil {
		t.Errorf("inline run has scenario reference %v@%v", inline.ScenarioID, inline.ScenarioVersion)
	}
}

var errEnqueue = errors.New("queue is down")

func testCreateRunEnqueueError(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	_, err := st.CreateRun(c, a, newRun(`{}`, 1), func(context.Context, store.Tx, store.Run) error { return errEnqueue })
	if !errors.Is(err, errEnqueue) {
		t.Fatalf("CreateRun with failing enqueue: error = %v, want it to wrap %v", err, errEnqueue)
	}
	page := must(st.ListRuns(c, a, store.ListRunsParams{}))(t)
	if len(page.Items) != 0 {
		t.Errorf("after a failed enqueue, %d run rows exist, want 0 (the transaction must roll back)", len(page.Items))
	}
	if counts := must(st.CountRuns(c))(t); len(counts) != 0 {
		t.Errorf("CountRuns after a failed enqueue = %v, want empty", counts)
	}
}

func testCreateRunErrors(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	sc, _ := must2(st.CreateScenario(c, a, "x", []byte(`{}`)))(t)
	unknown := "0190a5b2-0000-7000-8000-000000000000"
	v0, v1, v2 := 0, 1, 2
	with := func(f func(*store.Run)) store.Run {
		r := newRun(`{}`, 1)
		f(&r)
		return r
	}
	tests := []struct {
		name string
		run  store.Run
		want error
	}{
		{"EmptyScenario", with(func(r *store.Run) { r.Scenario = nil }), store.ErrInvalid},
		{"ZeroReplications", with(func(r *store.Run) { r.Replications = 0 }), store.ErrInvalid},
		{"VersionWithoutScenario", with(func(r *store.Run) { r.ScenarioVersion = &v1 }), store.ErrInvalid},
		{"UnknownScenario", with(func(r *store.Run) { r.ScenarioID = &unknown }), store.ErrNotFound},
		{"VersionTooHigh", with(func(r *store.Run) { r.ScenarioID, r.ScenarioVersion = &sc.ID, &v2 }), store.ErrNotFound},
		{"VersionZero", with(func(r *store.Run) { r.ScenarioID, r.ScenarioVersion = &sc.ID, &v0 }), store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.CreateRun(c, a, tc.run, nil)
			wantErr(t, "CreateRun", err, tc.want)
		})
	}
	for _, id := range []string{unknown, "nope"} {
		wantErr(t, "GetRun "+id, errOf(st.GetRun(c, a, id)), store.ErrNotFound)
		wantErr(t, "MarkRunning "+id, errOf(st.MarkRunning(c, id)), store.ErrNotFound)
		wantErr(t, "UpdateProgress "+id, st.UpdateProgress(c, id, 0, 0.5), store.ErrNotFound)
		wantErr(t, "FinishRun "+id, errOf(st.FinishRun(c, id, store.Finish{Status: store.StatusFailed})), store.ErrNotFound)
		wantErr(t, "RequestCancel "+id, errOf(st.RequestCancel(c, a, id)), store.ErrNotFound)
		wantErr(t, "GetResult "+id, errOf(st.GetResult(c, a, id)), store.ErrNotFound)
		wantErr(t, "GetSeries "+id, errOf(st.GetSeries(c, a, id)), store.ErrNotFound)
		wantErr(t, "SaveReplication "+id, errOf(st.SaveReplication(c, id, store.Replication{Result: []byte(`{}`)})), store.ErrNotFound)
	}
}

func testRunLifecycle(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	run := must(st.CreateRun(c, a, newRun(`{"x":1}`, 1), nil))(t)
	wantErr(t, "UpdateProgress of a queued run", st.UpdateProgress(c, run.ID, 0, 0.5), store.ErrConflict)
	running := must(st.MarkRunning(c, run.ID))(t)
	if running.Status != store.StatusRunning || running.StartedAt == nil || running.StartedAt.Before(run.CreatedAt) {
		t.Fatalf("MarkRunning = status %s started %v", running.Status, running.StartedAt)
	}
	again := must(st.MarkRunning(c, run.ID))(t) // a retried job
	if !again.StartedAt.Equal(*running.StartedAt) {
		t.Errorf("second MarkRunning moved StartedAt from %v to %v", running.StartedAt, again.StartedAt)
	}
	for _, p := range []struct{ in, want float64 }{{0.25, 0.25}, {0.5, 0.5}, {-1, 0}, {7, 1}, {0.75, 0.75}} {
		if err := st.UpdateProgress(c, run.ID, 0, p.in); err != nil {
			t.Fatal(err)
		}
		if got := must(st.GetRun(c, a, run.ID))(t).Progress; got != p.want {
			t.Errorf("progress after UpdateProgress(%v) = %v, want %v", p.in, got, p.want)
		}
	}
	wantErr(t, "UpdateProgress index 1 of 1", st.UpdateProgress(c, run.ID, 1, 0.5), store.ErrInvalid)
	wantErr(t, "GetResult before finish", errOf(st.GetResult(c, a, run.ID)), store.ErrNotFound)
	wantErr(t, "FinishRun running", errOf(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusRunning})), store.ErrInvalid)
	wantErr(t, "FinishRun succeeded without result", errOf(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusSucceeded})), store.ErrInvalid)
	res := store.RunResult{RunID: run.ID, Result: []byte(`{"seed":7}`), Series: []byte(`{"period_s":0.01}`)}
	done := must(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusSucceeded, Result: &res}))(t)
	if done.Status != store.StatusSucceeded || done.Progress != 1 || done.FinishedAt == nil || done.FinishedAt.Before(*done.StartedAt) {
		t.Errorf("FinishRun = status %s progress %v finished %v", done.Status, done.Progress, done.FinishedAt)
	}
	if diff := cmp.Diff(done, must(st.GetRun(c, a, run.ID))(t)); diff != "" {
		t.Errorf("GetRun after finish (-want +got):\n%s", diff)
	}
	got := must(st.GetResult(c, a, run.ID))(t)
	if diff := cmp.Diff(store.RunResult{RunID: run.ID, Result: res.Result}, got); diff != "" {
		t.Errorf("GetResult (-want +got):\n%s", diff)
	}
	if series := must(st.GetSeries(c, a, run.ID))(t); string(series) != string(res.Series) {
		t.Errorf("GetSeries = %s, want %s", series, res.Series)
	}
	// A failed run has no result and keeps its message.
	failed := must(st.CreateRun(c, a, newRun(`{"x":2}`, 1), nil))(t)
	f := must(st.FinishRun(c, failed.ID, store.Finish{Status: store.StatusFailed, Error: "decode: bad"}))(t)
	if f.Status != store.StatusFailed || f.Error != "decode: bad" || f.StartedAt != nil || f.FinishedAt == nil {
		t.Errorf("failed run = %+v", f)
	}
	wantErr(t, "GetResult of a failed run", errOf(st.GetResult(c, a, failed.ID)), store.ErrNotFound)
	// A succeeded run without series.
	nos := must(st.CreateRun(c, a, newRun(`{"x":3}`, 1), nil))(t)
	must(st.FinishRun(c, nos.ID, store.Finish{Status: store.StatusSucceeded, Result: &store.RunResult{Result: []byte(`{}`)}}))(t)
	wantErr(t, "GetSeries of a run without series", errOf(st.GetSeries(c, a, nos.ID)), store.ErrNotFound)
	counts := must(st.CountRuns(c))(t)
	if diff := cmp.Diff(map[store.RunStatus]int{store.StatusSucceeded: 2, store.StatusFailed: 1}, counts); diff != "" {
		t.Errorf("CountRuns (-want +got):\n%s", diff)
	}
}

func testRunStateConflicts(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	for _, final := range []store.RunStatus{store.StatusSucceeded, store.StatusFailed, store.StatusCancelled} {
		t.Run(string(final), func(t *testing.T) {
			run := must(st.CreateRun(c, a, newRun(`{}`, 2), nil))(t)
			must(st.MarkRunning(c, run.ID))(t)
			f := store.Finish{Status: final, Error: "x"}
			if final == store.StatusSucceeded {
				f = store.Finish{Status: final, Result: &store.RunResult{Result: []byte(`{}`)}}
			}
			must(st.FinishRun(c, run.ID, f))(t)
			wantErr(t, "MarkRunning", errOf(st.MarkRunning(c, run.ID)), store.ErrConflict)
			wantErr(t, "UpdateProgress", st.UpdateProgress(c, run.ID, 0, 0.1), store.ErrConflict)
			wantErr(t, "FinishRun again", errOf(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusFailed})), store.ErrConflict)
			wantErr(t, "RequestCancel", errOf(st.RequestCancel(c, a, run.ID)), store.ErrConflict)
			wantErr(t, "SaveReplication", errOf(st.SaveReplication(c, run.ID, store.Replication{Result: []byte(`{}`)})), store.ErrConflict)
			if got := must(st.GetRun(c, a, run.ID))(t); got.Status != final {
				t.Errorf("status after refused changes = %s, want %s", got.Status, final)
			}
		})
	}
}

func testRequestCancel(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	queued := must(st.CreateRun(c, a, newRun(`{"q":1}`, 1), nil))(t)
	got := must(st.RequestCancel(c, a, queued.ID))(t)
	if got.Status != store.StatusCancelled || !got.CancelRequested || got.FinishedAt == nil || got.Error == "" {
		t.Errorf("RequestCancel of a queued run = %+v, want cancelled at once with a message", got)
	}
	running := must(st.CreateRun(c, a, newRun(`{"q":2}`, 1), nil))(t)
	must(st.MarkRunning(c, running.ID))(t)
	got = must(st.RequestCancel(c, a, running.ID))(t)
	if got.Status != store.StatusRunning || !got.CancelRequested || got.FinishedAt != nil {
		t.Errorf("RequestCancel of a running run = %+v, want still running with CancelRequested", got)
	}
	// Requesting twice is fine while it runs.
	if _, err := st.RequestCancel(c, a, running.ID); err != nil {
		t.Errorf("second RequestCancel of a running run: %v", err)
	}
	done := must(st.FinishRun(c, running.ID, store.Finish{Status: store.StatusCancelled, Error: "cancelled"}))(t)
	if done.Status != store.StatusCancelled || !done.CancelRequested {
		t.Errorf("after FinishRun(cancelled) = %+v", done)
	}
}

func testListRuns(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	sc, _ := must2(st.CreateScenario(c, a, "x", []byte(`{}`)))(t)
	var ids []string
	for i := range 6 {
		r := newRun(fmt.Sprintf(`{"i":%d}`, i), 1)
		if i < 2 {
			r.ScenarioID = &sc.ID
		}
		ids = append(ids, must(st.CreateRun(c, a, r, nil))(t).ID)
	}
	must(st.MarkRunning(c, ids[1]))(t)
	must(st.MarkRunning(c, ids[3]))(t)
	must(st.FinishRun(c, ids[4], store.Finish{Status: store.StatusFailed, Error: "x"}))(t)
	rev := func(idx ...int) []string {
		out := make([]string, len(idx))
		for i, k := range idx {
			out[i] = ids[k]
		}
		return out
	}
	tests := []struct {
		name   string
		params store.ListRunsParams
		want   [][]string
	}{
		{"All", store.ListRunsParams{}, [][]string{rev(5, 4, 3, 2, 1, 0)}},
		{"Pages", store.ListRunsParams{Limit: 4}, [][]string{rev(5, 4, 3, 2), rev(1, 0)}},
		{"Running", store.ListRunsParams{Status: []store.RunStatus{store.StatusRunning}, Limit: 1}, [][]string{rev(3), rev(1)}},
		{"QueuedOrFailed", store.ListRunsParams{Status: []store.RunStatus{store.StatusQueued, store.StatusFailed}}, [][]string{rev(5, 4, 2, 0)}},
		{"Succeeded", store.ListRunsParams{Status: []store.RunStatus{store.StatusSucceeded}}, [][]string{nil}},
		{"ByScenario", store.ListRunsParams{ScenarioID: sc.ID}, [][]string{rev(1, 0)}},
		{"ByScenarioAndStatus", store.ListRunsParams{ScenarioID: sc.ID, Status: []store.RunStatus{store.StatusQueued}}, [][]string{rev(0)}},
		{"ByUnknownScenario", store.ListRunsParams{ScenarioID: "0190a5b2-0000-7000-8000-000000000000"}, [][]string{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pageIDs(t, func(cursor string) (store.Page[store.Run], error) {
				p := tc.params
				p.Cursor = cursor
				return st.ListRuns(c, a, p)
			}, func(r store.Run) string { return r.ID })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
	for _, p := range []store.ListRunsParams{{Status: []store.RunStatus{"done"}}, {Limit: -5}, {Cursor: "%%%"}} {
		_, err := st.ListRuns(c, a, p)
		wantErr(t, fmt.Sprintf("ListRuns(%+v)", p), err, store.ErrInvalid)
	}
	counts := must(st.CountRuns(c))(t)
	if diff := cmp.Diff(map[store.RunStatus]int{store.StatusQueued: 3, store.StatusRunning: 2, store.StatusFailed: 1}, counts); diff != "" {
		t.Errorf("CountRuns (-want +got):\n%s", diff)
	}
}

func testReplications(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	run := must(st.CreateRun(c, a, newRun(`{}`, 4), nil))(t)
	wantErr(t, "SaveReplication of a queued run", errOf(st.SaveReplication(c, run.ID, store.Replication{Result: []byte(`{}`)})), store.ErrConflict)
	must(st.MarkRunning(c, run.ID))(t)
	progress := func() float64 { return must(st.GetRun(c, a, run.ID))(t).Progress }
	if err := st.UpdateProgress(c, run.ID, 2, 0.5); err != nil {
		t.Fatal(err)
	}
	if got := progress(); got != 0.125 {
		t.Errorf("progress after replication 2 at 0.5 = %v, want 0.5/4 = 0.125", got)
	}
	steps := []struct {
		rep          store.Replication
		wantCount    int
		wantProgress float64
	}{
		{store.Replication{Index: 3, Result: []byte(`{"r":3}`)}, 1, 0.375},
		{store.Replication{Index: 0, Result: []byte(`{"r":0}`), Series: []byte(`{"s":0}`)}, 2, 0.625},
		{store.Replication{Index: 3, Result: []byte(`{"r":3}`)}, 2, 0.625}, // a retried job overwrites
		{store.Replication{Index: 2, Result: []byte(`{"r":2}`)}, 3, 0.75},
	}
	for _, s := range steps {
		if n := must(st.SaveReplication(c, run.ID, s.rep))(t); n != s.wantCount {
			t.Errorf("SaveReplication(%d) count = %d, want %d", s.rep.Index, n, s.wantCount)
		}
		if got := progress(); got != s.wantProgress {
			t.Errorf("progress after SaveReplication(%d) = %v, want %v", s.rep.Index, got, s.wantProgress)
		}
	}
	wantErr(t, "SaveReplication index 4 of 4", errOf(st.SaveReplication(c, run.ID, store.Replication{Index: 4, Result: []byte(`{}`)})), store.ErrInvalid)
	wantErr(t, "SaveReplication empty", errOf(st.SaveReplication(c, run.ID, store.Replication{Index: 1})), store.ErrInvalid)
	want := []store.Replication{
		{Index: 0, Result: []byte(`{"r":0}`), Series: []byte(`{"s":0}`)},
		{Index: 2, Result: []byte(`{"r":2}`)},
		{Index: 3, Result: []byte(`{"r":3}`)},
	}
	if diff := cmp.Diff(want, must(st.ListReplications(c, run.ID))(t)); diff != "" {
		t.Errorf("ListReplications (-want +got):\n%s", diff)
	}
	res := store.RunResult{Result: []byte(`{"merged":true}`), Replications: []byte(`[1,2,3,4]`), Statistics: []byte(`{"n":4}`)}
	must(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusSucceeded, Result: &res}))(t)
	if got := must(st.ListReplications(c, run.ID))(t); len(got) != 0 {
		t.Errorf("ListReplications after finish: %d rows, want 0 (cleaned up)", len(got))
	}
	got := must(st.GetResult(c, a, run.ID))(t)
	res.RunID = run.ID
	if diff := cmp.Diff(res, got); diff != "" {
		t.Errorf("GetResult (-want +got):\n%s", diff)
	}
}

func testCachedRun(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	wantErr(t, "FindSucceededRunByCacheKey before any run", errOf(st.FindSucceededRunByCacheKey(c, "k")), store.ErrNotFound)
	orig := must(st.CreateRun(c, a, store.Run{Scenario: []byte(`{}`), Seed: 1, Replications: 1, CacheKey: "k"}, nil))(t)
	wantErr(t, "FindSucceededRunByCacheKey of a queued run", errOf(st.FindSucceededRunByCacheKey(c, "k")), store.ErrNotFound)
	res := store.RunResult{Result: []byte(`{"seed":1}`), Series: []byte(`[1]`)}
	must(st.FinishRun(c, orig.ID, store.Finish{Status: store.StatusSucceeded, Result: &res}))(t)
	found := must(st.FindSucceededRunByCacheKey(c, "k"))(t)
	if found.ID != orig.ID {
		t.Fatalf("FindSucceededRunByCacheKey = %s, want %s", found.ID, orig.ID)
	}
	hit := must(st.CreateCachedRun(c, a, store.Run{Scenario: []byte(`{}`), Seed: 1, Replications: 1, CacheKey: "k"}, res))(t)
	if hit.Status != store.StatusSucceeded || !hit.CacheHit || hit.Progress != 1 || hit.StartedAt == nil || hit.FinishedAt == nil {
		t.Errorf("CreateCachedRun = %+v", hit)
	}
	if diff := cmp.Diff(hit, must(st.GetRun(c, a, hit.ID))(t)); diff != "" {
		t.Errorf("GetRun of the cached run (-want +got):\n%s", diff)
	}
	if got := must(st.GetResult(c, a, hit.ID))(t); string(got.Result) != `{"seed":1}` {
		t.Errorf("cached run result = %s", got.Result)
	}
	if got := must(st.GetSeries(c, a, hit.ID))(t); string(got) != `[1]` {
		t.Errorf("cached run series = %s", got)
	}
	if found := must(st.FindSucceededRunByCacheKey(c, "k"))(t); found.ID != hit.ID {
		t.Errorf("FindSucceededRunByCacheKey = %s, want the newest, %s", found.ID, hit.ID)
	}
	wantErr(t, "FindSucceededRunByCacheKey empty key", errOf(st.FindSucceededRunByCacheKey(c, "")), store.ErrNotFound)
	wantErr(t, "CreateCachedRun without result", errOf(st.CreateCachedRun(c, a, newRun(`{}`, 1), store.RunResult{})), store.ErrInvalid)
}

func testLargeResult(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	run := must(st.CreateRun(c, a, newRun(`{}`, 1), nil))(t)
	must(st.MarkRunning(c, run.ID))(t)
	var b strings.Builder
	b.WriteString(`{"ready_queue_len":[`)
	for i := range 200_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d", i%17)
	}
	b.WriteString(`]}`)
	series := []byte(b.String())
	must(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusSucceeded, Result: &store.RunResult{Result: []byte(`{}`), Series: series}}))(t)
	if got := must(st.GetSeries(c, a, run.ID))(t); !bytes.Equal(got, series) {
		t.Errorf("GetSeries returned %d bytes, want the %d stored", len(got), len(series))
	}
}

func testTx(t *testing.T, st store.Store) {
	c := ctx(t)
	errStop := errors.New("stop")
	if err := st.Tx(c, func(_ context.Context, tx store.Tx) error {
		if tx == nil || tx.Unwrap() == nil {
			t.Error("Tx passed a nil transaction")
		}
		return errStop
	}); !errors.Is(err, errStop) {
		t.Errorf("Tx error = %v, want %v", err, errStop)
	}
	if err := st.Tx(c, func(context.Context, store.Tx) error { return nil }); err != nil {
		t.Errorf("Tx: %v", err)
	}
	if err := st.Ping(c); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if d := st.Dialect(); d != "postgres" && d != "sqlite" {
		t.Errorf("Dialect() = %q", d)
	}
}

// MigrateConcurrently migrates stores (several stores on one database, as
// an API and workers starting together are) all at once and checks that
// every migration succeeds and the database ends at head.
func MigrateConcurrently(t *testing.T, stores []store.Store) {
	t.Helper()
	errs := make(chan error, len(stores))
	for _, st := range stores {
		go func() { errs <- st.Migrate(context.Background()) }()
	}
	for range stores {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
	s, err := stores[0].MigrationStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.AtHead() {
		t.Errorf("after concurrent migrations: not at head: %+v", s)
	}
}
