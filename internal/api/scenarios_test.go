package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/scenario"
)

func createScenario(t *testing.T, b testBundle, name string, yaml []byte) map[string]any {
	t.Helper()
	r := b.do(t, "POST", "/api/v1/scenarios?name="+name, "application/yaml", yaml)
	wantStatus(t, r, http.StatusCreated)
	return r.json(t)
}

func TestScenarioLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	small := readFile(t, "small.yml")

	r := b.do(t, "POST", "/api/v1/scenarios?name=checkout", "application/yaml", small)
	wantStatus(t, r, http.StatusCreated)
	created := r.json(t)
	id := created["id"].(string)
	if loc := r.header.Get("Location"); loc != "/api/v1/scenarios/"+id {
		t.Errorf("Location = %q", loc)
	}
	if created["name"] != "checkout" || created["latest_version"] != float64(1) {
		t.Errorf("created = %v", created)
	}

	// The stored body is the canonical JSON of the document.
	var got struct {
		api.Scenario
		Version api.ScenarioVersion `json:"version"`
	}
	r = b.do(t, "GET", "/api/v1/scenarios/"+id, "", nil)
	wantStatus(t, r, http.StatusOK)
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(canonical(t, small)), string(got.Version.Scenario)); diff != "" {
		t.Errorf("stored scenario (-want +got):\n%s", diff)
	}

	// An update (here in JSON, with a rename) makes version 2; version 1 is kept.
	sc, err := scenario.Decode(small, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	sc.Settings.TotalSimulationTime = 30
	v2, err := scenario.Canonical(sc)
	if err != nil {
		t.Fatal(err)
	}
	r = b.do(t, "PUT", "/api/v1/scenarios/"+id+"?name=checkout-v2", "application/json", v2)
	wantStatus(t, r, http.StatusOK)
	if m := r.json(t); m["latest_version"] != float64(2) || m["name"] != "checkout-v2" {
		t.Errorf("update = %v", m)
	}
	r = b.do(t, "GET", "/api/v1/scenarios/"+id+"/versions/1", "", nil)
	wantStatus(t, r, http.StatusOK)
	var v1 api.ScenarioVersion
	if err := json.Unmarshal(r.body, &v1); err != nil {
		t.Fatal(err)
	}
	if string(v1.Scenario) != string(canonical(t, small)) || v1.Name != "checkout" {
		t.Errorf("version 1 changed: name %q, body %s", v1.Name, v1.Scenario)
	}
	r = b.do(t, "GET", "/api/v1/scenarios/"+id+"/versions", "", nil)
	wantStatus(t, r, http.StatusOK)
	if items := r.json(t)["items"].([]any); len(items) != 2 {
		t.Errorf("versions = %v, want 2", items)
	}

	// Delete, then it is gone.
	wantStatus(t, b.do(t, "DELETE", "/api/v1/scenarios/"+id, "", nil), http.StatusNoContent)
	wantStatus(t, b.do(t, "GET", "/api/v1/scenarios/"+id, "", nil), http.StatusNotFound)
}

func TestScenarioErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	small := readFile(t, "small.yml")
	invalid := readFile(t, "invalid.yml")
	const unknown = "01900000-0000-7000-8000-000000000000"
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        []byte
		status      int
		detail      string
	}{
		{"ErrCreateInvalid", "POST", "/api/v1/scenarios?name=x", "application/yaml", invalid, 422, "the scenario is invalid: 4 problems"},
		{"ErrCreateNoName", "POST", "/api/v1/scenarios", "application/yaml", small, 422, ""},
		{"ErrCreateMediaType", "POST", "/api/v1/scenarios?name=x", "application/xml", small, 415, ""},
		{"ErrGetUnknown", "GET", "/api/v1/scenarios/" + unknown, "", nil, 404, ""},
		{"ErrGetUnknownVersion", "GET", "/api/v1/scenarios/" + unknown + "/versions/3", "", nil, 404, ""},
		{"ErrVersionZero", "GET", "/api/v1/scenarios/" + unknown + "/versions/0", "", nil, 422, ""},
		{"ErrUpdateUnknown", "PUT", "/api/v1/scenarios/" + unknown, "application/yaml", small, 404, ""},
		{"ErrUpdateInvalid", "PUT", "/api/v1/scenarios/" + unknown, "application/yaml", invalid, 422, ""},
		{"ErrDeleteUnknown", "DELETE", "/api/v1/scenarios/" + unknown, "", nil, 404, ""},
		{"ErrListLimitZero", "GET", "/api/v1/scenarios?limit=0", "", nil, 422, ""},
		{"ErrListLimitHuge", "GET", "/api/v1/scenarios?limit=5000", "", nil, 422, ""},
		{"ErrListLimitNotNumber", "GET", "/api/v1/scenarios?limit=ten", "", nil, 422, ""},
		{"ErrListBadCursor", "GET", "/api/v1/scenarios?cursor=garbage", "", nil, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := b.do(t, tt.method, tt.path, tt.contentType, tt.body)
			wantStatus(t, r, tt.status)
			p := problemOf(t, r)
			if tt.detail != "" && p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
		})
	}
}

func TestListScenarios(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	small := readFile(t, "small.yml")
	for _, name := range []string{"alpha-shop", "beta", "gamma-shop", "delta-SHOP"} {
		createScenario(t, b, name, small)
	}
	names := func(r response) []string {
		var page struct {
			Items      []api.Scenario `json:"items"`
			NextCursor string         `json:"next_cursor"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(page.Items))
		for i, s := range page.Items {
			out[i] = s.Name
		}
		return out
	}
	r := b.do(t, "GET", "/api/v1/scenarios", "", nil)
	wantStatus(t, r, http.StatusOK)
	if diff := cmp.Diff([]string{"delta-SHOP", "gamma-shop", "beta", "alpha-shop"}, names(r)); diff != "" {
		t.Errorf("newest first (-want +got):\n%s", diff)
	}
	r = b.do(t, "GET", "/api/v1/scenarios?name=shop", "", nil)
	if diff := cmp.Diff([]string{"delta-SHOP", "gamma-shop", "alpha-shop"}, names(r)); diff != "" {
		t.Errorf("name filter (-want +got):\n%s", diff)
	}

	// Walk the filtered list two at a time, following next_cursor.
	var walked []string
	path := "/api/v1/scenarios?name=shop&limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		r = b.do(t, "GET", path, "", nil)
		wantStatus(t, r, http.StatusOK)
		walked = append(walked, names(r)...)
		path = ""
		if cur, _ := r.json(t)["next_cursor"].(string); cur != "" {
			link := r.header.Get("Link")
			if !strings.Contains(link, `rel="next"`) {
				t.Errorf("Link = %q, want a rel=next link", link)
			}
			path = link[1:strings.Index(link, ">")]
		}
	}
	if diff := cmp.Diff([]string{"delta-SHOP", "gamma-shop", "alpha-shop"}, walked); diff != "" {
		t.Errorf("paginated walk (-want +got):\n%s", diff)
	}
}
