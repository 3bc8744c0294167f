package api

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fastsim/fastsim/analysis"
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
