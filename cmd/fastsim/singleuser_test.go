package main

import (
	"context"
	"testing"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestLocalSessionEmail: the local browser session is on only in
// single-user mode with its admin present; accounts made with `fastsim
// users create` on SQLite, and PostgreSQL deployments, sign in with a
// password.
func TestLocalSessionEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := testenv.SQLite(t)
	authn := auth.New(st, auth.Options{Params: auth.InsecureTestParams()})
	single, deployment := config.Config{}, config.Config{DatabaseURL: "postgres://db/fastsim"}
	check := func(name string, cfg config.Config, want string) {
		t.Helper()
		got, err := localSessionEmail(ctx, cfg, st)
		if err != nil || got != want {
			t.Errorf("%s: localSessionEmail = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := authn.CreateUser(ctx, "ops@example.com", "a long test password 1", store.RoleAdmin, store.PlanFree); err != nil {
		t.Fatal(err)
	}
	check("SQLite with accounts from users create", single, "")
	if _, err := authn.CreateUser(ctx, singleUserEmail, "a long test password 2", store.RoleAdmin, store.PlanEnterprise); err != nil {
		t.Fatal(err)
	}
	check("single-user mode", single, singleUserEmail)
	check("deployment", deployment, "")
}
