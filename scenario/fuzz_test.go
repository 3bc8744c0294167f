package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// FuzzDecode feeds arbitrary bytes to Decode. No input may panic or hang;
// a rejected input yields a *ValidationError with at least one non-empty
// message; an accepted one survives the canonical round trip unchanged.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{
		filepath.Join("testdata", "valid", "*"),
		filepath.Join("testdata", "invalid", "*.yml"),
		filepath.Join("testdata", "invalid", "*.json"),
		filepath.Join("..", "examples", "*.yml"),
	} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Decode(data, scenario.FormatAuto)
		if err != nil {
			var ve *scenario.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty *ValidationError", err, err)
			}
			for _, fe := range ve.Errors {
				if fe.Message == "" {
					t.Fatalf("empty message at %q", fe.Path)
				}
			}
			if sc != nil {
				t.Fatal("Decode returned a scenario with an error")
			}
			return
		}
		c1, err := scenario.Canonical(sc)
		if err != nil {
			t.Fatalf("Canonical: %v", err)
		}
		back, err := scenario.Decode(c1, scenario.FormatJSON)
		if err != nil {
			t.Fatalf("canonical form does not decode: %v\n%s", err, c1)
		}
		if diff := cmp.Diff(sc, back); diff != "" {
			t.Fatalf("Decode(Canonical(sc)) != sc:\n%s", diff)
		}
		c2, err := scenario.Canonical(back)
		if err != nil || string(c1) != string(c2) {
			t.Fatalf("canonical form is not a fixed point (%v):\n%s\n%s", err, c1, c2)
		}
	})
}
