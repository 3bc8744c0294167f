package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the service's Prometheus collectors on a private registry
// (nothing is registered globally). The job metrics (runs by status, jobs
// running, runs submitted and finished, simulated events) are registered on
// Registry by the job package, the refusal counters (rate limits, plan
// quotas) by the api package, the cache counter by the cache package.
type Metrics struct {
	// Registry is the private registry served by Handler.
	Registry *prometheus.Registry

	httpDuration *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
}

// NewRegistry returns a new private registry holding the Go runtime and
// process collectors. `fastsim worker` serves one with the job metrics;
// NewMetrics builds the service's on it.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// HandlerFor serves reg in the Prometheus exposition format.
func HandlerFor(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// NewMetrics returns the collectors, registered on a new registry (see
// NewRegistry) together with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fastsim_http_request_duration_seconds",
			Help:    "Duration of HTTP requests by route pattern, method and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fastsim_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
	}
	m.Registry.MustRegister(m.httpDuration, m.httpRequests)
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler { return HandlerFor(m.Registry) }
