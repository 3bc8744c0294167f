package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// testLeases walks one job through two attempts: acquire, renew, expire,
// reap by one of two reapers, a newer attempt, release and prune.
func testLeases(t *testing.T, st store.Store) {
	c := ctx(t)
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	const job = 41
	wantLeases := func(what string, want ...store.Lease) {
		t.Helper()
		got := must(st.ListLeases(c))(t)
		if len(got) != len(want) {
			t.Fatalf("%s: ListLeases = %+v, want %+v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] || got[i].ExpiresAt.Location() != time.UTC {
				t.Errorf("%s: lease %d = %+v, want %+v (UTC)", what, i, got[i], want[i])
			}
		}
	}
	wantErr := func(what string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: error = %v, want %v", what, err, want)
		}
	}

	wantErr("AcquireLease without job", st.AcquireLease(c, store.Lease{Attempt: 1, ExpiresAt: t0}), store.ErrInvalid)
	l1 := store.Lease{JobID: job, Attempt: 1, Owner: "host/1", ExpiresAt: t0.Add(10 * time.Second)}
	must0(t, st.AcquireLease(c, l1))
	must0(t, st.AcquireLease(c, store.Lease{JobID: 7, Attempt: 3, Owner: "host/2", ExpiresAt: t0}))
	wantLeases("acquired", store.Lease{JobID: 7, Attempt: 3, Owner: "host/2", ExpiresAt: t0}, l1)
	must0(t, st.ReleaseLease(c, 7, 3))

	l1.ExpiresAt = t0.Add(12 * time.Second)
	must0(t, st.RenewLease(c, job, 1, l1.ExpiresAt))
	wantLeases("renewed", l1)
	wantErr("RenewLease of another attempt", st.RenewLease(c, job, 2, t0), store.ErrConflict)
	wantErr("ReapLease of a live lease", st.ReapLease(c, job, 1, t0.Add(11*time.Second)), store.ErrConflict)

	// Expired: the first reaper wins, the second and the late worker lose.
	must0(t, st.ReapLease(c, job, 1, t0.Add(12*time.Second)))
	wantErr("second ReapLease", st.ReapLease(c, job, 1, t0.Add(13*time.Second)), store.ErrConflict)
	wantErr("RenewLease after the reap", st.RenewLease(c, job, 1, t0.Add(20*time.Second)), store.ErrConflict)
	wantErr("AcquireLease of the reaped attempt", st.AcquireLease(c, l1), store.ErrConflict)
	// The reaped lease keeps the dead owner, for logs.
	wantLeases("reaped", store.Lease{JobID: job, Attempt: 1, Owner: "host/1", ExpiresAt: t0.Add(12 * time.Second), Reaped: true})

	// The next attempt replaces the reaped lease; an older one cannot.
	l2 := store.Lease{JobID: job, Attempt: 2, Owner: "host/3", ExpiresAt: t0.Add(30 * time.Second)}
	must0(t, st.AcquireLease(c, l2))
	wantErr("AcquireLease of an older attempt", st.AcquireLease(c, l1), store.ErrConflict)
	wantLeases("second attempt", l2)
	// A job without a lease (its worker died before taking one) is
	// claimed by inserting a reaped lease.
	must0(t, st.ReapLease(c, 99, 1, t0))
	wantErr("ReapLease of a claimed job", st.ReapLease(c, 99, 1, t0), store.ErrConflict)
	must0(t, st.ReleaseLease(c, job, 1)) // not its attempt: no change
	wantLeases("release of another attempt", l2, store.Lease{JobID: 99, Attempt: 1, ExpiresAt: t0, Reaped: true})
	must0(t, st.ReleaseLease(c, job, 2))
	if n := must(st.PruneLeases(c, t0.Add(time.Second)))(t); n != 1 {
		t.Errorf("PruneLeases = %d, want 1", n)
	}
	wantLeases("pruned")
}

// must0 fails the test on err.
func must0(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
