package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// ChartLink names one chart of a run and where to fetch it.
type ChartLink struct {
	Name  string `json:"name" doc:"Chart name, e.g. dashboard, latency, server-<id>."`
	Title string `json:"title" doc:"Human title of the chart."`
	SVG   string `json:"svg" doc:"URL of the SVG rendering."`
	PNG   string `json:"png" doc:"URL of the PNG rendering."`
}

type chartListOutput struct {
	Body struct {
		RunID  string      `json:"run_id" format:"uuid"`
		Charts []ChartLink `json:"charts"`
		Report string      `json:"report" doc:"URL of the self-contained HTML report."`
	}
}

type chartInput struct {
	ID   string `path:"id" doc:"Run id."`
	File string `path:"file" doc:"Chart file: <name>.svg or <name>.png, with a name from GET /api/v1/runs/{id}/charts."`
}

// fileOutput is a rendered document: a chart or the HTML report.
type fileOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	// CSP replaces the strict apiCSP by renderCSP: the documents are
	// styled inline.
	CSP  string `header:"Content-Security-Policy"`
	Body []byte
}

// runScenario decodes the stored scenario of run.
func runScenario(run store.Run) (*scenario.Scenario, error) {
	sc, err := scenario.Decode(run.Scenario, scenario.FormatJSON)
	if err != nil {
		return nil, fmt.Errorf("decode stored scenario of run %s: %w", run.ID, err)
	}
	return sc, nil
}

// runResult loads the result of run with its sampled series (replication
// 0's for several replications), downsampled to result.StoredSeriesPoints,
// and its statistics across replications (nil for a single run): the
// large part of what a chart needs.
func (s *server) runResult(ctx context.Context, run store.Run) (*result.Result, *analysis.Summary, error) {
	id := run.ID
	res, err := s.Store.GetResult(ctx, actor(ctx), id)
	if err != nil {
		return nil, nil, fmt.Errorf("get result of run %s: %w", id, err)
	}
	var r result.Result
	if err := json.Unmarshal(res.Result, &r); err != nil {
		return nil, nil, fmt.Errorf("decode stored result of run %s: %w", id, err)
	}
	stats, err := decodeStatistics(res)
	if err != nil {
		return nil, nil, err
	}
	series, err := s.Store.GetSeries(ctx, actor(ctx), id)
	if err != nil {
		return nil, nil, fmt.Errorf("series of run %s: %w", id, err)
	}
	if len(series) > 0 && !bytes.Equal(series, []byte("null")) {
		r.Series = new(result.Series)
		if err := json.Unmarshal(series, r.Series); err != nil {
			return nil, nil, fmt.Errorf("decode stored series of run %s: %w", id, err)
		}
		// A plan may store the full resolution; charts draw the same
		// from the downsampled series, at a bounded cost.
		r.Series = r.Series.Downsample(result.StoredSeriesPoints)
	}
	return &r, stats, nil
}

// chartNames lists the charts of a run of sc; they depend on the scenario
// only, so no result is loaded.
func chartNames(sc *scenario.Scenario) []report.Chart {
	return report.Charts(sc, &result.Result{})
}

// renderDocument answers the document of run id called file: from the
// render cache, or drawn by draw under the render limits. The run is read
// first, so that only its owner (or an admin) gets even a cached document;
// a succeeded run never changes, so its documents are cached by run id and
// file name, and the browser may keep them a day. A chart name (chart, ""
// for the report) that the run does not have is refused before waiting
// for a slot or loading the result.
func (s *server) renderDocument(ctx context.Context, id, file, chart, contentType string,
	draw func(ctx context.Context, w *bytes.Buffer, sc *scenario.Scenario, r *result.Result, stats *analysis.Summary) error) (*fileOutput, error) {
	run, err := s.succeededRun(ctx, id)
	if err != nil {
		return nil, err
	}
	key := run.ID + "/" + file
	doc, ok := s.renders.get(key)
	if !ok {
		sc, err := runScenario(run)
		if err != nil {
			return nil, err
		}
		if err := checkChart(chart, chartNames(sc)); err != nil {
			return nil, err
		}
		doc, err = s.renders.render(ctx, key, func(ctx context.Context) ([]byte, error) {
			r, stats, err := s.runResult(ctx, run)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := draw(ctx, &buf, sc, r, stats); err != nil {
				return nil, fmt.Errorf("%s of run %s: %w", file, id, err)
			}
			return buf.Bytes(), nil
		})
		if err != nil {
			return nil, err
		}
	}
	return renderedFile(contentType, doc), nil
}

// renderedFile answers a rendered document: documents of succeeded runs
// and studies never change, so the browser may keep them a day.
func renderedFile(contentType string, doc []byte) *fileOutput {
	return &fileOutput{ContentType: contentType, CacheControl: "private, max-age=86400", CSP: renderCSP, Body: doc}
}

// checkChart returns nil when chart is "" (the report) or one of charts,
// else a report.UnknownChartError listing them.
func checkChart(chart string, charts []report.Chart) error {
	if chart == "" || slices.ContainsFunc(charts, func(c report.Chart) bool { return c.Name == chart }) {
		return nil
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
	}
	return &report.UnknownChartError{Name: chart, Available: names}
}

// chartLinks lists charts with their URLs under base, the path of the run
// or study. Names hold component ids ("server-<id>"), which may contain
// "/", "?" or "#": each path segment is escaped.
func chartLinks(base string, charts []report.Chart) []ChartLink {
	links := []ChartLink{}
	for _, c := range charts {
		links = append(links, ChartLink{
			Name: c.Name, Title: c.Title,
			SVG: base + "/charts/" + url.PathEscape(c.Name+".svg"),
			PNG: base + "/charts/" + url.PathEscape(c.Name+".png"),
		})
	}
	return links
}

// parseChartFile splits a chart file name, <name>.svg or <name>.png, into
// the chart's name and format; any other name is a 404.
func parseChartFile(file string) (string, report.Format, error) {
	ext := path.Ext(file)
	format, err := report.ParseFormat(ext)
	if ext == "" || err != nil {
		return "", format, newFieldError(store.ErrNotFound, "path.file", "%q is not a chart file; use <name>.svg or <name>.png", file)
	}
	return strings.TrimSuffix(file, ext), format, nil
}

func (s *server) listCharts(ctx context.Context, in *idInput) (*chartListOutput, error) {
	run, err := s.succeededRun(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	sc, err := runScenario(run)
	if err != nil {
		return nil, err
	}
	out := &chartListOutput{}
	base := "/api/v1/runs/" + url.PathEscape(in.ID)
	out.Body.RunID = in.ID
	out.Body.Report = base + "/report.html"
	out.Body.Charts = chartLinks(base, chartNames(sc))
	return out, nil
}

func (s *server) getChart(ctx context.Context, in *chartInput) (*fileOutput, error) {
	name, format, err := parseChartFile(in.File)
	if err != nil {
		return nil, err
	}
	return s.renderDocument(ctx, in.ID, in.File, name, format.ContentType(),
		func(ctx context.Context, w *bytes.Buffer, sc *scenario.Scenario, r *result.Result, _ *analysis.Summary) error {
			return report.RenderChart(ctx, w, name, format, sc, r, report.ChartOptions{})
		})
}

func (s *server) getReport(ctx context.Context, in *idInput) (*fileOutput, error) {
	return s.renderDocument(ctx, in.ID, "report.html", "", "text/html; charset=utf-8",
		func(ctx context.Context, w *bytes.Buffer, sc *scenario.Scenario, r *result.Result, stats *analysis.Summary) error {
			return report.WriteHTML(ctx, w, sc, r, stats)
		})
}

// fileOp describes an operation answering a rendered document in one of
// contentTypes.
func fileOp(id, p, summary string, contentTypes ...string) huma.Operation {
	o := op(id, http.MethodGet, p, summary, "Charts", http.StatusNotFound, http.StatusConflict)
	content := map[string]*huma.MediaType{}
	for _, ct := range contentTypes {
		content[ct] = &huma.MediaType{Schema: &huma.Schema{Type: huma.TypeString, Format: "binary"}}
	}
	o.Responses = map[string]*huma.Response{"200": {Description: summary, Content: content}}
	return o
}
