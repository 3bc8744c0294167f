package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// asyncflowDir is AsyncFlow's own scenario collection, kept beside the
// repository (never copied into it).
var asyncflowDir = filepath.Join("..", "..", "shared", "asyncflow")

func asyncflowFiles(t *testing.T, sub string) []string {
	t.Helper()
	dir := filepath.Join(asyncflowDir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("AsyncFlow scenarios not found at %s: %v", dir, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no scenarios in %s", dir)
	}
	return files
}

// TestAsyncFlowValid decodes and validates every valid AsyncFlow
// scenario.
func TestAsyncFlowValid(t *testing.T) {
	t.Parallel()
	for _, f := range asyncflowFiles(t, "valid") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sc, err := decodeFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Topology.Nodes.Servers) == 0 || len(sc.Topology.Edges) == 0 {
				t.Errorf("decoded an empty topology: %+v", sc.Topology)
			}
		})
	}
}

// TestAsyncFlowInvalid checks that every invalid AsyncFlow scenario is
// rejected with a message naming the problem AsyncFlow's own test names.
func TestAsyncFlowInvalid(t *testing.T) {
	t.Parallel()
	wants := map[string][]want{
		"missing_field.yml": {
			{"topology_graph.nodes.servers[0].server_resources", `is required (missing key "server_resources")`},
			{"topology_graph.nodes.servers[0].endpoints[0].steps[0].kind", `unknown value "cpu_parse"`},
		},
		"negative_latency.yml": {
			{"topology_graph.edges[0].latency.mean", "must be > 0 for a latency, got -0.001"},
		},
		"wrong_enum.yml": {
			{"rqs_input.avg_request_per_minute_per_user.distribution", `unknown value "gamma"; accepted values: exponential`},
		},
	}
	files := asyncflowFiles(t, "invalid")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeFile(f)
			var ve *scenario.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error = %v, want a *scenario.ValidationError", err)
			}
			ws, ok := wants[name]
			if !ok {
				t.Fatalf("no expectation for %s; its errors are:\n%v", name, err)
			}
			for _, w := range ws {
				found := false
				for _, fe := range ve.Errors {
					if fe.Path == w.path && strings.Contains(fe.Message, w.phrase) {
						found = true
					}
				}
				if !found {
					t.Errorf("no error at %q containing %q in:\n%v", w.path, w.phrase, err)
				}
			}
		})
	}
}
