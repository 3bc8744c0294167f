package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// TestServiceGraphRefused: until the engine simulates calls, replicas and
// several load balancers, Run refuses a scenario that uses them with
// ErrServiceGraph instead of giving results that ignore them.
func TestServiceGraphRefused(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "scenario", "testdata", "graphs", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), sc, Options{Seed: 1})
	if !errors.Is(err, ErrServiceGraph) || r != nil {
		t.Fatalf("Run = %v, %v; want nil, ErrServiceGraph", r, err)
	}
}
