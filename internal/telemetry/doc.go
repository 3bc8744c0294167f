// Package telemetry holds the FastSim service's observability: the slog
// logger (JSON by default) whose every line of a request carries the
// request's id, the HTTP middleware that assigns that id (X-Request-ID in
// and out), logs each request and measures it, and the Prometheus
// collectors served at /metrics from a private registry.
//
// Wiring, as cmd/fastsim/serve.go does it:
//
//	logger, _ := telemetry.NewLogger(stderr, "info", "json")
//	m := telemetry.NewMetrics()
//	handler := telemetry.Middleware(logger, m, mux) // request id, access log, metrics
//	mux.Handle("GET /metrics", m.Handler())
//
// `fastsim worker`, which has no API, serves NewRegistry (Go runtime and
// process collectors) with the job metrics through HandlerFor.
package telemetry
