package api

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/scenario"
)

type studyChartListOutput struct {
	Body struct {
		StudyID string      `json:"study_id" format:"uuid"`
		Charts  []ChartLink `json:"charts"`
		Report  string      `json:"report" doc:"URL of the self-contained HTML report."`
	}
}

// sizingFigures are the figures an analysis.Evaluation carries, which the
// charts of a sizing study can draw.
var sizingFigures = []string{"latency_p50", "latency_p95", "latency_p99", "throughput_rps", "completed_ratio", "in_flight", report.SLALatencyChart}

// studySweep returns the sweep a study's charts and report draw: a sweep
// study's own; for a sizing study, its evaluations as the points of a
// sweep over the sized value (cores, replicas or load), with the SLA and
// the figures an evaluation has (sizingFigures, utilisations).
func studySweep(res *study.Result) *analysis.SweepStudy {
	if res.Sweep != nil {
		return res.Sweep
	}
	if res.Sizing == nil {
		return nil
	}
	var evs []analysis.Evaluation
	var p string
	var sla analysis.SLA
	var seeds []int64
	var conservative bool
	switch {
	case res.Sizing.Size != nil:
		z := res.Sizing.Size
		evs, sla, seeds, conservative = z.Evaluations, z.SLA, z.Seeds, z.Conservative
		p = z.What
		if z.Server != "" && z.What == "cores" {
			p = "topology_graph.nodes.servers[id=" + z.Server + "].server_resources.cpu_cores"
		} else if z.Server != "" {
			p = "topology_graph.nodes.servers[id=" + z.Server + "]." + z.What
		}
	case res.Sizing.Load != nil:
		l := res.Sizing.Load
		evs, sla, seeds, conservative, p = l.Levels, l.SLA, l.Seeds, l.Conservative, analysis.LoadParam
	default:
		return nil
	}
	out := &analysis.SweepStudy{Spec: analysis.SweepSpec{Params: []analysis.Param{{Path: p}}, Seeds: seeds, SLA: &sla, Conservative: conservative}}
	for i, ev := range evs {
		out.Spec.Params[0].Values = append(out.Spec.Params[0].Values, ev.Value)
		lat, pass := ev.Latency, ev.Pass
		out.Points = append(out.Points, analysis.SweepPoint{
			Index: i, Values: []float64{ev.Value}, RateRPS: ev.RateRPS, SLALatency: &lat, Pass: &pass, Reason: ev.Reason,
			Figures: analysis.Figures{LatencyP50: ev.P50, LatencyP95: ev.P95, LatencyP99: ev.P99, ThroughputRPS: ev.ThroughputRPS,
				CompletedRatio: ev.CompletedRatio, InFlight: ev.InFlight, Utilization: ev.Utilization},
		})
	}
	return out
}

// studyCharts lists the charts of a study's result.
func studyCharts(res *study.Result) []report.Chart {
	charts := report.SweepCharts(studySweep(res))
	if res.Sizing == nil {
		return charts
	}
	return slices.DeleteFunc(charts, func(c report.Chart) bool {
		return !strings.HasPrefix(c.Name, "utilization.") && !slices.Contains(sizingFigures, c.Name)
	})
}

func (s *server) listStudyCharts(ctx context.Context, in *idInput) (*studyChartListOutput, error) {
	res, err := s.studyResult(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := &studyChartListOutput{}
	base := "/api/v1/studies/" + url.PathEscape(in.ID)
	out.Body.StudyID = in.ID
	out.Body.Report = base + "/report.html"
	out.Body.Charts = chartLinks(base, studyCharts(res))
	return out, nil
}

// renderStudyDocument answers the document of study id called file, from
// the render cache or drawn by draw under the render limits, as
// renderDocument does for a run. A chart (chart, "" for the report) the
// study does not have is refused before waiting for a slot.
func (s *server) renderStudyDocument(ctx context.Context, id, file, chart, contentType string,
	draw func(ctx context.Context, w *bytes.Buffer, st store.Study, sw *analysis.SweepStudy) error) (*fileOutput, error) {
	st, err := s.succeededStudy(ctx, id)
	if err != nil {
		return nil, err
	}
	key := "study/" + st.ID + "/" + file
	doc, ok := s.renders.get(key)
	if !ok {
		res, err := s.studyResult(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := checkChart(chart, studyCharts(res)); err != nil {
			return nil, err
		}
		doc, err = s.renders.render(ctx, key, func(ctx context.Context) ([]byte, error) {
			var buf bytes.Buffer
			if err := draw(ctx, &buf, st, studySweep(res)); err != nil {
				return nil, fmt.Errorf("%s of study %s: %w", file, id, err)
			}
			return buf.Bytes(), nil
		})
		if err != nil {
			return nil, err
		}
	}
	return renderedFile(contentType, doc), nil
}

func (s *server) getStudyChart(ctx context.Context, in *chartInput) (*fileOutput, error) {
	name, format, err := parseChartFile(in.File)
	if err != nil {
		return nil, err
	}
	return s.renderStudyDocument(ctx, in.ID, in.File, name, format.ContentType(),
		func(ctx context.Context, w *bytes.Buffer, _ store.Study, sw *analysis.SweepStudy) error {
			return report.RenderSweepChart(ctx, w, name, format, sw, report.ChartOptions{})
		})
}

func (s *server) getStudyReport(ctx context.Context, in *idInput) (*fileOutput, error) {
	return s.renderStudyDocument(ctx, in.ID, "report.html", "", "text/html; charset=utf-8",
		func(ctx context.Context, w *bytes.Buffer, st store.Study, sw *analysis.SweepStudy) error {
			sc, err := scenario.Decode(st.Scenario, scenario.FormatJSON)
			if err != nil {
				return fmt.Errorf("decode the study's scenario: %w", err)
			}
			return report.WriteSweepHTML(ctx, w, sc, sw)
		})
}
