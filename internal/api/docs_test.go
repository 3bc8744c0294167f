package api_test

import (
	"crypto/sha512"
	"encoding/base64"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/docsui"
)

// TestDocsFromBinary checks that GET /docs references only same-origin
// URLs, that each asset it loads is served from the binary with the right
// type and the digest the page pins it by, and that the OpenAPI document
// it shows is served. Nothing refers to a CDN, so the page works offline.
func TestDocsFromBinary(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	page := b.as("").do(t, "GET", "/docs", "", nil)
	wantStatus(t, page, http.StatusOK)
	if got := page.header.Get("Content-Security-Policy"); got != docsui.CSP {
		t.Errorf("Content-Security-Policy %q, want %q", got, docsui.CSP)
	}
	doc := string(page.body)
	if regexp.MustCompile(`(?i)(src|href|url)\s*=\s*"(https?:)?//`).MatchString(doc) {
		t.Errorf("the page refers to another origin:\n%s", doc)
	}
	refs := regexp.MustCompile(`(src|href)="([^"]+)" integrity="([^"]+)"`).FindAllStringSubmatch(doc, -1)
	if len(refs) != 2 {
		t.Fatalf("%d pinned assets in the page, want 2 (script and style sheet):\n%s", len(refs), doc)
	}
	wantType := map[string]string{"src": "text/javascript; charset=utf-8", "href": "text/css; charset=utf-8"}
	for _, ref := range refs {
		// Attribute values as a browser reads them (the template writes
		// '+' as &#43;).
		attr, url, sri := ref[1], html.UnescapeString(ref[2]), html.UnescapeString(ref[3])
		if !strings.HasPrefix(url, "/docs/assets/") {
			t.Errorf("%s=%q is not under /docs/assets/", attr, url)
		}
		r := b.as("").do(t, "GET", url, "", nil)
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != wantType[attr] {
			t.Errorf("%s: Content-Type %q, want %q", url, ct, wantType[attr])
		}
		sum := sha512.Sum384(r.body)
		if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != sri {
			t.Errorf("%s: served bytes have digest %s, the page pins %s", url, got, sri)
		}
	}
	if !strings.Contains(doc, `apiDescriptionUrl="/openapi.yaml"`) {
		t.Errorf("the page does not show /openapi.yaml:\n%s", doc)
	}
	wantStatus(t, b.as("").do(t, "GET", "/openapi.yaml", "", nil), http.StatusOK)
	// Only the page's assets are served: no listing, no other file.
	for _, p := range []string{"/docs/assets/", "/docs/assets/LICENSE", "/docs/assets/..%2fdocsui.go"} {
		if r := b.as("").do(t, "GET", p, "", nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, r.status)
		}
	}
}
