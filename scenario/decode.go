package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Format is the syntax of a scenario document.
type Format int

// The accepted formats.
const (
	// FormatAuto treats a document that is valid JSON as JSON and anything
	// else as YAML.
	FormatAuto Format = iota
	// FormatYAML is YAML 1.2 (one document).
	FormatYAML
	// FormatJSON is strict JSON (RFC 8259).
	FormatJSON
)

// String returns "auto", "yaml" or "json".
func (f Format) String() string {
	switch f {
	case FormatYAML:
		return "yaml"
	case FormatJSON:
		return "json"
	case FormatAuto:
		return "auto"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Limits that keep decoding of hostile input bounded in time and memory.
const (
	// MaxDocumentSize is the largest document Decode accepts, in bytes.
	MaxDocumentSize = 4 << 20
	// maxNodes bounds the number of YAML values visited, aliases expanded.
	maxNodes = 100_000
	// maxDecodeErrors stops the walk of a hopeless document.
	maxDecodeErrors = 1000
)

// Decode decodes a scenario from YAML or JSON, strictly: unknown keys,
// wrong types, missing required keys, bad enum values and trailing data
// are errors. It then applies AsyncFlow's defaults to absent keys and
// validates the result. On any problem it returns a nil Scenario and a
// *ValidationError that lists every problem found, each with its path.
func Decode(data []byte, format Format) (*Scenario, error) {
	root, err := parseDocument(data, format)
	if err != nil {
		return nil, err
	}
	d := &decoder{}
	sc := &Scenario{}
	d.scenario(root, sc)
	errs := d.errs
	if !d.exhausted {
		// Validate what could be decoded, dropping problems at, below or
		// just above a path that already failed to decode: they would only
		// repeat it. The graph rules are skipped altogether when part of
		// the topology or the generator id is missing.
		rest, graph := sc.validateParts()
		if !touchesGraph(d.errs) {
			rest = append(rest, graph...)
		}
		if singleItemList(root) {
			listPaths(rest)
		}
		for _, fe := range rest {
			if !underAny(fe.Path, d.errs) {
				errs = append(errs, fe)
			}
		}
	}
	if len(errs) == 0 {
		return sc, nil
	}
	for i := range errs {
		if errs[i].Line == 0 {
			errs[i].Line = lineOf(root, errs[i].Path)
		}
	}
	return nil, errs.result()
}

// underAny reports whether path equals, lies below or lies directly
// above the path of one of errs: a validation problem there is most
// likely a consequence of the value that failed to decode.
func underAny(path string, errs errorList) bool {
	for _, e := range errs {
		if e.Path == "" || path == e.Path || isBelow(path, e.Path) || path == parentOf(e.Path) {
			return true
		}
	}
	return false
}

// touchesGraph reports whether a decode error concerns a value the graph
// rules depend on: an edge's id, source or target, a node or its id, the
// load balancer's coverage, or the generator id. An unknown key never
// does.
func touchesGraph(errs errorList) bool {
	for _, e := range errs {
		if strings.HasPrefix(e.Message, "unknown key") {
			continue
		}
		if generatorIDPath(e.Path) {
			return true
		}
		switch e.Path {
		case "", "rqs_input", "rqs_input.id", "topology_graph", "topology_graph.nodes", "topology_graph.edges",
			"topology_graph.nodes.client", "topology_graph.nodes.client.id", "topology_graph.nodes.servers":
			return true
		}
		if strings.HasPrefix(e.Path, "topology_graph.nodes.load_balancer") {
			return true
		}
		segs := splitPath(e.Path)
		at := func(i int, key string) bool { return len(segs) > i && segs[i].index < 0 && segs[i].key == key }
		indexed := func(i int) bool { return len(segs) > i && segs[i].index >= 0 }
		switch {
		case at(1, "edges") && indexed(2) && len(segs) == 3,
			at(1, "edges") && indexed(2) && len(segs) == 4 && (at(3, "id") || at(3, "source") || at(3, "target")),
			at(2, "servers") && indexed(3) && len(segs) == 4,
			at(2, "servers") && indexed(3) && len(segs) == 5 && at(4, "id"):
			return true
		}
	}
	return false
}

// isBelow reports whether path lies strictly below ancestor.
func isBelow(path, ancestor string) bool {
	if ancestor == "" {
		return path != ""
	}
	return len(path) > len(ancestor) && strings.HasPrefix(path, ancestor) && (path[len(ancestor)] == '.' || path[len(ancestor)] == '[')
}

// parentOf returns the path one level up.
func parentOf(path string) string {
	if cut := strings.LastIndexAny(path, ".["); cut >= 0 {
		return path[:cut]
	}
	return ""
}

// DecodeReader reads a whole document from r (at most MaxDocumentSize
// bytes) and decodes it as Decode does.
func DecodeReader(r io.Reader, format Format) (*Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("scenario: read document: %w", err)
	}
	return Decode(data, format)
}

// DecodeFS reads and decodes the scenario file name from fsys (for
// example os.DirFS(dir) or an embed.FS). The format is chosen by the
// name's extension (see FormatForName). Errors name the file; a bad
// document gives a wrapped *ValidationError.
func DecodeFS(fsys fs.FS, name string) (*Scenario, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("scenario: read %s: %w", name, err)
	}
	sc, err := Decode(data, FormatForName(name))
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	return sc, nil
}

// FormatForName returns the format implied by a file name's extension.
func FormatForName(name string) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".json":
		return FormatJSON
	case ".yml", ".yaml":
		return FormatYAML
	}
	return FormatAuto
}

// lineOf returns the line of the value at path in the tree, or of its
// nearest ancestor present in the tree.
func lineOf(root *yaml.Node, path string) int {
	n := resolveAlias(root)
	if n == nil {
		return 0
	}
	line := n.Line
	for _, seg := range splitPath(path) {
		var next *yaml.Node
		switch {
		case seg.index >= 0 && n.Kind == yaml.SequenceNode && seg.index < len(n.Content):
			next = n.Content[seg.index]
		case seg.index < 0 && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg.key {
					next = n.Content[i+1]
					break
				}
			}
		}
		next = resolveAlias(next)
		if next == nil {
			return line
		}
		n, line = next, next.Line
	}
	return line
}

// parseDocument checks the size and the syntax and returns the root node
// of the one document.
func parseDocument(data []byte, format Format) (*yaml.Node, error) {
	if len(data) > MaxDocumentSize {
		return nil, syntaxError(fmt.Sprintf("document is larger than %d bytes; split it or remove unused parts", MaxDocumentSize), 0)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if format == FormatAuto {
		if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(data) {
			format = FormatJSON
		} else {
			format = FormatYAML
		}
	}
	switch format {
	case FormatJSON:
		if err := checkJSON(data); err != nil {
			return nil, err
		}
		return jsonToNode(data)
	case FormatYAML:
		return parseYAML(data)
	}
	return nil, fmt.Errorf("scenario: unknown format %v", format)
}

// checkJSON reports JSON syntax errors with their byte offset, including
// trailing data after the top-level value.
func checkJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return syntaxError(fmt.Sprintf("invalid JSON: %v", err), jsonLine(data, err))
	}
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return syntaxError(fmt.Sprintf("invalid JSON after the top-level object: %v", err), jsonLine(data, err))
		}
		off := int(dec.InputOffset())
		return syntaxError(fmt.Sprintf("unexpected data after the top-level object (%v); a scenario is one JSON object", tok), bytes.Count(data[:min(off, len(data))], []byte("\n"))+1)
	}
	return nil
}

func jsonLine(data []byte, err error) int {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 && int(se.Offset) <= len(data) {
		return bytes.Count(data[:se.Offset], []byte("\n")) + 1
	}
	return 0
}

func syntaxError(msg string, line int) error {
	return &ValidationError{Errors: []FieldError{{Message: msg, Line: line}}}
}

// parseYAML parses exactly one YAML document into a node tree.
func parseYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// The YAML parser is third-party code; a panic on hostile input
		// must become an error, never crash the caller.
		if r := recover(); r != nil {
			root, err = nil, syntaxError(fmt.Sprintf("invalid YAML: parser failure (%v)", r), 0)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, syntaxError("document is empty; a scenario needs rqs_input, topology_graph and sim_settings", 0)
		}
		return nil, syntaxError(yamlMessage(err), 0)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(yamlMessage(err), 0)
		}
		return nil, syntaxError("the file holds more than one YAML document; a scenario is exactly one document", extra.Line)
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return "invalid YAML: " + msg
}

// decoder walks a YAML node tree, filling the scenario and collecting
// every error with its path.
type decoder struct {
	errs  errorList
	nodes int
	// exhausted is set once the node budget is spent; the walk then stops.
	exhausted bool
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	fe := FieldError{Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		fe.Line = n.Line
	}
	d.errs = append(d.errs, fe)
}

// resolve follows aliases and charges the node budget. It returns nil when
// the budget is spent.
func (d *decoder) resolve(n *yaml.Node, path string) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode; depth++ {
		if depth > 100 {
			d.errorf(n, path, "alias chain is too long")
			return nil
		}
		n = n.Alias
	}
	if d.exhausted {
		return nil
	}
	if len(d.errs) >= maxDecodeErrors {
		d.exhausted = true
		d.errorf(n, path, "stopped after %d problems", maxDecodeErrors)
		return nil
	}
	d.nodes++
	if d.nodes > maxNodes {
		d.exhausted = true
		d.errorf(n, path, "document holds more than %d values once aliases are expanded; scenarios this large are not supported (avoid deep alias reuse)", maxNodes)
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// field is one accepted key of a mapping.
type field struct {
	name     string
	required bool
	decode   func(n *yaml.Node, path string)
}

// object decodes a mapping whose keys are described by fields. Absent or
// null optional keys are skipped; absent required keys are errors.
func (d *decoder) object(n *yaml.Node, path string, fields []field) {
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping with the keys %s, got %s", keyList(fields), describe(n))
		return
	}
	seen := make(map[string]bool, len(fields))
	for _, kv := range d.pairs(n, path, 0) {
		k, v := kv[0], kv[1]
		name := k.Value
		sub := join(path, name)
		f, ok := findField(fields, name)
		if !ok {
			d.errorf(k, sub, "unknown key %q%s; accepted keys: %s", name, suggest(name, fields), keyList(fields))
			continue
		}
		if seen[name] {
			d.errorf(k, sub, "key %q is given more than once", name)
			continue
		}
		seen[name] = true
		if isNull(resolveAlias(v)) {
			if f.required {
				d.errorf(v, sub, "is required but is null")
			}
			continue
		}
		f.decode(v, sub)
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			d.errorf(n, join(path, f.name), "is required (missing key %q)", f.name)
		}
	}
}

// maxMergeDepth bounds merge keys nested in merged mappings.
const maxMergeDepth = 10

// pairs returns the key/value pairs of a mapping with YAML merge keys
// (`<<: *anchor` or `<<: [*a, *b]`) expanded: the mapping's own keys
// come first and win; merged keys are added when not already present,
// earlier sources winning over later ones. Keys that are not scalars are
// reported and left out.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) [][2]*yaml.Node {
	var own, merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i], path), n.Content[i+1]
		if k == nil {
			return own
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "keys must be plain strings, got %s", describe(k))
			continue
		}
		if k.ShortTag() != "!!merge" {
			own = append(own, [2]*yaml.Node{k, v})
			continue
		}
		if depth >= maxMergeDepth {
			d.errorf(k, path, "merge keys (<<) are nested more than %d deep", maxMergeDepth)
			continue
		}
		src := d.resolve(v, path)
		if src == nil {
			return own
		}
		var sources []*yaml.Node
		switch src.Kind {
		case yaml.MappingNode:
			sources = []*yaml.Node{src}
		case yaml.SequenceNode:
			for _, c := range src.Content {
				if c = d.resolve(c, path); c == nil {
					return own
				}
				sources = append(sources, c)
			}
		}
		for _, m := range sources {
			if m.Kind != yaml.MappingNode {
				d.errorf(m, path, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(m))
				continue
			}
			merged = append(merged, d.pairs(m, path, depth+1)...)
		}
		if len(sources) == 0 {
			d.errorf(src, path, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(src))
		}
	}
	present := make(map[string]bool, len(own))
	for _, kv := range own {
		present[kv[0].Value] = true
	}
	for _, kv := range merged {
		if !present[kv[0].Value] {
			present[kv[0].Value] = true
			own = append(own, kv)
		}
	}
	return own
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func findField(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func keyList(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// suggest returns ` (did you mean "x"?)` for a near miss.
func suggest(name string, fields []field) string {
	lower := strings.ToLower(name)
	best, bestD := "", 3
	for _, f := range fields {
		if dist := editDistance(lower, f.name); dist < bestD {
			best, bestD = f.name, dist
		}
	}
	if best == "" && len(lower) >= 3 {
		for _, f := range fields {
			if strings.HasPrefix(f.name, lower) || strings.HasPrefix(lower, f.name) {
				best = f.name
				break
			}
		}
	}
	if best == "" && lower != "" {
		// A key's last word: "on" for retry_on, "attempts" for max_attempts.
		for _, f := range fields {
			if strings.HasSuffix(f.name, "_"+lower) {
				best = f.name
				break
			}
		}
	}
	if best == "" {
		return ""
	}
	if lower == "on" && best == "retry_on" {
		return ` (did you mean "retry_on"? the key is not "on", which YAML 1.1 readers turn into true)`
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance, bounded to short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// describe names a node's type for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the string %q", clip(n.Value))
		case "!!int", "!!float":
			return "the number " + clip(n.Value)
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%s %q", n.ShortTag(), clip(n.Value))
	case yaml.DocumentNode:
		return "a document"
	}
	return "an unsupported value"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// list decodes a sequence, calling item for each element.
func (d *decoder) list(n *yaml.Node, path, what string, item func(n *yaml.Node, path string, i int)) {
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "must be a list of %s, got %s", what, describe(n))
		return
	}
	for i, c := range n.Content {
		if d.exhausted {
			return
		}
		item(c, index(path, i), i)
	}
}

// listOf decodes a list into *dst, each item by item. *dst is reset to an
// empty (not nil) slice first, so a malformed list leaves it empty.
func listOf[T any](d *decoder, n *yaml.Node, path, what string, dst *[]T, item func(n *yaml.Node, path string, v *T)) {
	*dst = []T{}
	d.list(n, path, what, func(n *yaml.Node, p string, _ int) {
		var v T
		item(n, p, &v)
		*dst = append(*dst, v)
	})
}

// str decodes a string scalar.
func (d *decoder) str(n *yaml.Node, path string, dst *string) {
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = fmt.Sprintf(" (quote it: \"%s\")", clip(n.Value))
		}
		d.errorf(n, path, "must be a string, got %s%s", describe(n), hint)
		return
	}
	if !utf8.ValidString(n.Value) {
		d.errorf(n, path, "must be valid UTF-8 text")
		return
	}
	*dst = n.Value
}

// number decodes a finite number scalar.
func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	n = d.resolve(n, path)
	if n == nil {
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.errorf(n, path, "must be a number, got %s", describe(n))
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if errors.Is(err, strconv.ErrRange) {
		d.errorf(n, path, "is out of range, got %s", clip(n.Value))
		return 0, false
	}
	if err != nil {
		// YAML-only spellings: 0x1F, 0o17, 1_000, .inf.
		if err := n.Decode(&f); err != nil {
			d.errorf(n, path, "must be a number, got %s", describe(n))
			return 0, false
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, path, "must be a finite number, got %s", n.Value)
		return 0, false
	}
	return f, true
}

func (d *decoder) float(n *yaml.Node, path string, dst *float64) {
	if f, ok := d.number(n, path); ok {
		*dst = f
	}
}

func (d *decoder) floatPtr(n *yaml.Node, path string, dst **float64) {
	if f, ok := d.number(n, path); ok {
		*dst = &f
	}
}

// maxInt bounds integer fields so that conversions never overflow.
const maxInt = math.MaxInt32

// integer decodes a whole number (2 and 2.0 are accepted, 2.5 is not).
func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	f, ok := d.number(n, path)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) {
		d.errorf(resolveAlias(n), path, "must be a whole number, got %v", f)
		return 0, false
	}
	if math.Abs(f) > maxInt {
		d.errorf(resolveAlias(n), path, "is too large (at most %d)", maxInt)
		return 0, false
	}
	return int(f), true
}

func (d *decoder) int(n *yaml.Node, path string, dst *int) {
	if v, ok := d.integer(n, path); ok {
		*dst = v
	}
}

func (d *decoder) intPtr(n *yaml.Node, path string, dst **int) {
	if v, ok := d.integer(n, path); ok {
		*dst = &v
	}
}

// enum decodes a string that must be one of accepted.
func enum[T ~string](d *decoder, n *yaml.Node, path string, accepted []T, dst *T) {
	r := d.resolve(n, path)
	if r == nil {
		return
	}
	if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!str" {
		d.errorf(r, path, "must be one of %s, got %s", enumList(accepted), describe(r))
		return
	}
	for _, a := range accepted {
		if string(a) == r.Value {
			*dst = a
			return
		}
	}
	d.errorf(r, path, "unknown value %q; accepted values: %s", clip(r.Value), enumList(accepted))
}

func enumList[T ~string](accepted []T) string {
	names := make([]string, len(accepted))
	for i, a := range accepted {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// constant decodes an optional discriminator that must equal want.
func (d *decoder) constant(n *yaml.Node, path, want string) {
	var got string
	enum(d, n, path, []string{want}, &got)
}

func (d *decoder) scenario(root *yaml.Node, sc *Scenario) {
	sc.Settings = Settings{
		TotalSimulationTime:  DefaultTotalSimulationTime,
		SamplePeriodS:        DefaultSamplePeriodS,
		EnabledSampleMetrics: append([]SampleMetric(nil), SampleMetrics...),
		EnabledEventMetrics:  []EventMetric{RqsClock},
	}
	d.object(root, "", []field{
		{"rqs_input", true, func(n *yaml.Node, p string) { d.rqsInput(n, p, sc) }},
		{"topology_graph", true, func(n *yaml.Node, p string) { d.topology(n, p, &sc.Topology) }},
		{"sim_settings", true, func(n *yaml.Node, p string) { d.settings(n, p, &sc.Settings) }},
		{"events", false, func(n *yaml.Node, p string) {
			d.list(n, p, "events", func(n *yaml.Node, p string, _ int) {
				var ev Event
				d.event(n, p, &ev)
				sc.Events = append(sc.Events, ev)
			})
		}},
	})
}

func (d *decoder) rv(n *yaml.Node, path string, rv *RV) {
	rv.Distribution = Poisson
	d.object(n, path, []field{
		{"mean", true, func(n *yaml.Node, p string) { d.float(n, p, &rv.Mean) }},
		{"distribution", false, func(n *yaml.Node, p string) { enum(d, n, p, Distributions, &rv.Distribution) }},
		{"variance", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &rv.Variance) }},
	})
}

func (d *decoder) workload(n *yaml.Node, path string, w *Workload) {
	w.UserSamplingWindow = DefaultUserSamplingWindow
	var open []string
	d.object(n, path, []field{
		{"id", true, func(n *yaml.Node, p string) { d.str(n, p, &w.ID) }},
		{"type", false, func(n *yaml.Node, p string) {
			enum(d, n, p, []string{"generator", WorkloadClosed}, &w.Type)
			if w.Type == "generator" {
				w.Type = ""
			}
		}},
		{"avg_active_users", false, func(n *yaml.Node, p string) {
			open = append(open, "avg_active_users")
			d.rv(n, p, &w.AvgActiveUsers)
		}},
		{"avg_request_per_minute_per_user", false, func(n *yaml.Node, p string) {
			open = append(open, "avg_request_per_minute_per_user")
			d.rv(n, p, &w.AvgRequestPerMinutePerUser)
		}},
		{"user_sampling_window", false, func(n *yaml.Node, p string) {
			open = append(open, "user_sampling_window")
			d.int(n, p, &w.UserSamplingWindow)
		}},
		{"endpoint", false, func(n *yaml.Node, p string) { d.str(n, p, &w.Endpoint) }},
		{"profile", false, func(n *yaml.Node, p string) {
			open = append(open, "profile")
			d.profile(n, p, &w.Profile)
		}},
		{"users", false, func(n *yaml.Node, p string) { d.int(n, p, &w.Users) }},
		{"think_time", false, func(n *yaml.Node, p string) {
			w.ThinkTime = &RV{}
			d.rv(n, p, w.ThinkTime)
		}},
	})
	r := resolveAlias(n)
	if r == nil || r.Kind != yaml.MappingNode {
		return
	}
	w.Endpoint = strings.ToLower(w.Endpoint)
	if w.Closed() {
		w.UserSamplingWindow = 0
		for _, k := range open {
			d.errorf(nil, join(path, k), "is not allowed with type: closed (a closed workload's load is users and think_time); remove it")
		}
		return
	}
	for _, k := range []string{"avg_active_users", "avg_request_per_minute_per_user"} {
		if !slices.Contains(open, k) {
			d.errorf(r, join(path, k), "is required (missing key %q)", k)
		}
	}
}

func (d *decoder) topology(n *yaml.Node, path string, t *Topology) {
	d.object(n, path, []field{
		{"nodes", true, func(n *yaml.Node, p string) { d.nodesSection(n, p, &t.Nodes) }},
		{"edges", true, func(n *yaml.Node, p string) {
			listOf(d, n, p, "edges", &t.Edges, d.edge)
		}},
	})
}

func (d *decoder) nodesSection(n *yaml.Node, path string, ns *Nodes) {
	d.object(n, path, []field{
		{"client", true, func(n *yaml.Node, p string) {
			c := &ns.Client
			d.object(n, p, []field{
				{"id", true, func(n *yaml.Node, p string) { d.str(n, p, &c.ID) }},
				{"type", false, func(n *yaml.Node, p string) { d.constant(n, p, "client") }},
				{"timeout_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &c.TimeoutS) }},
				{"retry", false, func(n *yaml.Node, p string) { c.Retry = d.retry(n, p) }},
				{"circuit_breaker", false, func(n *yaml.Node, p string) { c.CircuitBreaker = d.circuitBreaker(n, p) }},
			})
		}},
		{"servers", true, func(n *yaml.Node, p string) {
			listOf(d, n, p, "servers", &ns.Servers, d.server)
		}},
		{"load_balancer", false, func(n *yaml.Node, p string) {
			ns.LoadBalancer = &LoadBalancer{}
			d.loadBalancer(n, p, ns.LoadBalancer)
		}},
		{"load_balancers", false, func(n *yaml.Node, p string) {
			listOf(d, n, p, "load balancers", &ns.LoadBalancers, d.loadBalancer)
		}},
	})
}

// loadBalancer decodes one load balancer (`load_balancer` or an item of
// `load_balancers`).
func (d *decoder) loadBalancer(n *yaml.Node, path string, lb *LoadBalancer) {
	lb.Algorithm = RoundRobin
	d.object(n, path, []field{
		{"id", true, func(n *yaml.Node, p string) { d.str(n, p, &lb.ID) }},
		{"type", false, func(n *yaml.Node, p string) { d.constant(n, p, "load_balancer") }},
		{"algorithms", false, func(n *yaml.Node, p string) { enum(d, n, p, Algorithms, &lb.Algorithm) }},
		{"server_covered", false, func(n *yaml.Node, p string) {
			d.list(n, p, "server ids", func(n *yaml.Node, p string, _ int) {
				var id string
				d.str(n, p, &id)
				lb.ServerCovered = append(lb.ServerCovered, id)
			})
		}},
		{"weights", false, func(n *yaml.Node, p string) { d.weights(n, p, lb) }},
		{"rate_limit", false, func(n *yaml.Node, p string) { lb.RateLimit = d.rateLimit(n, p) }},
	})
}

// weights decodes load_balancer.weights, a mapping of server ids to
// whole numbers.
func (d *decoder) weights(n *yaml.Node, path string, lb *LoadBalancer) {
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping of server ids to whole-number weights, e.g. {srv-1: 3, srv-2: 1}, got %s", describe(n))
		return
	}
	lb.Weights = map[string]int{}
	for _, kv := range d.pairs(n, path, 0) {
		k, v := kv[0], kv[1]
		sub := join(path, k.Value)
		if _, dup := lb.Weights[k.Value]; dup {
			d.errorf(k, sub, "server %q is given more than once", k.Value)
			continue
		}
		if w, ok := d.integer(v, sub); ok {
			lb.Weights[k.Value] = w
		}
	}
}

func (d *decoder) server(n *yaml.Node, path string, s *Server) {
	s.Resources = ServerResources{CPUCores: DefaultCPUCores, RAMMB: DefaultRAMMB}
	d.object(n, path, []field{
		{"id", true, func(n *yaml.Node, p string) { d.str(n, p, &s.ID) }},
		{"type", false, func(n *yaml.Node, p string) { d.constant(n, p, "server") }},
		{"server_resources", true, func(n *yaml.Node, p string) {
			r := &s.Resources
			d.object(n, p, []field{
				{"cpu_cores", false, func(n *yaml.Node, p string) { d.int(n, p, &r.CPUCores) }},
				{"ram_mb", false, func(n *yaml.Node, p string) { d.int(n, p, &r.RAMMB) }},
				{"db_connection_pool", false, func(n *yaml.Node, p string) { d.intPtr(n, p, &r.DBConnectionPool) }},
				{"max_concurrency", false, func(n *yaml.Node, p string) { d.intPtr(n, p, &r.MaxConcurrency) }},
				{"max_queue", false, func(n *yaml.Node, p string) { d.intPtr(n, p, &r.MaxQueue) }},
			})
		}},
		{"endpoints", true, func(n *yaml.Node, p string) {
			listOf(d, n, p, "endpoints", &s.Endpoints, d.endpoint)
		}},
		{"replicas", false, func(n *yaml.Node, p string) { d.intPtr(n, p, &s.Replicas) }},
		{"rate_limit", false, func(n *yaml.Node, p string) { s.RateLimit = d.rateLimit(n, p) }},
		{"autoscaling", false, func(n *yaml.Node, p string) { s.Autoscaling = d.autoscaling(n, p) }},
		{"cost_per_replica_hour", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &s.CostPerReplicaHour) }},
	})
	s.defaultReplicas()
}

func (d *decoder) endpoint(n *yaml.Node, path string, e *Endpoint) {
	d.object(n, path, []field{
		{"endpoint_name", true, func(n *yaml.Node, p string) {
			d.str(n, p, &e.Name)
			e.Name = strings.ToLower(e.Name)
		}},
		{"probability", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &e.Probability) }},
		{"weight", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &e.Weight) }},
		{"steps", true, func(n *yaml.Node, p string) {
			listOf(d, n, p, "steps", &e.Steps, d.step)
		}},
		{"error_rate", false, func(n *yaml.Node, p string) { d.float(n, p, &e.ErrorRate) }},
	})
}

func (d *decoder) step(n *yaml.Node, path string, s *Step) {
	d.object(n, path, []field{
		{"kind", true, func(n *yaml.Node, p string) { enum(d, n, p, StepKinds, &s.Kind) }},
		{"step_operation", true, func(n *yaml.Node, p string) {
			op := &s.Operation
			d.object(n, p, []field{
				{"cpu_time", false, func(n *yaml.Node, p string) { op.CPUTime = d.quantity(n, p) }},
				{"necessary_ram", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &op.NecessaryRAM) }},
				{"io_waiting_time", false, func(n *yaml.Node, p string) { op.IOWaitingTime = d.quantity(n, p) }},
				{"call", false, func(n *yaml.Node, p string) {
					op.Call = &Call{}
					d.call(n, p, op.Call)
				}},
				{"calls", false, func(n *yaml.Node, p string) { listOf(d, n, p, "calls", &op.Calls, d.call) }},
			})
		}},
	})
}

// call decodes one call of a call or parallel step, with the overload
// keys of spec §12 applied by the caller to that call.
func (d *decoder) call(n *yaml.Node, path string, c *Call) {
	c.OnFailure = DefaultOnFailure
	d.object(n, path, []field{
		{"target", true, func(n *yaml.Node, p string) { d.str(n, p, &c.Target) }},
		{"endpoint", false, func(n *yaml.Node, p string) {
			d.str(n, p, &c.Endpoint)
			c.Endpoint = strings.ToLower(c.Endpoint)
		}},
		{"on_failure", false, func(n *yaml.Node, p string) { enum(d, n, p, OnFailures, &c.OnFailure) }},
		{"timeout_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &c.TimeoutS) }},
		{"retry", false, func(n *yaml.Node, p string) { c.Retry = d.retry(n, p) }},
		{"circuit_breaker", false, func(n *yaml.Node, p string) { c.CircuitBreaker = d.circuitBreaker(n, p) }},
	})
}

// quantity decodes a step time: a number or an RV object.
func (d *decoder) quantity(n *yaml.Node, path string) *Quantity {
	return d.quantityOf(n, path, "a positive number of seconds")
}

// quantityOf decodes a number or an RV object; number says which numbers
// are accepted, for the message about a wrong type.
func (d *decoder) quantityOf(n *yaml.Node, path, number string) *Quantity {
	r := resolveAlias(n)
	if r != nil && r.Kind == yaml.MappingNode {
		var rv RV
		d.rv(n, path, &rv)
		return &Quantity{Value: rv.Mean, RV: &rv}
	}
	if r != nil && (r.Kind != yaml.ScalarNode || (r.ShortTag() != "!!int" && r.ShortTag() != "!!float")) {
		d.resolve(n, path)
		d.errorf(r, path, "must be %s or a random variable {mean, distribution, variance}, got %s", number, describe(r))
		return nil
	}
	f, ok := d.number(n, path)
	if !ok {
		return nil
	}
	return &Quantity{Value: f}
}

func (d *decoder) edge(n *yaml.Node, path string, e *Edge) {
	e.EdgeType = NetworkConnection
	e.DropoutRate = DefaultDropoutRate
	d.object(n, path, []field{
		{"id", true, func(n *yaml.Node, p string) { d.str(n, p, &e.ID) }},
		{"source", true, func(n *yaml.Node, p string) { d.str(n, p, &e.Source) }},
		{"target", true, func(n *yaml.Node, p string) { d.str(n, p, &e.Target) }},
		{"latency", true, func(n *yaml.Node, p string) { d.rv(n, p, &e.Latency) }},
		{"edge_type", false, func(n *yaml.Node, p string) { enum(d, n, p, []EdgeType{NetworkConnection}, &e.EdgeType) }},
		{"dropout_rate", false, func(n *yaml.Node, p string) { d.float(n, p, &e.DropoutRate) }},
	})
}

func (d *decoder) settings(n *yaml.Node, path string, s *Settings) {
	d.object(n, path, []field{
		{"total_simulation_time", false, func(n *yaml.Node, p string) { d.int(n, p, &s.TotalSimulationTime) }},
		{"sample_period_s", false, func(n *yaml.Node, p string) { d.float(n, p, &s.SamplePeriodS) }},
		{"enabled_sample_metrics", false, func(n *yaml.Node, p string) {
			listOf(d, n, p, "sample metric names", &s.EnabledSampleMetrics, func(n *yaml.Node, p string, m *SampleMetric) { enum(d, n, p, SampleMetrics, m) })
		}},
		{"enabled_event_metrics", false, func(n *yaml.Node, p string) {
			listOf(d, n, p, "event metric names", &s.EnabledEventMetrics, func(n *yaml.Node, p string, m *EventMetric) { enum(d, n, p, EventMetrics, m) })
		}},
	})
}

func (d *decoder) event(n *yaml.Node, path string, ev *Event) {
	d.object(n, path, []field{
		{"event_id", true, func(n *yaml.Node, p string) { d.str(n, p, &ev.ID) }},
		{"target_id", true, func(n *yaml.Node, p string) { d.str(n, p, &ev.TargetID) }},
		{"start", true, func(n *yaml.Node, p string) {
			d.object(n, p, []field{
				{"kind", true, func(n *yaml.Node, p string) { enum(d, n, p, StartKinds, &ev.Start.Kind) }},
				{"t_start", true, func(n *yaml.Node, p string) { d.float(n, p, &ev.Start.TStart) }},
				{"spike_s", false, func(n *yaml.Node, p string) { d.floatPtr(n, p, &ev.Start.SpikeS) }},
			})
		}},
		{"end", true, func(n *yaml.Node, p string) {
			d.object(n, p, []field{
				{"kind", true, func(n *yaml.Node, p string) { enum(d, n, p, EndKinds, &ev.End.Kind) }},
				{"t_end", true, func(n *yaml.Node, p string) { d.float(n, p, &ev.End.TEnd) }},
			})
		}},
	})
}
