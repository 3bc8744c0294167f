package scenario

// Scenario paths: a value addressed by its path in the document,
// `topology_graph.nodes.servers[id=api].server_resources.cpu_cores`, for
// sweeps (analysis.SweepSpec) and comparisons (Diff).

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

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
// event_id); `[endpoint_name=…]` and `[event_id=…]` are accepted too. A
// map (a load balancer's `weights`) takes the key as a path segment.
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
	for _, s := range settings {
		loc, err := locate(sc, s.Path, true)
		if err != nil {
			return err
		}
		if err := loc.set(s.Value); err != nil {
			return pathError(s.Path, "%v", err)
		}
	}
	return sc.Validate()
}

// GetPath returns the value at path in sc: an int, a float64, a string or
// a bool for a leaf (a step time gives its mean; an absent optional
// number gives nil), or a copy of the Go value for a section
// (`server_resources` gives a ServerResources). Errors are those of
// SetPath for an invalid path.
func GetPath(sc *Scenario, path string) (any, error) {
	loc, err := locate(sc, path, false)
	if err != nil {
		return nil, err
	}
	return loc.get(), nil
}

// pathError returns a *ValidationError with one FieldError at path.
func pathError(path, format string, args ...any) error {
	return &ValidationError{Errors: []FieldError{{Path: path, Message: fmt.Sprintf(format, args...)}}}
}

// pathStep is one segment of a path: a key, an index, or a selector
// `[key=value]`.
type pathStep struct {
	key      string // a key; or the selector's key
	index    int    // an index; -1 otherwise
	selector bool   // [key=value]
	value    string // the selector's value
	text     string // the segment as written, for messages
}

// parsePath splits a path into its segments.
func parsePath(path string) ([]pathStep, error) {
	if strings.TrimSpace(path) == "" {
		return nil, pathError(path, "is empty; give a path such as topology_graph.nodes.servers[id=api].server_resources.cpu_cores")
	}
	var steps []pathStep
	p := path
	for p != "" {
		switch p[0] {
		case '.':
			if len(p) == 1 || p[1] == '.' || p[1] == '[' || len(steps) == 0 {
				return nil, pathError(path, "has an empty key; join keys with single dots, e.g. a.b[0].c")
			}
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, pathError(path, "has a [ without its ]")
			}
			inner := p[1:end]
			st := pathStep{index: -1, text: p[:end+1]}
			if k, v, ok := strings.Cut(inner, "="); ok {
				st.selector, st.key, st.value = true, strings.TrimSpace(k), strings.TrimSpace(v)
				if st.key == "" || st.value == "" {
					return nil, pathError(path, "selector %s needs a key and a value, e.g. [id=api]", st.text)
				}
			} else {
				n, err := strconv.Atoi(strings.TrimSpace(inner))
				if err != nil || n < 0 {
					return nil, pathError(path, "%s is neither an index (a whole number >= 0) nor a selector such as [id=api]", st.text)
				}
				st.index = n
			}
			if len(steps) == 0 {
				return nil, pathError(path, "starts with %s; start with a key such as topology_graph", st.text)
			}
			steps = append(steps, st)
			p = p[end+1:]
			if p != "" && p[0] != '.' && p[0] != '[' {
				return nil, pathError(path, "needs a dot after %s", st.text)
			}
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			k := p[:end]
			steps = append(steps, pathStep{key: k, index: -1, text: k})
			p = p[end:]
		}
	}
	return steps, nil
}

// location is where a path leads: an addressable value, or a map entry.
type location struct {
	v        reflect.Value // the value (addressable), or the map
	mapKey   reflect.Value // valid for a map entry
	quantity bool          // v is a Quantity addressed as a number
}

var (
	quantityType = reflect.TypeFor[Quantity]()
)

// locate walks path in sc. For a set (forSet), absent optional leaves are
// allocated.
func locate(sc *Scenario, path string, forSet bool) (location, error) {
	steps, err := parsePath(path)
	if err != nil {
		return location{}, err
	}
	fail := func(format string, args ...any) (location, error) {
		return location{}, pathError(path, format, args...)
	}
	root := reflect.ValueOf(sc).Elem()
	var cur reflect.Value
	done := "" // the path walked so far, as written
	i := 0
	// The root: rqs_input is a single generator or a list of them.
	switch first := steps[0]; first.key {
	case "rqs_input":
		done = "rqs_input"
		i = 1
		gens := len(sc.MoreWorkloads) + 1
		if i < len(steps) && (steps[i].index >= 0 || steps[i].selector) {
			st := steps[i]
			k := st.index
			if st.selector {
				if st.key != "id" {
					return fail("generators are selected by [id=…], not by %s", st.text)
				}
				k = slices.IndexFunc(sc.Generators(), func(w Workload) bool { return w.ID == st.value })
				if k < 0 {
					ids := make([]string, 0, gens)
					for _, w := range sc.Generators() {
						ids = append(ids, w.ID)
					}
					return fail("no generator with id %q%s; the generators are: %s", st.value, suggestName(st.value, ids), strings.Join(ids, ", "))
				}
			}
			if k >= gens {
				return fail("index %d is out of range: rqs_input has %d generator(s), indexes 0..%d", k, gens, gens-1)
			}
			if k == 0 {
				cur = root.FieldByName("Workload")
			} else {
				cur = root.FieldByName("MoreWorkloads").Index(k - 1)
			}
			done += st.text
			i++
		} else {
			if gens > 1 {
				return fail("rqs_input is a list of %d generators; select one with rqs_input[id=…] or rqs_input[0]", gens)
			}
			cur = root.FieldByName("Workload")
		}
	default:
		cur = root
	}
	for ; i < len(steps); i++ {
		st := steps[i]
		where := done
		if where == "" {
			where = "the document"
		}
		// Follow pointers.
		if cur.Kind() == reflect.Pointer {
			if cur.IsNil() {
				return fail("%s is not set in this scenario; a path changes values, it does not add sections: add %s to the scenario first", done, lastKey(done))
			}
			cur = cur.Elem()
		}
		switch cur.Kind() {
		case reflect.Struct:
			if st.index >= 0 || st.selector {
				return fail("%s is a section, not a list; %s does not apply to it", where, st.text)
			}
			if cur.Type() == quantityType {
				q := cur.Addr().Interface().(*Quantity)
				if q.RV == nil {
					return fail("%s is a fixed number; it has no %q: set %s itself", done, st.key, done)
				}
				cur = cur.FieldByName("RV")
				i-- // walk the key again, on the RV
				continue
			}
			f, ok := fieldByJSON(cur, st.key)
			if !ok {
				names := jsonNames(cur.Type())
				if cur.Type() == reflect.TypeFor[Scenario]() {
					names = append([]string{"rqs_input"}, names...)
				}
				return fail("unknown key %q under %s%s; the keys there are: %s", st.key, where, suggestName(st.key, names), strings.Join(names, ", "))
			}
			cur = f
			done = joinPath(done, st.key)
		case reflect.Slice:
			n := cur.Len()
			k := st.index
			switch {
			case st.selector:
				idKey, ok := elemIDKey(cur.Type().Elem())
				if !ok {
					return fail("the elements of %s have no id; select one by index, %s[0] … %s[%d]", done, done, done, n-1)
				}
				if st.key != "id" && st.key != idKey {
					return fail("the elements of %s are selected by [id=…] or [%s=…], not by %s", done, idKey, st.text)
				}
				ids := elemIDs(cur)
				k = slices.Index(ids, st.value)
				if k < 0 {
					return fail("no element of %s with %s %q%s; they are: %s", done, idKey, st.value, suggestName(st.value, ids), strings.Join(ids, ", "))
				}
			case st.index < 0:
				return fail("%s is a list; select an element with [0]%s before %q", done, idHint(cur.Type().Elem()), st.key)
			case k >= n:
				return fail("index %d is out of range: %s has %d element(s)", k, done, n)
			}
			cur = cur.Index(k)
			done += st.text
		case reflect.Map:
			if st.index >= 0 || st.selector || i != len(steps)-1 {
				return fail("%s is a map; address an entry by its key as the last segment, e.g. %s.api", done, done)
			}
			key := reflect.ValueOf(st.key).Convert(cur.Type().Key())
			if !forSet && !cur.MapIndex(key).IsValid() {
				keys := make([]string, 0, cur.Len())
				for _, k := range cur.MapKeys() {
					keys = append(keys, k.String())
				}
				slices.Sort(keys)
				return fail("%s has no key %q%s; its keys are: %s", done, st.key, suggestName(st.key, keys), strings.Join(keys, ", "))
			}
			return location{v: cur, mapKey: key}, nil
		default:
			return fail("%s is a value (%s), not a section; it has no %s", done, describeKind(cur.Type()), st.text)
		}
	}
	loc := location{v: cur}
	t := cur.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == quantityType:
		loc.quantity = true
	case t.Kind() == reflect.Struct:
		if forSet {
			return fail("%s is a section; give the path of one of its values: %s", done, strings.Join(jsonNames(t), ", "))
		}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Map:
		if forSet {
			return fail("%s is a list; select an element, e.g. %s[0]", done, done)
		}
	}
	if forSet && cur.Kind() == reflect.Pointer && cur.IsNil() {
		if t.Kind() == reflect.Struct && t != quantityType {
			return fail("%s is not set in this scenario; add it to the scenario first", done)
		}
	}
	return loc, nil
}

// get returns the value at the location.
func (l location) get() any {
	v := l.v
	if l.mapKey.IsValid() {
		v = l.v.MapIndex(l.mapKey)
		if !v.IsValid() {
			return nil
		}
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if l.quantity {
		return v.Interface().(Quantity).Mean()
	}
	return plainValue(v)
}

// plainValue returns a leaf as an int, float64, string or bool, and any
// other value as a copy of itself.
func plainValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	}
	return v.Interface()
}

// set stores value at the location, converting it to the field's type.
func (l location) set(value any) error {
	if l.mapKey.IsValid() {
		nv, err := convertLeaf(value, l.v.Type().Elem())
		if err != nil {
			return err
		}
		l.v.SetMapIndex(l.mapKey, nv)
		return nil
	}
	v := l.v
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if l.quantity {
		x, err := convertLeaf(value, reflect.TypeFor[float64]())
		if err != nil {
			return err
		}
		q := v.Addr().Interface().(*Quantity)
		q.Value = x.Float()
		if q.RV != nil {
			q.RV.Mean = q.Value
		}
		return nil
	}
	nv, err := convertLeaf(value, v.Type())
	if err != nil {
		return err
	}
	v.Set(nv)
	return nil
}

// convertLeaf converts value to t, a number, string or bool type.
func convertLeaf(value any, t reflect.Type) (reflect.Value, error) {
	num, isNum := toFloat(value)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !isNum || num != math.Trunc(num) || math.Abs(num) > 1<<53 {
			return reflect.Value{}, fmt.Errorf("must be a whole number, got %s", describeValue(value))
		}
		return reflect.ValueOf(int64(num)).Convert(t), nil
	case reflect.Float32, reflect.Float64:
		if !isNum || math.IsNaN(num) || math.IsInf(num, 0) {
			return reflect.Value{}, fmt.Errorf("must be a finite number, got %s", describeValue(value))
		}
		return reflect.ValueOf(num).Convert(t), nil
	case reflect.String:
		s, ok := value.(string)
		if !ok {
			return reflect.Value{}, fmt.Errorf("must be a string, got %s", describeValue(value))
		}
		return reflect.ValueOf(s).Convert(t), nil
	case reflect.Bool:
		b, ok := value.(bool)
		if !ok {
			return reflect.Value{}, fmt.Errorf("must be true or false, got %s", describeValue(value))
		}
		return reflect.ValueOf(b), nil
	}
	return reflect.Value{}, fmt.Errorf("is %s, which a path cannot set", describeKind(t))
}

// toFloat returns value as a float64 when it is a number.
func toFloat(value any) (float64, bool) {
	switch x := value.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// describeValue names a value and its type for messages.
func describeValue(value any) string {
	switch value.(type) {
	case string:
		return fmt.Sprintf("the string %q", value)
	case nil:
		return "nothing (null)"
	}
	if _, ok := toFloat(value); ok {
		return fmt.Sprintf("%v", value)
	}
	return fmt.Sprintf("%v (%T)", value, value)
}

// describeKind names a type for messages.
func describeKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a bool"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	return "a section"
}

// jsonName returns the JSON key of a struct field, or "" for none.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// fieldByJSON returns the field of struct v whose JSON key is key.
func fieldByJSON(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		if n := jsonName(t.Field(i)); n != "" && n == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// jsonNames lists the JSON keys of struct type t in declaration order.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if n := jsonName(t.Field(i)); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// elemIDKey returns the id key of a list's elements: "id", "endpoint_name"
// or "event_id".
func elemIDKey(t reflect.Type) (string, bool) {
	if t.Kind() != reflect.Struct {
		return "", false
	}
	for _, key := range []string{"id", "endpoint_name", "event_id"} {
		for i := range t.NumField() {
			if jsonName(t.Field(i)) == key && t.Field(i).Type.Kind() == reflect.String {
				return key, true
			}
		}
	}
	return "", false
}

// elemID returns the id of a list element (elemIDKey).
func elemID(v reflect.Value, key string) string {
	f, _ := fieldByJSON(v, key)
	return f.String()
}

// elemIDs returns the ids of a list's elements.
func elemIDs(list reflect.Value) []string {
	key, _ := elemIDKey(list.Type().Elem())
	ids := make([]string, list.Len())
	for i := range ids {
		ids[i] = elemID(list.Index(i), key)
	}
	return ids
}

// idHint is " or [id=…]" for a list whose elements have an id.
func idHint(t reflect.Type) string {
	if _, ok := elemIDKey(t); ok {
		return " or [id=…]"
	}
	return ""
}

// suggestName returns ` (did you mean "x"?)` for the closest name within
// an edit distance of 2, or else a name that contains name.
func suggestName(name string, names []string) string {
	best, bestD := "", 3
	lower := strings.ToLower(name)
	for _, n := range names {
		if d := editDistance(lower, strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" && len(lower) >= 3 {
		for _, n := range names {
			if strings.Contains(strings.ToLower(n), lower) {
				best = n
				break
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// joinPath joins a key to a path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lastKey returns the last key of a path.
func lastKey(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && path[i] == '.' {
		return path[i+1:]
	}
	return path
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

// String formats the change as "path: old -> new".
func (c Change) String() string {
	return fmt.Sprintf("%s: %s -> %s", c.Path, changeValue(c.Old), changeValue(c.New))
}

// changeValue formats one side of a change: leaves as themselves,
// sections as compact JSON, nil as "(absent)".
func changeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(absent)"
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int, bool:
		return fmt.Sprint(x)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// Diff lists the differences from a to b, leaf by leaf, in document order:
// elements of id-keyed lists are matched by id (an element only on one
// side is one Change holding the whole element), other lists by index.
// A step time is one leaf (its mean) when fixed on both sides or random
// on one, its RV's keys when random on both. Equal scenarios give an
// empty list.
func Diff(a, b *Scenario) []Change {
	var out []Change
	ga, gb := a.Generators(), b.Generators()
	if len(ga) == 1 && len(gb) == 1 {
		diffValue("rqs_input", reflect.ValueOf(&ga[0]).Elem(), reflect.ValueOf(&gb[0]).Elem(), &out)
	} else {
		diffList("rqs_input", reflect.ValueOf(ga), reflect.ValueOf(gb), &out)
	}
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	t := va.Type()
	for i := range t.NumField() {
		name := jsonName(t.Field(i))
		if name == "" || name == "rqs_input" {
			continue
		}
		diffValue(name, va.Field(i), vb.Field(i), &out)
	}
	return out
}

// diffValue appends the differences between a and b at path.
func diffValue(path string, a, b reflect.Value, out *[]Change) {
	if a.Type() == quantityType {
		qa, qb := a.Interface().(Quantity), b.Interface().(Quantity)
		if qa.RV != nil && qb.RV != nil {
			diffValue(path, reflect.ValueOf(qa.RV).Elem(), reflect.ValueOf(qb.RV).Elem(), out)
			return
		}
		if !reflect.DeepEqual(qa, qb) {
			*out = append(*out, Change{Path: path, Old: quantityValue(qa), New: quantityValue(qb)})
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil() || b.IsNil():
			*out = append(*out, Change{Path: path, Old: sideValue(a), New: sideValue(b)})
		default:
			diffValue(path, a.Elem(), b.Elem(), out)
		}
	case reflect.Struct:
		t := a.Type()
		for i := range t.NumField() {
			if name := jsonName(t.Field(i)); name != "" {
				diffValue(joinPath(path, name), a.Field(i), b.Field(i), out)
			}
		}
	case reflect.Slice:
		diffList(path, a, b, out)
	case reflect.Map:
		keys := map[string]bool{}
		for _, k := range a.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range b.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range keys {
				if !yield(k) {
					return
				}
			}
		}) {
			kv := reflect.ValueOf(k).Convert(a.Type().Key())
			ea, eb := a.MapIndex(kv), b.MapIndex(kv)
			if !ea.IsValid() || !eb.IsValid() || !reflect.DeepEqual(ea.Interface(), eb.Interface()) {
				*out = append(*out, Change{Path: joinPath(path, k), Old: sideValue(ea), New: sideValue(eb)})
			}
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, Change{Path: path, Old: plainValue(a), New: plainValue(b)})
		}
	}
}

// diffList appends the differences between two lists: by id when their
// elements have one, by index otherwise.
func diffList(path string, a, b reflect.Value, out *[]Change) {
	_, keyed := elemIDKey(a.Type().Elem())
	if !keyed {
		for i := range max(a.Len(), b.Len()) {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= a.Len():
				*out = append(*out, Change{Path: p, New: plainValue(b.Index(i))})
			case i >= b.Len():
				*out = append(*out, Change{Path: p, Old: plainValue(a.Index(i))})
			default:
				diffValue(p, a.Index(i), b.Index(i), out)
			}
		}
		return
	}
	idsA, idsB := elemIDs(a), elemIDs(b)
	sel := func(id string) string { return fmt.Sprintf("%s[id=%s]", path, id) }
	for i, id := range idsA {
		j := slices.Index(idsB, id)
		if j < 0 {
			*out = append(*out, Change{Path: sel(id), Old: a.Index(i).Interface()})
			continue
		}
		diffValue(sel(id), a.Index(i), b.Index(j), out)
	}
	for j, id := range idsB {
		if !slices.Contains(idsA, id) {
			*out = append(*out, Change{Path: sel(id), New: b.Index(j).Interface()})
		}
	}
}

// sideValue is a value on one side of a change: nil when invalid or nil,
// a plain leaf, or a copy of a section.
func sideValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Type() == quantityType {
		return quantityValue(v.Interface().(Quantity))
	}
	return plainValue(v)
}

// quantityValue is a step time as a change shows it: its number when
// fixed, its RV when random.
func quantityValue(q Quantity) any {
	if q.RV != nil {
		return *q.RV
	}
	return q.Value
}
