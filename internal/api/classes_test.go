package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fastsim/fastsim/internal/testenv"
)

// TestRunTwoClasses runs examples/two_classes.yml (a list of request
// classes, spec §11) end to end on every configured database: the API
// stores it unchanged, runs it, and serves its per-class results and
// report.
func TestRunTwoClasses(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "two_classes.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, workers: 1})
			sid := createScenario(t, b, "two-classes", data)["id"].(string)
			r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario_id": sid, "seed": 3})
			wantStatus(t, r, http.StatusAccepted)
			id := mustID(t, r)
			if run := waitFinal(t, b, id, 60*time.Second); run.Status != "succeeded" {
				t.Fatalf("run %s: %+v", run.Status, run)
			}
			res := getResult(t, b, id)
			if len(res.Classes) != 2 {
				t.Fatalf("classes = %v, want browse and checkout", res.Classes)
			}
			var generated, completed int64
			for _, name := range []string{"browse", "checkout"} {
				c, ok := res.Classes[name]
				if !ok || c.Counts.Completed == 0 || c.Latency.Mean <= 0 {
					t.Errorf("classes.%s = %+v, want completed requests with a latency", name, c)
				}
				generated += c.Counts.Generated
				completed += c.Counts.Completed
			}
			if generated != res.Counts.Generated || completed != res.Counts.Completed {
				t.Errorf("classes sum to %d generated, %d completed; counts say %d, %d",
					generated, completed, res.Counts.Generated, res.Counts.Completed)
			}
			// Checkout runs the heavy endpoint: 8 ms of CPU and a 60 ms
			// database write against browse's 2 ms and 20 ms cache read.
			if br, co := res.Classes["browse"].Latency.Mean, res.Classes["checkout"].Latency.Mean; !(co > br+0.04) {
				t.Errorf("mean latency: checkout %v s, browse %v s; want checkout ~46 ms slower", co, br)
			}
			rep := b.do(t, "GET", runPath(id, "/report.html"), "", nil)
			wantStatus(t, rep, http.StatusOK)
			if !strings.Contains(string(rep.body), "Request classes") {
				t.Errorf("HTML report lacks the per-class table")
			}
		})
	}
}
