package api

import (
	"net/http"
	"path"
	"strings"
)

// uiReserved are the path prefixes of the service itself: a request under
// one of them that no route matched is the API's 404 (or 405) problem,
// never the UI's page.
var uiReserved = []string{"/api", "/docs", "/openapi", "/schemas", "/health", "/ready", "/metrics"}

// reservedPath reports whether p (cleaned first, so /x/../api is /api) is
// under one of uiReserved: the path itself, below it (/api/…) or a file
// beside it (/openapi.json).
func reservedPath(p string) bool {
	p = path.Clean("/" + p)
	for _, pre := range uiReserved {
		if p == pre || strings.HasPrefix(p, pre+"/") || strings.HasPrefix(p, pre+".") {
			return true
		}
	}
	return false
}

// withUI serves ui (Options.UI) for the requests that no route of mux
// matches and whose path is not reserved: GET and HEAD get the UI (a file
// of the build, else index.html: the application's client-side routes),
// other methods a 405 problem allowing GET and HEAD. Every other request
// goes to next, so the API's answers are the same with or without a UI:
// an unknown path under /api is a 404 problem whatever its method (a
// catch-all "GET /" route in mux would turn it into a 405 for POST). A
// nil ui serves next alone.
func withUI(ui http.Handler, mux *http.ServeMux, next http.Handler) http.Handler {
	if ui == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" || reservedPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, http.StatusMethodNotAllowed, "the web UI's pages accept GET and HEAD only; the API is under /api/v1 (GET /openapi lists the routes)")
			return
		}
		ui.ServeHTTP(w, r)
	})
}
