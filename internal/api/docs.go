package api

import (
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/docsui"
)

// docsAssetsPath is where the reference page's assets are served.
const docsAssetsPath = "/docs/assets"

// docsPage is the reference page (GET /docs), built once.
var docsPage = docsui.Page("FastSim API Reference", "/openapi.yaml", docsAssetsPath)

// serveDocsPage answers GET /docs with the reference page and
// docsui.CSP, which lets it load exactly its same-origin assets.
func serveDocsPage(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", docsui.CSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(docsPage)
}

// serveDocsAsset answers GET /docs/assets/{file} with an embedded asset
// of the page (404 for any other name: no listing, no licence browsing
// beyond the files shipped).
func serveDocsAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if _, ok := docsui.Integrity[name]; !ok {
		body, _ := json.Marshal(huma.ErrorModel{Title: "Not Found", Status: http.StatusNotFound,
			Detail: "no such asset of the API reference page; the assets are " + docsui.ScriptFile + " and " + docsui.StyleFile})
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
		return
	}
	// The assets are pinned by integrity and change only with a new
	// binary; a day of caching is safe.
	w.Header().Set("Content-Security-Policy", docsui.CSP)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeFileFS(w, r, docsui.Assets(), name)
}
