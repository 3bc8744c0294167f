package engine

import (
	"path/filepath"
	"testing"
)

// BenchmarkAutoscaled simulates examples/autoscaled_diurnal.yml (an API
// of 2…10 autoscaled 1-core instances under a diurnal profile, decisions
// every 10 s) stretched to 3000 s per op, about 370,000 requests, and the
// same scenario with the instances fixed at 3 (no autoscaling), so that
// events/cpu-s compares the cost of an event with and without the
// autoscaler (its decisions are a handful of events; the per-request
// bookkeeping is a flag and two counters).
//
//	go test -run '^$' -bench Autoscaled -benchtime 5x ./engine
func BenchmarkAutoscaled(b *testing.B) {
	for _, fixed := range []bool{false, true} {
		name := "autoscaling"
		if fixed {
			name = "fixed_3"
		}
		b.Run(name, func(b *testing.B) {
			sc := loadScenario(b, filepath.Join(repoRoot(b), "examples", "autoscaled_diurnal.yml"))
			sc.Settings.TotalSimulationTime = 3000
			sc.Settings.EnabledSampleMetrics = nil
			for i := range sc.Workload.Profile {
				sc.Workload.Profile[i].T *= 10
			}
			if fixed {
				s := &sc.Topology.Nodes.Servers[0]
				s.Autoscaling, s.Replicas = nil, ptr(3)
			}
			reqs, events, cpu := benchRuns(b, sc)
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(events)/s, "events/s")
			if cpu > 0 {
				b.ReportMetric(float64(reqs)/cpu, "requests/cpu-s")
				b.ReportMetric(float64(events)/cpu, "events/cpu-s")
			}
		})
	}
}
