package testenv_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMemoryCeilingsRunWithoutRace keeps .ci/run's "memory ceilings" step
// in step with the code: it must name exactly the tests that call
// RequireMemoryCeiling, since those skip under the race detector and would
// otherwise never be enforced.
func TestMemoryCeilingsRunWithoutRace(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-run '\^\(([A-Za-z0-9_|]+)\)\$'`).FindSubmatch(ci)
	if m == nil {
		t.Fatal(".ci/run has no memory-ceiling step of the form -run '^(TestA|TestB)$'")
	}
	listed := strings.Split(string(m[1]), "|")
	slices.Sort(listed)

	var found []string
	decl := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\) \{\n(?:\t.*\n){0,3}?\ttestenv\.RequireMemoryCeiling\(t\)`)
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllSubmatch(b, -1) {
			found = append(found, string(m[1]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(found)
	if !slices.Equal(listed, found) {
		t.Errorf(".ci/run's memory-ceiling step runs %v; the tests calling RequireMemoryCeiling are %v", listed, found)
	}
}
