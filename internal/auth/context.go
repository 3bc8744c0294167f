package auth

import (
	"context"

	"github.com/fastsim/fastsim/internal/store"
)

// Principal is who made a request: the user, and the credential used.
type Principal struct {
	// User is the authenticated user.
	User store.User
	// KeyID is the id of the API key used, empty for a session token.
	KeyID string
	// TokenHash is the SHA-256 of the session token used, nil for an API
	// key.
	TokenHash []byte
}

// Actor returns the store actor of the principal.
func (p Principal) Actor() store.Actor { return store.ActorOf(p.User) }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of an authenticated request, and
// false when the request is not authenticated.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// UserFrom returns the authenticated user of a request, and false when the
// request is not authenticated.
func UserFrom(ctx context.Context) (store.User, bool) {
	p, ok := PrincipalFrom(ctx)
	return p.User, ok
}
