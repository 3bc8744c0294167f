package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestUsers creates users and resets a password through the CLI on every
// configured database, and checks the result in the store.
func TestUsers(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"FASTSIM_DATA_DIR": filepath.Join(t.TempDir(), "data")}
			if dialect == "postgres" {
				env["FASTSIM_DATABASE_URL"] = testenv.PostgresURL(t)
			}
			users := func(stdin string, args ...string) cli {
				return runApp(t, context.Background(), func(a *app) {
					a.getenv = func(k string) string { return env[k] }
					a.stdin = strings.NewReader(stdin)
				}, append([]string{"users"}, args...)...)
			}
			const pw1, pw2 = "first long password 1", "second long password 2"

			c := users(pw1+"\n", "create", "--email", "Ops@Example.com", "--admin", "--plan", "pro", "--password-stdin")
			c.wantCode(t, exitOK)
			id := strings.TrimSpace(c.stdout)
			if strings.Contains(c.stdout+c.stderr, pw1) {
				t.Error("users create echoed the password")
			}

			st, err := dial.Open(context.Background(), env["FASTSIM_DATABASE_URL"], env["FASTSIM_DATA_DIR"])
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			u, err := st.GetUserByEmail(context.Background(), "ops@example.com")
			if err != nil || u.ID != id || u.Role != store.RoleAdmin || u.Plan != store.PlanPro || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Fatalf("created user = %+v, %v; want id %s, admin, pro, an argon2id hash with the OWASP parameters", u, err, id)
			}
			authn := auth.New(st, auth.Options{})
			if _, _, _, err := authn.Login(context.Background(), "ops@example.com", pw1); err != nil {
				t.Errorf("login with the created password: %v", err)
			}

			for _, tc := range []struct {
				name, stdin string
				args        []string
				want        string
			}{
				{"ErrDuplicate", pw1 + "\n", []string{"create", "--email", "OPS@example.com"}, "exists"},
				{"ErrShortPassword", "short\n", []string{"create", "--email", "x@example.com"}, "password: must be at least 12 characters"},
				{"ErrCommonPassword", "password1234\n", []string{"create", "--email", "x@example.com"}, "commonly used"},
				{"ErrPasswordIsEmail", "x.long@example.com\n", []string{"create", "--email", "x.long@example.com"}, "must not be the email"},
				{"ErrNoEmail", pw1 + "\n", []string{"create"}, "--email: required"},
				{"ErrBadEmail", pw1 + "\n", []string{"create", "--email", "not an email"}, "email: must be a plain address"},
				{"ErrBadPlan", pw1 + "\n", []string{"create", "--email", "y@example.com", "--plan", "gold"}, "--plan"},
				{"ErrEmptyStdin", "", []string{"create", "--email", "y@example.com"}, "stdin is empty"},
				{"ErrResetUnknown", pw2 + "\n", []string{"reset-password", "--email", "nobody@example.com"}, "no such user"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := users(tc.stdin, tc.args...)
					c.wantCode(t, exitFailure)
					contains(t, "stderr", c.stderr, tc.want)
					if p := strings.TrimSpace(tc.stdin); p != "" && strings.Contains(c.stderr, p) && !strings.Contains(tc.args[len(tc.args)-1], p) {
						t.Errorf("stderr contains the password %q", p)
					}
				})
			}

			c = users(pw2+"\n", "reset-password", "--email", "ops@example.com")
			c.wantCode(t, exitOK)
			if _, _, _, err := authn.Login(context.Background(), "ops@example.com", pw1); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("login with the old password after reset: %v, want invalid credentials", err)
			}
			if _, _, _, err := authn.Login(context.Background(), "ops@example.com", pw2); err != nil {
				t.Errorf("login with the new password: %v", err)
			}

			c = users(pw1+"\n", "create", "--email", "ci@example.com", "--key", "ci")
			c.wantCode(t, exitOK)
			lines := strings.Fields(c.stdout)
			if len(lines) != 2 {
				t.Fatalf("users create --key printed %q, want id and key", c.stdout)
			}
			p, err := authn.Authenticate(context.Background(), "Bearer "+lines[1])
			if err != nil || p.User.ID != lines[0] || p.User.Role != store.RoleUser {
				t.Errorf("the printed key authenticates %+v, %v; want user %s", p.User, err, lines[0])
			}
		})
	}
}
