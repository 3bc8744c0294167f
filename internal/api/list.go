package api

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/fastsim/fastsim/internal/store"
)

// parseStatusFilter parses a list endpoint's comma-separated status query
// parameter (runs and studies share the statuses); "" keeps every status.
func parseStatusFilter(list string) ([]store.RunStatus, error) {
	if list == "" {
		return nil, nil
	}
	var out []store.RunStatus
	for _, name := range strings.Split(list, ",") {
		st, err := store.ParseRunStatus(strings.TrimSpace(name))
		if err != nil {
			return nil, newFieldError(errBadRequest, "query.status", "%q is not a status; use queued, running, succeeded, failed or cancelled", name)
		}
		out = append(out, st)
	}
	return out, nil
}

// nextLink is the Link header of a list page: a rel="next" link to path
// with the page size, the next cursor and the filters given as name, value
// pairs (an empty value is left out), or "" on the last page.
func nextLink(path string, limit int, cursor string, filters ...string) string {
	if cursor == "" {
		return ""
	}
	q := url.Values{"limit": {fmt.Sprint(limit)}, "cursor": {cursor}}
	for i := 0; i+1 < len(filters); i += 2 {
		if filters[i+1] != "" {
			q.Set(filters[i], filters[i+1])
		}
	}
	return "<" + path + "?" + q.Encode() + `>; rel="next"`
}

// requireSucceeded returns nil when a run or study (what, e.g. "run") in
// status has succeeded, else a 409 saying what state it is in; failure is
// its error message, and events the path whose events to follow.
func requireSucceeded(what, id string, status store.RunStatus, failure, events string) error {
	switch status {
	case store.StatusSucceeded:
		return nil
	case store.StatusFailed, store.StatusCancelled:
		return fmt.Errorf("%s %s is %s (%s) and has no result: %w", what, id, status, failure, store.ErrConflict)
	default:
		return fmt.Errorf("%s %s is %s; its result exists once it has succeeded (follow %s/events): %w",
			what, id, status, events, store.ErrConflict)
	}
}
