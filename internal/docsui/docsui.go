package docsui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
)

// Version is the embedded Stoplight Elements release.
const Version = "9.0.15"

// The embedded assets, by the name they are served under.
const (
	ScriptFile = "web-components.min.js"
	StyleFile  = "styles.min.css"
)

// Integrity maps each served asset to its subresource-integrity digest
// (SHA-384), written into the page so that a browser runs nothing else.
var Integrity = map[string]string{
	ScriptFile: "sha384-xjOcq9PZ/k+pGtPS/xcsCRXGjKKfTlIa4H1IYEnC+97jNa6sAMWTNrV6hY08W3GL",
	StyleFile:  "sha384-iVQBHadsD+eV0M5+ubRCEVXrXEBj+BqcuwjUwPoVJc0Pb1fmrhYSAhL+BFProHdV",
}

//go:embed elements
var files embed.FS

// Assets returns the embedded files: ScriptFile, StyleFile and the
// licences, at the root.
func Assets() fs.FS {
	sub, err := fs.Sub(files, "elements")
	if err != nil {
		panic("docsui: " + err.Error()) // the embedded directory exists
	}
	return sub
}

// CSP is the Content-Security-Policy of the page and its assets: scripts
// and style sheets from the same origin only (the page pins them by
// integrity), the styles Elements injects at run time, and requests to
// the same origin (the OpenAPI document and "try it"). Nothing from
// elsewhere, no eval, no frames, no forms.
const CSP = "default-src 'none'; base-uri 'none'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; " +
	"img-src 'self' data:; font-src 'self' data:; sandbox allow-same-origin allow-scripts; " +
	"script-src 'self'; style-src 'self' 'unsafe-inline'"

// pageTemplate is the reference page; every URL in it is same-origin.
var pageTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="referrer" content="no-referrer">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{.Title}}</title>
    <link rel="stylesheet" href="{{.Assets}}/{{.Style}}" integrity="{{.StyleSRI}}">
    <script src="{{.Assets}}/{{.Script}}" integrity="{{.ScriptSRI}}"></script>
  </head>
  <body>
    <elements-api apiDescriptionUrl="{{.OpenAPI}}" router="hash" layout="sidebar" tryItCredentialsPolicy="same-origin"></elements-api>
  </body>
</html>
`))

// Page returns the HTML of the reference page titled title, showing the
// OpenAPI document at openAPIURL, with the assets served under assetsURL
// (e.g. "/docs/assets").
func Page(title, openAPIURL, assetsURL string) []byte {
	var b bytes.Buffer
	err := pageTemplate.Execute(&b, map[string]string{
		"Title": title, "OpenAPI": openAPIURL, "Assets": assetsURL,
		"Script": ScriptFile, "ScriptSRI": Integrity[ScriptFile],
		"Style": StyleFile, "StyleSRI": Integrity[StyleFile],
	})
	if err != nil {
		panic("docsui: " + err.Error()) // a fixed template of strings
	}
	return b.Bytes()
}
