// Package api is the HTTP API of the FastSim service, built with huma v2 on
// a net/http ServeMux: the OpenAPI 3.1 document is generated from the Go
// types of this package (served at /openapi.json, with interactive docs at
// /docs), and requests are validated against the same types.
//
// routes.go lists the whole surface; each resource has its file
// (health.go, validate.go, scenarios.go, runs.go, events.go, studies.go and
// study_charts.go for studies, compare.go for comparisons); errors.go is
// the one table that turns store, scenario and limit errors into RFC 9457
// problem+json responses.
//
// Every /api/v1 route except auth/login and auth/register needs a bearer
// credential (a session token or an API key): the authenticate middleware
// (authn.go) answers 401 otherwise and puts the auth.Principal in the
// request context; handlers pass actor(ctx) to the store, which enforces
// tenancy. accounts.go holds the account, API key and admin routes.
//
// Refusals are counted (metrics.go) on Options.Registerer:
// fastsim_http_rate_limited_total{limit} for the 429s of the rate limits
// (ratelimit.go), fastsim_quota_refusals_total{limit} for the runs a plan
// refuses (quota.go). Charts and reports are rendered under
// Limits.Render (render.go): a bounded byte cache per run, a concurrency
// limit with 503 and Retry-After, cancelled with the request. Serve the
// handler with read, write and idle timeouts (cmd/fastsim's serve does).
//
//	authn := auth.New(st, auth.Options{SessionTTL: 24 * time.Hour})
//	h := api.New(api.Options{Store: st, Jobs: jobs, Cache: c, Logger: logger, Limits: limits, Auth: authn})
//	srv := &http.Server{Addr: ":8000", Handler: telemetry.Middleware(logger, metrics, h),
//		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
package api
