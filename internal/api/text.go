package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// textProblem is the message of every refused NUL or invalid UTF-8.
const textProblem = "must be UTF-8 text without NUL characters"

// badText reports whether s holds a NUL character or is not valid UTF-8:
// text no input of the API may carry (PostgreSQL refuses both in text
// columns, SQLite would store them, logs and JSON would mangle them).
func badText(s string) bool {
	return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)
}

// jsonHasNUL reports whether the JSON text raw escapes a NUL character
// (\u0000 not itself preceded by an escaping backslash), which decodes to
// a NUL in a string.
func jsonHasNUL(raw []byte) bool {
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`\u0000`))
		if j < 0 {
			return false
		}
		at := i + j
		backslashes := 0
		for k := at; k >= 0 && raw[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 1 { // the last backslash escapes the u
			return true
		}
		i = at + 1
	}
}

// rejectBadText answers 422 to a request that carries a NUL character or
// invalid UTF-8 in its path, a query parameter (name or value), or its
// body (raw, or as a \u0000 escape in a JSON body), before any handler
// sees it: the one place that keeps such text out of every route, on
// every database. A scenario document whose YAML escapes decode to NUL is
// caught after decoding, by checkScenarioText, with the same rule.
func rejectBadText(maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if badText(r.URL.Path) {
			writeBadText(w, "path")
			return
		}
		q, _ := url.ParseQuery(r.URL.RawQuery) // a malformed query is the handler's to report
		names := make([]string, 0, len(q))
		for name := range q {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if badText(name) || slices.ContainsFunc(q[name], badText) {
				loc := "query." + name
				if badText(name) {
					loc = "query"
				}
				writeBadText(w, loc)
				return
			}
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), r.Body))
		if err != nil {
			next.ServeHTTP(w, r) // the handler reports the read error (413 for a body too large)
			return
		}
		if bytes.IndexByte(raw, 0) >= 0 || !utf8.Valid(raw) || (isJSON(r.Header.Get("Content-Type")) && jsonHasNUL(raw)) {
			writeBadText(w, "body")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isJSON reports whether a Content-Type is JSON (application/json or a
// +json type).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// writeBadText answers 422 naming the location of the bad text.
func writeBadText(w http.ResponseWriter, location string) {
	writeProblem(w, http.StatusUnprocessableEntity, location+": "+textProblem, &huma.ErrorDetail{Location: location, Message: textProblem})
}

// checkScenarioText refuses a decoded scenario, given as its canonical
// JSON, that holds a NUL: rejectBadText has seen the raw body, but a YAML
// escape (\0, \x00) inside it, or inside a YAML string of a JSON body,
// still decodes to NUL.
func checkScenarioText(canonical []byte) error {
	if jsonHasNUL(canonical) {
		return newFieldError(errUnprocessable, "body", "the scenario %s (a YAML escape such as \\0 decodes to NUL)", textProblem)
	}
	return nil
}
