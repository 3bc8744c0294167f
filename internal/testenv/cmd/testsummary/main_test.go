package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		wantFailed bool
		want       string
	}{
		{
			// Recorded from go test -json ./internal/store/postgres
			// ./internal/store/dial ./version without FASTSIM_TEST_DATABASE_URL.
			file: "pass.json",
			want: "ok  \tgithub.com/fastsim/fastsim/internal/store/postgres\t0.016s\n" +
				"ok  \tgithub.com/fastsim/fastsim/internal/store/dial\t0.082s\n" +
				"ok  \tgithub.com/fastsim/fastsim/version\t0.085s\n" +
				"testenv: 3 PostgreSQL variants skipped: FASTSIM_TEST_DATABASE_URL is unset\n" +
				"3 tests skipped in all (go test -v ./... names each with its reason)\n",
		},
		{
			file:       "fail.json",
			wantFailed: true,
			want: "=== RUN   TestBad\n    a_test.go:9: got 1, want 2\n--- FAIL: TestBad (0.00s)\n" +
				"FAIL\ntestenv: 1 slow test skipped: FASTSIM_SLOW_TESTS is not 1\nFAIL\texample.com/a\t0.500s\n" +
				"testenv: 1 slow test skipped: FASTSIM_SLOW_TESTS is not 1\n" +
				"1 test skipped in all (go test -v ./... names it with its reason)\n",
		},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		failed, err := summarize(f, &out)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if failed != tt.wantFailed || out.String() != tt.want {
			t.Errorf("%s: failed = %v, output:\n%s\nwant failed = %v, output:\n%s", tt.file, failed, out.String(), tt.wantFailed, tt.want)
		}
	}
}

func TestSummarizeNotJSON(t *testing.T) {
	t.Parallel()
	if _, err := summarize(strings.NewReader("ok  \texample.com/a\t0.1s\n"), &bytes.Buffer{}); err == nil {
		t.Error("plain go test output accepted")
	}
}
