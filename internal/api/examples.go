package api

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Example is one example scenario the UI can start from.
type Example struct {
	Name        string `json:"name" doc:"File name without .yml, e.g. single_server."`
	Description string `json:"description" doc:"The comment at the top of the file, without its # marks."`
	YAML        string `json:"yaml" doc:"The scenario document, as in the file."`
}

type examplesOutput struct {
	Body struct {
		Items []Example `json:"items" nullable:"false"`
	}
}

// listExamples answers GET /api/v1/examples: every *.yml of
// Options.Examples, by name.
func (s *server) listExamples(_ context.Context, _ *struct{}) (*examplesOutput, error) {
	out := &examplesOutput{}
	out.Body.Items = []Example{}
	if s.Examples == nil {
		return out, nil
	}
	names, err := fs.Glob(s.Examples, "*.yml")
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(s.Examples, n)
		if err != nil {
			return nil, fmt.Errorf("read example %s: %w", n, err)
		}
		text := string(b)
		out.Body.Items = append(out.Body.Items, Example{Name: strings.TrimSuffix(n, ".yml"), Description: headComment(text), YAML: text})
	}
	return out, nil
}

// headComment returns the leading comment lines of a YAML text, without
// their "#" marks, joined by newlines.
func headComment(text string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "#") {
			break
		}
		lines = append(lines, strings.TrimSpace(strings.TrimPrefix(t, "#")))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
