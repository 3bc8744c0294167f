package job_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestJobKnowsNoDatabase proves the database seam: package job imports no
// database driver, no River driver and no dialect package (each dialect
// hands it River through store.Backend), and not the engine (fastsim
// re-exports what it needs).
func TestJobKnowsNoDatabase(t *testing.T) {
	t.Parallel()
	// go test puts its own go command first on PATH.
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"database/sql", "github.com/jackc/pgx", "github.com/riverqueue/river/riverdriver", "modernc.org/sqlite",
		"github.com/fastsim/fastsim/internal/store/postgres", "github.com/fastsim/fastsim/internal/store/sqlite",
		"github.com/fastsim/fastsim/engine",
	}
	imports := strings.Fields(string(out))
	if len(imports) < 5 {
		t.Fatalf("go list found only %q: not package job's imports", imports)
	}
	for _, imp := range imports {
		for _, f := range forbidden {
			if imp == f || strings.HasPrefix(imp, f+"/") {
				t.Errorf("package job imports %s", imp)
			}
		}
	}
}
