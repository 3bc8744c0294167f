// Package web serves the FastSim web UI: the production build of the React
// application under web/ (see docs/ui.md), committed in web/dist and
// embedded in the binary, so go build, go run and go test need no Node.
//
// Handler serves the files of the build and answers every other GET with
// index.html, so the application's client-side routes (/scenarios/…,
// /runs/…) load the application, which then routes them itself. The API
// server mounts it behind its own routes (internal/api Options.UI): /api,
// /docs, /openapi, /health, /ready and /metrics never reach it.
package web

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// CSP is the Content-Security-Policy of every UI response: scripts, styles,
// fonts and requests from the same origin only, images also from data: and
// blob: URLs (chart exports), no plug-ins, no base or framing, forms only to
// the same origin. The application has no inline script or style element
// (CodeMirror uses constructed style sheets, uPlot and React Flow set
// styles through the CSSOM), so style-src needs no 'unsafe-inline'.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Files returns the embedded build (index.html at the root).
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("web: " + err.Error()) // the embedded directory exists
	}
	return sub
}

// Handler serves the UI from files (Files() in production): a file by its
// path, anything else as index.html. Files under /assets/ are named by a
// hash of their content and cached for a year; index.html is revalidated
// on every load. Every answer carries CSP.
func Handler(files fs.FS) http.Handler {
	index, _ := fs.ReadFile(files, "index.html")
	if index == nil {
		index = []byte("<!doctype html><title>FastSim</title><p>The web UI was not built: run npm ci and npm run build in web/.</p>")
	}
	start := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					h.Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					h.Set("Cache-Control", "no-cache")
				}
				http.ServeFileFS(w, r, files, name)
				return
			}
		}
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "index.html", start, bytes.NewReader(index))
	})
}
