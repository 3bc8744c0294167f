package testenv

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		postgres, slow int64
		want           string
	}{
		{"None", 0, 0, ""},
		{"OnePostgres", 1, 0, "testenv: 1 PostgreSQL variant skipped: FASTSIM_TEST_DATABASE_URL is unset\n"},
		{"Both", 7, 2, "testenv: 7 PostgreSQL variants skipped: FASTSIM_TEST_DATABASE_URL is unset\n" +
			"testenv: 2 slow tests skipped: FASTSIM_SLOW_TESTS is not 1\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		report(&b, tt.postgres, tt.slow)
		if b.String() != tt.want {
			t.Errorf("%s: report = %q, want %q", tt.name, b.String(), tt.want)
		}
	}
}

// skippers are the helpers that may skip a test for want of a service or
// a flag, and count it for Main.
var skippers = regexp.MustCompile(`testenv\.(RequirePostgres|Postgres|PostgresUnmigrated|PostgresURL|StoreFor|Dialects|RequireSlow)\(`)

// TestEveryIntegrationPackageReports finds every package of the module
// whose tests call a skipping helper and checks that its TestMain calls
// Main, so that no skip goes unreported.
func TestEveryIntegrationPackageReports(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	uses, reports := map[string]bool{}, map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == "." {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		uses[dir] = uses[dir] || skippers.Match(b)
		reports[dir] = reports[dir] || bytes.Contains(b, []byte("testenv.Main(m)"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) == 0 {
		t.Fatal("found no test files: wrong module root?")
	}
	for dir, u := range uses {
		if u && !reports[dir] {
			t.Errorf("%s: tests call testenv helpers that skip, but no TestMain calls testenv.Main: add\n\tfunc TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }", dir)
		}
	}
}
