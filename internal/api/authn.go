package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
)

// The OpenAPI security schemes of protected operations: a bearer
// credential, or the browser's session cookie (with CSRF header on
// state-changing requests).
const (
	bearerScheme = "bearer"
	cookieScheme = "cookie"
)

// publicAPIPaths are the /api/v1 paths served without authentication.
var publicAPIPaths = map[string]bool{
	"/api/v1/auth/login":         true,
	"/api/v1/auth/register":      true,
	"/api/v1/auth/local-session": true,
	"/api/v1/ui-config":          true,
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
//
// The credential is the Authorization header when there is one (a bearer
// session token or API key; the cookie is then ignored), else the session
// cookie of a browser. A cookie-authenticated request with a method that
// changes state must carry the session's CSRF token in X-CSRF-Token, or it
// gets 403: a page of another site can make the browser send the cookie,
// but cannot read the token nor set the header. A 401 on a cookie also
// deletes the browser's session cookies (an expired session).
func authenticate(authn *auth.Authenticator, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !requiresAuth(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		header := r.Header.Get("Authorization")
		cookie := ""
		if c, err := r.Cookie(sessionCookie); header == "" && err == nil && c.Value != "" {
			cookie = c.Value
		}
		var p auth.Principal
		var err error
		if cookie != "" {
			p, err = authn.AuthenticateSession(r.Context(), cookie)
		} else {
			p, err = authn.Authenticate(r.Context(), header)
		}
		if errors.Is(err, auth.ErrUnauthenticated) {
			if cookie != "" {
				for _, c := range clearedCookies(metaFrom(r.Context()).tls) {
					http.SetCookie(w, &c)
				}
			}
			writeUnauthorized(w)
			return
		}
		if err != nil {
			logger.ErrorContext(r.Context(), "authenticate", "error", err.Error())
			writeProblem(w, http.StatusServiceUnavailable, "cannot check credentials now; request id "+telemetry.RequestID(r.Context()))
			return
		}
		if cookie != "" && !safeMethod(r.Method) && !auth.CheckCSRF(cookie, r.Header.Get(csrfHeader)) {
			writeProblem(w, http.StatusForbidden, "this request is authenticated by the session cookie and changes state, so it must send the header "+
				csrfHeader+" with the value of the "+csrfCookie+" cookie (also the csrf_token of the login answer); scripts send Authorization: Bearer <token or API key> instead")
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

// secured marks op as requiring a credential in the OpenAPI document (a
// bearer token or API key, or the session cookie) and documents its 401,
// and the 403 of a cookie-authenticated write without its CSRF token.
func secured(o huma.Operation) huma.Operation {
	o.Security = []map[string][]string{{bearerScheme: {}}, {cookieScheme: {}}}
	o.Errors = append([]int{http.StatusUnauthorized}, o.Errors...)
	if !safeMethod(o.Method) && !slices.Contains(o.Errors, http.StatusForbidden) {
		o.Errors = append(o.Errors, http.StatusForbidden)
	}
	return o
}
