package api

import (
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// writeProblem is the one writer of the error bodies that middleware
// answers outside huma (401, 413, 429, 503, 405, 500, ...): an RFC 9457
// problem (huma.ErrorModel, as huma's own errors) whose detail is encoded,
// never concatenated, so no client-supplied text can add fields to it.
func writeProblem(w http.ResponseWriter, status int, detail string, extra ...*huma.ErrorDetail) {
	writeProblemBody(w, status, &huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail, Errors: extra})
}

// writeProblemBody writes p (a huma.ErrorModel or a type embedding it, such
// as LimitProblem) as application/problem+json with status.
func writeProblemBody(w http.ResponseWriter, status int, p any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// ProblemMux serves mux with its own 404 and 405 answered as problems,
// for the service's other HTTP servers (the worker's probe server).
func ProblemMux(mux *http.ServeMux) http.Handler { return unmatchedAsProblem(mux) }

// unmatchedAsProblem serves mux, but answers the mux's own 404 and 405
// (plain text in net/http) as problems, so that no error of the service is
// plain text. The Allow header of a 405 is kept.
func unmatchedAsProblem(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&unmatchedWriter{ResponseWriter: w, method: r.Method}, r)
	})
}

// unmatchedWriter replaces a 404 or 405 answer with a problem and drops
// the plain-text body that follows; other answers (the mux's redirects)
// pass through.
type unmatchedWriter struct {
	http.ResponseWriter
	method   string
	replaced bool
}

// WriteHeader writes the problem for 404 and 405, else passes code on.
func (u *unmatchedWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		writeProblem(u.ResponseWriter, code, "no route has this path; GET /openapi lists the routes")
	case http.StatusMethodNotAllowed:
		writeProblem(u.ResponseWriter, code, "this route does not accept "+u.method+"; use one of: "+u.Header().Get("Allow"))
	default:
		u.ResponseWriter.WriteHeader(code)
		return
	}
	u.replaced = true
}

// Write drops the body of a replaced answer.
func (u *unmatchedWriter) Write(b []byte) (int, error) {
	if u.replaced {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

// withoutEchoedValues is the API's one response transformer: it removes
// the `value` huma copies into an error's details (for a 415, the whole
// request body), so that no problem echoes what was sent, a password
// included. The location and message say what to fix.
func withoutEchoedValues(_ huma.Context, _ string, v any) (any, error) {
	if p, ok := v.(*huma.ErrorModel); ok {
		for _, d := range p.Errors {
			if d != nil {
				d.Value = nil
			}
		}
	}
	return v, nil
}
