package api

import (
	"context"
	"fmt"
	"mime"

	"github.com/fastsim/fastsim/scenario"
)

// yamlTypes are the media types of a YAML body.
var yamlTypes = [4]string{"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}

// scenarioContentTypes are the media types of a scenario body.
var scenarioContentTypes = []string{"application/yaml", "application/x-yaml", "text/yaml", "application/json"}

// scenarioBody is the input of operations whose body is a scenario document.
type scenarioBody struct {
	ContentType string `header:"Content-Type" doc:"application/json for JSON; application/yaml, application/x-yaml or text/yaml for YAML."`
	RawBody     []byte `contentType:"application/yaml"`
}

// decodeScenario decodes a scenario body by its Content-Type. A missing
// Content-Type is auto-detected; an unknown one is errMediaType.
func decodeScenario(contentType string, body []byte) (*scenario.Scenario, error) {
	format := scenario.FormatAuto
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return nil, newFieldError(errMediaType, "header.Content-Type", "%q is not a media type; use application/json or application/yaml", contentType)
		}
		switch mt {
		case "application/json":
			format = scenario.FormatJSON
		case yamlTypes[0], yamlTypes[1], yamlTypes[2], yamlTypes[3]:
			format = scenario.FormatYAML
		default:
			return nil, newFieldError(errMediaType, "header.Content-Type", "%q is not accepted for a scenario; use application/json or application/yaml", mt)
		}
	}
	sc, err := scenario.Decode(body, format)
	if err != nil {
		return nil, fmt.Errorf("decode scenario: %w", err)
	}
	if c, err := scenario.Canonical(sc); err == nil {
		if err := checkScenarioText(c); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// FieldMessage is a warning or an error about one value of a scenario.
type FieldMessage struct {
	Path    string `json:"path" doc:"Path of the value, e.g. topology_graph.edges[0].latency."`
	Message string `json:"message"`
}

// ValidateOutputBody is the answer to a valid scenario.
type ValidateOutputBody struct {
	Valid           bool           `json:"valid" doc:"Always true: an invalid scenario gets 422."`
	Warnings        []FieldMessage `json:"warnings" doc:"Things that are allowed but probably not meant."`
	EstimatedEvents int64          `json:"estimated_events" doc:"Estimated events of one replication (see docs/api.md, Limits)."`
	CacheKey        string         `json:"cache_key" doc:"Cache key of a run of this scenario by the requester with the default seed and one replication (keys differ between users and engine builds)."`
}

type validateOutput struct {
	Body ValidateOutputBody
}

func (s *server) validate(ctx context.Context, in *scenarioBody) (*validateOutput, error) {
	sc, err := decodeScenario(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	canonical, err := scenario.Canonical(sc)
	if err != nil {
		return nil, err
	}
	out := &validateOutput{Body: ValidateOutputBody{
		Valid:           true,
		Warnings:        warnings(sc),
		EstimatedEvents: EstimateEvents(sc, 1),
		CacheKey:        s.cacheKey(ctx, canonical, defaultSeed, 1),
	}}
	return out, nil
}

func warnings(sc *scenario.Scenario) []FieldMessage {
	ws := sc.Warnings()
	out := make([]FieldMessage, len(ws))
	for i, w := range ws {
		out[i] = FieldMessage{Path: w.Path, Message: w.Message}
	}
	return out
}
