package docsui

import (
	"crypto/sha512"
	"encoding/base64"
	"io/fs"
	"testing"
)

// TestIntegrity recomputes the digest of every embedded asset: Integrity
// must match the files (else browsers refuse them).
func TestIntegrity(t *testing.T) {
	t.Parallel()
	for name, want := range Integrity {
		data, err := fs.ReadFile(Assets(), name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha512.Sum384(data)
		if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: digest %s, Integrity says %s", name, got, want)
		}
	}
}
