package scenario_test

import (
	"path/filepath"
	"testing"
)

// TestExamples checks that every file in examples/ decodes, validates
// and draws no warning, and that the required examples exist.
func TestExamples(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[filepath.Base(f)] = true
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sc, err := decodeFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if w := sc.Warnings(); len(w) > 0 {
				t.Errorf("warnings: %v", w)
			}
			if h := sc.Settings.TotalSimulationTime; h > 300 {
				t.Errorf("horizon %d s; keep examples fast (<= 300 s)", h)
			}
		})
	}
	for _, name := range []string{"single_server.yml", "lb_two_servers.yml", "outage_and_spike.yml", "db_pool.yml", "overload.yml",
		"two_classes.yml", "diurnal.yml", "closed.yml", "three_tier.yml", "fan_out.yml",
		"retry_storm.yml", "retry_storm_mitigated.yml", "rate_limited_api.yml", "autoscaled_diurnal.yml"} {
		if !seen[name] {
			t.Errorf("examples/%s is missing", name)
		}
	}
}
