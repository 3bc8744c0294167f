package scenario_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// TestInvalidGolden decodes every file in testdata/invalid and compares
// the complete error listing with the file's .golden twin.
func TestInvalidGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data, scenario.FormatForName(f))
			if err == nil {
				t.Fatalf("decoded %s without error: %+v", f, sc)
			}
			if sc != nil {
				t.Errorf("Decode returned a scenario along with an error")
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, filepath.Ext(f)) + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("error listing mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if n < 10 {
		t.Fatalf("found %d invalid fixtures, want at least 10", n)
	}
}
