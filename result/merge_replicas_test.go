package result

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeReplicasCostAndInstances(t *testing.T) {
	t.Parallel()
	// Two runs of an autoscaled server: the first ran api#1 and api#2, the
	// second api#1 and api#3 (only instances that ran are listed).
	a := replication(1, 1, []float64{0.01})
	b := replication(2, 3, []float64{0.02})
	cost := func(v float64) *float64 { return &v }
	a.Servers["api"] = ServerStats{Requests: 10, Utilization: 0.5,
		Replicas: &ReplicaStats{Mean: 1.5, Min: 1, Max: 2}, Cost: cost(0.25),
		Instances: map[string]ServerStats{
			"api#1": {Requests: 6, Utilization: 0.6, RAMInUse: &Summary{Mean: 2, Max: 4}},
			"api#2": {Requests: 4, Utilization: 0.4, RAMInUse: &Summary{Mean: 1, Max: 2}},
		}}
	b.Servers["api"] = ServerStats{Requests: 20, Utilization: 0.7,
		Replicas: &ReplicaStats{Mean: 2.5, Min: 2, Max: 3}, Cost: cost(0.75),
		Instances: map[string]ServerStats{
			"api#1": {Requests: 12, Utilization: 0.8, RAMInUse: &Summary{Mean: 4, Max: 8}},
			"api#3": {Requests: 8, Utilization: 0.6, RAMInUse: &Summary{Mean: 3, Max: 6}},
		}}
	a.Series = &Series{PeriodS: 1, Servers: map[string]ServerSeries{"srv-1": {}, "api": {Replicas: []float64{1, 2}}},
		Edges: map[string]EdgeSeries{"e1": {}, "e2": {}}}
	b.Series = &Series{PeriodS: 1, Servers: map[string]ServerSeries{"srv-1": {}, "api": {Replicas: []float64{2, 3}}},
		Edges: map[string]EdgeSeries{"e1": {}, "e2": {}}}
	got, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	st := got.Servers["api"]
	if diff := cmp.Diff(&ReplicaStats{Mean: 2, Min: 1, Max: 3}, st.Replicas); diff != "" {
		t.Errorf("replicas (-want +got):\n%s", diff)
	}
	if st.Cost == nil || *st.Cost != 0.5 {
		t.Errorf("cost = %v, want the mean 0.5", st.Cost)
	}
	want := map[string]ServerStats{
		"api#1": {Requests: 18, Utilization: 0.7, RAMInUse: &Summary{Mean: 3, Max: 8}},
		"api#2": {Requests: 4, Utilization: 0.2, RAMInUse: &Summary{Mean: 0.5, Max: 2}},
		"api#3": {Requests: 8, Utilization: 0.3, RAMInUse: &Summary{Mean: 1.5, Max: 6}},
	}
	if diff := cmp.Diff(want, st.Instances); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1.5, 2.5}, got.Series.Servers["api"].Replicas); diff != "" {
		t.Errorf("replicas series (-want +got):\n%s", diff)
	}
}
