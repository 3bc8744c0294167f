package api

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/auth"
)

// The browser session (docs/auth.md, "Browser sessions"): login and the
// single-user local session set sessionCookie, the session token itself
// (HttpOnly: no script reads it), and csrfCookie, the session's CSRF token
// (auth.CSRFToken), which the page reads and sends back in csrfHeader on
// every state-changing request authenticated by the cookie.
const (
	sessionCookie = "fastsim_session"
	csrfCookie    = "fastsim_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// requestMeta is what the handlers that set cookies or open local
// sessions need of the request beyond its body: whether it came over TLS,
// its peer address, and the headers that say where it comes from.
type requestMeta struct {
	// tls: the request came over TLS, to this server or to a trusted proxy
	// that says so with X-Forwarded-Proto: https.
	tls bool
	// peer is the address of the TCP peer (never X-Forwarded-For).
	peer netip.Addr
	// host is the Host header; origin the Origin header ("" if absent).
	host, origin string
	// forwarded: the request carries a header that proxies add
	// (Forwarded, X-Forwarded-For, X-Forwarded-Host, X-Real-IP).
	forwarded bool
}

type requestMetaKey struct{}

// forwardingHeaders are the headers reverse proxies add; their presence
// says the TCP peer is not the client.
var forwardingHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"}

// withRequestMeta puts the requestMeta of every request in its context.
// X-Forwarded-Proto is believed only from a trusted proxy.
func withRequestMeta(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := requestMeta{peer: parseAddr(r.RemoteAddr), host: r.Host, origin: r.Header.Get("Origin")}
		m.tls = r.TLS != nil ||
			(m.peer.IsValid() && isTrusted(m.peer, trusted) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
		for _, h := range forwardingHeaders {
			if r.Header.Get(h) != "" {
				m.forwarded = true
			}
		}
		inner := r.WithContext(context.WithValue(r.Context(), requestMetaKey{}, m))
		next.ServeHTTP(w, inner)
		// Hand the matched route back to outer middleware (metrics, logs).
		r.Pattern = inner.Pattern
	})
}

// metaFrom returns the requestMeta of a request's context (zero outside
// the middleware: no TLS, no valid peer).
func metaFrom(ctx context.Context) requestMeta {
	m, _ := ctx.Value(requestMetaKey{}).(requestMeta)
	return m
}

// sessionCookies returns the two cookies of a browser session of token,
// expiring with it (Expires, not Max-Age: the session's clock is the
// authenticator's). Secure is set when the request came over TLS (a
// browser refuses Secure cookies over plain HTTP, except on localhost).
func sessionCookies(token string, expires time.Time, secure bool) []http.Cookie {
	return []http.Cookie{
		{Name: sessionCookie, Value: token, Path: "/", Expires: expires.UTC(), HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: csrfCookie, Value: auth.CSRFToken(token), Path: "/", Expires: expires.UTC(), Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

// clearedCookies returns the two cookies of a browser session, expired:
// they delete the browser's copies (logout, and a 401 on a cookie).
func clearedCookies(secure bool) []http.Cookie {
	return []http.Cookie{
		{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0).UTC(), MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: csrfCookie, Value: "", Path: "/", Expires: time.Unix(0, 0).UTC(), MaxAge: -1, Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

// safeMethod reports whether a method changes nothing (GET, HEAD,
// OPTIONS), so that a cookie-authenticated request with it needs no CSRF
// token. Every other method, unknown ones included, needs one.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
