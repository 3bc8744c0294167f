package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/danielgtaylor/huma/v2"

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
	Body         []byte
}

// runForCharts loads what the charts of a succeeded run need: its scenario
// and its result with the sampled series (replication 0's for several
// replications).
func (s *server) runForCharts(ctx context.Context, id string) (*scenario.Scenario, *result.Result, error) {
	run, err := s.succeededRun(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sc, err := scenario.Decode(run.Scenario, scenario.FormatJSON)
	if err != nil {
		return nil, nil, fmt.Errorf("decode stored scenario of run %s: %w", id, err)
	}
	res, err := s.Store.GetResult(ctx, actor(ctx), id)
	if err != nil {
		return nil, nil, fmt.Errorf("get result of run %s: %w", id, err)
	}
	var r result.Result
	if err := json.Unmarshal(res.Result, &r); err != nil {
		return nil, nil, fmt.Errorf("decode stored result of run %s: %w", id, err)
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
	}
	return sc, &r, nil
}

func (s *server) listCharts(ctx context.Context, in *idInput) (*chartListOutput, error) {
	sc, r, err := s.runForCharts(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := &chartListOutput{}
	// Names hold component ids ("server-<id>"), which may contain "/",
	// "?" or "#": each path segment is escaped.
	base := "/api/v1/runs/" + url.PathEscape(in.ID)
	out.Body.RunID = in.ID
	out.Body.Report = base + "/report.html"
	out.Body.Charts = []ChartLink{}
	for _, c := range report.Charts(sc, r) {
		out.Body.Charts = append(out.Body.Charts, ChartLink{
			Name: c.Name, Title: c.Title,
			SVG: base + "/charts/" + url.PathEscape(c.Name+".svg"),
			PNG: base + "/charts/" + url.PathEscape(c.Name+".png"),
		})
	}
	return out, nil
}

func (s *server) getChart(ctx context.Context, in *chartInput) (*fileOutput, error) {
	ext := path.Ext(in.File)
	name := strings.TrimSuffix(in.File, ext)
	format, err := report.ParseFormat(ext)
	if ext == "" || err != nil {
		return nil, newFieldError(store.ErrNotFound, "path.file",
			"%q is not a chart file; use <name>.svg or <name>.png", in.File)
	}
	sc, r, err := s.runForCharts(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.RenderChart(ctx, &buf, name, format, sc, r, report.ChartOptions{}); err != nil {
		return nil, fmt.Errorf("chart %s of run %s: %w", in.File, in.ID, err)
	}
	// A succeeded run never changes: its charts may be cached.
	return &fileOutput{ContentType: format.ContentType(), CacheControl: "private, max-age=86400", Body: buf.Bytes()}, nil
}

func (s *server) getReport(ctx context.Context, in *idInput) (*fileOutput, error) {
	sc, r, err := s.runForCharts(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	res, err := s.Store.GetResult(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get result of run %s: %w", in.ID, err)
	}
	stats, err := decodeStatistics(res)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(ctx, &buf, sc, r, stats); err != nil {
		return nil, fmt.Errorf("report of run %s: %w", in.ID, err)
	}
	return &fileOutput{ContentType: "text/html; charset=utf-8", CacheControl: "private, max-age=86400", Body: buf.Bytes()}, nil
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
