package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Security configures the security headers and CORS.
type Security struct {
	// CORSOrigins lists the exact origins (scheme://host[:port]) whose
	// browser pages may call the API; empty turns CORS off (browsers then
	// refuse cross-origin calls). Defaults to empty.
	CORSOrigins []string
	// HSTSMaxAge, when positive, sends Strict-Transport-Security with this
	// max-age (set it only when the service is reached over HTTPS).
	// Defaults to 0 (not sent).
	HSTSMaxAge time.Duration
}

// apiCSP is the Content-Security-Policy of every response except the
// /docs page: the API serves JSON, SVG and PNG, never anything that should
// run, embed or submit anything.
const apiCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// renderCSP is the Content-Security-Policy of the rendered documents (the
// HTML report and the SVG charts): apiCSP plus inline styles, which they
// are made of (a <style> element, and style attributes in the SVG drawn
// by gonum/plot; hashes cannot allow attributes without 'unsafe-hashes',
// and the charts' attributes are countless). Still no script, no fetch of
// anything, and sandboxed.
const renderCSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// The CORS answers: the methods and request headers the API uses, the
// response headers a page may read, and how long a preflight is cached.
var (
	corsMethods       = "GET, POST, PUT, PATCH, DELETE"
	corsAllowHeaders  = []string{"authorization", "content-type", "accept", "last-event-id", "x-request-id"}
	corsExposeHeaders = "Location, Retry-After, X-Request-Id"
	corsMaxAge        = "600"
)

// secure adds the security headers to every response and answers CORS.
//
// Every response gets X-Content-Type-Options: nosniff, Referrer-Policy:
// no-referrer, X-Frame-Options: DENY and the strict apiCSP; the rendered
// documents replace it with renderCSP (see fileOutput), /docs and its
// assets with docsui.CSP, which allows the embedded, same-origin Stoplight
// Elements script and stylesheet and nothing from elsewhere.
// Strict-Transport-Security is sent when HSTSMaxAge is set.
//
// CORS: a request whose Origin is in CORSOrigins gets
// Access-Control-Allow-Origin (never "*", never credentials: pages of
// other origins use bearer tokens; the session cookie serves only the web
// UI's own origin); a preflight (OPTIONS with
// Access-Control-Request-Method) from such an origin is answered 204 by
// answerPreflight, which runs after the per-address rate limit (a
// preflight counts like any request). Other origins get no CORS header, so
// browsers refuse the call.
func secure(sec Security, next http.Handler) http.Handler {
	hsts := ""
	if sec.HSTSMaxAge > 0 {
		hsts = "max-age=" + strconv.FormatInt(int64(sec.HSTSMaxAge/time.Second), 10) + "; includeSubDomains"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", apiCSP)
		if hsts != "" {
			h.Set("Strict-Transport-Security", hsts)
		}
		if len(sec.CORSOrigins) > 0 {
			h.Add("Vary", "Origin")
			origin := r.Header.Get("Origin")
			if origin != "" && slices.Contains(sec.CORSOrigins, origin) {
				h.Set("Access-Control-Allow-Origin", origin)
				if !isPreflight(r) {
					h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isPreflight reports whether r is a CORS preflight.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}

// answerPreflight answers 204 to a preflight from one of sec.CORSOrigins
// (secure has set Access-Control-Allow-Origin) and passes every other
// request to next.
func answerPreflight(sec Security, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPreflight(r) && len(sec.CORSOrigins) > 0 && slices.Contains(sec.CORSOrigins, r.Header.Get("Origin")) {
			preflight(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// preflight answers an allowed origin's preflight: the API's methods, and
// the requested headers that the API reads.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", corsMethods)
	var allowed []string
	for _, f := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f != "" && slices.Contains(corsAllowHeaders, f) {
			allowed = append(allowed, f)
		}
	}
	if len(allowed) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(allowed, ", "))
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
}

// boundBody caps every request body at maxBytes, whatever the route: an
// operation's own (smaller or equal) limit still applies first, and a
// handler outside huma cannot read more either.
func boundBody(maxBytes int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBytes {
			writeProblem(w, http.StatusRequestEntityTooLarge,
				"the request body is larger than the limit of "+strconv.FormatInt(maxBytes, 10)+" bytes (--max-body-bytes)")
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
		}
		next.ServeHTTP(w, r)
	})
}
