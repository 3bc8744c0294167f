package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestCSRFToken pins the CSRF token's shape and its binding to one
// session: 43 base64url characters, stable for a session, different for
// another, never containing the session secret, and checked exactly.
func TestCSRFToken(t *testing.T) {
	t.Parallel()
	a, _, err := auth.NewSessionToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := auth.NewSessionToken()
	ta := auth.CSRFToken(a)
	if len(ta) != 43 || strings.ContainsAny(ta, "+/=") {
		t.Errorf("CSRFToken = %q: want 43 unpadded base64url characters", ta)
	}
	if auth.CSRFToken(a) != ta {
		t.Error("CSRFToken is not stable for one session")
	}
	if auth.CSRFToken(b) == ta {
		t.Error("two sessions share a CSRF token")
	}
	if strings.Contains(ta, strings.TrimPrefix(a, auth.SessionPrefix)[:8]) {
		t.Error("the CSRF token contains part of the session secret")
	}
	tests := []struct {
		name, got string
		want      bool
	}{
		{"own", ta, true},
		{"empty", "", false},
		{"other session's", auth.CSRFToken(b), false},
		{"the session token itself", a, false},
		{"truncated", ta[:42], false},
		{"one character changed", ta[:42] + string(rune('A'+(ta[42]-'A'+1)%26)), false},
	}
	for _, tt := range tests {
		if got := auth.CheckCSRF(a, tt.got); got != tt.want {
			t.Errorf("CheckCSRF(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOpenSession opens a session without a password (single-user mode's
// local session) and authenticates it as a cookie would: the session works
// until it expires; an API key, a malformed value and an unknown token are
// refused as ErrUnauthenticated.
func TestOpenSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := testenv.SQLite(t)
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	a := auth.New(st, auth.Options{Params: auth.InsecureTestParams(), SessionTTL: time.Hour, Now: func() time.Time { return now }})
	u, err := a.CreateUser(ctx, "solo@example.com", "green monkey dishwasher", store.RoleAdmin, store.PlanFree)
	if err != nil {
		t.Fatal(err)
	}
	token, expires, err := a.OpenSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(time.Hour); !expires.Equal(want) {
		t.Errorf("expires %v, want %v", expires, want)
	}
	p, err := a.AuthenticateSession(ctx, token)
	if err != nil || p.User.ID != u.ID || p.TokenHash == nil || p.KeyID != "" {
		t.Fatalf("AuthenticateSession = %+v, %v; want the user's session principal", p, err)
	}
	key, _, err := a.CreateAPIKey(ctx, u, "k")
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := auth.NewSessionToken()
	for name, v := range map[string]string{"API key": key, "empty": "", "malformed": "fss_short", "unknown": other, "bearer header": "Bearer " + token} {
		if _, err := a.AuthenticateSession(ctx, v); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("AuthenticateSession(%s) error = %v, want ErrUnauthenticated", name, err)
		}
	}
	now = now.Add(time.Hour + time.Second)
	if _, err := a.AuthenticateSession(ctx, token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("expired session: error = %v, want ErrUnauthenticated", err)
	}
}
