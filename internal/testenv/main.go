package testenv

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"testing"
)

// The tests of this binary skipped for want of a service or a flag,
// counted by RequirePostgres and RequireSlow and reported by Main.
var (
	skippedPostgres atomic.Int64
	skippedSlow     atomic.Int64
)

// Main runs the tests of a package with integration or slow tests and
// then, when some did not run, says how many and why on its last lines,
// e.g.
//
//	testenv: 7 PostgreSQL variants skipped: FASTSIM_TEST_DATABASE_URL is unset
//	testenv: 1 slow test skipped: FASTSIM_SLOW_TESTS is not 1
//
// Every such package calls it from its TestMain (TestEveryIntegrationPackageReports
// checks it):
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
//
// `go test ./...` (package-list mode) discards the output of a package
// that passes, these lines included: see them with `go test -v`, or with
// the closing lines of
//
//	go test -json ./... | go run ./internal/testenv/cmd/testsummary
func Main(m *testing.M) int {
	code := m.Run()
	report(os.Stdout, skippedPostgres.Load(), skippedSlow.Load())
	return code
}

// report writes Main's lines for the counts of skipped tests.
func report(w io.Writer, postgres, slow int64) {
	if postgres > 0 {
		fmt.Fprintf(w, "testenv: %d PostgreSQL %s skipped: %s is unset\n", postgres, plural(postgres, "variant", "variants"), DatabaseURLVar)
	}
	if slow > 0 {
		fmt.Fprintf(w, "testenv: %d slow %s skipped: %s is not 1\n", slow, plural(slow, "test", "tests"), SlowVar)
	}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
