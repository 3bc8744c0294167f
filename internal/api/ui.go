package api

import (
	"net/http"
	"path"
	"strings"
)

// uiReserved are the path prefixes of the service itself: a GET under one
// of them that no route matched is a 404 problem, never the UI's page.
var uiReserved = []string{"/api", "/docs", "/openapi", "/schemas", "/health", "/ready", "/metrics"}

// uiFallback serves ui for every path outside uiReserved, and the
// service's own 404 problem inside it.
func uiFallback(ui http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		for _, pre := range uiReserved {
			if p == pre || strings.HasPrefix(p, pre+"/") || strings.HasPrefix(p, pre+".") {
				writeProblem(w, http.StatusNotFound, "no route has this path; GET /openapi lists the routes")
				return
			}
		}
		ui.ServeHTTP(w, r)
	})
}
