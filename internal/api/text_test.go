package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestBadTextRefused sends a NUL character and invalid UTF-8 in every kind
// of string input of every route that takes one (path and query
// parameters, JSON and YAML bodies, login and register emails, key names,
// scenario names, list filters), on every database: each gets 422 naming
// where, never a 5xx (PostgreSQL refused them with 500), and nothing is
// stored.
func TestBadTextRefused(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{dialect: dialect, allowRegister: true})
			_, adminKey := newAccount(t, b, store.RoleAdmin)
			admin := b.as(adminKey)
			yml := testenv.OneServerYAML(2, 5)
			r := b.do(t, "POST", "/api/v1/scenarios?name=ok", "application/yaml", []byte(yml))
			wantStatus(t, r, http.StatusCreated)
			scID := r.json(t)["id"].(string)

			const nul, bad = "\x00", "\xff"
			jsonNUL := func(tmpl string) []byte { return []byte(strings.ReplaceAll(tmpl, "@", `\u0000`)) }
			jsonRaw := func(tmpl, s string) []byte { return []byte(strings.ReplaceAll(tmpl, "@", s)) }
			creds := `{"email":"a@@example.com","password":"correct-horse-battery-9"}`
			tests := []struct {
				name, method, path, ct string
				body                   []byte
				as                     testBundle
				location               string // "" when the scenario decoder answers
			}{
				{"LoginEmailEscapedNUL", "POST", "/api/v1/auth/login", "application/json", jsonNUL(creds), b.as(""), "body"},
				{"LoginEmailNUL", "POST", "/api/v1/auth/login", "application/json", jsonRaw(creds, nul), b.as(""), "body"},
				{"LoginEmailInvalidUTF8", "POST", "/api/v1/auth/login", "application/json", jsonRaw(creds, bad), b.as(""), "body"},
				{"RegisterEmailEscapedNUL", "POST", "/api/v1/auth/register", "application/json", jsonNUL(creds), b.as(""), "body"},
				{"RegisterEmailInvalidUTF8", "POST", "/api/v1/auth/register", "application/json", jsonRaw(creds, bad), b.as(""), "body"},
				{"KeyNameEscapedNUL", "POST", "/api/v1/keys", "application/json", jsonNUL(`{"name":"ci@"}`), b, "body"},
				{"KeyNameInvalidUTF8", "POST", "/api/v1/keys", "application/json", jsonRaw(`{"name":"ci@"}`, bad), b, "body"},
				{"ScenarioNameNUL", "POST", "/api/v1/scenarios?name=a%00b", "application/yaml", []byte(yml), b, "query.name"},
				{"ScenarioNameInvalidUTF8", "POST", "/api/v1/scenarios?name=a%FFb", "application/yaml", []byte(yml), b, "query.name"},
				{"ScenarioRenameNUL", "PUT", "/api/v1/scenarios/" + scID + "?name=%00", "application/yaml", []byte(yml), b, "query.name"},
				{"ScenarioBodyRawNUL", "POST", "/api/v1/scenarios?name=x", "application/yaml", []byte(strings.Replace(yml, "id: gen-client", "id: gen"+nul+"client", 1)), b, "body"},
				{"ScenarioBodyInvalidUTF8", "POST", "/api/v1/scenarios?name=x", "application/yaml", []byte(strings.Replace(yml, "id: gen-client", "id: gen"+bad+"client", 1)), b, "body"},
				{"ScenarioBodyYAMLEscapedNUL", "POST", "/api/v1/scenarios?name=x", "application/yaml", []byte(strings.Replace(yml, "id: gen-client", `id: "gen\0client"`, 1)), b, ""},
				{"ValidateYAMLEscapedNUL", "POST", "/api/v1/validate", "application/yaml", []byte(strings.Replace(yml, "id: gen-client", `id: "gen\x00client"`, 1)), b, ""},
				{"ListScenariosFilterNUL", "GET", "/api/v1/scenarios?name=%00", "", nil, b, "query.name"},
				{"ListScenariosCursorInvalidUTF8", "GET", "/api/v1/scenarios?cursor=%FF", "", nil, b, "query.cursor"},
				{"ListRunsStatusNUL", "GET", "/api/v1/runs?status=%00", "", nil, b, "query.status"},
				{"ListRunsScenarioInvalidUTF8", "GET", "/api/v1/runs?scenario_id=%C3", "", nil, b, "query.scenario_id"},
				{"QueryNameNUL", "GET", "/api/v1/runs?a%00=1", "", nil, b, "query"},
				{"AdminUsersFilterNUL", "GET", "/api/v1/admin/users?email=%00", "", nil, admin, "query.email"},
				{"GetScenarioPathNUL", "GET", "/api/v1/scenarios/%00", "", nil, b, "path"},
				{"GetRunPathInvalidUTF8", "GET", "/api/v1/runs/%FF", "", nil, b, "path"},
				{"ChartPathNUL", "GET", "/api/v1/runs/x/charts/a%00.svg", "", nil, b, "path"},
				{"DeleteKeyPathNUL", "DELETE", "/api/v1/keys/%00", "", nil, b, "path"},
				{"UpdateUserPathInvalidUTF8", "PATCH", "/api/v1/admin/users/%FE", "application/json", []byte(`{"plan":"pro"}`), admin, "path"},
				{"RunScenarioIDEscapedNUL", "POST", "/api/v1/runs", "application/json", jsonNUL(`{"scenario_id":"@"}`), b, "body"},
				{"RunInlineYAMLEscapedNUL", "POST", "/api/v1/runs", "application/json", jsonRaw(`{"scenario":@}`, jsonString(t, strings.Replace(yml, "id: gen-client", `id: "gen\0client"`, 1))), b, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.as.do(t, tt.method, tt.path, tt.ct, tt.body)
					wantStatus(t, r, http.StatusUnprocessableEntity)
					p := problemOf(t, r)
					if tt.location != "" && (len(p.Errors) != 1 || p.Errors[0].Location != tt.location || p.Errors[0].Message != "must be UTF-8 text without NUL characters") {
						t.Errorf("errors = %+v, want one at %s", p.Errors, tt.location)
					}
					if tt.location == "" && !strings.Contains(p.Detail, "NUL") && !strings.Contains(string(r.body), "NUL") {
						t.Errorf("problem %+v does not say NUL", p)
					}
				})
			}
			// An escaped backslash before u0000 is text, not a NUL.
			wantStatus(t, b.do(t, "POST", "/api/v1/keys", "application/json", []byte(`{"name":"c:\\u0000"}`)), http.StatusCreated)
			// Nothing else was stored.
			r = b.do(t, "GET", "/api/v1/scenarios", "", nil)
			wantStatus(t, r, http.StatusOK)
			if n := len(r.json(t)["items"].([]any)); n != 1 {
				t.Errorf("%d scenarios stored, want only the first", n)
			}
		})
	}
}

// jsonString returns s as a JSON string literal.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
