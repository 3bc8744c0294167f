package scenario

// Scenario paths: a value addressed by its path in the document,
// `topology_graph.nodes.servers[id=api].server_resources.cpu_cores`, for
// sweeps (analysis.SweepSpec) and comparisons (Diff).

import "errors"

// Setting is one assignment of SetPaths: the value to give the path.
type Setting struct {
	// Path addresses the value (see SetPath).
	Path string `json:"path"`
	// Value is the new value: a number, a string or a bool.
	Value any `json:"value"`
}

// SetPath sets the value at path in sc, then validates sc. The caller
// passes a scenario it may change (a Clone).
//
// A path is the keys of the document joined by dots, as validation errors
// write them, with list elements selected by a numeric index
// (`topology_graph.nodes.servers[0]`) or, on the lists whose elements have
// an id, by `[id=…]`: servers, edges, load_balancers, generators of a
// listed `rqs_input`, endpoints (by endpoint_name) and events (by
// event_id); `[endpoint_name=…]` and `[event_id=…]` are accepted too.
// Examples:
//
//	topology_graph.nodes.servers[id=api].server_resources.cpu_cores
//	rqs_input.avg_active_users.mean
//	topology_graph.edges[id=gen-client].latency.mean
//	topology_graph.nodes.servers[id=api].endpoints[id=get].steps[0].step_operation.cpu_time
//
// A step time (`cpu_time`, `io_waiting_time`) is a number: setting it on a
// random quantity sets its mean and keeps its distribution; `.mean`,
// `.distribution` and `.variance` address the RV itself. An optional
// number (`replicas`, `timeout_s`, `max_queue`, …) may be set when absent;
// an absent section (`load_balancer`, `rate_limit`, …) is an error: a path
// changes values, it does not add sections.
//
// The value must fit the field: a whole number for an integer field (2.0
// is accepted for 2), a number for a real one, a string for a name or an
// enumeration, a bool for a flag. Errors are *ValidationError values
// whose FieldError names the path as given and says what would be
// accepted: an unknown key or id (with a "did you mean"), an index out of
// range, a wrong type, or, after the change, the validator's own errors
// (out-of-range values), whose paths use numeric indexes.
func SetPath(sc *Scenario, path string, value any) error {
	return SetPaths(sc, Setting{Path: path, Value: value})
}

// SetPaths applies every setting in order, then validates sc once, so
// that settings which are only valid together (min_replicas and
// max_replicas) can be made. Errors are those of SetPath; on an error sc
// may be partly changed.
func SetPaths(sc *Scenario, settings ...Setting) error {
	return errors.New("scenario: SetPaths: not implemented yet")
}

// GetPath returns the value at path in sc: an int, a float64, a string or
// a bool for a leaf (a step time gives its mean; an absent optional
// number gives nil), or a copy of the Go value for a section
// (`server_resources` gives a ServerResources). Errors are those of
// SetPath for an invalid path.
func GetPath(sc *Scenario, path string) (any, error) {
	return nil, errors.New("scenario: GetPath: not implemented yet")
}

// Change is one difference between two scenarios, found by Diff.
type Change struct {
	// Path addresses the value in the syntax of SetPath, selecting
	// elements of id-keyed lists by `[id=…]`.
	Path string `json:"path"`
	// Old is the value in the first scenario; nil when the value (a list
	// element, an optional key) is only in the second.
	Old any `json:"old"`
	// New is the value in the second scenario; nil when it is only in the
	// first.
	New any `json:"new"`
}

// Diff lists the differences from a to b, leaf by leaf, in document order:
// elements of id-keyed lists are matched by id (an element only on one
// side is one Change holding the whole element), other lists by index.
// Equal scenarios give an empty list.
func Diff(a, b *Scenario) []Change {
	return nil
}
