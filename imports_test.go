package fastsim_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraryImports proves that the library never imports the service:
// the packages below (and everything they import) must not depend on HTTP,
// SQL, the database and queue drivers, Redis or internal/, and only report
// may pull in plotting (style guide, habit 2).
func TestLibraryImports(t *testing.T) {
	t.Parallel()
	// go test puts its own go command first on PATH.
	forbidden := []string{
		"net/http", "database/sql",
		"github.com/jackc/pgx", "github.com/redis/", "github.com/riverqueue/",
		"modernc.org/sqlite", "github.com/danielgtaylor/huma",
		"github.com/fastsim/fastsim/internal/", "github.com/fastsim/fastsim/cmd/",
	}
	tests := []struct {
		pkg      string
		plotting bool
	}{
		{".", false},
		{"./scenario", false},
		{"./engine", false},
		{"./result", false},
		{"./analysis", false},
		{"./report", true},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
			}
			bad := forbidden
			if !tt.plotting {
				bad = append(bad[:len(bad):len(bad)], "gonum.org/v1/plot")
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, b := range bad {
					if dep == strings.TrimSuffix(b, "/") || strings.HasPrefix(dep, b) {
						t.Errorf("%s imports %s (forbidden: %s)", tt.pkg, dep, b)
					}
				}
			}
		})
	}
}
