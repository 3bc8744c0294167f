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

// TestServiceGraphEndToEnd sends examples/three_tier.yml (calls, parallel,
// load_balancers, replicas) to the API unchanged, on every configured
// database: it validates, runs, and its result, charts and report carry
// the calls and the per-instance results.
func TestServiceGraphEndToEnd(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "examples", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// A shorter horizon keeps the test fast; the document is otherwise
	// the example's, byte for byte.
	yml := strings.Replace(string(doc), "total_simulation_time: 120", "total_simulation_time: 20", 1)
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, workers: 1})
			v := b.do(t, "POST", "/api/v1/validate", "application/yaml", []byte(yml))
			wantStatus(t, v, http.StatusOK)
			if got := v.json(t)["valid"]; got != true {
				t.Fatalf("validate = %s", v.body)
			}
			r := b.doJSON(t, "POST", "/api/v1/runs", map[string]any{"scenario": yml, "seed": 5})
			wantStatus(t, r, http.StatusAccepted)
			id := mustID(t, r)
			if run := waitFinal(t, b, id, 60*time.Second); run.Status != "succeeded" {
				t.Fatalf("run %s: %s (%s)", id, run.Status, run.Error)
			}
			res := getResult(t, b, id)
			for _, k := range []string{"gateway->auth", "gateway->catalog-lb", "catalog->inventory"} {
				if c, ok := res.Calls[k]; !ok || c.Attempts == 0 || c.Completed == 0 {
					t.Errorf("result calls[%q] = %+v (present %v)", k, c, ok)
				}
			}
			if n := len(res.Servers["catalog"].Instances); n != 3 {
				t.Errorf("catalog has %d instances in the result, want 3", n)
			}
			if c := res.Counts; c.Completed == 0 || c.Generated != c.Completed+c.Dropped+c.Failed+c.InFlight {
				t.Errorf("counts = %+v", c)
			}
			for _, p := range []string{"/charts/dashboard.svg", "/report.html"} {
				wantStatus(t, b.do(t, "GET", runPath(id, p), "", nil), http.StatusOK)
			}
		})
	}
}
