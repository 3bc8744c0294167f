package scenario_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

func benchmarkDecode(b *testing.B, path string, format scenario.Format) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenario.Decode(data, format); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeYAML decodes and validates testdata/valid/full.yml.
func BenchmarkDecodeYAML(b *testing.B) {
	benchmarkDecode(b, filepath.Join("testdata", "valid", "full.yml"), scenario.FormatYAML)
}

// BenchmarkDecodeJSON decodes and validates the canonical JSON of
// testdata/valid/full.yml.
func BenchmarkDecodeJSON(b *testing.B) {
	benchmarkDecode(b, filepath.Join("testdata", "canonical", "full.json"), scenario.FormatJSON)
}

// BenchmarkCanonical computes the canonical form of full.yml.
func BenchmarkCanonical(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "valid", "full.yml"))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenario.Canonical(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate validates testdata/valid/full.yml, the check engine.Run
// makes before every run (and so every replication).
//
//	go test -run '^$' -bench Validate ./scenario
func BenchmarkValidate(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "valid", "full.yml"))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := sc.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
