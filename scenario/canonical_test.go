package scenario_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/fastsim/fastsim/scenario"
)

// validFiles lists every scenario that must be valid: testdata/valid,
// the examples, our AsyncFlow-format files and AsyncFlow's valid collection
// when present.
func validFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		filepath.Join("testdata", "valid", "*"),
		filepath.Join("..", "examples", "*.yml"),
		filepath.Join("testdata", "asyncflow", "*.yml"),
		filepath.Join(asyncflowDir, "valid", "*.yml"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// TestCanonicalRoundTrip checks Decode(Canonical(sc)) == sc and that the
// canonical form is a fixed point, on every valid file.
func TestCanonicalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range validFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sc, err := decodeFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, sc)
		})
	}
}

func checkRoundTrip(t *testing.T, sc *scenario.Scenario) {
	t.Helper()
	c1, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scenario.Decode(c1, scenario.FormatJSON)
	if err != nil {
		t.Fatalf("canonical form does not decode: %v\n%s", err, c1)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Fatalf("Decode(Canonical(sc)) != sc (-sc +back):\n%s", diff)
	}
	c2, err := scenario.Canonical(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(c1) != string(c2) {
		t.Fatalf("canonical form is not a fixed point:\n%s\n%s", c1, c2)
	}
}

// TestCanonicalGolden pins the exact bytes of a canonical form: a change
// here changes every cache key.
func TestCanonicalGolden(t *testing.T) {
	t.Parallel()
	sc := loadFull(t)
	got, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "canonical", "full.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := strings.TrimSuffix(string(readFile(t, golden)), "\n")
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("canonical JSON mismatch (-want +got):\n%s", diff)
	}
}

// TestCanonicalEquivalent checks that documents that differ only in
// syntax, key order, defaults and discriminators share one canonical form.
func TestCanonicalEquivalent(t *testing.T) {
	t.Parallel()
	a := `
rqs_input: { id: g, avg_active_users: { mean: 10 }, avg_request_per_minute_per_user: { mean: 6 } }
topology_graph:
  nodes:
    client: { id: c }
    servers: [{ id: s, server_resources: {}, endpoints: [{ endpoint_name: EP, steps: [{ kind: io_wait, step_operation: { io_waiting_time: 0.1 } }] }] }]
  edges:
    - { id: e1, source: g, target: c, latency: { mean: 0.001, distribution: exponential } }
    - { id: e2, source: c, target: s, latency: { mean: 0.001, distribution: exponential } }
    - { id: e3, source: s, target: c, latency: { mean: 0.001, distribution: exponential } }
sim_settings: {}
events: []
`
	b := `{"sim_settings": {"total_simulation_time": 3600, "sample_period_s": 1e-2,
  "enabled_sample_metrics": ["ready_queue_len", "event_loop_io_sleep", "ram_in_use", "edge_concurrent_connection"],
  "enabled_event_metrics": ["rqs_clock"]},
 "topology_graph": {"edges": [
   {"latency": {"distribution": "exponential", "mean": 0.001}, "id": "e1", "source": "g", "target": "c", "dropout_rate": 0.01, "edge_type": "network_connection"},
   {"id": "e2", "source": "c", "target": "s", "latency": {"mean": 0.001, "distribution": "exponential"}},
   {"id": "e3", "source": "s", "target": "c", "latency": {"mean": 0.001, "distribution": "exponential"}}],
  "nodes": {"servers": [{"type": "server", "id": "s", "server_resources": {"ram_mb": 1024, "cpu_cores": 1},
     "endpoints": [{"endpoint_name": "ep", "steps": [{"kind": "io_wait", "step_operation": {"io_waiting_time": 0.10}}]}]}],
   "client": {"id": "c", "type": "client"}}},
 "rqs_input": {"type": "generator", "id": "g", "user_sampling_window": 60,
   "avg_active_users": {"mean": 10, "distribution": "poisson"}, "avg_request_per_minute_per_user": {"mean": 6.0}}}`
	sa, err := scenario.Decode([]byte(a), scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := scenario.Decode([]byte(b), scenario.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := scenario.Canonical(sa)
	cb, _ := scenario.Canonical(sb)
	if string(ca) != string(cb) {
		t.Errorf("canonical forms differ:\n%s\n%s", ca, cb)
	}
}

// TestCanonicalAppliesDefaults checks that a scenario built by hand
// without defaults gets them in its canonical form, and is not modified.
func TestCanonicalAppliesDefaults(t *testing.T) {
	t.Parallel()
	sc := &scenario.Scenario{}
	c, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"user_sampling_window":60`, `"total_simulation_time":3600`, `"sample_period_s":0.01`, `"distribution":"poisson"`, `"servers":[]`, `"edges":[]`} {
		if !strings.Contains(string(c), frag) {
			t.Errorf("canonical form lacks %s:\n%s", frag, c)
		}
	}
	if sc.Settings.TotalSimulationTime != 0 {
		t.Errorf("Canonical modified its argument")
	}
	if _, err := scenario.Canonical(nil); err == nil {
		t.Errorf("Canonical(nil) succeeded")
	}
}

func TestQuantityJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    scenario.Quantity
		want string
	}{
		{"Fixed", scenario.Fixed(0.25), `0.25`},
		{"Random", scenario.Random(scenario.ExpRV(0.5)), `{"mean":0.5,"distribution":"exponential"}`},
		{"RandomVariance", scenario.Random(scenario.NormalRV(1, 0.5)), `{"mean":1,"distribution":"normal","variance":0.5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
			var back scenario.Quantity
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.q, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	var q scenario.Quantity
	if err := json.Unmarshal([]byte(`"fast"`), &q); err == nil {
		t.Errorf("Unmarshal of a string succeeded")
	}
}

// TestYAMLMarshalRoundTrip checks that a scenario marshalled with
// go.yaml.in/yaml/v3 (through the struct tags and Quantity.MarshalYAML)
// decodes back to itself.
func TestYAMLMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	sc := loadFull(t)
	out, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scenario.Decode(out, scenario.FormatYAML)
	if err != nil {
		t.Fatalf("marshalled YAML does not decode: %v\n%s", err, out)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("YAML round trip (-want +got):\n%s", diff)
	}
}
