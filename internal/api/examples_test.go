package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/fastsim/fastsim/internal/api"
)

func TestListExamples(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"b.yml":     {Data: []byte("# Two servers:\n#   behind a load balancer.\nrqs_input: {}\n")},
		"a.yml":     {Data: []byte("rqs_input: {}\n")},
		"notes.txt": {Data: []byte("not an example")},
	}
	b := setup(t, setupOpts{examples: files})
	r := b.do(t, "GET", "/api/v1/examples", "", nil)
	wantStatus(t, r, http.StatusOK)
	var got struct{ Items []api.Example }
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	want := []api.Example{
		{Name: "a", Description: "", YAML: "rqs_input: {}\n"},
		{Name: "b", Description: "Two servers:\nbehind a load balancer.", YAML: "# Two servers:\n#   behind a load balancer.\nrqs_input: {}\n"},
	}
	if len(got.Items) != len(want) {
		t.Fatalf("items %+v", got.Items)
	}
	for i := range want {
		if got.Items[i] != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, got.Items[i], want[i])
		}
	}
	// Like every /api/v1 route, it needs credentials.
	wantStatus(t, b.doWithAuth(t, "GET", "/api/v1/examples", ""), http.StatusUnauthorized)
}
