package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

// testQuota checks that each quota refuses the run that crosses it and
// none before, counts only the owner's runs, and frees a concurrency slot
// when a run ends.
func testQuota(t *testing.T, st store.Store) {
	c := ctx(t)
	a, b := owner(t, st), owner(t, st)
	q := &store.RunQuota{MaxActive: 2, MaxPerDay: 4, Since: time.Now().Add(-time.Hour)}
	create := func(actor store.Actor, body string) (store.Run, error) {
		r := newRun(body, 1)
		r.Quota = q
		return st.CreateRun(c, actor, r, nil)
	}
	wantQuota := func(what string, err error, want store.QuotaError) {
		t.Helper()
		var qe *store.QuotaError
		if !errors.As(err, &qe) || !errors.Is(err, store.ErrQuota) {
			t.Fatalf("%s: error = %v, want a *QuotaError wrapping ErrQuota", what, err)
		}
		if diff := cmp.Diff(want, *qe); diff != "" {
			t.Fatalf("%s: quota error (-want +got):\n%s", what, diff)
		}
	}
	r1 := must(create(a, `{"n":1}`))(t)
	must(create(a, `{"n":2}`))(t)
	_, err := create(a, `{"n":3}`)
	wantQuota("third active run", err, store.QuotaError{Limit: store.LimitConcurrentRuns, Max: 2, Current: 2, Requested: 1})
	// Another owner has its own count.
	must(create(b, `{"n":1}`))(t)
	// A finished run frees its slot; the refused run was not counted.
	must(st.RequestCancel(c, a, r1.ID))(t)
	r3 := must(create(a, `{"n":3}`))(t)
	must(st.RequestCancel(c, a, r3.ID))(t)
	// A cached run is never active but counts toward the day.
	cached := newRun(`{"n":4}`, 1)
	cached.Quota = q
	must(st.CreateCachedRun(c, a, cached, store.RunResult{Result: []byte(`{"ok":true}`)}))(t)
	_, err = create(a, `{"n":5}`)
	wantQuota("fifth run of the day", err, store.QuotaError{Limit: store.LimitRunsPerDay, Max: 4, Current: 4, Requested: 1})
	cached.Quota = q
	_, err = st.CreateCachedRun(c, a, cached, store.RunResult{Result: []byte(`{"ok":true}`)})
	wantQuota("fifth run of the day, cached", err, store.QuotaError{Limit: store.LimitRunsPerDay, Max: 4, Current: 4, Requested: 1})
	// A new day starts the count again.
	tomorrow := *q
	tomorrow.Since = time.Now().Add(time.Minute)
	r := newRun(`{"n":5}`, 1)
	r.Quota = &tomorrow
	must(st.CreateRun(c, a, r, nil))(t)
	// No quota, no limit.
	for i := range 3 {
		must(st.CreateRun(c, a, newRun(fmt.Sprintf(`{"free":%d}`, i), 1), nil))(t)
	}
}

// testQuotaRace submits many runs of one owner at once: exactly MaxActive
// are created, every other one is refused with the quota error.
func testQuotaRace(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	const n, limit = 16, 3
	q := &store.RunQuota{MaxActive: limit, Since: time.Now().Add(-time.Hour)}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r := newRun(`{"race":true}`, 1)
			r.Quota = q
			_, errs[i] = st.CreateRun(c, a, r, nil)
		})
	}
	wg.Wait()
	created, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case errors.Is(err, store.ErrQuota):
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if created != limit || refused != n-limit {
		t.Errorf("%d created and %d refused, want %d and %d", created, refused, limit, n-limit)
	}
	counts := must(st.ListRuns(c, a, store.ListRunsParams{Status: []store.RunStatus{store.StatusQueued}}))(t)
	if len(counts.Items) != limit {
		t.Errorf("%d queued runs stored, want %d", len(counts.Items), limit)
	}
}
