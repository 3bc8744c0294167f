package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
)

// bearerScheme names the OpenAPI security scheme of protected operations.
const bearerScheme = "bearer"

// publicAPIPaths are the /api/v1 paths served without authentication.
var publicAPIPaths = map[string]bool{
	"/api/v1/auth/login":    true,
	"/api/v1/auth/register": true,
}

// requiresAuth reports whether a request path needs a credential: every
// path under /api/v1 except login and register. The decision uses the
// cleaned path, so "//api/v1/runs" or "/x/../api/v1/runs" are protected too
// (deny by default).
func requiresAuth(p string) bool {
	clean := path.Clean("/" + p)
	if clean != "/api/v1" && !strings.HasPrefix(clean, "/api/v1/") {
		return false
	}
	return !publicAPIPaths[clean] || clean != p
}

// writeUnauthorized answers 401 with the Bearer challenge and the one
// detail of every 401: it never says which part of the credential was
// wrong.
func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="fastsim"`)
	writeProblem(w, http.StatusUnauthorized, auth.ErrUnauthenticated.Error())
}

// authenticate puts the principal of every protected request in its
// context, and answers 401 for a request without a valid credential, so
// that no handler of a protected route runs unauthenticated.
func authenticate(authn *auth.Authenticator, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !requiresAuth(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		p, err := authn.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if errors.Is(err, auth.ErrUnauthenticated) {
			writeUnauthorized(w)
			return
		}
		if err != nil {
			logger.ErrorContext(r.Context(), "authenticate", "error", err.Error())
			writeProblem(w, http.StatusServiceUnavailable, "cannot check credentials now; request id "+telemetry.RequestID(r.Context()))
			return
		}
		inner := r.WithContext(auth.WithPrincipal(r.Context(), p))
		next.ServeHTTP(w, inner)
		// The mux records the matched route on the request it was given;
		// hand it back to outer middleware (metrics, logs) holding r.
		r.Pattern = inner.Pattern
	})
}

// actor returns the store actor of the request's user. A context without
// a principal (which the middleware never lets through to a protected
// handler) gets an actor that sees nothing.
func actor(ctx context.Context) store.Actor {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return store.Actor{}
	}
	return p.Actor()
}

// secured marks op as requiring a bearer credential in the OpenAPI
// document and documents its 401.
func secured(o huma.Operation) huma.Operation {
	o.Security = []map[string][]string{{bearerScheme: {}}}
	o.Errors = append([]int{http.StatusUnauthorized}, o.Errors...)
	return o
}
