package api_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/scenario"
)

// canonical decodes a YAML document and returns its canonical JSON.
func canonical(t *testing.T, yaml []byte) []byte {
	t.Helper()
	sc, err := scenario.Decode(yaml, scenario.FormatYAML)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	out, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cliErrors returns the (path, message) pairs that `fastsim validate`
// prints for a document: the reference for the API's 422 bodies.
func cliErrors(t *testing.T, data []byte, f scenario.Format) [][2]string {
	t.Helper()
	_, err := scenario.Decode(data, f)
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Decode error = %v, want a *scenario.ValidationError", err)
	}
	out := make([][2]string, len(ve.Errors))
	for i, fe := range ve.Errors {
		out[i] = [2]string{fe.Path, fe.Message}
	}
	return out
}

func problemErrors(t *testing.T, r response) [][2]string {
	t.Helper()
	p := problemOf(t, r)
	out := make([][2]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = [2]string{e.Location, e.Message}
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{limits: api.Limits{MaxBodyBytes: 4096}})
	small := readFile(t, "small.yml")
	invalid := readFile(t, "invalid.yml")
	badSyntax := readFile(t, "bad_syntax.yml")

	t.Run("OKYAML", func(t *testing.T) {
		t.Parallel()
		for _, ct := range []string{"application/yaml", "application/x-yaml", "text/yaml", "text/yaml; charset=utf-8", ""} {
			r := b.do(t, "POST", "/api/v1/validate", ct, small)
			wantStatus(t, r, http.StatusOK)
			m := r.json(t)
			if m["valid"] != true {
				t.Errorf("Content-Type %q: valid = %v", ct, m["valid"])
			}
			// engine.Estimate: 20 s × 10 req/s × (arrival + 3 edges + 2 segments).
			if got, want := m["estimated_events"], float64(20*10*6); got != want {
				t.Errorf("estimated_events = %v, want %v", got, want)
			}
		}
	})
	t.Run("OKJSON", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "application/json", canonical(t, small))
		wantStatus(t, r, http.StatusOK)
	})
	t.Run("ErrInvalidScenarioSameMessagesAsCLI", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "application/yaml", invalid)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		want := cliErrors(t, invalid, scenario.FormatYAML)
		if len(want) != 4 {
			t.Fatalf("reference has %d errors, want 4", len(want))
		}
		if diff := cmp.Diff(want, problemErrors(t, r)); diff != "" {
			t.Errorf("422 errors differ from fastsim validate (-cli +api):\n%s", diff)
		}
		if p := problemOf(t, r); p.Detail != "the scenario is invalid: 4 problems" {
			t.Errorf("detail = %q", p.Detail)
		}
	})
	t.Run("ErrBadYAML", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "application/yaml", badSyntax)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if diff := cmp.Diff(cliErrors(t, badSyntax, scenario.FormatYAML), problemErrors(t, r)); diff != "" {
			t.Errorf("bad YAML errors (-cli +api):\n%s", diff)
		}
	})
	t.Run("ErrYAMLSentAsJSON", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "application/json", small)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if diff := cmp.Diff(cliErrors(t, small, scenario.FormatJSON), problemErrors(t, r)); diff != "" {
			t.Errorf("errors (-cli +api):\n%s", diff)
		}
	})
	t.Run("ErrUnsupportedMediaType", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "text/plain", small)
		wantStatus(t, r, http.StatusUnsupportedMediaType)
		if p := problemOf(t, r); len(p.Errors) != 1 || p.Errors[0].Location != "header.Content-Type" {
			t.Errorf("errors = %+v", p.Errors)
		}
	})
	t.Run("ErrEmptyBody", func(t *testing.T) {
		t.Parallel()
		r := b.do(t, "POST", "/api/v1/validate", "application/yaml", nil)
		wantStatus(t, r, http.StatusBadRequest)
	})
	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		t.Parallel()
		big := append([]byte("# "+strings.Repeat("x", 5000)+"\n"), small...)
		r := b.do(t, "POST", "/api/v1/validate", "application/yaml", big)
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		problemOf(t, r)
	})
}
