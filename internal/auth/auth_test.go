package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestHashPasswordDefaultParams hashes once with the real (OWASP)
// parameters: the encoding names them and verification works.
func TestHashPasswordDefaultParams(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("correct horse battery", auth.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=19456,t=2,p=1" ||
		len(parts[4]) != 22 || len(parts[5]) != 43 { // 16-byte salt, 32-byte key, unpadded base64
		t.Fatalf("hash %q: want $argon2id$v=19$m=19456,t=2,p=1$<22 chars>$<43 chars>", h)
	}
	ok, rehash, err := auth.VerifyPassword("correct horse battery", h, auth.DefaultParams())
	if !ok || rehash || err != nil {
		t.Errorf("VerifyPassword(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	if ok, _, _ := auth.VerifyPassword("correct horse battery!", h, auth.DefaultParams()); ok {
		t.Error("VerifyPassword(wrong) = true")
	}
}

func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	cheap := auth.InsecureTestParams()
	h, err := auth.HashPassword("pw", cheap)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("pw", cheap)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if ok, rehash, err := auth.VerifyPassword("pw", h, auth.DefaultParams()); !ok || !rehash || err != nil {
		t.Errorf("hash with weaker parameters: ok %v rehash %v err %v; want ok and rehash", ok, rehash, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=18$m=64,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA", "$argon2id$v=19$m=64,t=1,p=1$AAAA$"} {
		if _, _, err := auth.VerifyPassword("pw", bad, cheap); !errors.Is(err, auth.ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) error = %v, want ErrMalformedHash", bad, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password, email, want string
	}{
		{"OK", "four random words here", "bob@example.com", ""},
		{"OKUnicode", "ünïcødé pässwörd", "bob@example.com", ""},
		{"OKMax", strings.Repeat("éa1 z", 25) + "xyz", "bob@example.com", ""},
		{"OKFiveDistinct", "abcde edcba abcde", "bob@example.com", ""},
		{"OKNearlySequence", "abcdefghijkm", "bob@example.com", ""},
		{"ErrSpaces", strings.Repeat(" ", 12), "bob@example.com", "password: must not be only spaces or other whitespace"},
		{"ErrWhitespace", " \t\n \t\n \t\n \t\n", "bob@example.com", "must not be only spaces"},
		{"ErrOneCharacter", strings.Repeat("a", 12), "bob@example.com", "password: must have at least 5 different characters (got 1)"},
		{"ErrOneRune", strings.Repeat("é", 128), "bob@example.com", "at least 5 different characters (got 1)"},
		{"ErrTwoCharacters", "abababababab", "bob@example.com", "at least 5 different characters (got 2)"},
		{"ErrFourCharacters", "Aabc cbaa bcA", "bob@example.com", "at least 5 different characters (got 4)"},
		{"ErrLetterSequence", "abcdefghijklmn", "bob@example.com", "password: must not be a sequence of consecutive characters"},
		{"ErrDescendingSequence", "ZYXWVUTSRQPO", "bob@example.com", "sequence of consecutive characters"},
		{"ErrDigitSequenceWrapping", "789012345678", "bob@example.com", "sequence of consecutive characters"},
		{"ErrDigitsDown", "321098765432", "bob@example.com", "sequence of consecutive characters"},
		{"ErrKeyboardRow", "qwertyuiopas", "bob@example.com", "password: must not be a run of keys along a keyboard row"},
		{"ErrKeyboardBackwards", "lkjhgfdsapoiu", "bob@example.com", "keyboard row"},
		{"ErrShort", "elevenchars", "bob@example.com", "password: must be at least 12 characters (got 11)"},
		{"ErrShortRunes", strings.Repeat("é", 11), "bob@example.com", "at least 12 characters (got 11)"},
		{"ErrLong", strings.Repeat("x", 129), "bob@example.com", "password: must be at most 128 characters (got 129)"},
		{"ErrEmail", "Robert.Long@Example.com", "robert.long@example.com", "password: must not be the email address"},
		{"ErrLocalPart", "hello robert how are you", "robert@example.com", "must not contain the name part"},
		{"ErrCommon", "Password1234", "bob@example.com", "password: is in the list of commonly used passwords"},
		{"ErrCommonKeyboard", "1qaz2wsx3edc", "bob@example.com", "commonly used"},
		{"ErrInvalidUTF8", "\xff\xfe" + strings.Repeat("a", 12), "bob@example.com", "valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := auth.CheckPassword(tc.password, tc.email)
			if tc.want == "" {
				if err != nil {
					t.Errorf("CheckPassword = %v, want nil", err)
				}
				return
			}
			var pe *auth.PolicyError
			if !errors.As(err, &pe) || pe.Field != "password" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckPassword = %v, want a password PolicyError containing %q", err, tc.want)
			}
			if len(tc.password) >= 6 && strings.Contains(err.Error(), tc.password) {
				t.Errorf("the error contains the password: %v", err)
			}
		})
	}
}

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	for email, ok := range map[string]bool{
		"a@example.com": true, "admin@localhost": true, "first.last+tag@sub.example.org": true,
		"": false, "plain": false, "Name <a@example.com>": false, "a@": false, "@example.com": false,
		strings.Repeat("a", 250) + "@x.io": false,
	} {
		if err := auth.CheckEmail(email); (err == nil) != ok {
			t.Errorf("CheckEmail(%.30q) = %v, want ok=%v", email, err, ok)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok, h, err := auth.NewSessionToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "fss_") || len(tok) != 47 || len(h) != 32 || string(h) != string(auth.HashSecret(tok)) {
		t.Errorf("session token %q (hash %d bytes): want fss_ + 43 chars and its SHA-256", tok, len(h))
	}
	key, prefix, kh, err := auth.NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "fsk_") || len(key) != 47 || prefix != key[:12] || string(kh) != string(auth.HashSecret(key)) {
		t.Errorf("API key %q prefix %q: want fsk_ + 43 chars, 12-char prefix, SHA-256", key, prefix)
	}
	seen := map[string]bool{}
	for range 1000 {
		k, _, _, _ := auth.NewAPIKey()
		if seen[k] {
			t.Fatal("duplicate API key in 1000 draws")
		}
		seen[k] = true
	}
	for header, want := range map[string]string{
		"Bearer " + tok: tok, "bearer " + key: key, "BEARER  " + key: key,
		"": "", "Bearer": "", "Basic " + tok: "", tok: "", "Bearer " + tok + "=": "", "Bearer " + tok[:46]: "",
		"Bearer fsx_" + tok[4:]: "", "Bearer " + strings.Replace(tok, tok[10:11], "*", 1): "",
	} {
		got, ok := auth.BearerCredential(header)
		if got != want || ok != (want != "") {
			t.Errorf("BearerCredential(%.20q) = %q, %v; want %q", header, got, ok, want)
		}
	}
}

// TestAuthenticator covers the life of a session and a key, on every
// configured database.
func TestAuthenticator(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := testenv.StoreFor(t, dialect)
			now := time.Now()
			a := auth.New(st, auth.Options{Params: auth.InsecureTestParams(), SessionTTL: time.Hour, Now: func() time.Time { return now }})
			ctx := context.Background()
			u, err := a.CreateUser(ctx, " Carol@Example.com ", "purple monkey dishwasher", store.RoleUser, store.PlanExpert)
			if err != nil {
				t.Fatal(err)
			}
			if u.Email != "Carol@Example.com" || u.Plan != store.PlanExpert {
				t.Errorf("created %+v", u)
			}
			if _, err := a.CreateUser(ctx, "carol@example.com", "another long password", store.RoleUser, ""); !errors.Is(err, store.ErrConflict) {
				t.Errorf("duplicate email: %v, want ErrConflict", err)
			}
			tok, lu, exp, err := a.Login(ctx, "CAROL@example.com", "purple monkey dishwasher")
			if err != nil || lu.ID != u.ID || !exp.Equal(now.UTC().Truncate(time.Microsecond).Add(time.Hour)) {
				t.Fatalf("Login = %v, %v, %v", lu, exp, err)
			}
			p, err := a.Authenticate(ctx, "Bearer "+tok)
			if err != nil || p.User.ID != u.ID || p.TokenHash == nil || p.KeyID != "" {
				t.Fatalf("Authenticate(token) = %+v, %v", p, err)
			}
			key, k, err := a.CreateAPIKey(ctx, u, "ci")
			if err != nil {
				t.Fatal(err)
			}
			p, err = a.Authenticate(ctx, "Bearer "+key)
			if err != nil || p.User.ID != u.ID || p.KeyID != k.ID || p.TokenHash != nil {
				t.Fatalf("Authenticate(key) = %+v, %v", p, err)
			}
			if err := a.Logout(ctx, p); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("Logout with a key principal: %v, want ErrUnauthenticated", err)
			}
			now = now.Add(time.Hour)
			if _, err := a.Authenticate(ctx, "Bearer "+tok); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("expired token: %v", err)
			}
			if _, err := a.Authenticate(ctx, "Bearer "+key); err != nil {
				t.Errorf("keys do not expire: %v", err)
			}
			if err := a.SetPassword(ctx, u, "short"); err == nil {
				t.Error("SetPassword accepted a short password")
			}
			tok2, _, _, _ := a.Login(ctx, "carol@example.com", "purple monkey dishwasher")
			if err := a.SetPassword(ctx, u, "a fresh long secret phrase"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Authenticate(ctx, "Bearer "+tok2); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("session after a password change: %v, want revoked", err)
			}
			if _, _, _, err := a.Login(ctx, "carol@example.com", "purple monkey dishwasher"); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("old password after change: %v", err)
			}
		})
	}
}

// TestRehashOnLogin: a hash made with weaker parameters is replaced by one
// with the current parameters at the next successful login.
func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	st := testenv.SQLite(t)
	ctx := context.Background()
	old := auth.New(st, auth.Options{Params: auth.InsecureTestParams()})
	u, err := old.CreateUser(ctx, "dave@example.com", "green monkey dishwasher", store.RoleUser, "")
	if err != nil {
		t.Fatal(err)
	}
	stronger := auth.InsecureTestParams()
	stronger.Memory, stronger.Time = 128, 2
	if _, _, _, err := auth.New(st, auth.Options{Params: stronger}).Login(ctx, "dave@example.com", "green monkey dishwasher"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.GetUser(ctx, u.ID)
	if want := fmt.Sprintf("$m=%d,t=%d,p=1$", stronger.Memory, stronger.Time); !strings.Contains(got.PasswordHash, want) {
		t.Errorf("hash after login = %q, want parameters %s", got.PasswordHash, want)
	}
}
