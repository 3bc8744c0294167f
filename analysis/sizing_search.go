package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fastsim/fastsim/scenario"
)

// SizeResult is the outcome of SizeCores or SizeReplicas: the answer and
// every candidate evaluated on the way, so that the whole curve is visible
// and not only the answer.
type SizeResult struct {
	// What is "cores", "replicas" or, for an autoscaled server,
	// "max_replicas".
	What string `json:"what"`
	// Server is the sized server's id; empty when SizeCores sized every
	// server together.
	Server string `json:"server,omitempty"`
	// SLA is the objective.
	SLA SLA `json:"sla"`
	// Seeds are the replication seeds every candidate was run with.
	Seeds []int64 `json:"seeds"`
	// Conservative reports whether candidates were judged on the upper end
	// of the 95 % confidence interval of the percentile.
	Conservative bool `json:"conservative"`
	// Max is the largest candidate the search was allowed to try.
	Max int `json:"max"`
	// Answer is the smallest candidate meeting the SLA; 0 when none up to
	// Max does.
	Answer int `json:"answer"`
	// Evaluations are the candidates evaluated, by increasing value.
	Evaluations []Evaluation `json:"evaluations"`
	// Warnings report observations that contradict the monotone assumption
	// (more resources never make the SLA percentile worse).
	Warnings []string `json:"warnings,omitempty"`
}

// SizeCores finds the smallest cpu_cores of the server serverID (of every
// server, each given the same number, when serverID is empty) with which
// sc meets the SLA, trying 1 … o.Max cores.
//
// The search assumes the percentile does not get worse with more cores:
// it doubles the cores from 1 until a candidate passes (1, 2, 4, …, capped
// at o.Max), then bisects between the last failure and the first pass,
// and finally runs answer + 1 (when not already run and at most o.Max) to
// check the assumption: about 2·log2(answer) + 1 candidates in all. Every candidate is run once per
// seed in o.Seeds, with the same seeds for all (common random numbers),
// and passes when the mean across replications of the SLA percentile
// (its 95 % upper bound when o.Conservative) is at most sla.LatencyS and
// the mean completed / generated ratio is at least sla.MinCompletedRatio.
// A pass at fewer cores beside a failure at more, or a percentile that
// rises with more cores beyond both confidence intervals, is reported in
// Warnings; the answer is still the bisection's.
//
// SizeCores returns an error naming the problem for an invalid SLA or
// options, an unknown server id, or a failed run. When no candidate up to
// o.Max passes it returns the result with every evaluation and Answer 0
// together with an *UnreachableError (wrapping ErrSLAUnreachable) that
// names the best candidate.
func SizeCores(ctx context.Context, sc *scenario.Scenario, serverID string, sla SLA, o Options) (*SizeResult, error) {
	if serverID != "" {
		if _, err := serverIndex(sc, serverID); err != nil {
			return nil, err
		}
	}
	apply := func(n int) (*scenario.Scenario, error) {
		c := sc.Clone()
		for i := range c.Topology.Nodes.Servers {
			if serverID == "" || c.Topology.Nodes.Servers[i].ID == serverID {
				c.Topology.Nodes.Servers[i].Resources.CPUCores = n
			}
		}
		return c, nil
	}
	return search(ctx, "cores", serverID, sla, o, apply)
}

// SizeReplicas finds the smallest number of identical copies of the
// server serverID behind the load balancer with which sc meets the SLA,
// trying 1 … o.Max (1 is the scenario as it is). Copy k (k ≥ 2) of server
// "api" is a clone with id "api-k"; each edge from the load balancer to
// the server and each edge leaving the server is copied with id
// "<edge id>-k" and the copy as its target or source, and the copy is
// added to the load balancer's server_covered list when that list is not
// empty. Events that target the server are not copied: copies never go
// down. serverID may be empty when the scenario has a single server.
//
// A server with `autoscaling` (spec §13) is already replicated behind its
// load balancer: SizeReplicas then sizes its max_replicas instead (What is
// "max_replicas"). Candidate n sets max_replicas to n and lowers
// min_replicas and replicas to n when they are above it; the autoscaler
// decides the rest, so the answer is the smallest ceiling with which
// autoscaling meets the SLA (the cost of each candidate is in its runs'
// `servers.<id>.cost`).
//
// The search, the decision rule and the errors are those of SizeCores;
// in addition SizeReplicas returns an error when the scenario has no load
// balancer, when the load balancer has no edge to the server, or when a
// copy's id is already taken.
func SizeReplicas(ctx context.Context, sc *scenario.Scenario, serverID string, sla SLA, o Options) (*SizeResult, error) {
	if serverID == "" {
		servers := sc.Topology.Nodes.Servers
		if len(servers) != 1 {
			return nil, fmt.Errorf("analysis: sizing replicas needs a server id; the scenario has %d servers: %s", len(servers), strings.Join(serverIDs(sc), ", "))
		}
		serverID = servers[0].ID
	}
	si, err := serverIndex(sc, serverID)
	if err != nil {
		return nil, err
	}
	if sc.Topology.Nodes.Servers[si].Autoscaling != nil {
		apply := func(n int) (*scenario.Scenario, error) { return capReplicas(sc, si, n) }
		return search(ctx, "max_replicas", serverID, sla, o, apply)
	}
	if _, err := replicate(sc, serverID, 1); err != nil {
		return nil, err
	}
	apply := func(n int) (*scenario.Scenario, error) { return replicate(sc, serverID, n) }
	return search(ctx, "replicas", serverID, sla, o, apply)
}

// capReplicas returns a copy of sc in which autoscaled server si has
// max_replicas n, its min_replicas and replicas lowered to n when above.
func capReplicas(sc *scenario.Scenario, si, n int) (*scenario.Scenario, error) {
	c := sc.Clone()
	s := &c.Topology.Nodes.Servers[si]
	a := s.Autoscaling
	a.MaxReplicas = n
	a.MinReplicas = min(a.MinReplicas, n)
	if s.Replicas != nil && *s.Replicas > n {
		s.Replicas = &n
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("analysis: the scenario with max_replicas %d on server %q is invalid: %w", n, s.ID, err)
	}
	return c, nil
}

// replicate returns a copy of sc in which server id runs as n identical
// copies behind the load balancer (see SizeReplicas).
func replicate(sc *scenario.Scenario, id string, n int) (*scenario.Scenario, error) {
	lb := sc.Topology.Nodes.LoadBalancer
	if lb == nil {
		return nil, fmt.Errorf("analysis: sizing replicas of server %q needs a load balancer in front of it, and the scenario has none; add a load_balancer node, or size cores instead", id)
	}
	si, err := serverIndex(sc, id)
	if err != nil {
		return nil, err
	}
	var in, out []scenario.Edge
	for _, e := range sc.Topology.Edges {
		switch {
		case e.Source == lb.ID && e.Target == id:
			in = append(in, e)
		case e.Source == id:
			out = append(out, e)
		}
	}
	if len(in) == 0 {
		return nil, fmt.Errorf("analysis: sizing replicas of server %q: the load balancer %q has no edge to it; add an edge from %q to %q", id, lb.ID, lb.ID, id)
	}
	if len(lb.ServerCovered) > 0 && !slices.Contains(lb.ServerCovered, id) {
		return nil, fmt.Errorf("analysis: sizing replicas of server %q: the load balancer %q does not cover it; add it to server_covered", id, lb.ID)
	}
	c := sc.Clone()
	nodes := &c.Topology.Nodes
	for k := 2; k <= n; k++ {
		suffix := fmt.Sprintf("-%d", k)
		cp := sc.Clone().Topology.Nodes.Servers[si]
		cp.ID = id + suffix
		nodes.Servers = append(nodes.Servers, cp)
		for _, e := range in {
			e.ID, e.Target = e.ID+suffix, cp.ID
			c.Topology.Edges = append(c.Topology.Edges, e)
		}
		for _, e := range out {
			e.ID, e.Source = e.ID+suffix, cp.ID
			c.Topology.Edges = append(c.Topology.Edges, e)
		}
		if len(nodes.LoadBalancer.ServerCovered) > 0 {
			nodes.LoadBalancer.ServerCovered = append(nodes.LoadBalancer.ServerCovered, cp.ID)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("analysis: the scenario with %d replicas of server %q is invalid (rename the nodes or edges whose ids clash with the copies' ids %q, %q, …): %w", n, id, id+"-2", id+"-3", err)
	}
	return c, nil
}

// serverIndex returns the index of server id in sc, or an error listing
// the server ids.
func serverIndex(sc *scenario.Scenario, id string) (int, error) {
	for i, s := range sc.Topology.Nodes.Servers {
		if s.ID == id {
			return i, nil
		}
	}
	return 0, fmt.Errorf("analysis: no server %q in the scenario; its servers are: %s", id, strings.Join(serverIDs(sc), ", "))
}

// serverIDs returns the ids of sc's servers in declaration order.
func serverIDs(sc *scenario.Scenario) []string {
	ids := make([]string, 0, len(sc.Topology.Nodes.Servers))
	for _, s := range sc.Topology.Nodes.Servers {
		ids = append(ids, s.ID)
	}
	return ids
}

// search runs the doubling-then-bisection search of SizeCores over the
// candidates 1 … o.Max, with apply building the scenario of candidate n.
func search(ctx context.Context, what, server string, sla SLA, o Options, apply func(n int) (*scenario.Scenario, error)) (*SizeResult, error) {
	if err := sla.Validate(); err != nil {
		return nil, err
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	e := evaluator{o: o, sla: sla}
	res := &SizeResult{What: what, Server: server, SLA: sla, Seeds: slices.Clone(o.Seeds), Conservative: o.Conservative, Max: o.Max}
	seen := map[int]Evaluation{}
	eval := func(n int) (bool, error) {
		sc, err := apply(n)
		if err != nil {
			return false, err
		}
		ev, err := e.evaluate(ctx, sc, float64(n))
		if err != nil {
			return false, fmt.Errorf("analysis: evaluating %d %s: %w", n, what, err)
		}
		seen[n] = ev
		return ev.Pass, nil
	}
	lo, hi := 0, 0 // lo: largest known failure (0: none); hi: smallest known pass (0: none)
	for n := 1; ; n = min(2*n, o.Max) {
		pass, err := eval(n)
		if err != nil {
			return nil, err
		}
		if pass {
			hi = n
			break
		}
		lo = n
		if n == o.Max {
			break
		}
	}
	for hi != 0 && hi-lo > 1 {
		mid := lo + (hi-lo)/2
		pass, err := eval(mid)
		if err != nil {
			return nil, err
		}
		if pass {
			hi = mid
		} else {
			lo = mid
		}
	}
	// Bisection alone never sees a pass below a failure; one more
	// candidate above the answer checks the monotone assumption.
	if n := hi + 1; hi != 0 && n <= o.Max {
		if _, done := seen[n]; !done {
			if _, err := eval(n); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(seen)) {
		res.Evaluations = append(res.Evaluations, seen[n])
	}
	res.Warnings = monotoneWarnings(res.Evaluations, what)
	if hi == 0 {
		return res, &UnreachableError{What: what, SLA: sla, Limit: float64(o.Max), Best: best(res.Evaluations)}
	}
	res.Answer = hi
	return res, nil
}

// monotoneWarnings reports pairs of evaluations, sorted by increasing
// value, where more resources did worse: a pass followed by a failure, or
// a percentile whose confidence interval lies wholly above a smaller
// candidate's.
func monotoneWarnings(evs []Evaluation, what string) []string {
	var ws []string
	for i := range evs {
		for j := i + 1; j < len(evs); j++ {
			a, b := evs[i], evs[j]
			switch {
			case a.Pass && !b.Pass:
				ws = append(ws, fmt.Sprintf("not monotone: %s %s pass but %s %s fail (%s); the search assumes more %s never hurt, so check the answer", trimFloat(a.Value), what, trimFloat(b.Value), what, b.Reason, what))
			case b.Latency.HalfWidth > 0 && b.Latency.Low() > a.Latency.High():
				ws = append(ws, fmt.Sprintf("not monotone: the percentile at %s %s (%s ms) is above its value at %s %s (%s ms) beyond both confidence intervals", trimFloat(b.Value), what, fmtMS(b.Latency.Mean), trimFloat(a.Value), what, fmtMS(a.Latency.Mean)))
			}
		}
	}
	return ws
}
