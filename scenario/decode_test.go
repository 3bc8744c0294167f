package scenario_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeDefaults checks every default of AsyncFlow on the smallest
// document, in YAML and in JSON.
func TestDecodeDefaults(t *testing.T) {
	t.Parallel()
	cpu := scenario.Fixed(0.001)
	wantYAML := &scenario.Scenario{
		Workload: scenario.Workload{
			ID:                         "gen",
			AvgActiveUsers:             scenario.RV{Mean: 10, Distribution: scenario.Poisson},
			AvgRequestPerMinutePerUser: scenario.RV{Mean: 6, Distribution: scenario.Poisson},
			UserSamplingWindow:         60,
		},
		Topology: scenario.Topology{
			Nodes: scenario.Nodes{
				Client: scenario.Client{ID: "client"},
				Servers: []scenario.Server{{
					ID:        "srv",
					Resources: scenario.ServerResources{CPUCores: 1, RAMMB: 1024},
					Endpoints: []scenario.Endpoint{{Name: "ep", Steps: []scenario.Step{
						{Kind: scenario.CPUBoundOperation, Operation: scenario.Operation{CPUTime: &cpu}},
					}}},
				}},
			},
			Edges: []scenario.Edge{
				{ID: "e1", Source: "gen", Target: "client", Latency: scenario.ExpRV(0.001), EdgeType: scenario.NetworkConnection, DropoutRate: 0.01},
				{ID: "e2", Source: "client", Target: "srv", Latency: scenario.ExpRV(0.001), EdgeType: scenario.NetworkConnection, DropoutRate: 0.01},
				{ID: "e3", Source: "srv", Target: "client", Latency: scenario.ExpRV(0.001), EdgeType: scenario.NetworkConnection, DropoutRate: 0.01},
			},
		},
		Settings: scenario.Settings{
			TotalSimulationTime:  3600,
			SamplePeriodS:        0.01,
			EnabledSampleMetrics: []scenario.SampleMetric{scenario.ReadyQueueLen, scenario.EventLoopIOSleep, scenario.RAMInUse, scenario.EdgeConcurrentConnection},
			EnabledEventMetrics:  []scenario.EventMetric{scenario.RqsClock},
		},
	}
	wantJSON := wantYAML.Clone()
	srv := &wantJSON.Topology.Nodes.Servers[0]
	srv.Resources = scenario.ServerResources{CPUCores: 2, RAMMB: 512}
	io := scenario.Random(scenario.ExpRV(0.01))
	srv.Endpoints[0].Steps = append(srv.Endpoints[0].Steps, scenario.Step{Kind: scenario.IOWait, Operation: scenario.Operation{IOWaitingTime: &io}})
	wantJSON.Settings.TotalSimulationTime = 60

	tests := []struct {
		name   string
		file   string
		format scenario.Format
		want   *scenario.Scenario
	}{
		{"YAML", "minimal.yml", scenario.FormatYAML, wantYAML},
		{"YAMLAuto", "minimal.yml", scenario.FormatAuto, wantYAML},
		{"JSON", "minimal.json", scenario.FormatJSON, wantJSON},
		{"JSONAuto", "minimal.json", scenario.FormatAuto, wantJSON},
		{"JSONAsYAML", "minimal.json", scenario.FormatYAML, wantJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := scenario.Decode(readFile(t, filepath.Join("testdata", "valid", tt.file)), tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			// Defaults are idempotent.
			again := got.Clone()
			again.ApplyDefaults()
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("ApplyDefaults changed a decoded scenario:\n%s", diff)
			}
		})
	}
}

// TestDecodeFull checks the values of the file that uses every key.
func TestDecodeFull(t *testing.T) {
	t.Parallel()
	sc := loadFull(t)
	a := sc.Topology.Nodes.Servers[0]
	if got := a.Endpoints[0].Name; got != "/read" {
		t.Errorf("endpoint name = %q, want lower-cased /read", got)
	}
	if got := *a.Endpoints[0].Probability; got != 0.75 {
		t.Errorf("probability = %v, want 0.75", got)
	}
	if got := *a.Resources.DBConnectionPool; got != 5 {
		t.Errorf("db_connection_pool = %d, want 5", got)
	}
	q := a.Endpoints[0].Steps[2].Operation.IOWaitingTime
	if q.IsFixed() || q.RV.Distribution != scenario.LogNormal || *q.RV.Variance != 0.0001 || q.Mean() != 0.02 {
		t.Errorf("io_db step = %+v %+v, want log_normal mean 0.02 variance 0.0001", q, q.RV)
	}
	if got := a.Endpoints[1].Steps[0].Operation.CPUTime.Mean(); got != 0.002 {
		t.Errorf("RV cpu_time mean = %v, want 0.002", got)
	}
	if sc.Workload.Type != "" || a.Type != "" || sc.Topology.Nodes.Client.Type != "" {
		t.Errorf("type discriminators should be dropped after checking")
	}
	lb := sc.Topology.Nodes.LoadBalancer
	if lb.Algorithm != scenario.LeastConnection || !cmp.Equal(lb.ServerCovered, []string{"srv-a", "srv-b"}) {
		t.Errorf("load balancer = %+v", lb)
	}
	if got := sc.Topology.Edges[0].DropoutRate; got != 0 {
		t.Errorf("explicit dropout_rate 0 became %v", got)
	}
	if got := sc.Topology.Edges[5].DropoutRate; got != 0.001 {
		t.Errorf("dropout_rate = %v, want 0.001", got)
	}
	if got := sc.Topology.Edges[1].DropoutRate; got != 0.01 {
		t.Errorf("absent dropout_rate = %v, want the default 0.01", got)
	}
	if got := sc.Settings.EnabledEventMetrics; !cmp.Equal(got, []scenario.EventMetric{scenario.RqsClock, scenario.LLMCost}) {
		t.Errorf("event metrics = %v", got)
	}
	if len(sc.Events) != 4 || *sc.Events[3].Start.SpikeS != 0.05 || sc.Events[3].End.TEnd != 120 {
		t.Errorf("events = %+v", sc.Events)
	}
}

// TestDecodeErrors covers decoding rules one document at a time.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	minimal := string(readFile(t, filepath.Join("testdata", "valid", "minimal.yml")))
	replace := func(old, new string) string {
		if !strings.Contains(minimal, old) {
			t.Fatalf("minimal.yml has no %q", old)
		}
		return strings.Replace(minimal, old, new, 1)
	}
	tests := []struct {
		name   string
		doc    string
		format scenario.Format
		want   []want
	}{
		{"OK", minimal, scenario.FormatYAML, nil},
		{"OKWholeFloatForInt", replace("server_resources: {}", "server_resources: { cpu_cores: 2.0, ram_mb: 0x400 }"), scenario.FormatYAML, nil},
		{"OKNullOptional", replace("sim_settings: {}", "sim_settings: { sample_period_s: null }\nevents: ~"), scenario.FormatYAML, nil},
		{"OKBOM", "\ufeff" + minimal, scenario.FormatYAML, nil},
		{"ErrExplicitZeroNotDefaulted", replace("server_resources: {}", "server_resources: { cpu_cores: 0 }"), scenario.FormatYAML,
			[]want{{"topology_graph.nodes.servers[0].server_resources.cpu_cores", "must be a whole number >= 1, got 0"}}},
		{"ErrFraction", replace("server_resources: {}", "server_resources: { cpu_cores: 1.5 }"), scenario.FormatYAML,
			[]want{{"topology_graph.nodes.servers[0].server_resources.cpu_cores", "must be a whole number, got 1.5"}}},
		{"ErrYAMLAsJSON", minimal, scenario.FormatJSON,
			[]want{{"", "invalid JSON"}}},
		{"ErrTrailingYAMLDocument", minimal + "---\nfoo: 1\n", scenario.FormatYAML,
			[]want{{"", "more than one YAML document"}}},
		{"ErrNullRequired", replace("client: { id: client }", "client: ~"), scenario.FormatYAML,
			[]want{{"topology_graph.nodes.client", "is required but is null"}}},
		{"ErrKeyNotString", replace("sim_settings: {}", "sim_settings: { [a]: 1 }"), scenario.FormatYAML,
			[]want{{"sim_settings", "keys must be plain strings, got a list"}}},
		{"ErrEnumNotString", replace("{ mean: 10 }", "{ mean: 10, distribution: [poisson] }"), scenario.FormatYAML,
			[]want{{"rqs_input.avg_active_users.distribution", "must be one of exponential, normal, log_normal, uniform, poisson, deterministic, got a list"}}},
		{"ErrQuantityRVBad", replace("cpu_time: 0.001", "cpu_time: { mean: 0.001, distribution: exponential, sd: 1 }"), scenario.FormatYAML,
			[]want{{"topology_graph.nodes.servers[0].endpoints[0].steps[0].step_operation.cpu_time.sd", `unknown key "sd"`}}},
		{"ErrTypoKeepsGraphChecks", strings.Replace(replace("target: client, latency", "target: client, latncy"), "- { id: e3, source: srv, target: client, latency: { mean: 0.001, distribution: exponential } }", "", 1), scenario.FormatYAML,
			[]want{
				{"topology_graph.nodes.servers[0].id", `server "srv" has no outgoing edge`},
				{"topology_graph.edges[0].latency", `is required (missing key "latency")`},
				{"topology_graph.edges[0].latncy", `unknown key "latncy" (did you mean "latency"?)`},
			}},
		{"ErrBadSourceSkipsGraphChecks", strings.Replace(minimal, "- { id: e3, source: srv, target: client,", "- { id: e3, source: [srv], target: client,", 1), scenario.FormatYAML,
			[]want{{"topology_graph.edges[2].source", "must be a string, got a list"}}},
		{"ErrTooLarge", minimal + "#" + strings.Repeat("x", scenario.MaxDocumentSize), scenario.FormatYAML,
			[]want{{"", "document is larger than"}}},
		{"ErrDeepNesting", strings.Repeat("[", 20000), scenario.FormatAuto,
			[]want{{"", "invalid YAML"}}},
		{"ErrScalarDocument", "42", scenario.FormatAuto,
			[]want{{"", "must be a mapping with the keys rqs_input, topology_graph, sim_settings, events, got the number 42"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenario.Decode([]byte(tt.doc), tt.format)
			checkErrors(t, err, tt.want)
		})
	}
}

func TestDecodeLines(t *testing.T) {
	t.Parallel()
	asyncflowFiles(t, "invalid") // skips, saying why, where the folder is absent
	_, err := scenario.Decode(readFile(t, filepath.Join(asyncflowDir, "invalid", "negative_latency.yml")), scenario.FormatYAML)
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Skipf("AsyncFlow file unavailable or accepted: %v", err)
	}
	for _, fe := range ve.Errors {
		if fe.Path == "topology_graph.edges[0].latency.mean" && fe.Line != 14 {
			t.Errorf("line = %d, want 14", fe.Line)
		}
	}
}

func TestDecodeReader(t *testing.T) {
	t.Parallel()
	data := readFile(t, filepath.Join("testdata", "valid", "minimal.json"))
	sc, err := scenario.DecodeReader(bytes.NewReader(data), scenario.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Topology.Nodes.Servers[0].Endpoints[0].Name != "ep" {
		t.Errorf("endpoint name = %q, want ep", sc.Topology.Nodes.Servers[0].Endpoints[0].Name)
	}
	_, err = scenario.DecodeReader(bytes.NewReader(make([]byte, scenario.MaxDocumentSize+10)), scenario.FormatAuto)
	checkErrors(t, err, []want{{"", "document is larger than"}})
}

// decodeFile decodes a file through DecodeFS.
func decodeFile(path string) (*scenario.Scenario, error) {
	return scenario.DecodeFS(os.DirFS(filepath.Dir(path)), filepath.Base(path))
}

func TestDecodeFSErrors(t *testing.T) {
	t.Parallel()
	_, err := decodeFile(filepath.Join("testdata", "does-not-exist.yml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want fs.ErrNotExist", err)
	}
	_, err = decodeFile(filepath.Join("testdata", "invalid", "bad_enums.yml"))
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "bad_enums.yml") {
		t.Errorf("error = %v, want a wrapped *ValidationError naming the file", err)
	}
}

func TestFormatForName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]scenario.Format{
		"a.json": scenario.FormatJSON, "a.YAML": scenario.FormatYAML, "a.yml": scenario.FormatYAML, "a": scenario.FormatAuto,
	} {
		if got := scenario.FormatForName(name); got != want {
			t.Errorf("FormatForName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestDecodeJSONEscapes checks JSON escapes that the YAML parser does not
// know (\/ and surrogate pairs) and that line numbers survive in JSON.
func TestDecodeJSONEscapes(t *testing.T) {
	t.Parallel()
	data := string(readFile(t, filepath.Join("testdata", "valid", "minimal.json")))
	doc := strings.Replace(data, `"endpoint_name": "EP"`, `"endpoint_name": "\/API\u00e9\ud83d\ude00"`, 1)
	sc, err := scenario.Decode([]byte(doc), scenario.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Topology.Nodes.Servers[0].Endpoints[0].Name; got != "/apié😀" {
		t.Errorf("endpoint name = %q, want %q", got, "/apié😀")
	}
	doc = strings.Replace(data, `"cpu_cores": 2`, `"cpu_cores": "2"`, 1)
	_, err = scenario.Decode([]byte(doc), scenario.FormatAuto)
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Line != 6 ||
		ve.Errors[0].Path != "topology_graph.nodes.servers[0].server_resources.cpu_cores" {
		t.Errorf("error = %#v, want one error at cpu_cores on line 6", err)
	}
}

// TestDecodeManyErrors checks that a hopeless document lists at most
// MaxErrors problems and says how many more there are.
func TestDecodeManyErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("sim_settings:\n")
	for i := range 150 {
		fmt.Fprintf(&b, "  key%03d: 1\n", i)
	}
	_, err := scenario.Decode([]byte(b.String()), scenario.FormatYAML)
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v", err)
	}
	if len(ve.Errors) != scenario.MaxErrors+1 {
		t.Fatalf("got %d entries, want %d", len(ve.Errors), scenario.MaxErrors+1)
	}
	// 150 unknown keys + rqs_input and topology_graph missing = 152.
	last := ve.Errors[scenario.MaxErrors]
	if last.Path != "" || last.Message != "and 52 more problems not listed; fix the ones above first" {
		t.Errorf("last entry = %+v", last)
	}
	if first := ve.Errors[0]; first.Path != "rqs_input" || first.Message != `is required (missing key "rqs_input")` {
		t.Errorf("first entry = %+v, want the missing rqs_input", first)
	}
}

// TestDecodeMergeKeys checks YAML merge keys: own keys win, merged ones
// fill the rest.
func TestDecodeMergeKeys(t *testing.T) {
	t.Parallel()
	sc, err := decodeFile(filepath.Join("testdata", "valid", "anchors_and_merges.yml"))
	if err != nil {
		t.Fatal(err)
	}
	servers := sc.Topology.Nodes.Servers
	if servers[1].ID != "srv-2" || !cmp.Equal(servers[0].Endpoints, servers[1].Endpoints) || servers[1].Resources.CPUCores != 2 {
		t.Errorf("merged server = %+v", servers[1])
	}
	edges := sc.Topology.Edges
	if e := edges[5]; e.ID != "srv2-client" || e.Source != "srv-2" || e.DropoutRate != 0.001 || e.Latency != scenario.ExpRV(0.002) {
		t.Errorf("merged edge = %+v", e)
	}
	if e := edges[2]; e.ID != "lb-1" || e.DropoutRate != 0 || e.Latency.Mean != 0.002 {
		t.Errorf("edge merged from a list = %+v", e)
	}
}

// TestDecodeEndpointWeight reads the `weight` extension of spec §5 and
// keeps it through the canonical form.
func TestDecodeEndpointWeight(t *testing.T) {
	t.Parallel()
	minimal := string(readFile(t, filepath.Join("testdata", "valid", "minimal.yml")))
	doc := strings.Replace(minimal, `          - endpoint_name: ep
`, `          - endpoint_name: fast
            weight: 3
            steps:
              - { kind: cpu_bound_operation, step_operation: { cpu_time: 0.001 } }
          - endpoint_name: ep
            weight: 1
`, 1)
	sc, err := scenario.Decode([]byte(doc), scenario.FormatYAML)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	eps := sc.Topology.Nodes.Servers[0].Endpoints
	if len(eps) != 2 || eps[0].Weight == nil || *eps[0].Weight != 3 || eps[1].Weight == nil || *eps[1].Weight != 1 {
		t.Fatalf("endpoints = %+v, want weights 3 and 1", eps)
	}
	c, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scenario.Decode(c, scenario.FormatJSON)
	if err != nil {
		t.Fatalf("Decode(Canonical): %v", err)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("canonical round trip (-want +got):\n%s", diff)
	}
}
