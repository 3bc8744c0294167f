package api

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/scenario"
)

// Scenario is a stored scenario.
type Scenario struct {
	ID            string    `json:"id" format:"uuid"`
	Name          string    `json:"name"`
	LatestVersion int       `json:"latest_version" minimum:"1"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ScenarioVersion is one immutable version of a stored scenario.
type ScenarioVersion struct {
	ScenarioID string          `json:"scenario_id" format:"uuid"`
	Version    int             `json:"version" minimum:"1"`
	Name       string          `json:"name"`
	CreatedAt  time.Time       `json:"created_at"`
	Scenario   json.RawMessage `json:"scenario,omitempty" doc:"The scenario document, as canonical JSON (defaults applied)."`
}

// ScenarioWithVersion is a scenario and one of its versions.
type ScenarioWithVersion struct {
	Scenario
	Version ScenarioVersion `json:"version"`
}

func toScenario(s store.Scenario) Scenario {
	return Scenario{ID: s.ID, Name: s.Name, LatestVersion: s.LatestVersion, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func toVersion(v store.ScenarioVersion, withBody bool) ScenarioVersion {
	out := ScenarioVersion{ScenarioID: v.ScenarioID, Version: v.Version, Name: v.Name, CreatedAt: v.CreatedAt}
	if withBody {
		out.Scenario = json.RawMessage(v.Body)
	}
	return out
}

type createScenarioInput struct {
	Name        string `query:"name" required:"true" minLength:"1" maxLength:"200" doc:"Name of the scenario."`
	ContentType string `header:"Content-Type" doc:"application/json for JSON; application/yaml, application/x-yaml or text/yaml for YAML."`
	RawBody     []byte `contentType:"application/yaml"`
}

type scenarioOutput struct {
	Location string `header:"Location"`
	Body     ScenarioWithVersion
}

// canonicalBody decodes and validates a scenario body and returns its
// canonical JSON, the form the store keeps.
func canonicalBody(contentType string, body []byte) ([]byte, error) {
	sc, err := decodeScenario(contentType, body)
	if err != nil {
		return nil, err
	}
	return scenario.Canonical(sc)
}

func (s *server) createScenario(ctx context.Context, in *createScenarioInput) (*scenarioOutput, error) {
	body, err := canonicalBody(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	sc, v, err := s.Store.CreateScenario(ctx, actor(ctx), in.Name, body)
	if err != nil {
		return nil, fmt.Errorf("create scenario: %w", err)
	}
	return &scenarioOutput{
		Location: "/api/v1/scenarios/" + sc.ID,
		Body:     ScenarioWithVersion{Scenario: toScenario(sc), Version: toVersion(v, true)},
	}, nil
}

type updateScenarioInput struct {
	ID          string `path:"id" doc:"Scenario id."`
	Name        string `query:"name" maxLength:"200" doc:"New name; the name is kept when absent."`
	ContentType string `header:"Content-Type" doc:"application/json for JSON; application/yaml, application/x-yaml or text/yaml for YAML."`
	RawBody     []byte `contentType:"application/yaml"`
}

func (s *server) updateScenario(ctx context.Context, in *updateScenarioInput) (*scenarioOutput, error) {
	body, err := canonicalBody(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	sc, v, err := s.Store.UpdateScenario(ctx, actor(ctx), in.ID, in.Name, body)
	if err != nil {
		return nil, fmt.Errorf("update scenario %s: %w", in.ID, err)
	}
	return &scenarioOutput{
		Location: "/api/v1/scenarios/" + sc.ID + "/versions/" + fmt.Sprint(v.Version),
		Body:     ScenarioWithVersion{Scenario: toScenario(sc), Version: toVersion(v, true)},
	}, nil
}

type idInput struct {
	ID string `path:"id" doc:"Resource id."`
}

type getScenarioOutput struct {
	Body ScenarioWithVersion
}

func (s *server) getScenario(ctx context.Context, in *idInput) (*getScenarioOutput, error) {
	sc, err := s.Store.GetScenario(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get scenario %s: %w", in.ID, err)
	}
	v, err := s.Store.GetScenarioVersion(ctx, actor(ctx), in.ID, sc.LatestVersion)
	if err != nil {
		return nil, fmt.Errorf("get scenario %s version %d: %w", in.ID, sc.LatestVersion, err)
	}
	return &getScenarioOutput{Body: ScenarioWithVersion{Scenario: toScenario(sc), Version: toVersion(v, true)}}, nil
}

type versionInput struct {
	ID      string `path:"id" doc:"Scenario id."`
	Version int    `path:"version" minimum:"1" doc:"Version number."`
}

type versionOutput struct {
	Body ScenarioVersion
}

func (s *server) getScenarioVersion(ctx context.Context, in *versionInput) (*versionOutput, error) {
	v, err := s.Store.GetScenarioVersion(ctx, actor(ctx), in.ID, in.Version)
	if err != nil {
		return nil, fmt.Errorf("get scenario %s version %d: %w", in.ID, in.Version, err)
	}
	return &versionOutput{Body: toVersion(v, true)}, nil
}

type versionsOutput struct {
	Body struct {
		Items []ScenarioVersion `json:"items"`
	}
}

func (s *server) listScenarioVersions(ctx context.Context, in *idInput) (*versionsOutput, error) {
	vs, err := s.Store.ListScenarioVersions(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("list versions of scenario %s: %w", in.ID, err)
	}
	out := &versionsOutput{}
	out.Body.Items = make([]ScenarioVersion, len(vs))
	for i, v := range vs {
		out.Body.Items[i] = toVersion(v, false)
	}
	return out, nil
}

func (s *server) deleteScenario(ctx context.Context, in *idInput) (*struct{}, error) {
	if err := s.Store.DeleteScenario(ctx, actor(ctx), in.ID); err != nil {
		return nil, fmt.Errorf("delete scenario %s: %w", in.ID, err)
	}
	return &struct{}{}, nil
}

type listScenariosInput struct {
	Name   string `query:"name" maxLength:"200" doc:"Keep scenarios whose name contains this (case-insensitive)."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Page size."`
	Cursor string `query:"cursor" maxLength:"500" doc:"next_cursor of the previous page."`
}

// ScenarioPage is one page of scenarios.
type ScenarioPage struct {
	Items      []Scenario `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

type listScenariosOutput struct {
	Link string `header:"Link" doc:"rel=next link when there is a next page."`
	Body ScenarioPage
}

func (s *server) listScenarios(ctx context.Context, in *listScenariosInput) (*listScenariosOutput, error) {
	page, err := s.Store.ListScenarios(ctx, actor(ctx), store.ListScenariosParams{NameContains: in.Name, Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, fmt.Errorf("list scenarios: %w", err)
	}
	out := &listScenariosOutput{Body: ScenarioPage{Items: make([]Scenario, len(page.Items)), NextCursor: page.NextCursor}}
	for i, sc := range page.Items {
		out.Body.Items[i] = toScenario(sc)
	}
	out.Link = nextLink("/api/v1/scenarios", in.Limit, page.NextCursor, "name", in.Name)
	return out, nil
}
