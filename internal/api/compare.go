package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/report"
)

type compareInput struct {
	A string `query:"a" required:"true" doc:"Id of the first run (the baseline)."`
	B string `query:"b" required:"true" doc:"Id of the second run; differences are b − a."`
}

// CompareBody is the comparison of two runs: what changed between their
// scenarios, by path, and the differences (b − a) of the main figures
// with 95 % confidence intervals, paired when both runs used the same
// seeds (common random numbers make paired differences much tighter:
// unpaired_half_width shows what Welch's interval would have been).
type CompareBody struct {
	analysis.Comparison
	A string `json:"a" format:"uuid" doc:"The first run."`
	B string `json:"b" format:"uuid" doc:"The second run."`
}

type compareOutput struct {
	Body CompareBody
}

// compare compares two succeeded runs the user can read with the
// library's Compare.
func (s *server) compare(ctx context.Context, in *compareInput) (*compareOutput, error) {
	a, err := s.runRecord(ctx, in.A)
	if err != nil {
		return nil, err
	}
	b, err := s.runRecord(ctx, in.B)
	if err != nil {
		return nil, err
	}
	return &compareOutput{Body: CompareBody{Comparison: *analysis.Compare(a, b), A: in.A, B: in.B}}, nil
}

// runRecord loads a succeeded run's scenario and result (404 for a run
// the user cannot read, 409 for one without a result).
func (s *server) runRecord(ctx context.Context, id string) (analysis.RunRecord, error) {
	run, err := s.succeededRun(ctx, id)
	if err != nil {
		return analysis.RunRecord{}, err
	}
	sc, err := runScenario(run)
	if err != nil {
		return analysis.RunRecord{}, err
	}
	res, err := s.Store.GetResult(ctx, actor(ctx), id)
	if err != nil {
		return analysis.RunRecord{}, fmt.Errorf("get result of run %s: %w", id, err)
	}
	out := &analysis.Replicated{}
	if err := json.Unmarshal(res.Result, &out.Result); err != nil {
		return analysis.RunRecord{}, fmt.Errorf("decode stored result of run %s: %w", id, err)
	}
	if len(res.Replications) > 0 {
		if err := json.Unmarshal(res.Replications, &out.Replications); err != nil {
			return analysis.RunRecord{}, fmt.Errorf("decode stored replications of run %s: %w", id, err)
		}
	}
	if out.Statistics, err = decodeStatistics(res); err != nil {
		return analysis.RunRecord{}, err
	}
	return analysis.RunRecord{Scenario: sc, Result: out}, nil
}

type compareFileInput struct {
	File string `path:"file" doc:"differences.svg or differences.png: the relative differences with their paired and unpaired intervals."`
	A    string `query:"a" required:"true" doc:"Id of the first run (the baseline)."`
	B    string `query:"b" required:"true" doc:"Id of the second run."`
}

type compareReportInput struct {
	A string `query:"a" required:"true" doc:"Id of the first run (the baseline)."`
	B string `query:"b" required:"true" doc:"Id of the second run."`
}

// renderComparison answers a document of the comparison of runs a and b
// called file, from the render cache or drawn by draw under the render
// limits. Both runs are checked first (404 for a run the user cannot
// read, 409 for one without a result), so that only who may read them
// gets even a cached document.
func (s *server) renderComparison(ctx context.Context, a, b, file, contentType string,
	draw func(ctx context.Context, w *bytes.Buffer, c *analysis.Comparison) error) (*fileOutput, error) {
	for _, id := range []string{a, b} {
		if _, err := s.succeededRun(ctx, id); err != nil {
			return nil, err
		}
	}
	key := "compare/" + a + "/" + b + "/" + file
	doc, ok := s.renders.get(key)
	if !ok {
		var err error
		doc, err = s.renders.render(ctx, key, func(ctx context.Context) ([]byte, error) {
			ra, err := s.runRecord(ctx, a)
			if err != nil {
				return nil, err
			}
			rb, err := s.runRecord(ctx, b)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := draw(ctx, &buf, analysis.Compare(ra, rb)); err != nil {
				return nil, fmt.Errorf("%s of the comparison of runs %s and %s: %w", file, a, b, err)
			}
			return buf.Bytes(), nil
		})
		if err != nil {
			return nil, err
		}
	}
	return renderedFile(contentType, doc), nil
}

func (s *server) getCompareChart(ctx context.Context, in *compareFileInput) (*fileOutput, error) {
	ext := path.Ext(in.File)
	format, err := report.ParseFormat(ext)
	if ext == "" || err != nil || strings.TrimSuffix(in.File, ext) != report.ComparisonChart {
		return nil, newFieldError(store.ErrNotFound, "path.file", "%q is not a comparison chart; use %s.svg or %s.png",
			in.File, report.ComparisonChart, report.ComparisonChart)
	}
	return s.renderComparison(ctx, in.A, in.B, in.File, format.ContentType(), func(ctx context.Context, w *bytes.Buffer, c *analysis.Comparison) error {
		return report.RenderComparisonChart(ctx, w, format, c, report.ChartOptions{})
	})
}

func (s *server) getCompareReport(ctx context.Context, in *compareReportInput) (*fileOutput, error) {
	return s.renderComparison(ctx, in.A, in.B, "report.html", "text/html; charset=utf-8", func(ctx context.Context, w *bytes.Buffer, c *analysis.Comparison) error {
		return report.WriteComparisonHTML(ctx, w, c, "run "+in.A, "run "+in.B)
	})
}
