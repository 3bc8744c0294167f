package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

const defaultSeed = fastsim.DefaultSeed

// Run is a run's state.
type Run struct {
	ID              string     `json:"id" format:"uuid"`
	ScenarioID      *string    `json:"scenario_id,omitempty" format:"uuid" doc:"Stored scenario the run came from; absent for an inline scenario."`
	ScenarioVersion *int       `json:"scenario_version,omitempty"`
	Seed            int64      `json:"seed"`
	Replications    int        `json:"replications"`
	Status          string     `json:"status" enum:"queued,running,succeeded,failed,cancelled"`
	Progress        float64    `json:"progress" minimum:"0" maximum:"1" doc:"Completed fraction of simulated time over all replications, rounded to 0.0001 (0.01 %)."`
	Error           string     `json:"error,omitempty" doc:"Why the run failed or was cancelled."`
	CacheHit        bool       `json:"cache_hit" doc:"The result was taken from an earlier identical run."`
	CancelRequested bool       `json:"cancel_requested"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at,omitempty"`
	FinishedAt      *time.Time `json:"finished_at,omitempty"`
	QueuedS         *float64   `json:"queued_s,omitempty" doc:"Seconds between submission and start."`
	RunningS        *float64   `json:"running_s,omitempty" doc:"Seconds between start and end."`
	Links           RunLinks   `json:"links"`
}

// RunLinks are the URLs of a run's resources.
type RunLinks struct {
	Self   string `json:"self"`
	Result string `json:"result"`
	Series string `json:"series"`
	Events string `json:"events"`
	Cancel string `json:"cancel"`
}

// roundProgress rounds a progress fraction to 0.0001 (0.01 %), a step
// people can read and that still moves on long runs: 0.1300000118279315
// becomes 0.13.
func roundProgress(p float64) float64 { return math.Round(p*1e4) / 1e4 }

func toRun(r store.Run) Run {
	self := "/api/v1/runs/" + r.ID
	out := Run{
		ID: r.ID, ScenarioID: r.ScenarioID, ScenarioVersion: r.ScenarioVersion, Seed: r.Seed,
		Replications: r.Replications, Status: string(r.Status), Progress: roundProgress(r.Progress), Error: r.Error,
		CacheHit: r.CacheHit, CancelRequested: r.CancelRequested,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Links: RunLinks{Self: self, Result: self + "/result", Series: self + "/series", Events: self + "/events", Cancel: self + "/cancel"},
	}
	if r.StartedAt != nil {
		q := r.StartedAt.Sub(r.CreatedAt).Seconds()
		out.QueuedS = &q
		if r.FinishedAt != nil {
			d := r.FinishedAt.Sub(*r.StartedAt).Seconds()
			out.RunningS = &d
		}
	}
	return out
}

// CreateRunBody is the request to run a scenario.
type CreateRunBody struct {
	ScenarioID   string          `json:"scenario_id,omitempty" doc:"Id of a stored scenario; exclusive with scenario."`
	Version      int             `json:"version,omitempty" minimum:"0" doc:"Version of the stored scenario; 0 or absent means the latest."`
	Scenario     json.RawMessage `json:"scenario,omitempty" doc:"An inline scenario: a JSON object, or a string holding YAML; exclusive with scenario_id."`
	Seed         *int64          `json:"seed,omitempty" doc:"Seed of replication 0. Defaults to 42."`
	Replications int             `json:"replications,omitempty" minimum:"0" doc:"Number of independent replications. Defaults to 1; bounded by the server's --max-replications."`
}

type createRunInput struct {
	Body CreateRunBody
}

type runOutput struct {
	Location string `header:"Location"`
	Body     Run
}

// resolveScenario returns the scenario a run request names and, for a
// stored one, its id and version.
func (s *server) resolveScenario(ctx context.Context, b CreateRunBody) (*scenario.Scenario, *string, *int, error) {
	inline := len(b.Scenario) > 0 && string(b.Scenario) != "null"
	switch {
	case inline && b.ScenarioID != "":
		return nil, nil, nil, newFieldError(errUnprocessable, "body.scenario", "give either scenario_id or scenario, not both")
	case !inline && b.ScenarioID == "":
		return nil, nil, nil, newFieldError(errUnprocessable, "body.scenario_id", "give scenario_id (a stored scenario) or scenario (an inline one)")
	case inline && b.Version != 0:
		return nil, nil, nil, newFieldError(errUnprocessable, "body.version", "version applies to scenario_id only; drop it for an inline scenario")
	}
	if inline {
		var text string
		if err := json.Unmarshal(b.Scenario, &text); err == nil {
			sc, err := scenario.Decode([]byte(text), scenario.FormatAuto)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("decode inline scenario: %w", err)
			}
			return sc, nil, nil, nil
		}
		sc, err := scenario.Decode(b.Scenario, scenario.FormatJSON)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("decode inline scenario: %w", err)
		}
		return sc, nil, nil, nil
	}
	v, err := s.Store.GetScenarioVersion(ctx, actor(ctx), b.ScenarioID, b.Version)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("scenario %s version %d: %w", b.ScenarioID, b.Version, err)
	}
	sc, err := scenario.Decode(v.Body, scenario.FormatJSON)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("stored scenario %s version %d: %w", b.ScenarioID, v.Version, err)
	}
	id, ver := v.ScenarioID, v.Version
	return sc, &id, &ver, nil
}

func (s *server) createRun(ctx context.Context, in *createRunInput) (*runOutput, error) {
	b := in.Body
	reps := b.Replications
	if reps == 0 {
		reps = 1
	}
	if reps > s.Limits.MaxReplications {
		return nil, newFieldError(errUnprocessable, "body.replications", "%d replications is over the limit of %d; use fewer", reps, s.Limits.MaxReplications)
	}
	seed := defaultSeed
	if b.Seed != nil {
		seed = *b.Seed
	}
	sc, scenarioID, scenarioVersion, err := s.resolveScenario(ctx, b)
	if err != nil {
		return nil, err
	}
	if err := checkBudget(sc, reps, s.Limits.MaxEventBudget); err != nil {
		return nil, err
	}
	if err := s.checkPlanSize(ctx, sc, reps); err != nil {
		return nil, err
	}
	canonical, err := scenario.Canonical(sc)
	if err != nil {
		return nil, err
	}
	if err := checkScenarioText(canonical); err != nil {
		return nil, err
	}
	run := store.Run{
		ScenarioID: scenarioID, ScenarioVersion: scenarioVersion, Scenario: canonical,
		Seed: seed, Replications: reps, CacheKey: s.cacheKey(ctx, canonical, seed, reps),
		Quota: s.runQuota(ctx),
	}
	var created store.Run
	if res, ok := s.lookupCache(ctx, run.CacheKey); ok {
		created, err = s.Store.CreateCachedRun(ctx, actor(ctx), run, res)
	} else {
		created, err = s.Jobs.Submit(ctx, actor(ctx), run)
	}
	if err != nil {
		return nil, s.quotaProblem(ctx, fmt.Errorf("create run: %w", err))
	}
	return &runOutput{Location: "/api/v1/runs/" + created.ID, Body: toRun(created)}, nil
}

// cacheKey is the key of a run of the requester: results of another engine
// (Options.Engine) or of another user are never reused.
func (s *server) cacheKey(ctx context.Context, canonical []byte, seed int64, reps int) string {
	return cache.Key(canonical, seed, reps, s.Engine, actor(ctx).UserID)
}

// cachedResult is the cache's encoding of a run result.
type cachedResult struct {
	Result       json.RawMessage `json:"result"`
	Series       json.RawMessage `json:"series,omitempty"`
	Replications json.RawMessage `json:"replications,omitempty"`
	Statistics   json.RawMessage `json:"statistics,omitempty"`
}

func orNil(b json.RawMessage) []byte {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}

// lookupCache finds the result of an earlier succeeded run with this key:
// in the cache, else in the store (whose answer then fills the cache).
// Failures of either are misses: the run is then simply executed.
func (s *server) lookupCache(ctx context.Context, key string) (store.RunResult, bool) {
	if v, ok := s.Cache.Get(ctx, key); ok {
		var c cachedResult
		if err := json.Unmarshal(v, &c); err == nil && len(orNil(c.Result)) > 0 {
			return store.RunResult{Result: c.Result, Series: orNil(c.Series), Replications: orNil(c.Replications), Statistics: orNil(c.Statistics)}, true
		}
		s.Logger.WarnContext(ctx, "undecodable cache entry ignored", "cache_key", key)
	}
	prev, err := s.Store.FindSucceededRunByCacheKey(ctx, key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.Logger.WarnContext(ctx, "cache lookup in the store failed", "cache_key", key, "error", err.Error())
		}
		return store.RunResult{}, false
	}
	res, err := s.Store.GetResult(ctx, store.System(), prev.ID)
	if err != nil {
		s.Logger.WarnContext(ctx, "read result of cached run", "run_id", prev.ID, "error", err.Error())
		return store.RunResult{}, false
	}
	series, err := s.Store.GetSeries(ctx, store.System(), prev.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.Logger.WarnContext(ctx, "read series of cached run", "run_id", prev.ID, "error", err.Error())
		return store.RunResult{}, false
	}
	res.Series = series
	res.RunID = ""
	s.fillCache(ctx, key, res)
	return res, true
}

// fillCache stores res under key; failures are the cache's business.
func (s *server) fillCache(ctx context.Context, key string, res store.RunResult) {
	v, err := json.Marshal(cachedResult{
		Result: res.Result, Series: orNil(res.Series), Replications: orNil(res.Replications), Statistics: orNil(res.Statistics),
	})
	if err != nil {
		s.Logger.WarnContext(ctx, "encode cache entry", "cache_key", key, "error", err.Error())
		return
	}
	s.Cache.Set(ctx, key, v)
}

type getRunOutput struct {
	Body Run
}

func (s *server) getRun(ctx context.Context, in *idInput) (*getRunOutput, error) {
	r, err := s.Store.GetRun(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get run %s: %w", in.ID, err)
	}
	return &getRunOutput{Body: toRun(r)}, nil
}

func (s *server) cancelRun(ctx context.Context, in *idInput) (*getRunOutput, error) {
	r, err := s.Jobs.Cancel(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("cancel run %s: %w", in.ID, err)
	}
	return &getRunOutput{Body: toRun(r)}, nil
}

type listRunsInput struct {
	Status     string `query:"status" doc:"Comma-separated statuses to keep: queued, running, succeeded, failed, cancelled."`
	ScenarioID string `query:"scenario_id" doc:"Keep runs of this scenario."`
	Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Page size."`
	Cursor     string `query:"cursor" maxLength:"500" doc:"next_cursor of the previous page."`
}

// RunPage is one page of runs.
type RunPage struct {
	Items      []Run  `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

type listRunsOutput struct {
	Link string `header:"Link" doc:"rel=next link when there is a next page."`
	Body RunPage
}

func (s *server) listRuns(ctx context.Context, in *listRunsInput) (*listRunsOutput, error) {
	status, err := parseStatusFilter(in.Status)
	if err != nil {
		return nil, err
	}
	p := store.ListRunsParams{ScenarioID: in.ScenarioID, Status: status, Limit: in.Limit, Cursor: in.Cursor}
	page, err := s.Store.ListRuns(ctx, actor(ctx), p)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	out := &listRunsOutput{Body: RunPage{Items: make([]Run, len(page.Items)), NextCursor: page.NextCursor}}
	for i, r := range page.Items {
		out.Body.Items[i] = toRun(r)
	}
	out.Link = nextLink("/api/v1/runs", in.Limit, page.NextCursor, "status", in.Status, "scenario_id", in.ScenarioID)
	return out, nil
}

// ResultBody is a run's result in the shape of analysis.Replicated, the
// one shape `fastsim run --json` writes too (docs/result.md), with the
// run's id.
type ResultBody struct {
	analysis.Replicated
	RunID string `json:"run_id" format:"uuid"`
}

type resultOutput struct {
	Body ResultBody
}

// succeededRun returns the run when it has succeeded, else a 409 saying
// what state it is in (404 when it does not exist).
func (s *server) succeededRun(ctx context.Context, id string) (store.Run, error) {
	r, err := s.Store.GetRun(ctx, actor(ctx), id)
	if err != nil {
		return store.Run{}, fmt.Errorf("get run %s: %w", id, err)
	}
	if err := requireSucceeded("run", id, r.Status, r.Error, "/api/v1/runs/"+id); err != nil {
		return store.Run{}, err
	}
	return r, nil
}

func (s *server) getResult(ctx context.Context, in *idInput) (*resultOutput, error) {
	if _, err := s.succeededRun(ctx, in.ID); err != nil {
		return nil, err
	}
	res, err := s.Store.GetResult(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get result of run %s: %w", in.ID, err)
	}
	out := &resultOutput{Body: ResultBody{RunID: in.ID}}
	if err := json.Unmarshal(res.Result, &out.Body.Result); err != nil {
		return nil, fmt.Errorf("decode stored result of run %s: %w", in.ID, err)
	}
	if len(res.Replications) > 0 {
		if err := json.Unmarshal(res.Replications, &out.Body.Replications); err != nil {
			return nil, fmt.Errorf("decode stored replications of run %s: %w", in.ID, err)
		}
	}
	if out.Body.Statistics, err = decodeStatistics(res); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeStatistics returns the statistics across the replications of a
// stored result, or nil for a single run.
func decodeStatistics(res store.RunResult) (*analysis.Summary, error) {
	if len(res.Statistics) == 0 {
		return nil, nil
	}
	var s analysis.Summary
	if err := json.Unmarshal(res.Statistics, &s); err != nil {
		return nil, fmt.Errorf("decode stored statistics of run %s: %w", res.RunID, err)
	}
	return &s, nil
}

type seriesOutput struct {
	Body json.RawMessage `doc:"The sampled series: period_s and, per server and per edge, one value per sample. For several replications, the series of replication 0."`
}

type seriesInput struct {
	ID         string `path:"id" doc:"Run id."`
	Resolution string `query:"resolution" enum:"downsampled,full" default:"downsampled" doc:"downsampled: at most 4,000 points per series, each bucket's minimum and maximum (downsampled_from gives the original count). full: every sample, as stored; a run stores them only when they fit its plan's series_values, else the downsampled series are all there is."`
}

func (s *server) getSeries(ctx context.Context, in *seriesInput) (*seriesOutput, error) {
	if _, err := s.succeededRun(ctx, in.ID); err != nil {
		return nil, err
	}
	series, err := s.Store.GetSeries(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("series of run %s: %w", in.ID, err)
	}
	if in.Resolution == "full" || len(series) == 0 || bytes.Equal(series, []byte("null")) {
		return &seriesOutput{Body: series}, nil
	}
	var full result.Series
	if err := json.Unmarshal(series, &full); err != nil {
		return nil, fmt.Errorf("decode stored series of run %s: %w", in.ID, err)
	}
	down := full.Downsample(result.StoredSeriesPoints)
	if down == &full {
		return &seriesOutput{Body: series}, nil // already small enough
	}
	body, err := json.Marshal(down)
	if err != nil {
		return nil, fmt.Errorf("encode series of run %s: %w", in.ID, err)
	}
	return &seriesOutput{Body: body}, nil
}
