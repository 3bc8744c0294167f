package cache_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/cache"
)

func TestMetricsObserver(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	obs, err := cache.NewMetricsObserver(reg)
	if err != nil {
		t.Fatal(err)
	}
	obs(cache.Hit)
	obs(cache.Error)
	obs(cache.Error)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "fastsim_cache_operations_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				got[l.GetName()+"="+l.GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	// Every outcome is exported, misses at 0 before the first one.
	want := map[string]float64{"outcome=hit": 1, "outcome=miss": 0, "outcome=error": 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fastsim_cache_operations_total (-want +got):\n%s", diff)
	}
	if _, err := cache.NewMetricsObserver(reg); err == nil {
		t.Error("registering the counter twice on one registry: no error")
	}
}
