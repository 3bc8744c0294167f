package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"
)

// WorkloadClosed is the `type` of a closed workload (spec §11).
const WorkloadClosed = "closed"

// MaxClosedUsers bounds `users` of a closed workload: every user is one
// request alive at a time, so the bound is also one on memory.
const MaxClosedUsers = 1_000_000

// MaxGenerators bounds the generators of `rqs_input`: each class keeps its
// own latency sketch (1–6 KB) and throughput series (8 bytes per second of
// horizon) for its results.
const MaxGenerators = 16

// ProfilePoint is one point `{ t, x }` of a load profile (spec §11): at
// time T seconds the arrival rate is the Part I rate times X.
type ProfilePoint struct {
	// T is the time in seconds; the first point's is 0, later ones are
	// strictly increasing and at most the horizon.
	T float64 `json:"t" yaml:"t"`
	// X is the rate multiplier, >= 0.
	X float64 `json:"x" yaml:"x"`
}

// Closed reports whether w is a closed workload (`type: closed`).
func (w Workload) Closed() bool { return w.Type == WorkloadClosed }

// Generators returns every generator of `rqs_input` in document order:
// Workload, then MoreWorkloads. The slice is new; its elements are copies.
func (sc *Scenario) Generators() []Workload {
	return append([]Workload{sc.Workload}, sc.MoreWorkloads...)
}

// generatorPath is the path of generator i: `rqs_input` for a single
// generator, `rqs_input[i]` in a list.
func (sc *Scenario) generatorPath(i int) string {
	if len(sc.MoreWorkloads) == 0 {
		return "rqs_input"
	}
	return index("rqs_input", i)
}

// rqsInput decodes `rqs_input`: one mapping (Part I) or a non-empty list
// of mappings (spec §11).
func (d *decoder) rqsInput(n *yaml.Node, path string, sc *Scenario) {
	r := resolveAlias(n)
	if r == nil || r.Kind != yaml.SequenceNode {
		d.workload(n, path, &sc.Workload)
		return
	}
	if len(r.Content) == 0 {
		d.errorf(r, path, "must not be an empty list; give at least one generator")
		return
	}
	d.list(n, path, "generators", func(n *yaml.Node, p string, i int) {
		var w Workload
		d.workload(n, p, &w)
		if i == 0 {
			sc.Workload = w
			return
		}
		sc.MoreWorkloads = append(sc.MoreWorkloads, w)
	})
}

// singleItemList reports whether the document's `rqs_input` is a list of
// one generator, which Scenario holds like a mapping (no MoreWorkloads).
func singleItemList(root *yaml.Node) bool {
	root = resolveAlias(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "rqs_input" {
			v := resolveAlias(root.Content[i+1])
			return v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 1
		}
	}
	return false
}

// listPaths rewrites the validation paths of a single generator
// (`rqs_input...`) to the list form of the document (`rqs_input[0]...`).
func listPaths(errs errorList) {
	for i, e := range errs {
		if e.Path == "rqs_input" || strings.HasPrefix(e.Path, "rqs_input.") {
			errs[i].Path = "rqs_input[0]" + strings.TrimPrefix(e.Path, "rqs_input")
		}
	}
}

// generatorIDPath reports whether path is a listed generator or its id,
// `rqs_input[k]` or `rqs_input[k].id`, on which the graph rules depend.
func generatorIDPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "rqs_input[")
	if !ok {
		return false
	}
	k := strings.IndexByte(rest, ']')
	return k > 0 && (rest[k+1:] == "" || rest[k+1:] == ".id")
}

// profile decodes a list of `{ t, x }` points.
func (d *decoder) profile(n *yaml.Node, path string, dst *[]ProfilePoint) {
	listOf(d, n, path, "profile points", dst, func(n *yaml.Node, p string, pt *ProfilePoint) {
		d.object(n, p, []field{
			{"t", true, func(n *yaml.Node, p string) { d.float(n, p, &pt.T) }},
			{"x", true, func(n *yaml.Node, p string) { d.float(n, p, &pt.X) }},
		})
	})
}

// workloads checks every generator (spec §3 and §11).
func (v *validator) workloads() {
	if n := 1 + len(v.sc.MoreWorkloads); n > MaxGenerators {
		v.add("rqs_input", "has %d generators, more than %d; merge classes that share an endpoint", n, MaxGenerators)
	}
	for i, w := range v.sc.Generators() {
		v.workload(v.sc.generatorPath(i), w)
	}
}

// closedWorkload checks a closed workload: users, think_time, and none of
// the open-workload keys.
func (v *validator) closedWorkload(p string, w Workload) {
	if w.Users < 1 || w.Users > MaxClosedUsers {
		v.add(p+".users", "must be a whole number of users in 1..%d for a closed workload, got %d", MaxClosedUsers, w.Users)
	}
	if w.ThinkTime == nil {
		v.add(p+".think_time", "is required for a closed workload (the RV of a user's pause between the outcome of a request and the next one)")
	} else {
		v.rv(p+".think_time", *w.ThinkTime, rvUse{what: "think time", duration: true})
	}
	open := func(key string, set bool) {
		if set {
			v.add(p+"."+key, "is not allowed with type: closed (a closed workload's load is users and think_time); remove it")
		}
	}
	open("avg_active_users", w.AvgActiveUsers != RV{})
	open("avg_request_per_minute_per_user", w.AvgRequestPerMinutePerUser != RV{})
	open("profile", len(w.Profile) > 0)
	open("user_sampling_window", w.UserSamplingWindow != 0)
}

// openOnly checks that an open workload has no closed-workload key.
func (v *validator) openOnly(p string, w Workload) {
	if w.Users != 0 {
		v.add(p+".users", "is allowed only with type: closed; remove it or add type: closed")
	}
	if w.ThinkTime != nil {
		v.add(p+".think_time", "is allowed only with type: closed; remove it or add type: closed")
	}
	v.profile(p+".profile", w.Profile)
}

// profile checks the points of a load profile.
func (v *validator) profile(p string, pts []ProfilePoint) {
	horizon := float64(v.sc.Settings.TotalSimulationTime)
	for k, pt := range pts {
		pp := index(p, k)
		if v.finite(pp+".t", pt.T) {
			switch {
			case k == 0 && pt.T != 0:
				v.add(pp+".t", "the first point's t must be 0, got %v", pt.T)
			case k > 0 && !(pt.T > pts[k-1].T):
				v.add(pp+".t", "must be greater than the previous point's t (%v), got %v; points are in strictly increasing t", pts[k-1].T, pt.T)
			case pt.T > horizon:
				v.add(pp+".t", "is past the horizon (total_simulation_time = %v s), got %v", horizon, pt.T)
			}
		}
		if v.finite(pp+".x", pt.X) && pt.X < 0 {
			v.add(pp+".x", "must be >= 0, got %v", pt.X)
		}
	}
}

// profileMax is the largest x of a profile, 1 without one.
func profileMax(pts []ProfilePoint) float64 {
	if len(pts) == 0 {
		return 1
	}
	m := 0.0
	for _, pt := range pts {
		m = math.Max(m, pt.X)
	}
	return m
}

// generatorEndpoints checks that a generator's endpoint exists on the first
// server(s) its requests reach: the server the client's edge goes to, or
// every server the load balancer covers.
func (v *validator) generatorEndpoints() {
	gens := v.sc.Generators()
	for i, w := range gens {
		if w.Endpoint == "" {
			continue
		}
		for _, s := range v.firstServers() {
			if !hasEndpoint(s, w.Endpoint) {
				v.add(v.sc.generatorPath(i)+".endpoint", "server %q, which requests of %q reach first, has no endpoint %q; add it or change endpoint", s.ID, w.ID, w.Endpoint)
			}
		}
	}
}

// firstServers returns the servers a request reaches first: the target of
// the client's edge, or the servers the load balancer covers. It returns
// nil when the graph is not well formed (the graph rules report that).
func (v *validator) firstServers() []Server {
	ns := v.sc.Topology.Nodes
	servers := map[string]Server{}
	for _, s := range ns.Servers {
		servers[s.ID] = s
	}
	var target string
	for _, e := range v.sc.Topology.Edges {
		if e.Source == ns.Client.ID {
			target = e.Target
			break
		}
	}
	if s, ok := servers[target]; ok {
		return []Server{s}
	}
	lb := ns.LoadBalancer
	if lb == nil || lb.ID != target {
		return nil
	}
	var out []Server
	covered := lb.ServerCovered
	if len(covered) == 0 {
		for _, e := range v.sc.Topology.Edges {
			if e.Source == lb.ID {
				covered = append(covered, e.Target)
			}
		}
	}
	for _, id := range covered {
		if s, ok := servers[id]; ok {
			out = append(out, s)
		}
	}
	return out
}

func hasEndpoint(s Server, name string) bool {
	for _, e := range s.Endpoints {
		if e.Name == name {
			return true
		}
	}
	return false
}

// MarshalJSON writes the scenario with `rqs_input` as a mapping for one
// generator and as a list for several (spec §11).
func (sc Scenario) MarshalJSON() ([]byte, error) {
	type plain Scenario
	if len(sc.MoreWorkloads) == 0 {
		return json.Marshal(plain(sc))
	}
	return json.Marshal(struct {
		plain
		Workloads []Workload `json:"rqs_input"`
	}{plain(sc), sc.Generators()})
}

// UnmarshalJSON reads what MarshalJSON writes: `rqs_input` as a mapping
// or a list. It does not validate; Decode is the strict reader.
func (sc *Scenario) UnmarshalJSON(data []byte) error {
	type plain Scenario
	aux := struct {
		*plain
		RqsInput json.RawMessage `json:"rqs_input"`
	}{plain: (*plain)(sc)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	raw := bytes.TrimSpace(aux.RqsInput)
	if len(raw) == 0 || raw[0] != '[' {
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			return nil
		}
		return json.Unmarshal(raw, &sc.Workload)
	}
	var ws []Workload
	if err := json.Unmarshal(raw, &ws); err != nil {
		return fmt.Errorf("rqs_input: %w", err)
	}
	if len(ws) > 0 {
		sc.Workload, sc.MoreWorkloads = ws[0], ws[1:]
		if len(sc.MoreWorkloads) == 0 {
			sc.MoreWorkloads = nil
		}
	}
	return nil
}

// MarshalYAML writes the scenario with `rqs_input` as a mapping for one
// generator and as a list for several, like MarshalJSON.
func (sc Scenario) MarshalYAML() (any, error) {
	type plain Scenario
	if len(sc.MoreWorkloads) == 0 {
		return plain(sc), nil
	}
	var doc yaml.Node
	if err := doc.Encode(plain(sc)); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	var list yaml.Node
	if err := list.Encode(sc.Generators()); err != nil {
		return nil, fmt.Errorf("scenario: rqs_input: %w", err)
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "rqs_input" {
			doc.Content[i+1] = &list
		}
	}
	return &doc, nil
}

// last returns the generator added last, or nil before any.
func (b *Builder) last() *Workload {
	switch {
	case !b.gen:
		return nil
	case len(b.sc.MoreWorkloads) > 0:
		return &b.sc.MoreWorkloads[len(b.sc.MoreWorkloads)-1]
	default:
		return &b.sc.Workload
	}
}

// Class adds a generator, a request class (spec §11): the first call
// sets the workload like Workload, later ones make `rqs_input` a list.
func (b *Builder) Class(w Workload) *Builder {
	if !b.gen {
		b.gen = true
		b.sc.Workload = w
		return b
	}
	b.sc.MoreWorkloads = append(b.sc.MoreWorkloads, w)
	return b
}

// ClosedClass adds a closed workload (spec §11): users users, each
// thinking for think between the outcome of a request and the next one.
func (b *Builder) ClosedClass(id string, users int, think RV) *Builder {
	return b.Class(Workload{ID: id, Type: WorkloadClosed, Users: users, ThinkTime: &think})
}

// Endpoint sets the endpoint of the generator added last.
func (b *Builder) Endpoint(name string) *Builder {
	if w := b.last(); w != nil {
		w.Endpoint = name
	} else {
		b.misuse.add("rqs_input.endpoint", "Endpoint is called before any generator; call Generator or Class first")
	}
	return b
}

// Profile sets the load profile of the generator added last.
func (b *Builder) Profile(points ...ProfilePoint) *Builder {
	if w := b.last(); w != nil {
		w.Profile = append([]ProfilePoint(nil), points...)
	} else {
		b.misuse.add("rqs_input.profile", "Profile is called before any generator; call Generator or Class first")
	}
	return b
}

// ProfileArea returns the integral of the profile's x(t) over [0, h]:
// trapezoids between the points, then the last x held until h; h itself
// without a profile. An open generator's expected arrivals over the
// horizon h are its Part I rate times ProfileArea(h) (spec §11).
func (w Workload) ProfileArea(h float64) float64 {
	p := w.Profile
	if len(p) == 0 {
		return h
	}
	sum := 0.0
	for i := 0; i+1 < len(p) && p[i].T < h; i++ {
		t1 := min(p[i+1].T, h)
		x1 := p[i].X + (p[i+1].X-p[i].X)*(t1-p[i].T)/(p[i+1].T-p[i].T)
		sum += (p[i].X + x1) / 2 * (t1 - p[i].T)
	}
	if last := p[len(p)-1]; last.T < h {
		sum += last.X * (h - last.T)
	}
	return sum
}

// MeanRate returns the generator's mean arrival rate in requests per
// second over the horizon h: for an open generator, avg_active_users ×
// avg_request_per_minute_per_user / 60 times the profile's mean over
// [0, h]; for a closed one, users / think_time.mean, the rate if every
// response were instantaneous (an upper bound).
func (w Workload) MeanRate(h float64) float64 {
	if w.Closed() {
		if w.ThinkTime == nil || !(w.ThinkTime.Mean > 0) {
			return 0
		}
		return float64(w.Users) / w.ThinkTime.Mean
	}
	rate := w.AvgActiveUsers.Mean * w.AvgRequestPerMinutePerUser.Mean / 60
	if len(w.Profile) == 0 || !(h > 0) {
		return rate
	}
	return rate * w.ProfileArea(h) / h
}
