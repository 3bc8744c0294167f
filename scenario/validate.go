package scenario

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Ranges of spec §3, §5 and §7.
const (
	// MinUserSamplingWindow is the shortest user_sampling_window, in seconds.
	MinUserSamplingWindow = 1
	// MaxUserSamplingWindow is the longest user_sampling_window, in seconds.
	MaxUserSamplingWindow = 120
	// MinRAMMB is the smallest ram_mb of a server.
	MinRAMMB = 256
	// MinTotalSimulationTime is the shortest horizon, in seconds.
	MinTotalSimulationTime = 5
	// MaxTotalSimulationTime is the longest horizon, in seconds (about
	// 116 days of simulated time), a bound that keeps runs finite.
	MaxTotalSimulationTime = 10_000_000
	// MaxRequestRate bounds the arrival rate in requests per second:
	// avg_active_users × avg_request_per_minute_per_user / 60, with a
	// normal user count taken at its mean plus six standard deviations.
	MaxRequestRate = 1e8
	// MinSamplePeriodS is the shortest sample_period_s, in seconds.
	MinSamplePeriodS = 0.001
	// MaxSamplePeriodS is the longest sample_period_s, in seconds.
	MaxSamplePeriodS = 0.1
	// probabilityTolerance is how far endpoint probabilities may sum from 1.
	probabilityTolerance = 1e-6
)

// Validate checks every rule of the spec and returns nil or a
// *ValidationError listing every problem, sorted by path. It expects
// defaults to be applied (Decode and Builder.Build do that; code that
// builds a Scenario by hand calls ApplyDefaults first). It does not modify
// the scenario.
func (sc *Scenario) Validate() error {
	return sc.validate().result()
}

func (sc *Scenario) validate() errorList {
	errs, graph := sc.validateParts()
	return append(errs, graph...)
}

// validateParts returns the problems found by the graph rules of spec §4
// apart from the others, so that Decode can drop the graph ones when the
// topology itself failed to decode.
func (sc *Scenario) validateParts() (errs, graph errorList) {
	v := &validator{sc: sc}
	v.workloads()
	v.nodes()
	v.edges()
	v.settings()
	v.events()
	errs, v.errs = v.errs, nil
	v.graph()
	v.generatorEndpoints()
	return errs, v.errs
}

type validator struct {
	sc   *Scenario
	errs errorList
}

func (v *validator) add(path, format string, args ...any) {
	v.errs.add(path, format, args...)
}

// finite reports a non-finite number and returns false.
func (v *validator) finite(path string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add(path, "must be a finite number, got %v", x)
		return false
	}
	return true
}

// rvUse says where an RV is used, which decides the accepted families.
type rvUse struct {
	what     string         // "latency", "step time", "active users", ...
	accepted []Distribution // nil means every distribution
	duration bool           // a time, which may never be drawn negative
}

func (v *validator) rv(path string, rv RV, use rvUse) {
	accepted := use.accepted
	if accepted == nil {
		accepted = Distributions
	}
	if !contains(accepted, rv.Distribution) {
		if rv.Distribution == "" {
			v.add(join(path, "distribution"), "is missing; accepted values: %s (call ApplyDefaults for the poisson default)", enumList(accepted))
		} else if contains(Distributions, rv.Distribution) {
			v.add(join(path, "distribution"), "%s is not accepted for %s; accepted values: %s", rv.Distribution, use.what, enumList(accepted))
		} else {
			v.add(join(path, "distribution"), "unknown value %q; accepted values: %s", rv.Distribution, enumList(accepted))
		}
	}
	if v.finite(join(path, "mean"), rv.Mean) && rv.Mean <= 0 {
		v.add(join(path, "mean"), "must be > 0 for %s, got %v", use.what, rv.Mean)
	}
	if rv.Variance == nil {
		return
	}
	vp := join(path, "variance")
	if !v.finite(vp, *rv.Variance) {
		return
	}
	if *rv.Variance < 0 {
		v.add(vp, "must be >= 0, got %v", *rv.Variance)
	}
	if rv.Distribution == Exponential {
		v.add(vp, "must be absent for an exponential distribution (its variance is mean²); remove it or use normal, log_normal or uniform")
	}
	if h := math.Sqrt(3 * *rv.Variance); use.duration && rv.Distribution == Uniform && rv.Mean > 0 && rv.Mean-h < 0 {
		v.add(vp, "gives the uniform range [%.6g, %.6g], which would draw negative times; use a variance of at most mean²/3 = %.6g",
			rv.Mean-h, rv.Mean+h, rv.Mean*rv.Mean/3)
	}
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func (v *validator) workload(p string, w Workload) {
	if w.ID == "" {
		v.add(p+".id", "must not be empty")
	}
	if w.Type != "" && w.Type != "generator" && w.Type != WorkloadClosed {
		v.add(p+".type", "unknown value %q; accepted values: generator, closed", w.Type)
	}
	if w.Closed() {
		v.closedWorkload(p, w)
		return
	}
	v.openOnly(p, w)
	v.rv(p+".avg_active_users", w.AvgActiveUsers, rvUse{what: "active users", accepted: []Distribution{Poisson, Normal}})
	v.rv(p+".avg_request_per_minute_per_user", w.AvgRequestPerMinutePerUser, rvUse{what: "requests per minute per user", accepted: []Distribution{Poisson}})
	users, rpm := w.AvgActiveUsers, w.AvgRequestPerMinutePerUser.Mean
	peak := users.Mean * profileMax(w.Profile)
	if users.Distribution == Normal {
		peak += 6 * math.Sqrt(math.Max(users.NormalVariance(RoleCount), 0)) * profileMax(w.Profile)
	}
	if rate := peak * rpm / 60; rate > MaxRequestRate && !math.IsInf(rate, 0) || math.IsInf(rate, 1) {
		v.add(p, "avg_active_users × avg_request_per_minute_per_user / 60 reaches %.6g requests/s, more than %g; lower them", rate, MaxRequestRate)
	}
	if w.UserSamplingWindow < MinUserSamplingWindow || w.UserSamplingWindow > MaxUserSamplingWindow {
		v.add(p+".user_sampling_window", "must be a whole number of seconds in %d..%d, got %d", MinUserSamplingWindow, MaxUserSamplingWindow, w.UserSamplingWindow)
	}
}

const nodesPath = "topology_graph.nodes"

func serverPath(i int) string { return fmt.Sprintf("%s.servers[%d]", nodesPath, i) }
func edgePath(i int) string   { return fmt.Sprintf("topology_graph.edges[%d]", i) }

func (v *validator) nodes() {
	ns := v.sc.Topology.Nodes
	seen := map[string]string{} // id -> path of its first declaration
	declare := func(path, id string) {
		if id == "" {
			v.add(path, "must not be empty")
			return
		}
		if first, dup := seen[id]; dup {
			v.add(path, "duplicate node id %q (already used by %s); node ids must be unique across client, servers and load balancer", id, first)
			return
		}
		seen[id] = strings.TrimSuffix(path, ".id")
	}
	declare(nodesPath+".client.id", ns.Client.ID)
	if ns.Client.Type != "" && ns.Client.Type != "client" {
		v.add(nodesPath+".client.type", "unknown value %q; accepted values: client", ns.Client.Type)
	}
	c := ns.Client
	v.resilience(nodesPath+".client", c.TimeoutS, c.Retry, c.CircuitBreaker)
	if len(ns.Servers) == 0 {
		v.add(nodesPath+".servers", "must list at least one server")
	}
	for i, s := range ns.Servers {
		declare(serverPath(i)+".id", s.ID)
		v.server(i, s)
	}
	for _, l := range v.loadBalancers() {
		lb, lp := l.lb, l.path
		declare(lp+".id", lb.ID)
		if lb.Type != "" && lb.Type != "load_balancer" {
			v.add(lp+".type", "unknown value %q; accepted values: load_balancer", lb.Type)
		}
		if !contains(Algorithms, lb.Algorithm) {
			v.add(lp+".algorithms", "unknown value %q; accepted values: %s", lb.Algorithm, enumList(Algorithms))
		}
		v.weights(lp+".weights", lb)
		v.rateLimit(lp+".rate_limit", lb.RateLimit)
	}
	seenGen := map[string]bool{}
	for i, w := range v.sc.Generators() {
		if w.ID == "" {
			continue
		}
		p := v.sc.generatorPath(i) + ".id"
		if first, dup := seen[w.ID]; dup {
			v.add(p, "generator id %q is also the id of %s; the generator needs its own id", w.ID, first)
		} else if seenGen[w.ID] {
			v.add(p, "generator id %q is used twice; ids are unique across generators and nodes", w.ID)
		}
		seenGen[w.ID] = true
	}
}

// weights checks load_balancer.weights on its own: allowed only with
// weighted_round_robin, each a whole number in 1..MaxLBWeight. Whether
// the keys are covered servers is checked with the graph (coverage).
func (v *validator) weights(p string, lb *LoadBalancer) {
	if len(lb.Weights) == 0 {
		return
	}
	if lb.Algorithm != WeightedRoundRobin {
		alg := lb.Algorithm
		if alg == "" {
			alg = DefaultAlgorithm
		}
		v.add(p, "weights are only used by algorithms: %s (this load balancer uses %s); remove weights or set algorithms to %s", WeightedRoundRobin, alg, WeightedRoundRobin)
		return
	}
	for _, id := range sortedKeys(lb.Weights) {
		if w := lb.Weights[id]; w < 1 || w > MaxLBWeight {
			v.add(p+"."+id, "weight of server %q must be a whole number in 1..%d, got %d", id, MaxLBWeight, w)
		}
	}
}

// sortedKeys returns the keys of m in increasing order, so that errors
// about a map come in a stable order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (v *validator) server(i int, s Server) {
	p := serverPath(i)
	if s.Type != "" && s.Type != "server" {
		v.add(p+".type", "unknown value %q; accepted values: server", s.Type)
	}
	r := s.Resources
	rp := p + ".server_resources"
	if r.CPUCores < 1 {
		v.add(rp+".cpu_cores", "must be a whole number >= 1, got %d", r.CPUCores)
	}
	if r.RAMMB < MinRAMMB {
		v.add(rp+".ram_mb", "must be a whole number >= %d (MB), got %d", MinRAMMB, r.RAMMB)
	}
	if r.DBConnectionPool != nil && *r.DBConnectionPool < 1 {
		v.add(rp+".db_connection_pool", "must be a whole number >= 1 when set, got %d (remove the key for no pool)", *r.DBConnectionPool)
	}
	v.admission(rp, r)
	if s.Replicas != nil && (*s.Replicas < 1 || *s.Replicas > MaxReplicas) {
		v.add(p+".replicas", "must be a whole number in 1..%d, got %d", MaxReplicas, *s.Replicas)
	}
	v.rateLimit(p+".rate_limit", s.RateLimit)
	v.scaling(p, s)
	v.endpoints(p, s)
}

// endpoints checks a server's endpoints: names, probabilities and the
// RAM each one needs against the server's.
func (v *validator) endpoints(p string, s Server) {
	if len(s.Endpoints) == 0 {
		v.add(p+".endpoints", "must list at least one endpoint")
	}
	names := map[string]int{}
	withProb, sum := 0, 0.0
	withWeight, weightSum := 0, 0.0
	for j, e := range s.Endpoints {
		ep := fmt.Sprintf("%s.endpoints[%d]", p, j)
		lower := strings.ToLower(e.Name)
		if e.Name == "" {
			v.add(ep+".endpoint_name", "must not be empty")
		} else if first, dup := names[lower]; dup {
			v.add(ep+".endpoint_name", "duplicate endpoint name %q (also endpoints[%d]); names are unique per server, compared lower-cased", e.Name, first)
		} else {
			names[lower] = j
		}
		if e.Probability != nil {
			withProb++
			pr := *e.Probability
			if v.finite(ep+".probability", pr) {
				if pr < 0 || pr > 1 {
					v.add(ep+".probability", "must be in [0, 1], got %v", pr)
				}
				sum += pr
			}
		}
		if e.Weight != nil {
			withWeight++
			w := *e.Weight
			if v.finite(ep+".weight", w) {
				if w < 0 {
					v.add(ep+".weight", "must be >= 0, got %v", w)
				}
				weightSum += w
			}
		}
		v.errorRate(ep+".error_rate", e.ErrorRate)
		ram := 0.0
		for k, st := range e.Steps {
			ram += v.step(fmt.Sprintf("%s.steps[%d]", ep, k), st)
		}
		if ram > float64(s.Resources.RAMMB) && s.Resources.RAMMB >= MinRAMMB {
			v.add(ep, "endpoint %q of server %q needs %v MB of RAM (the sum of its ram steps) but the server has ram_mb %d, so it could never run; raise ram_mb or lower necessary_ram", e.Name, s.ID, ram, s.Resources.RAMMB)
		}
	}
	switch {
	case withProb > 0 && withWeight > 0:
		v.add(p+".endpoints", "both probability and weight are set on this server's endpoints; use one of them (probabilities summing to 1, or relative weights)")
	case withWeight > 0 && withWeight < len(s.Endpoints):
		v.add(p+".endpoints", "weight is set on %d of %d endpoints; set it on all of them or on none (uniform choice)", withWeight, len(s.Endpoints))
	case withWeight > 0 && !(weightSum > 0):
		v.add(p+".endpoints", "endpoint weights add up to 0; give at least one endpoint a positive weight")
	case withProb > 0 && withProb < len(s.Endpoints):
		v.add(p+".endpoints", "probability is set on %d of %d endpoints; set it on all of them (summing to 1) or on none (uniform choice)", withProb, len(s.Endpoints))
	case withProb > 0 && math.Abs(sum-1) > probabilityTolerance:
		v.add(p+".endpoints", "endpoint probabilities sum to %.6g; they must sum to 1", sum)
	}
}

// step validates one step and returns the RAM it reserves.
func (v *validator) step(p string, st Step) float64 {
	op := st.Operation
	opPath := p + ".step_operation"
	set := 0
	if op.CPUTime != nil {
		set++
	}
	if op.NecessaryRAM != nil {
		set++
	}
	if op.IOWaitingTime != nil {
		set++
	}
	if op.Call != nil {
		set++
	}
	if op.Calls != nil {
		set++
	}
	class := st.Kind.Class()
	if class == ClassUnknown {
		v.add(p+".kind", "unknown value %q; accepted values: %s", st.Kind, enumList(StepKinds))
	}
	want := map[StepClass]string{ClassCPU: "cpu_time", ClassRAM: "necessary_ram", ClassIO: "io_waiting_time"}[class]
	switch st.Kind {
	case CallStep:
		want = "call"
	case ParallelStep:
		want = "calls"
	}
	switch {
	case set == 0:
		if want != "" {
			v.add(opPath, "must have exactly one key; kind %s takes %s", st.Kind, want)
		} else {
			v.add(opPath, "must have exactly one key: cpu_time, necessary_ram, io_waiting_time, call or calls")
		}
		return 0
	case set > 1:
		msg := "must have exactly one key, got %d"
		if want != "" {
			v.add(opPath, msg+"; kind %s takes only %s", set, st.Kind, want)
		} else {
			v.add(opPath, msg, set)
		}
		return 0
	}
	var got string
	switch {
	case op.CPUTime != nil:
		got = "cpu_time"
		v.quantity(opPath+".cpu_time", *op.CPUTime)
	case op.IOWaitingTime != nil:
		got = "io_waiting_time"
		v.quantity(opPath+".io_waiting_time", *op.IOWaitingTime)
	case op.Call != nil:
		got = "call"
		v.callFields(opPath+".call", *op.Call)
	case op.Calls != nil:
		got = "calls"
		v.parallelFields(opPath+".calls", op.Calls)
	case op.NecessaryRAM != nil:
		got = "necessary_ram"
		if v.finite(opPath+".necessary_ram", *op.NecessaryRAM) && *op.NecessaryRAM <= 0 {
			v.add(opPath+".necessary_ram", "must be a positive number of MB, got %v", *op.NecessaryRAM)
		}
	}
	if want != "" && got != want {
		v.add(opPath+"."+got, "does not match kind %s, which takes %s", st.Kind, want)
		return 0
	}
	if got == "necessary_ram" && op.NecessaryRAM != nil && *op.NecessaryRAM > 0 && !math.IsInf(*op.NecessaryRAM, 0) {
		return *op.NecessaryRAM
	}
	return 0
}

func (v *validator) quantity(p string, q Quantity) {
	if q.RV != nil {
		v.rv(p, *q.RV, rvUse{what: "a step time", duration: true})
		return
	}
	if v.finite(p, q.Value) && q.Value <= 0 {
		v.add(p, "must be a positive number of seconds (or a random variable {mean, distribution, variance} with mean > 0), got %v", q.Value)
	}
}

func (v *validator) edges() {
	seen := map[string]int{}
	for i, e := range v.sc.Topology.Edges {
		p := edgePath(i)
		if e.ID == "" {
			v.add(p+".id", "must not be empty")
		} else if first, dup := seen[e.ID]; dup {
			v.add(p+".id", "duplicate edge id %q (also edges[%d]); edge ids must be unique", e.ID, first)
		} else {
			seen[e.ID] = i
		}
		v.rv(p+".latency", e.Latency, rvUse{what: "a latency", duration: true})
		if e.EdgeType != NetworkConnection {
			v.add(p+".edge_type", "unknown value %q; accepted values: %s", e.EdgeType, NetworkConnection)
		}
		if v.finite(p+".dropout_rate", e.DropoutRate) && (e.DropoutRate < 0 || e.DropoutRate > 1) {
			v.add(p+".dropout_rate", "must be a probability in [0, 1], got %v", e.DropoutRate)
		}
	}
}

func (v *validator) settings() {
	s := v.sc.Settings
	const p = "sim_settings"
	switch t := s.TotalSimulationTime; {
	case t < MinTotalSimulationTime:
		v.add(p+".total_simulation_time", "must be a whole number of seconds >= %d, got %d", MinTotalSimulationTime, t)
	case t > MaxTotalSimulationTime:
		v.add(p+".total_simulation_time", "must be a whole number of seconds <= %d, got %d", MaxTotalSimulationTime, t)
	}
	if v.finite(p+".sample_period_s", s.SamplePeriodS) && (s.SamplePeriodS < MinSamplePeriodS || s.SamplePeriodS > MaxSamplePeriodS) {
		v.add(p+".sample_period_s", "must be in [%v, %v] seconds, got %v", MinSamplePeriodS, MaxSamplePeriodS, s.SamplePeriodS)
	}
	checkList(v, p+".enabled_sample_metrics", s.EnabledSampleMetrics, SampleMetrics)
	checkList(v, p+".enabled_event_metrics", s.EnabledEventMetrics, EventMetrics)
}

func checkList[T ~string](v *validator, p string, list, accepted []T) {
	seen := map[T]bool{}
	for i, m := range list {
		ip := fmt.Sprintf("%s[%d]", p, i)
		switch {
		case !contains(accepted, m):
			v.add(ip, "unknown value %q; accepted values: %s", m, enumList(accepted))
		case seen[m]:
			v.add(ip, "%s is listed twice", m)
		}
		seen[m] = true
	}
}

// window is one outage window of a server.
type window struct {
	start, end float64
	event      int
}

// idSet is a set of ids plus their declaration order, for messages.
type idSet struct {
	has   map[string]bool
	order []string
}

func newIDSet(ids []string) idSet {
	s := idSet{has: map[string]bool{}}
	for _, id := range ids {
		if id != "" && !s.has[id] {
			s.has[id] = true
			s.order = append(s.order, id)
		}
	}
	return s
}

func (s idSet) list() string { return strings.Join(s.order, ", ") }

func (v *validator) events() {
	sc := v.sc
	servers := newIDSet(v.outageTargets())
	edgeIDs := make([]string, len(sc.Topology.Edges))
	for i, e := range sc.Topology.Edges {
		edgeIDs[i] = e.ID
	}
	edges := newIDSet(edgeIDs)
	ids := map[string]int{}
	outages := map[string][]window{}
	for i, ev := range sc.Events {
		p := fmt.Sprintf("events[%d]", i)
		if ev.ID == "" {
			v.add(p+".event_id", "must not be empty")
		} else if first, dup := ids[ev.ID]; dup {
			v.add(p+".event_id", "duplicate event id %q (also events[%d]); event ids must be unique", ev.ID, first)
		} else {
			ids[ev.ID] = i
		}
		v.eventKinds(p, ev, servers, edges)
		if ok := v.eventWindow(p, ev); ok && ev.Start.Kind == ServerDown && servers.has[ev.TargetID] {
			outages[ev.TargetID] = append(outages[ev.TargetID], window{ev.Start.TStart, ev.End.TEnd, i})
		}
	}
	v.outages(outages, servers.order)
}

// eventKinds checks the kinds of an event, its target and spike_s.
func (v *validator) eventKinds(p string, ev Event, servers, edges idSet) {
	sk, ek := ev.Start.Kind, ev.End.Kind
	if !contains(StartKinds, sk) {
		v.add(p+".start.kind", "unknown value %q; accepted values: %s", sk, enumList(StartKinds))
	}
	if !contains(EndKinds, ek) {
		v.add(p+".end.kind", "unknown value %q; accepted values: %s", ek, enumList(EndKinds))
	} else if contains(StartKinds, sk) && sk.EndKind() != ek {
		v.add(p+".end.kind", "%s does not close %s; use %s", ek, sk, sk.EndKind())
	}
	if ev.TargetID == "" {
		v.add(p+".target_id", "must not be empty")
	}
	switch sk {
	case ServerDown:
		if ev.TargetID != "" && !servers.has[ev.TargetID] {
			v.badOutageTarget(p+".target_id", ev.TargetID)
		}
		if ev.Start.SpikeS != nil {
			v.add(p+".start.spike_s", "is only allowed on network_spike_start; remove it")
		}
	case NetworkSpikeStart:
		if ev.TargetID != "" && !edges.has[ev.TargetID] {
			v.add(p+".target_id", "%q is not an edge; a network spike targets one of: %s", ev.TargetID, edges.list())
		}
		switch {
		case ev.Start.SpikeS == nil:
			v.add(p+".start.spike_s", "is required on network_spike_start (the added latency in seconds, > 0)")
		case v.finite(p+".start.spike_s", *ev.Start.SpikeS) && *ev.Start.SpikeS <= 0:
			v.add(p+".start.spike_s", "must be > 0 seconds, got %v", *ev.Start.SpikeS)
		}
	}
}

// eventWindow checks 0 <= t_start < t_end <= horizon and reports whether
// the window is a proper interval.
func (v *validator) eventWindow(p string, ev Event) bool {
	horizon := float64(v.sc.Settings.TotalSimulationTime)
	ts, te := ev.Start.TStart, ev.End.TEnd
	okS, okE := v.finite(p+".start.t_start", ts), v.finite(p+".end.t_end", te)
	if okS && ts < 0 {
		v.add(p+".start.t_start", "must be >= 0, got %v", ts)
	}
	if okS && okE && te <= ts {
		v.add(p+".end.t_end", "must be after t_start (%v), got %v", ts, te)
	}
	if okE && te > horizon && horizon > 0 {
		v.add(p+".end.t_end", "must be <= total_simulation_time (%v), got %v", horizon, te)
	}
	return okS && okE && ts < te
}

// outages checks that a server's windows do not overlap and that at no
// instant every server is down.
func (v *validator) outages(outages map[string][]window, serverIDs []string) {
	type edge struct {
		t     float64
		delta int
		event int
	}
	var sweep []edge
	for _, id := range serverIDs {
		ws := outages[id]
		sort.SliceStable(ws, func(a, b int) bool { return ws[a].start < ws[b].start })
		for k := 1; k < len(ws); k++ {
			if ws[k].start < ws[k-1].end {
				v.add(fmt.Sprintf("events[%d].start.t_start", ws[k].event),
					"outage of server %q starting at %v overlaps events[%d] (down until %v); windows of one server may touch but not overlap",
					id, ws[k].start, ws[k-1].event, ws[k-1].end)
			}
		}
		// Merge overlapping windows so each server counts once.
		var merged []window
		for _, w := range ws {
			if n := len(merged); n > 0 && w.start < merged[n-1].end {
				merged[n-1].end = max(merged[n-1].end, w.end)
				continue
			}
			merged = append(merged, w)
		}
		for _, w := range merged {
			sweep = append(sweep, edge{w.start, 1, w.event}, edge{w.end, -1, w.event})
		}
	}
	if len(serverIDs) == 0 {
		return
	}
	// At equal times an end is applied before a start.
	sort.SliceStable(sweep, func(a, b int) bool {
		if sweep[a].t != sweep[b].t {
			return sweep[a].t < sweep[b].t
		}
		return sweep[a].delta < sweep[b].delta
	})
	down := 0
	for _, e := range sweep {
		down += e.delta
		if e.delta > 0 && down == len(serverIDs) {
			if len(serverIDs) == 1 {
				v.add(fmt.Sprintf("events[%d].target_id", e.event),
					"takes down %q, the only server, at t=%v; at least one server must stay up (add a server behind a load balancer, or model a slowdown with a network spike)", serverIDs[0], e.t)
			} else {
				v.add(fmt.Sprintf("events[%d].start.t_start", e.event),
					"at t=%v every server (%s) is down; at least one server must stay up at every instant", e.t, strings.Join(serverIDs, ", "))
			}
		}
	}
}
