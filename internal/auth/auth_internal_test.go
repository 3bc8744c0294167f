package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestLoginTimingEqualised: a login with an unknown email runs exactly one
// argon2id verification, against a hash with the same parameters as real
// ones, like a login with a wrong password; both fail alike.
func TestLoginTimingEqualised(t *testing.T) {
	t.Parallel()
	st := testenv.SQLite(t)
	a := New(st, Options{Params: InsecureTestParams()})
	if _, err := a.CreateUser(context.Background(), "known@example.com", "a long enough password", store.RoleUser, store.PlanFree); err != nil {
		t.Fatal(err)
	}
	type call struct{ params Params }
	var calls []call
	a.verify = func(password, encoded string, want Params) (bool, bool, error) {
		p, _, _, err := decodeHash(encoded)
		if err != nil {
			t.Errorf("verified against a malformed hash %q: %v", encoded, err)
		}
		calls = append(calls, call{p})
		return VerifyPassword(password, encoded, want)
	}
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		calls = nil
		_, _, _, err := a.Login(context.Background(), email, "the wrong password!")
		if !errors.Is(err, ErrInvalidCredentials) || err.Error() != ErrInvalidCredentials.Error() {
			t.Errorf("%s: error %v, want exactly ErrInvalidCredentials", email, err)
		}
		if len(calls) != 1 || calls[0].params != InsecureTestParams() {
			t.Errorf("%s: %d verifications with %+v, want one with the configured parameters", email, len(calls), calls)
		}
	}
}

// BenchmarkLogin reports the cost of failed logins with the real
// parameters: unknown email and wrong password should cost the same.
func BenchmarkLogin(b *testing.B) {
	st := testenv.SQLite(b)
	a := New(st, Options{})
	if _, err := a.CreateUser(context.Background(), "known@example.com", "a long enough password", store.RoleUser, store.PlanFree); err != nil {
		b.Fatal(err)
	}
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		b.Run(email, func(b *testing.B) {
			for b.Loop() {
				_, _, _, _ = a.Login(context.Background(), email, "the wrong password!")
			}
		})
	}
}
