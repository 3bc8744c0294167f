// Package api is the HTTP API of the FastSim service, built with huma v2 on
// a net/http ServeMux: the OpenAPI 3.1 document is generated from the Go
// types of this package (served at /openapi.json, with interactive docs at
// /docs), and requests are validated against the same types.
//
// routes.go lists the whole surface; each resource has its file
// (health.go, validate.go, scenarios.go, runs.go, events.go); errors.go is
// the one table that turns store, scenario and limit errors into RFC 9457
// problem+json responses.
//
//	h := api.New(api.Options{Store: st, Jobs: jobs, Cache: c, Logger: logger, Limits: limits})
//	srv := &http.Server{Addr: ":8000", Handler: telemetry.Middleware(logger, metrics, h)}
package api
