package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// Errors the Authenticator returns (wrapped). Their messages are
// deliberately vague: they reach clients.
var (
	// ErrUnauthenticated means the request carries no valid credential:
	// missing, malformed, unknown, expired or revoked, or of a deleted
	// user. Which one is never told to the client.
	ErrUnauthenticated = errors.New("authentication required: send Authorization: Bearer <session token or API key>")
	// ErrInvalidCredentials means a login with an unknown email or a wrong
	// password; the two are not told apart.
	ErrInvalidCredentials = errors.New("invalid email or password")
)

// Options configure an Authenticator.
type Options struct {
	// Params are the argon2id parameters of new password hashes.
	// Defaults to DefaultParams().
	Params Params
	// SessionTTL is how long a session token authenticates. Defaults to
	// 24h.
	SessionTTL time.Duration
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// HashSlots is the number of password hashes or checks (argon2id,
	// Params.Memory each: 19 MiB with DefaultParams) computed at once, so
	// hashing memory peaks at HashSlots × Params.Memory. Defaults to
	// DefaultHashSlots().
	HashSlots int
	// HashQueue is the number of requests that may wait for a hashing
	// slot; one more gets ErrBusy at once. Defaults to 64.
	HashQueue int
	// HashWait is the longest wait for a hashing slot; a request still
	// waiting after it gets ErrBusy. Defaults to 2s.
	HashWait time.Duration
}

// DefaultHashSlots returns the default of Options.HashSlots: GOMAXPROCS
// (more slots than cores add memory, not throughput), at most 4 (76 MiB
// of hashing memory with DefaultParams).
func DefaultHashSlots() int { return min(max(runtime.GOMAXPROCS(0), 1), 4) }

// Authenticator registers users, logs them in and out, issues API keys,
// and authenticates requests. It is safe for concurrent use.
type Authenticator struct {
	st   store.UserStore
	opts Options
	gate *hashGate
	// dummy is a hash of a random password with opts.Params, verified
	// against on logins with an unknown email so that they cost as much
	// as logins with a wrong password.
	dummy func() string
	// verify is VerifyPassword; tests count its calls.
	verify func(password, encoded string, want Params) (ok, rehash bool, err error)
}

// New returns an Authenticator over st.
func New(st store.UserStore, o Options) *Authenticator {
	if o.Params == (Params{}) {
		o.Params = DefaultParams()
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HashSlots <= 0 {
		o.HashSlots = DefaultHashSlots()
	}
	if o.HashQueue <= 0 {
		o.HashQueue = 64
	}
	if o.HashWait <= 0 {
		o.HashWait = 2 * time.Second
	}
	a := &Authenticator{st: st, opts: o, verify: VerifyPassword, gate: newHashGate(o.HashSlots, o.HashQueue, o.HashWait)}
	a.dummy = sync.OnceValue(func() string {
		tok, _, err := NewSessionToken()
		if err != nil {
			tok = "dummy password for timing"
		}
		h, err := HashPassword(tok, o.Params)
		if err != nil {
			// Never matches, still parsed and hashed at full cost.
			return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				o.Params.Memory, o.Params.Time, o.Params.Threads)
		}
		return h
	})
	return a
}

// Params returns the argon2id parameters of new hashes.
func (a *Authenticator) Params() Params { return a.opts.Params }

// HashSlots returns the number of password hashes computed at once.
func (a *Authenticator) HashSlots() int { return a.opts.HashSlots }

// hash returns HashPassword(password) computed in a hashing slot.
func (a *Authenticator) hash(ctx context.Context, password string) (string, error) {
	if err := a.gate.acquire(ctx); err != nil {
		return "", err
	}
	defer a.gate.release()
	return HashPassword(password, a.opts.Params)
}

// CreateUser checks the email and password against the policy, hashes the
// password and stores the user. It returns a *PolicyError, ErrBusy
// (wrapped) when no hashing slot is free in time, or the store's errors
// (store.ErrConflict for a taken email).
func (a *Authenticator) CreateUser(ctx context.Context, email, password string, role store.Role, plan store.Plan) (store.User, error) {
	email = strings.TrimSpace(email)
	if err := CheckEmail(email); err != nil {
		return store.User{}, err
	}
	if err := CheckPassword(password, email); err != nil {
		return store.User{}, err
	}
	h, err := a.hash(ctx, password)
	if err != nil {
		return store.User{}, err
	}
	return a.st.CreateUser(ctx, store.NewUser{Email: email, PasswordHash: h, Role: role, Plan: plan})
}

// SetPassword checks password against the policy and stores its hash for
// the user, which revokes every session of the user. It returns ErrBusy
// (wrapped) when no hashing slot is free in time.
func (a *Authenticator) SetPassword(ctx context.Context, u store.User, password string) error {
	if err := CheckPassword(password, u.Email); err != nil {
		return err
	}
	h, err := a.hash(ctx, password)
	if err != nil {
		return err
	}
	if _, err := a.st.UpdateUser(ctx, u.ID, store.UserUpdate{PasswordHash: &h}); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// Login checks an email and password and opens a session. Unknown emails
// and wrong passwords both return ErrInvalidCredentials after one argon2id
// verification each, so their timing does not tell them apart. A hash with
// outdated parameters is replaced on success (which ends the user's other
// sessions). The hashing runs in one hashing slot (see Options.HashSlots);
// ErrBusy (wrapped) means none was free in time.
func (a *Authenticator) Login(ctx context.Context, email, password string) (token string, u store.User, expires time.Time, err error) {
	if len(password) > 4*MaxPasswordLen {
		// Bounded before hashing; still costs a verification.
		password = password[:4*MaxPasswordLen]
	}
	u, err = a.st.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", store.User{}, time.Time{}, fmt.Errorf("login: %w", err)
	}
	if gerr := a.gate.acquire(ctx); gerr != nil {
		return "", store.User{}, time.Time{}, fmt.Errorf("login: %w", gerr)
	}
	encoded := u.PasswordHash
	if err != nil {
		encoded = a.dummy() // hashed once, in this slot
	}
	ok, rehash, verr := a.verify(password, encoded, a.opts.Params)
	var newHash string
	if err == nil && verr == nil && ok && rehash {
		newHash, _ = HashPassword(password, a.opts.Params)
	}
	a.gate.release()
	if err != nil || verr != nil || !ok {
		return "", store.User{}, time.Time{}, ErrInvalidCredentials
	}
	if newHash != "" {
		if up, err := a.st.UpdateUser(ctx, u.ID, store.UserUpdate{PasswordHash: &newHash}); err == nil {
			u = up
		}
	}
	token, expires, err = a.OpenSession(ctx, u)
	if err != nil {
		return "", store.User{}, time.Time{}, fmt.Errorf("login: %w", err)
	}
	return token, u, expires, nil
}

// OpenSession opens a session of u without checking a password, and
// returns its token and expiry. Login calls it after the password check;
// the service's single-user mode calls it for its admin when a browser on
// the same machine asks (POST /api/v1/auth/local-session), so that the
// admin's API key never leaves the server.
func (a *Authenticator) OpenSession(ctx context.Context, u store.User) (token string, expires time.Time, err error) {
	token, hash, err := NewSessionToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := a.opts.Now().UTC().Truncate(time.Microsecond)
	expires = now.Add(a.opts.SessionTTL)
	if err := a.st.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: expires}); err != nil {
		return "", time.Time{}, fmt.Errorf("open session: %w", err)
	}
	return token, expires, nil
}

// Logout revokes the session of p. It returns ErrUnauthenticated when p
// authenticated with an API key (revoke keys with DeleteAPIKey).
func (a *Authenticator) Logout(ctx context.Context, p Principal) error {
	if p.TokenHash == nil {
		return fmt.Errorf("logout needs a session token, not an API key: %w", ErrUnauthenticated)
	}
	if err := a.st.DeleteSession(ctx, p.TokenHash); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// CreateAPIKey issues a new API key named name for user u. The returned
// key is the only copy of the secret.
func (a *Authenticator) CreateAPIKey(ctx context.Context, u store.User, name string) (string, store.APIKey, error) {
	for attempt := 0; ; attempt++ {
		key, prefix, hash, err := NewAPIKey()
		if err != nil {
			return "", store.APIKey{}, err
		}
		k, err := a.st.CreateAPIKey(ctx, store.APIKey{UserID: u.ID, Name: name, Prefix: prefix, Hash: hash})
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue // a 48-bit prefix collision: draw again
		}
		if err != nil {
			return "", store.APIKey{}, err
		}
		return key, k, nil
	}
}

// Authenticate returns the principal of an Authorization header value. Any
// failure is ErrUnauthenticated (wrapped), except database errors.
func (a *Authenticator) Authenticate(ctx context.Context, header string) (Principal, error) {
	cred, ok := BearerCredential(header)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	if strings.HasPrefix(cred, SessionPrefix) {
		return a.AuthenticateSession(ctx, cred)
	}
	now := a.opts.Now()
	k, u, err := a.st.APIKeyUser(ctx, cred[:keyLookupLen])
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare(HashSecret(cred), k.Hash) != 1 {
		return Principal{}, ErrUnauthenticated
	}
	// Record the use at most once a minute: most requests write nothing.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= time.Minute {
		if err := a.st.TouchAPIKey(ctx, k.ID, now); err != nil {
			return Principal{}, fmt.Errorf("authenticate: %w", err)
		}
	}
	return Principal{User: u, KeyID: k.ID}, nil
}

// AuthenticateSession returns the principal of a session token (the value
// of the browser's session cookie). API keys are refused: a cookie carries
// only sessions. Any failure is ErrUnauthenticated (wrapped), except
// database errors.
func (a *Authenticator) AuthenticateSession(ctx context.Context, token string) (Principal, error) {
	if !wellFormed(token, SessionPrefix) {
		return Principal{}, ErrUnauthenticated
	}
	hash := HashSecret(token)
	_, u, err := a.st.SessionUser(ctx, hash, a.opts.Now())
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	return Principal{User: u, TokenHash: hash}, nil
}
