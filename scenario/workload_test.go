package scenario_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/fastsim/fastsim/scenario"
)

// classesBuilder builds testdata/valid/classes.yml in Go.
func classesBuilder() *scenario.Builder {
	return scenario.New().
		Generator("browse", 10, 6).Endpoint("Search").
		Profile(scenario.ProfilePoint{T: 0, X: 0.5}, scenario.ProfilePoint{T: 100, X: 2}).
		ClosedClass("shoppers", 5, scenario.ExpRV(2)).
		Client("client").
		Server(scenario.NewServer("srv").Endpoint("search", scenario.CPU(0.001))).
		Edge("e1", "browse", "client", scenario.ExpRV(0.001)).
		Edge("e0", "shoppers", "client", scenario.ExpRV(0.001)).
		Edge("e2", "client", "srv", scenario.ExpRV(0.001)).
		Edge("e3", "srv", "client", scenario.ExpRV(0.001)).
		Horizon(200)
}

func TestClassesBuilderMatchesDecode(t *testing.T) {
	t.Parallel()
	built, err := classesBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := decodeFile(filepath.Join("testdata", "valid", "classes.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decoded, built); diff != "" {
		t.Errorf("built scenario differs from the YAML one (-yaml +built):\n%s", diff)
	}
	if got := len(decoded.Generators()); got != 2 {
		t.Errorf("Generators() has %d generators, want 2", got)
	}
	if decoded.Workload.Endpoint != "search" {
		t.Errorf("endpoint = %q, want it lower-cased to %q", decoded.Workload.Endpoint, "search")
	}
}

func TestClassesYAMLMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	sc, err := decodeFile(filepath.Join("testdata", "valid", "classes.yml"))
	if err != nil {
		t.Fatal(err)
	}
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

func TestBuilderEndpointBeforeGenerator(t *testing.T) {
	t.Parallel()
	_, err := scenario.New().Endpoint("x").Build()
	if err == nil {
		t.Fatal("Build accepted Endpoint before any generator")
	}
}

func TestWorkloadMeanRate(t *testing.T) {
	t.Parallel()
	open := scenario.Workload{AvgActiveUsers: scenario.PoissonRV(10), AvgRequestPerMinutePerUser: scenario.PoissonRV(6)} // 1 req/s
	ramp := open
	ramp.Profile = []scenario.ProfilePoint{{T: 0, X: 0}, {T: 100, X: 2}}
	step := open
	step.Profile = []scenario.ProfilePoint{{T: 0, X: 1}, {T: 50, X: 1}, {T: 50.5, X: 3}}
	closed := scenario.Workload{Type: scenario.WorkloadClosed, Users: 20, ThinkTime: &scenario.RV{Mean: 4}}
	tests := []struct {
		name string
		w    scenario.Workload
		h    float64
		area float64 // ∫ x over [0, h], by hand
		rate float64
	}{
		{"NoProfile", open, 200, 200, 1},
		{"RampCut", ramp, 50, 25, 0.5},                  // x = t/50: ∫0..50 = 25
		{"RampThenHeld", ramp, 200, 100 + 200, 1.5},     // 100 on the ramp, then 2 × 100
		{"Step", step, 100, 50 + 0.5*2 + 3*49.5, 1.995}, // 50 + trapezoid (1+3)/2·0.5 + 3·49.5 = 199.5
		{"Closed", closed, 100, 100, 5},                 // 20 users / 4 s
	}
	for _, tc := range tests {
		if got := tc.w.ProfileArea(tc.h); math.Abs(got-tc.area) > 1e-9 {
			t.Errorf("%s: ProfileArea(%v) = %v, want %v", tc.name, tc.h, got, tc.area)
		}
		if got := tc.w.MeanRate(tc.h); math.Abs(got-tc.rate) > 1e-9 {
			t.Errorf("%s: MeanRate(%v) = %v, want %v", tc.name, tc.h, got, tc.rate)
		}
	}
}
