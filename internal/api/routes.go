package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// routes registers the whole HTTP surface of the service.
func (s *server) routes(api huma.API, mux *http.ServeMux) {
	body := s.Limits.MaxBodyBytes
	log := s.Logger

	// Probes and metrics (outside /api/v1, unversioned).
	handle(api, log, op("get-health", http.MethodGet, "/health", "Liveness probe", "Health"), s.health)
	handle(api, log, op("get-ready", http.MethodGet, "/ready", "Readiness probe", "Health", http.StatusServiceUnavailable), s.ready)
	if s.Metrics != nil {
		mux.Handle("GET /metrics", s.Metrics)
	}

	// The API reference page and its embedded assets (no CDN).
	mux.HandleFunc("GET /docs", serveDocsPage)
	mux.HandleFunc("GET /docs/assets/{file}", serveDocsAsset)

	// Accounts: login, sessions, API keys, admin.
	s.authRoutes(api)

	// Validation: store nothing.
	handle(api, log, scenarioBodyOp("validate-scenario", http.MethodPost, "/api/v1/validate", "Validate a scenario", body,
		http.StatusUnprocessableEntity, http.StatusUnsupportedMediaType), s.validate)

	// The example scenarios a user can start from.
	handle(api, log, op("list-examples", http.MethodGet, "/api/v1/examples", "List the example scenarios", "Scenarios"), s.listExamples)

	// Scenarios: immutable versions.
	handle(api, log, created(scenarioBodyOp("create-scenario", http.MethodPost, "/api/v1/scenarios", "Create a scenario", body,
		http.StatusUnprocessableEntity, http.StatusUnsupportedMediaType)), s.createScenario)
	handle(api, log, op("list-scenarios", http.MethodGet, "/api/v1/scenarios", "List scenarios, newest first", "Scenarios", http.StatusBadRequest), s.listScenarios)
	handle(api, log, op("get-scenario", http.MethodGet, "/api/v1/scenarios/{id}", "Get a scenario and its latest version", "Scenarios", http.StatusNotFound), s.getScenario)
	handle(api, log, scenarioBodyOp("update-scenario", http.MethodPut, "/api/v1/scenarios/{id}", "Store a new version of a scenario", body,
		http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusUnsupportedMediaType), s.updateScenario)
	handle(api, log, noContent(op("delete-scenario", http.MethodDelete, "/api/v1/scenarios/{id}", "Delete a scenario", "Scenarios",
		http.StatusNotFound, http.StatusConflict)), s.deleteScenario)
	handle(api, log, op("list-scenario-versions", http.MethodGet, "/api/v1/scenarios/{id}/versions", "List the versions of a scenario", "Scenarios", http.StatusNotFound), s.listScenarioVersions)
	handle(api, log, op("get-scenario-version", http.MethodGet, "/api/v1/scenarios/{id}/versions/{version}", "Get one version of a scenario", "Scenarios", http.StatusNotFound), s.getScenarioVersion)

	// Runs: durable jobs.
	createRun := op("create-run", http.MethodPost, "/api/v1/runs", "Submit a run", "Runs",
		http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusTooManyRequests)
	createRun.DefaultStatus = http.StatusAccepted
	createRun.MaxBodyBytes = body
	createRun = documentYAMLRuns(createRun) // a YAML body is rewritten to JSON by yamlRuns
	handle(api, log, createRun, s.createRun)
	handle(api, log, op("list-runs", http.MethodGet, "/api/v1/runs", "List runs, newest first", "Runs", http.StatusBadRequest), s.listRuns)
	handle(api, log, op("get-run", http.MethodGet, "/api/v1/runs/{id}", "Get a run's status and progress", "Runs", http.StatusNotFound), s.getRun)
	handle(api, log, op("get-run-result", http.MethodGet, "/api/v1/runs/{id}/result", "Get a run's result", "Runs", http.StatusNotFound, http.StatusConflict), s.getResult)
	handle(api, log, op("get-run-series", http.MethodGet, "/api/v1/runs/{id}/series", "Get a run's sampled series", "Runs", http.StatusNotFound, http.StatusConflict), s.getSeries)
	handle(api, log, eventsOp(), s.events)
	// Charts and the HTML report of a succeeded run.
	handle(api, log, op("list-run-charts", http.MethodGet, "/api/v1/runs/{id}/charts", "List a run's charts", "Charts", http.StatusNotFound, http.StatusConflict), s.listCharts)
	handle(api, log, fileOp("get-run-chart", "/api/v1/runs/{id}/charts/{file}", "Get one chart as SVG or PNG", "image/svg+xml", "image/png"), s.getChart)
	handle(api, log, fileOp("get-run-report", "/api/v1/runs/{id}/report.html", "Get the self-contained HTML report", "text/html"), s.getReport)
	handle(api, log, op("cancel-run", http.MethodPost, "/api/v1/runs/{id}/cancel", "Cancel a run", "Runs", http.StatusNotFound, http.StatusConflict), s.cancelRun)

	// Studies: sizing searches and sweeps, every candidate run a job.
	createStudy := op("create-study", http.MethodPost, "/api/v1/studies", "Submit a study (sizing or sweep)", "Studies",
		http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusTooManyRequests)
	createStudy.DefaultStatus = http.StatusAccepted
	createStudy.MaxBodyBytes = body
	handle(api, log, createStudy, s.createStudy)
	handle(api, log, op("list-studies", http.MethodGet, "/api/v1/studies", "List studies, newest first", "Studies", http.StatusBadRequest), s.listStudies)
	handle(api, log, op("get-study", http.MethodGet, "/api/v1/studies/{id}", "Get a study's status and progress", "Studies", http.StatusNotFound), s.getStudy)
	handle(api, log, op("get-study-result", http.MethodGet, "/api/v1/studies/{id}/result", "Get a study's result", "Studies", http.StatusNotFound, http.StatusConflict), s.getStudyResult)
	handle(api, log, studyEventsOp(), s.studyEvents)
	handle(api, log, op("cancel-study", http.MethodPost, "/api/v1/studies/{id}/cancel", "Cancel a study", "Studies", http.StatusNotFound, http.StatusConflict), s.cancelStudy)
	handle(api, log, noContent(op("delete-study", http.MethodDelete, "/api/v1/studies/{id}", "Delete a finished study", "Studies",
		http.StatusNotFound, http.StatusConflict)), s.deleteStudy)
	// Charts (curves with CI bars and the SLA line; heat maps for two
	// parameters) and the HTML report of a succeeded study.
	handle(api, log, op("list-study-charts", http.MethodGet, "/api/v1/studies/{id}/charts", "List a study's charts", "Charts", http.StatusNotFound, http.StatusConflict), s.listStudyCharts)
	handle(api, log, fileOp("get-study-chart", "/api/v1/studies/{id}/charts/{file}", "Get one chart of a study as SVG or PNG", "image/svg+xml", "image/png"), s.getStudyChart)
	handle(api, log, fileOp("get-study-report", "/api/v1/studies/{id}/report.html", "Get the self-contained HTML report of a study", "text/html"), s.getStudyReport)

	// Comparisons of two runs.
	handle(api, log, op("compare-runs", http.MethodGet, "/api/v1/compare", "Compare two runs", "Runs",
		http.StatusBadRequest, http.StatusNotFound, http.StatusConflict), s.compare)
	handle(api, log, fileOp("get-compare-chart", "/api/v1/compare/charts/{file}", "Get the chart of a comparison as SVG or PNG", "image/svg+xml", "image/png"), s.getCompareChart)
	handle(api, log, fileOp("get-compare-report", "/api/v1/compare/report.html", "Get the self-contained HTML report of a comparison", "text/html"), s.getCompareReport)
}

// op describes an operation; errs lists the error statuses it documents
// besides 500.
func op(id, method, path, summary, tag string, errs ...int) huma.Operation {
	return huma.Operation{
		OperationID: id,
		Method:      method,
		Path:        path,
		Summary:     summary,
		Tags:        []string{tag},
		Errors:      append(errs, http.StatusInternalServerError),
	}
}

// scenarioBodyOp describes an operation whose body is a scenario document
// in YAML or JSON.
func scenarioBodyOp(id, method, path, summary string, maxBody int64, errs ...int) huma.Operation {
	o := op(id, method, path, summary, "Scenarios", append(errs, http.StatusBadRequest, http.StatusRequestEntityTooLarge)...)
	o.MaxBodyBytes = maxBody
	o.SkipValidateBody = true // the body is decoded strictly by scenario.Decode
	doc := &huma.MediaType{Schema: &huma.Schema{Type: huma.TypeString, Description: "A scenario document (see the scenario reference)."}}
	o.RequestBody = &huma.RequestBody{
		Description: "The scenario, as YAML or JSON according to Content-Type.",
		Required:    true,
		Content:     map[string]*huma.MediaType{},
	}
	for _, ct := range scenarioContentTypes {
		o.RequestBody.Content[ct] = doc
	}
	return o
}

func created(o huma.Operation) huma.Operation {
	o.DefaultStatus = http.StatusCreated
	return o
}

func noContent(o huma.Operation) huma.Operation {
	o.DefaultStatus = http.StatusNoContent
	return o
}
