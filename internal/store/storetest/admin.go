package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/fastsim/fastsim/internal/store"
)

// testLastAdmin: the only admin can be neither demoted nor deleted (by
// anyone: the store does not know who asks), a second admin lifts the
// rule, and two concurrent demotions of the last two admins leave exactly
// one admin, whatever the interleaving.
func testLastAdmin(t *testing.T, st store.Store) {
	c := ctx(t)
	userRole, adminRole, pro := store.RoleUser, store.RoleAdmin, store.PlanPro
	a := newUser(t, st, store.RoleAdmin)
	plain := newUser(t, st, store.RoleUser)

	_, err := st.UpdateUser(c, a.ID, store.UserUpdate{Role: &userRole})
	wantErr(t, "demote the only admin", err, store.ErrLastAdmin)
	wantErr(t, "delete the only admin", st.DeleteUser(c, a.ID), store.ErrLastAdmin)
	if got := must(st.GetUser(c, a.ID))(t); got.Role != store.RoleAdmin {
		t.Fatalf("refused demotion changed the role to %s", got.Role)
	}
	// Other changes of the only admin, and changes of other users, pass.
	must(st.UpdateUser(c, a.ID, store.UserUpdate{Plan: &pro, Role: &adminRole}))(t)
	must(st.UpdateUser(c, plain.ID, store.UserUpdate{Role: &userRole}))(t)

	// With a second admin, either can go.
	b := newUser(t, st, store.RoleAdmin)
	must(st.UpdateUser(c, a.ID, store.UserUpdate{Role: &userRole}))(t)
	wantErr(t, "delete the new only admin", st.DeleteUser(c, b.ID), store.ErrLastAdmin)
	must(st.UpdateUser(c, a.ID, store.UserUpdate{Role: &adminRole}))(t)
	if err := st.DeleteUser(c, a.ID); err != nil {
		t.Fatalf("delete one of two admins: %v", err)
	}

	// Race: two admins demote (or delete) each other at once, many times.
	for i := range 10 {
		x := newUser(t, st, store.RoleAdmin)
		ops := []func() error{
			func() error { _, err := st.UpdateUser(c, b.ID, store.UserUpdate{Role: &userRole}); return err },
			func() error { return st.DeleteUser(c, x.ID) },
		}
		if i%2 == 1 {
			ops[1] = func() error { _, err := st.UpdateUser(c, x.ID, store.UserUpdate{Role: &userRole}); return err }
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for j, op := range ops {
			wg.Go(func() { errs[j] = op() })
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			switch {
			case err == nil:
			case errors.Is(err, store.ErrLastAdmin):
				refused++
			default:
				t.Fatalf("round %d: unexpected error %v", i, err)
			}
		}
		if refused != 1 {
			t.Fatalf("round %d: %d of 2 concurrent removals refused, want exactly 1 (errors %v)", i, refused, errs)
		}
		// Put the survivor back in b's place for the next round.
		admins := must(st.ListUsers(c, store.Actor{Admin: true}, store.ListUsersParams{Limit: 1000}))(t)
		var ids []string
		for _, u := range admins.Items {
			if u.Role == store.RoleAdmin {
				ids = append(ids, u.ID)
			}
		}
		if len(ids) != 1 {
			t.Fatalf("round %d: %d admins left, want 1", i, len(ids))
		}
		b = must(st.GetUser(c, ids[0]))(t)
	}
}
