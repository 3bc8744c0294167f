package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FieldError is one problem found in a scenario: the path of the offending
// value in the spec's notation
// (`topology_graph.nodes.servers[1].endpoints[0].steps[2].step_operation`)
// and a message that says what would be accepted.
type FieldError struct {
	// Path locates the value; empty for the document as a whole.
	Path string `json:"path"`
	// Message says what is wrong and what would be accepted.
	Message string `json:"message"`
	// Line is the 1-based line of the value in the decoded document, or 0
	// when unknown (for example for a scenario built in Go).
	Line int `json:"line,omitempty"`
}

// String formats the error as "path: message (line N)".
func (e FieldError) String() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s: %s (line %d)", p, e.Message, e.Line)
	}
	return p + ": " + e.Message
}

// ValidationError lists every problem found while decoding or validating a
// scenario, sorted in the order of the document's schema. It is the error
// type returned by Decode, Validate and Builder.Build for bad input.
type ValidationError struct {
	// Errors are the problems, at least one.
	Errors []FieldError `json:"errors"`
}

// Error prints one "path: message" line per problem.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		lines[i] = fe.String()
	}
	return strings.Join(lines, "\n")
}

// errorList accumulates field errors.
type errorList []FieldError

func (l *errorList) add(path, format string, args ...any) {
	*l = append(*l, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// MaxErrors is the most problems a ValidationError lists; a last entry
// says how many more were found.
const MaxErrors = 100

// result returns nil when the list is empty, else a sorted *ValidationError.
func (l errorList) result() error {
	if len(l) == 0 {
		return nil
	}
	errs := make([]FieldError, len(l))
	copy(errs, l)
	sortFieldErrors(errs)
	errs = dedupe(errs)
	if len(errs) > MaxErrors {
		more := len(errs) - MaxErrors
		errs = append(errs[:MaxErrors:MaxErrors], FieldError{Message: fmt.Sprintf("and %d more problems not listed; fix the ones above first", more)})
	}
	return &ValidationError{Errors: errs}
}

func dedupe(errs []FieldError) []FieldError {
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && e.Path == errs[i-1].Path && e.Message == errs[i-1].Message {
			continue
		}
		out = append(out, e)
	}
	return out
}

// keyRank orders the keys of the format as the spec and the types list
// them, so that errors come out in document-schema order whatever order
// the keys were written in.
var keyRank = func() map[string]int {
	keys := []string{
		"rqs_input", "topology_graph", "sim_settings", "events",
		// rqs_input
		"id", "type", "avg_active_users", "avg_request_per_minute_per_user", "user_sampling_window",
		// RV
		"mean", "distribution", "variance",
		// topology
		"nodes", "client", "servers", "load_balancer", "edges",
		"timeout_s", "retry", "max_attempts", "backoff", "initial_s", "multiplier", "max_s", "jitter", "retry_on",
		"circuit_breaker", "failure_rate", "min_calls", "window_s", "open_s", "half_open_calls",
		"server_resources", "cpu_cores", "ram_mb", "db_connection_pool", "max_concurrency", "max_queue",
		"endpoints", "endpoint_name", "probability", "weight", "steps", "kind", "step_operation",
		"cpu_time", "necessary_ram", "io_waiting_time", "error_rate",
		"rate_limit", "rps", "burst",
		"autoscaling", "min_replicas", "max_replicas", "metric", "every_s", "up_cooldown_s", "down_cooldown_s", "startup_s",
		"cost_per_replica_hour",
		"algorithms", "server_covered",
		"source", "target", "latency", "edge_type", "dropout_rate",
		// settings
		"total_simulation_time", "sample_period_s", "enabled_sample_metrics", "enabled_event_metrics",
		// events
		"event_id", "target_id", "start", "end", "t_start", "spike_s", "t_end",
	}
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		if _, dup := m[k]; !dup {
			m[k] = i
		}
	}
	return m
}()

// pathSeg is one segment of a path: a key or an index.
type pathSeg struct {
	key   string
	index int // -1 for a key
}

func splitPath(p string) []pathSeg {
	var segs []pathSeg
	for p != "" {
		switch p[0] {
		case '.':
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				segs = append(segs, pathSeg{key: p, index: -1})
				return segs
			}
			n, err := strconv.Atoi(p[1:end])
			if err != nil {
				segs = append(segs, pathSeg{key: p[:end+1], index: -1})
			} else {
				segs = append(segs, pathSeg{index: n})
			}
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, pathSeg{key: p[:end], index: -1})
			p = p[end:]
		}
	}
	return segs
}

func compareSeg(a, b pathSeg) int {
	switch {
	case a.index >= 0 && b.index >= 0:
		return a.index - b.index
	case a.index >= 0:
		return -1
	case b.index >= 0:
		return 1
	}
	ra, oka := keyRank[a.key]
	rb, okb := keyRank[b.key]
	switch {
	case oka && okb:
		return ra - rb
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a.key, b.key)
}

// compareKeyed orders two errors by path in schema order. Where the
// paths first differ at a key the schema does not know (an unknown key),
// the line numbers decide, so unknown keys appear where they were written.
func compareKeyed(a, b FieldError, sa, sb []pathSeg) int {
	for i := 0; i < len(sa) && i < len(sb); i++ {
		if c := compareSeg(sa[i], sb[i]); c != 0 {
			if a.Line > 0 && b.Line > 0 && a.Line != b.Line && (unknownSeg(sa[i]) || unknownSeg(sb[i])) {
				return a.Line - b.Line
			}
			return c
		}
	}
	return len(sa) - len(sb)
}

func unknownSeg(s pathSeg) bool {
	if s.index >= 0 {
		return false
	}
	_, ok := keyRank[s.key]
	return !ok
}

// sortFieldErrors sorts errors by path in schema order, then by line, then
// by message, so that the listing is deterministic.
func sortFieldErrors(errs []FieldError) {
	type keyed struct {
		e    FieldError
		segs []pathSeg
	}
	ks := make([]keyed, len(errs))
	for i, e := range errs {
		ks[i] = keyed{e, splitPath(e.Path)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if c := compareKeyed(ks[i].e, ks[j].e, ks[i].segs, ks[j].segs); c != 0 {
			return c < 0
		}
		if ks[i].e.Line != ks[j].e.Line {
			return ks[i].e.Line < ks[j].e.Line
		}
		return ks[i].e.Message < ks[j].e.Message
	})
	for i := range ks {
		errs[i] = ks[i].e
	}
}
