package cache

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// outcomes are every Outcome, exported at 0 from the start so that rate()
// and alerts work before the first of each.
var outcomes = []Outcome{Hit, Miss, Error}

// NewMetricsObserver returns an Observer that counts every outcome in the
// counter fastsim_cache_operations_total{outcome}, which it registers on
// reg (the service's private registry, see internal/telemetry).
func NewMetricsObserver(reg prometheus.Registerer) (Observer, error) {
	ops := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fastsim_cache_operations_total",
		Help: "Result cache lookups by outcome (hit, miss) and backend errors (error).",
	}, []string{"outcome"})
	if err := reg.Register(ops); err != nil {
		return nil, fmt.Errorf("cache: register metrics: %w", err)
	}
	for _, o := range outcomes {
		ops.WithLabelValues(string(o))
	}
	return func(o Outcome) { ops.WithLabelValues(string(o)).Inc() }, nil
}
