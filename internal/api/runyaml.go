package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
)

// runsPath is the route that submits runs.
const runsPath = "/api/v1/runs"

// yamlRuns lets POST /api/v1/runs take a scenario document in YAML, as
// /validate and /scenarios do: a request whose Content-Type is a YAML type
// is rewritten into the JSON request of the operation,
//
//	{"scenario": "<the YAML text>", "seed": ?seed, "replications": ?replications}
//
// (seed and replications from the query; an inline scenario may already
// be a string holding YAML), so one handler and one validation serve both.
// Any other Content-Type gets 415 saying what to send; JSON requests pass
// unchanged.
func yamlRuns(maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if r.Method != http.MethodPost || r.URL.Path != runsPath || ct == "" || isJSON(ct) {
			next.ServeHTTP(w, r)
			return
		}
		if !isYAMLType(ct) {
			writeProblem(w, http.StatusUnsupportedMediaType, "Content-Type "+strconv.Quote(ct)+" is not accepted: send application/json "+
				`({"scenario_id": …} or {"scenario": …}, with "seed" and "replications") or application/yaml (a scenario document, with ?seed=&replications=)`,
				&huma.ErrorDetail{Location: "header.Content-Type", Message: "use application/json or application/yaml"})
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeProblem(w, http.StatusRequestEntityTooLarge, "the request body is larger than the limit of "+strconv.FormatInt(maxBody, 10)+" bytes (--max-body-bytes)")
				return
			}
			writeProblem(w, http.StatusBadRequest, "cannot read the request body")
			return
		}
		body := map[string]any{"scenario": string(raw)}
		q := r.URL.Query()
		for _, p := range []struct {
			name string
			bits int
		}{{"seed", 64}, {"replications", 32}} {
			v := q.Get(p.name)
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, p.bits)
			if err != nil {
				msg := "must be an integer, got " + strconv.Quote(v)
				writeProblem(w, http.StatusUnprocessableEntity, "query."+p.name+": "+msg, &huma.ErrorDetail{Location: "query." + p.name, Message: msg})
				return
			}
			body[p.name] = n
		}
		converted, err := json.Marshal(body)
		if err != nil { // cannot happen: a string and integers
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(converted))
		r.ContentLength = int64(len(converted))
		r.Header.Set("Content-Type", "application/json")
		next.ServeHTTP(w, r)
	})
}

// isYAMLType reports whether a Content-Type is one of yamlTypes.
func isYAMLType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && slices.Contains(yamlTypes[:], mt)
}

// documentYAMLRuns adds the YAML request body and its query parameters to
// the create-run operation, whose JSON body huma documents.
func documentYAMLRuns(o huma.Operation) huma.Operation {
	o.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{}}
	doc := &huma.MediaType{Schema: &huma.Schema{Type: huma.TypeString,
		Description: "A scenario document in YAML (see the scenario reference); seed and replications go in the query."}}
	for _, ct := range yamlTypes {
		o.RequestBody.Content[ct] = doc
	}
	for _, p := range []struct{ name, doc string }{
		{"seed", "With a YAML body only: seed of replication 0. Defaults to 42."},
		{"replications", "With a YAML body only: number of independent replications. Defaults to 1."},
	} {
		o.Parameters = append(o.Parameters, &huma.Param{Name: p.name, In: "query", Description: p.doc, Schema: &huma.Schema{Type: huma.TypeInteger}})
	}
	return o
}
