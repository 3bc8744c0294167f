// Command testsummary reads the output of `go test -json` and prints what
// `go test ./...` prints (one ok or FAIL line per package, the output of
// failed tests), then closing lines that say how many tests did not run
// and why. `go test ./...` cannot say it itself: in package-list mode the
// go command discards the whole output of a package that passes, the
// lines testenv.Main prints included.
//
//	go test -json ./... | go run ./internal/testenv/cmd/testsummary
//
// prints, without FASTSIM_TEST_DATABASE_URL, for example
//
//	ok  	github.com/fastsim/fastsim/internal/api	11.095s
//	...
//	testenv: 23 PostgreSQL variants skipped: FASTSIM_TEST_DATABASE_URL is unset
//	31 tests skipped in all (go test -v ./... names each with its reason)
//
// It exits with status 1 when a package or a test failed or the input is
// not `go test -json` output.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	failed, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// reportLine is a line of testenv.Main: "testenv: N <what> skipped: <why>",
// <what> singular or plural.
var reportLine = regexp.MustCompile(`^testenv: (\d+) (.+?) skipped: (.+)$`)

// skipKind is what was skipped (singular) and why.
type skipKind struct{ what, why string }

// summarize copies the package lines and the failures of the events read
// from r to w, then the skip totals; failed reports a failure.
func summarize(r io.Reader, w io.Writer) (failed bool, err error) {
	type key struct{ pkg, test string }
	outputs := map[key][]string{} // output of each test, kept until it ends
	skips := map[skipKind]int{}   // testenv.Main's counts, summed
	skippedTests := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return true, fmt.Errorf("not go test -json output (%w): %.80q", err, line)
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output":
			outputs[k] = append(outputs[k], e.Output)
			if e.Test == "" {
				if m := reportLine.FindStringSubmatch(strings.TrimSpace(e.Output)); m != nil {
					n, _ := strconv.Atoi(m[1])
					skips[skipKind{strings.TrimSuffix(m[2], "s"), m[3]}] += n
				}
			}
		case "skip":
			if e.Test != "" {
				skippedTests++
			}
			delete(outputs, k)
		case "pass":
			delete(outputs, k)
			if e.Test == "" {
				fmt.Fprintf(w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
		case "fail":
			// A failed test's output, or a failed package's own (its
			// FAIL line, a build error or a panic), as go test shows it.
			failed = true
			for _, o := range outputs[k] {
				fmt.Fprint(w, o)
			}
			delete(outputs, k)
		}
	}
	if err := sc.Err(); err != nil {
		return true, fmt.Errorf("read go test -json output: %w", err)
	}
	kinds := slices.SortedFunc(maps.Keys(skips), func(a, b skipKind) int {
		return strings.Compare(a.what+a.why, b.what+b.why)
	})
	for _, k := range kinds {
		what := k.what
		if skips[k] != 1 {
			what += "s"
		}
		fmt.Fprintf(w, "testenv: %d %s skipped: %s\n", skips[k], what, k.why)
	}
	switch {
	case skippedTests == 1:
		fmt.Fprintln(w, "1 test skipped in all (go test -v ./... names it with its reason)")
	case skippedTests > 1:
		fmt.Fprintf(w, "%d tests skipped in all (go test -v ./... names each with its reason)\n", skippedTests)
	}
	if skippedTests == 0 && len(skips) == 0 && !failed {
		fmt.Fprintln(w, "no test skipped")
	}
	return failed, nil
}
