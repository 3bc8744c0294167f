package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/study"
	"github.com/fastsim/fastsim/scenario"
)

// defaultStudyReplications is the replications of every candidate when a
// study request gives none: `fastsim size`'s default.
const defaultStudyReplications = 3

// Study is a study's state.
type Study struct {
	ID              string          `json:"id" format:"uuid"`
	Kind            string          `json:"kind" enum:"sizing,sweep"`
	ScenarioID      *string         `json:"scenario_id,omitempty" format:"uuid" doc:"Stored scenario the base came from; absent for an inline scenario."`
	ScenarioVersion *int            `json:"scenario_version,omitempty"`
	Settings        json.RawMessage `json:"settings" doc:"The study's spec as the library runs it: {\"sizing\": analysis.SizingSpec} or {\"sweep\": analysis.SweepSpec}, seeds included."`
	Status          string          `json:"status" enum:"queued,running,succeeded,failed,cancelled"`
	RunsDone        int             `json:"runs_done" doc:"Candidate runs (one candidate scenario with one seed, one job each) finished."`
	RunsTotal       int             `json:"runs_total" doc:"Candidate runs the study needs: exact for a sweep; for a cores or replicas search the most it can need, replaced by the number it needed when it ends."`
	Progress        float64         `json:"progress" minimum:"0" maximum:"1" doc:"runs_done / runs_total, rounded to 0.0001."`
	Error           string          `json:"error,omitempty" doc:"Why the study failed or was cancelled."`
	CancelRequested bool            `json:"cancel_requested"`
	CreatedAt       time.Time       `json:"created_at"`
	StartedAt       *time.Time      `json:"started_at,omitempty"`
	FinishedAt      *time.Time      `json:"finished_at,omitempty"`
	RunningS        *float64        `json:"running_s,omitempty" doc:"Seconds between start and end."`
	Links           StudyLinks      `json:"links"`
}

// StudyLinks are the URLs of a study's resources.
type StudyLinks struct {
	Self   string `json:"self"`
	Result string `json:"result"`
	Events string `json:"events"`
	Cancel string `json:"cancel"`
	Charts string `json:"charts"`
}

func toStudy(st store.Study) Study {
	self := "/api/v1/studies/" + st.ID
	out := Study{
		ID: st.ID, Kind: string(st.Kind), ScenarioID: st.ScenarioID, ScenarioVersion: st.ScenarioVersion,
		Settings: st.Settings, Status: string(st.Status), RunsDone: st.RunsDone, RunsTotal: st.RunsTotal,
		Error: st.Error, CancelRequested: st.CancelRequested, CreatedAt: st.CreatedAt, StartedAt: st.StartedAt, FinishedAt: st.FinishedAt,
		Links: StudyLinks{Self: self, Result: self + "/result", Events: self + "/events", Cancel: self + "/cancel", Charts: self + "/charts"},
	}
	if st.RunsTotal > 0 {
		out.Progress = roundProgress(min(1, float64(st.RunsDone)/float64(st.RunsTotal)))
	}
	if st.Status == store.StatusSucceeded {
		out.Progress = 1
	}
	if st.StartedAt != nil && st.FinishedAt != nil {
		d := st.FinishedAt.Sub(*st.StartedAt).Seconds()
		out.RunningS = &d
	}
	return out
}

// SizingSettings ask what `fastsim size` asks.
type SizingSettings struct {
	What         string       `json:"what" enum:"cores,replicas,load" doc:"cores: the fewest cpu_cores of server (of every server when absent); replicas: the fewest copies of server behind the load balancer; load: the degradation curve over loads and its knee."`
	Server       string       `json:"server,omitempty" doc:"Id of the server to size."`
	SLA          analysis.SLA `json:"sla" doc:"The objective, e.g. {\"percentile\": 0.99, \"latency_s\": 0.25}."`
	Max          int          `json:"max,omitempty" minimum:"0" doc:"Largest number of cores or replicas tried. Defaults to 64."`
	Conservative bool         `json:"conservative,omitempty" doc:"Judge on the upper ends of the 95% confidence intervals instead of the means."`
	Loads        []float64    `json:"loads,omitempty" doc:"Load multipliers of what=load."`
}

// SweepParam is one swept parameter: a path into the scenario and its
// values, as a list or a range.
type SweepParam struct {
	Path   string    `json:"path" doc:"A path into the scenario, e.g. topology_graph.nodes.servers[id=api].server_resources.cpu_cores, or load (a load multiplier)."`
	Values []float64 `json:"values,omitempty" doc:"The values; or give from and to with step or count."`
	From   *float64  `json:"from,omitempty"`
	To     *float64  `json:"to,omitempty"`
	Step   float64   `json:"step,omitempty" minimum:"0"`
	Count  int       `json:"count,omitempty" minimum:"0"`
}

// SweepSettings are the parameters of a sweep and its optional SLA.
type SweepSettings struct {
	Params       []SweepParam  `json:"params" minItems:"1" maxItems:"2" doc:"One or two parameters; every combination is a candidate."`
	SLA          *analysis.SLA `json:"sla,omitempty" doc:"Judges every candidate and is drawn on the charts."`
	Conservative bool          `json:"conservative,omitempty"`
}

// CreateStudyBody is the request to run a study.
type CreateStudyBody struct {
	Kind         string          `json:"kind" enum:"sizing,sweep"`
	ScenarioID   string          `json:"scenario_id,omitempty" doc:"Id of a stored scenario (the base); exclusive with scenario."`
	Version      int             `json:"version,omitempty" minimum:"0" doc:"Version of the stored scenario; 0 or absent means the latest."`
	Scenario     json.RawMessage `json:"scenario,omitempty" doc:"An inline base scenario: a JSON object, or a string holding YAML; exclusive with scenario_id."`
	Seed         *int64          `json:"seed,omitempty" doc:"Seed of replication 0 of every candidate (common random numbers). Defaults to 42."`
	Replications int             `json:"replications,omitempty" minimum:"0" doc:"Replications of every candidate. Defaults to 3."`
	Sizing       *SizingSettings `json:"sizing,omitempty" doc:"Settings of kind sizing."`
	Sweep        *SweepSettings  `json:"sweep,omitempty" doc:"Settings of kind sweep."`
}

type createStudyInput struct {
	Body CreateStudyBody
}

type studyOutput struct {
	Location string `header:"Location"`
	Body     Study
}

type getStudyOutput struct {
	Body Study
}

// settings converts the request into the library's spec, seeds included.
func (b CreateStudyBody) settings(seeds []int64) (study.Settings, error) {
	switch b.Kind {
	case string(store.KindSizing):
		if b.Sizing == nil || b.Sweep != nil {
			return study.Settings{}, newFieldError(errUnprocessable, "body.sizing", "a sizing study needs sizing settings (and no sweep)")
		}
		z := b.Sizing
		return study.Settings{Sizing: &analysis.SizingSpec{What: z.What, Server: z.Server, SLA: z.SLA, Seeds: seeds,
			Max: z.Max, Conservative: z.Conservative, Loads: z.Loads}}, nil
	case string(store.KindSweep):
		if b.Sweep == nil || b.Sizing != nil {
			return study.Settings{}, newFieldError(errUnprocessable, "body.sweep", "a sweep study needs sweep settings (and no sizing)")
		}
		spec := analysis.SweepSpec{Seeds: seeds, SLA: b.Sweep.SLA, Conservative: b.Sweep.Conservative}
		for i, p := range b.Sweep.Params {
			values := p.Values
			switch {
			case p.From != nil || p.To != nil:
				if len(values) > 0 || p.From == nil || p.To == nil {
					return study.Settings{}, newFieldError(errUnprocessable, fmt.Sprintf("body.sweep.params[%d]", i),
						"give either values, or from and to with step or count")
				}
				var err error
				if values, err = analysis.RangeValues(*p.From, *p.To, p.Step, p.Count); err != nil {
					return study.Settings{}, newFieldError(errUnprocessable, fmt.Sprintf("body.sweep.params[%d]", i), "%s", err.Error())
				}
			case len(values) == 0:
				return study.Settings{}, newFieldError(errUnprocessable, fmt.Sprintf("body.sweep.params[%d].values", i),
					"give the values, or from and to with step or count")
			}
			spec.Params = append(spec.Params, analysis.Param{Path: p.Path, Values: values})
		}
		return study.Settings{Sweep: &spec}, nil
	}
	return study.Settings{}, newFieldError(errUnprocessable, "body.kind", "kind must be sizing or sweep")
}

func (s *server) createStudy(ctx context.Context, in *createStudyInput) (*studyOutput, error) {
	b := in.Body
	reps := b.Replications
	if reps == 0 {
		reps = defaultStudyReplications
	}
	if reps > s.Limits.MaxReplications {
		return nil, newFieldError(errUnprocessable, "body.replications", "%d replications is over the limit of %d; use fewer", reps, s.Limits.MaxReplications)
	}
	seed := defaultSeed
	if b.Seed != nil {
		seed = *b.Seed
	}
	seeds := make([]int64, reps)
	for i := range seeds {
		seeds[i] = fastsim.ReplicationSeed(seed, i)
	}
	settings, err := b.settings(seeds)
	if err != nil {
		return nil, err
	}
	base, scenarioID, scenarioVersion, err := s.resolveScenario(ctx, CreateRunBody{ScenarioID: b.ScenarioID, Version: b.Version, Scenario: b.Scenario})
	if err != nil {
		return nil, err
	}
	kind := store.StudyKind(b.Kind)
	plan, err := study.Check(ctx, kind, base, settings)
	if err != nil {
		return nil, studySettingsError(kind, err)
	}
	if err := s.checkStudySize(ctx, plan, reps); err != nil {
		return nil, err
	}
	canonical, err := scenario.Canonical(base)
	if err != nil {
		return nil, err
	}
	if err := checkScenarioText(canonical); err != nil {
		return nil, err
	}
	body, err := json.Marshal(settings)
	if err != nil {
		return nil, fmt.Errorf("encode study settings: %w", err)
	}
	created, err := s.Jobs.SubmitStudy(ctx, actor(ctx), store.Study{
		Kind: kind, ScenarioID: scenarioID, ScenarioVersion: scenarioVersion, Scenario: canonical, Settings: body,
		RunsTotal: plan.Runs, Quota: s.runQuota(ctx),
	})
	if err != nil {
		return nil, s.quotaProblem(ctx, fmt.Errorf("create study: %w", err))
	}
	return &studyOutput{Location: "/api/v1/studies/" + created.ID, Body: toStudy(created)}, nil
}

// studySettingsError maps an error of the library's validation to a 422:
// a *scenario.ValidationError (a bad path, a wrong type, a value out of
// range) keeps its paths; any other names the settings.
func studySettingsError(kind store.StudyKind, err error) error {
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	return newFieldError(errUnprocessable, "body."+string(kind), "%s", strings.TrimPrefix(err.Error(), "analysis: "))
}

// checkStudySize applies the limits of a run to every candidate of the
// study (each is a run of reps replications: the event budget, the
// plan's size limits), and refuses up front a study whose candidate runs
// exceed the plan's runs per day, however many are left today.
func (s *server) checkStudySize(ctx context.Context, plan study.Plan, reps int) error {
	for _, sc := range plan.Scenarios {
		if err := checkBudget(sc, reps, s.Limits.MaxEventBudget); err != nil {
			return err
		}
		if err := s.checkPlanSize(ctx, sc, reps); err != nil {
			return err
		}
	}
	u, p, ok := s.planLimits(ctx)
	if ok && p.MaxServers > 0 && plan.Servers > p.MaxServers {
		return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitServers, int64(p.MaxServers), int64(plan.Servers), string(u.Plan), 0,
			"the study's largest candidate has %d servers (each replica counted), over the %s plan's limit of %d; lower the sizing's max or use a larger plan",
			plan.Servers, u.Plan, p.MaxServers))
	}
	if ok && p.MaxRunsPerDay > 0 && plan.Runs > p.MaxRunsPerDay {
		return s.refusals.quotaRefused(newLimitProblem(http.StatusUnprocessableEntity, limitRunsPerDay, int64(p.MaxRunsPerDay), int64(plan.Runs), string(u.Plan), 0,
			"the study needs %d candidate runs (%d candidates × %d replications), over the %s plan's limit of %d runs per day; sweep fewer values, use fewer replications or a lower max, or a larger plan",
			plan.Runs, plan.Candidates, reps, u.Plan, p.MaxRunsPerDay))
	}
	return nil
}

func (s *server) getStudy(ctx context.Context, in *idInput) (*getStudyOutput, error) {
	st, err := s.Store.GetStudy(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get study %s: %w", in.ID, err)
	}
	return &getStudyOutput{Body: toStudy(st)}, nil
}

func (s *server) cancelStudy(ctx context.Context, in *idInput) (*getStudyOutput, error) {
	st, err := s.Jobs.CancelStudy(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("cancel study %s: %w", in.ID, err)
	}
	return &getStudyOutput{Body: toStudy(st)}, nil
}

func (s *server) deleteStudy(ctx context.Context, in *idInput) (*struct{}, error) {
	if err := s.Store.DeleteStudy(ctx, actor(ctx), in.ID); err != nil {
		return nil, fmt.Errorf("delete study %s: %w", in.ID, err)
	}
	return &struct{}{}, nil
}

type listStudiesInput struct {
	Status string `query:"status" doc:"Comma-separated statuses to keep: queued, running, succeeded, failed, cancelled."`
	Kind   string `query:"kind" doc:"Keep studies of this kind: sizing or sweep."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Page size."`
	Cursor string `query:"cursor" maxLength:"500" doc:"next_cursor of the previous page."`
}

// StudyPage is one page of studies.
type StudyPage struct {
	Items      []Study `json:"items"`
	NextCursor string  `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

type listStudiesOutput struct {
	Link string `header:"Link" doc:"rel=next link when there is a next page."`
	Body StudyPage
}

func (s *server) listStudies(ctx context.Context, in *listStudiesInput) (*listStudiesOutput, error) {
	p := store.ListStudiesParams{Limit: in.Limit, Cursor: in.Cursor}
	if in.Kind != "" {
		k, err := store.ParseStudyKind(in.Kind)
		if err != nil {
			return nil, newFieldError(errBadRequest, "query.kind", "%q is not a kind; use sizing or sweep", in.Kind)
		}
		p.Kind = k
	}
	status, err := parseStatusFilter(in.Status)
	if err != nil {
		return nil, err
	}
	p.Status = status
	page, err := s.Store.ListStudies(ctx, actor(ctx), p)
	if err != nil {
		return nil, fmt.Errorf("list studies: %w", err)
	}
	out := &listStudiesOutput{Body: StudyPage{Items: make([]Study, len(page.Items)), NextCursor: page.NextCursor}}
	for i, st := range page.Items {
		out.Body.Items[i] = toStudy(st)
	}
	out.Link = nextLink("/api/v1/studies", in.Limit, page.NextCursor, "status", in.Status, "kind", in.Kind)
	return out, nil
}

// StudyResultBody is a study's result: for sizing, the answer with every
// candidate evaluated (as `fastsim size --json`); for a sweep, every
// candidate's figures with 95 % confidence half-widths.
type StudyResultBody struct {
	study.Result
	StudyID string `json:"study_id" format:"uuid"`
}

type studyResultOutput struct {
	Body StudyResultBody
}

// succeededStudy returns the study when it has succeeded, else a 409
// saying what state it is in (404 when it does not exist).
func (s *server) succeededStudy(ctx context.Context, id string) (store.Study, error) {
	st, err := s.Store.GetStudy(ctx, actor(ctx), id)
	if err != nil {
		return store.Study{}, fmt.Errorf("get study %s: %w", id, err)
	}
	if err := requireSucceeded("study", id, st.Status, st.Error, "/api/v1/studies/"+id); err != nil {
		return store.Study{}, err
	}
	return st, nil
}

// studyResult loads the result of a succeeded study.
func (s *server) studyResult(ctx context.Context, id string) (*study.Result, error) {
	if _, err := s.succeededStudy(ctx, id); err != nil {
		return nil, err
	}
	body, err := s.Store.GetStudyResult(ctx, actor(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("get result of study %s: %w", id, err)
	}
	var res study.Result
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("decode stored result of study %s: %w", id, err)
	}
	return &res, nil
}

func (s *server) getStudyResult(ctx context.Context, in *idInput) (*studyResultOutput, error) {
	res, err := s.studyResult(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &studyResultOutput{Body: StudyResultBody{Result: *res, StudyID: in.ID}}, nil
}

func studyEventsOp() huma.Operation {
	o := op("get-study-events", http.MethodGet, "/api/v1/studies/{id}/events", "Follow a study (Server-Sent Events)", "Studies", http.StatusNotFound)
	o.Description = "A text/event-stream of `progress` events (data: the study, as GET /api/v1/studies/{id}) " +
		"each time the status or runs_done changes, then one `status` event with the final study, after which the stream ends."
	o.Responses = map[string]*huma.Response{
		"200": {
			Description: "The event stream.",
			Content: map[string]*huma.MediaType{
				"text/event-stream": {Schema: &huma.Schema{Type: huma.TypeString, Description: "event: progress|status, data: a Study as JSON"}},
			},
		},
	}
	return o
}

// studyEvents streams a study's progress (candidate runs done of total)
// until it reaches a final status, as events does for a run.
func (s *server) studyEvents(ctx context.Context, in *idInput) (*huma.StreamResponse, error) {
	first, err := s.Store.GetStudy(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get study %s: %w", in.ID, err)
	}
	snap := func(st store.Study) snapshot {
		body := toStudy(st)
		return snapshot{body: body, final: st.Status.Final(), key: fmt.Sprint(body.Status, body.RunsDone, body.RunsTotal)}
	}
	return s.stream(snap(first), func(ctx context.Context) (snapshot, error) {
		st, err := s.Store.GetStudy(ctx, actor(ctx), in.ID)
		if err != nil {
			return snapshot{}, fmt.Errorf("event stream: read study %s: %w", in.ID, err)
		}
		return snap(st), nil
	}), nil
}
