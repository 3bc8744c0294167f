package scenario

import (
	"fmt"
	"slices"
	"strings"
)

// lbAt is a load balancer with the path of its declaration.
type lbAt struct {
	lb   *LoadBalancer
	path string
}

// loadBalancers returns every load balancer with its path:
// `load_balancer` first, then `load_balancers[i]`.
func (v *validator) loadBalancers() []lbAt {
	ns := &v.sc.Topology.Nodes
	var lbs []lbAt
	if ns.LoadBalancer != nil {
		lbs = append(lbs, lbAt{ns.LoadBalancer, nodesPath + ".load_balancer"})
	}
	for i := range ns.LoadBalancers {
		lbs = append(lbs, lbAt{&ns.LoadBalancers[i], fmt.Sprintf("%s.load_balancers[%d]", nodesPath, i)})
	}
	return lbs
}

// hasReplicas reports whether a server has replicas other than 1 or
// autoscaling.
func (v *validator) hasReplicas() bool {
	for _, s := range v.sc.Topology.Nodes.Servers {
		if s.Scaled() {
			return true
		}
	}
	return false
}

// callFields checks one call on its own; the graph rules are in
// serviceGraph.
func (v *validator) callFields(p string, c Call) {
	if c.Target == "" {
		v.add(p+".target", "must not be empty; name the server or load balancer to call")
	}
	if !contains(OnFailures, c.OnFailure) {
		v.add(p+".on_failure", "unknown value %q; accepted values: %s", c.OnFailure, enumList(OnFailures))
	}
	v.resilience(p, c.TimeoutS, c.Retry, c.CircuitBreaker)
}

// parallelFields checks the calls of a parallel step on their own.
func (v *validator) parallelFields(p string, calls []Call) {
	if len(calls) == 0 || len(calls) > MaxParallelCalls {
		v.add(p, "must list 1..%d calls, got %d", MaxParallelCalls, len(calls))
	}
	for i, c := range calls {
		v.callFields(fmt.Sprintf("%s[%d]", p, i), c)
	}
}

// callSite is one call of an endpoint, with its path.
type callSite struct {
	server int // index of the calling server
	path   string
	call   Call
}

// callSites lists every call of every endpoint, in declaration order.
func (sc *Scenario) callSites() []callSite {
	var sites []callSite
	for i, s := range sc.Topology.Nodes.Servers {
		for j, e := range s.Endpoints {
			for k, st := range e.Steps {
				p := fmt.Sprintf("%s.endpoints[%d].steps[%d].step_operation", serverPath(i), j, k)
				switch {
				case st.Operation.Call != nil:
					sites = append(sites, callSite{i, p + ".call", *st.Operation.Call})
				case st.Operation.Calls != nil:
					for n, c := range st.Operation.Calls {
						sites = append(sites, callSite{i, fmt.Sprintf("%s.calls[%d]", p, n), c})
					}
				}
			}
		}
	}
	return sites
}

// serviceGraph checks the rules of spec §10 and §13 that involve the
// graph: call targets and their edges, endpoints a call can reach,
// replicated servers reached without a load balancer, response edges for
// every (server, sender) pair, and call cycles.
func (v *validator) serviceGraph(kinds map[string]nodeKind, out map[string][]int, serverIndex map[string]int) {
	sc := v.sc
	ns := sc.Topology.Nodes
	edges := sc.Topology.Edges
	edge := func(from, to string) (int, bool) {
		for _, i := range out[from] {
			if edges[i].Target == to {
				return i, true
			}
		}
		return 0, false
	}
	lbByID := map[string]*LoadBalancer{}
	for _, l := range v.loadBalancers() {
		if _, dup := lbByID[l.lb.ID]; !dup {
			lbByID[l.lb.ID] = l.lb
		}
	}
	// reach lists the servers a request sent to id can run on.
	reach := func(id string) []string {
		switch kinds[id] {
		case kindServer:
			return []string{id}
		case kindLB:
			targets := map[string]bool{}
			for _, i := range out[id] {
				targets[edges[i].Target] = true
			}
			return coveredIDs(lbByID[id], targets, kinds, v.serverIDs())
		}
		return nil
	}
	// scaled says why a server is reached only through a load balancer,
	// or "" when it is not.
	scaled := func(id string) string {
		i, ok := serverIndex[id]
		if !ok || kinds[id] != kindServer || !ns.Servers[i].Scaled() {
			return ""
		}
		if ns.Servers[i].Autoscaling != nil {
			return fmt.Sprintf("server %q has autoscaling", id)
		}
		return fmt.Sprintf("server %q has replicas: %d", id, ns.Servers[i].ReplicaCount())
	}
	senders := map[string][]string{} // server id -> the nodes that send it requests
	addSender := func(server, sender string) {
		if !slices.Contains(senders[server], sender) {
			senders[server] = append(senders[server], sender)
		}
	}
	client := ns.Client.ID
	for _, i := range out[client] {
		t := edges[i].Target
		if why := scaled(t); why != "" {
			v.add(edgePath(i)+".target", "%s and is reached only through a load balancer; send the client's edge to a load balancer that covers it", why)
		}
		for _, s := range reach(t) {
			addSender(s, client)
		}
	}
	calls := map[string][]string{} // caller -> servers its calls can reach
	firstCall := map[[2]string]string{}
	for _, site := range sc.callSites() {
		caller := ns.Servers[site.server].ID
		if caller == "" || serverIndex[caller] != site.server {
			continue
		}
		t := site.call.Target
		tp := site.path + ".target"
		switch {
		case t == "":
			continue // reported by callFields
		case t == caller:
			v.add(tp, "server %q calls itself; a call targets another server or a load balancer", t)
			continue
		case kinds[t] != kindServer && kinds[t] != kindLB:
			v.add(tp, "%q is not a server or a load balancer; call targets: %s", t, strings.Join(v.callTargets(kinds), ", "))
			continue
		}
		if _, ok := edge(caller, t); !ok {
			v.add(tp, "there is no edge from %q to %q; add one (the sub-request travels over it)", caller, t)
		}
		if why := scaled(t); why != "" {
			v.add(tp, "%s and is reached only through a load balancer; call a load balancer that covers it", why)
		}
		for _, s := range reach(t) {
			addSender(s, caller)
			if !slices.Contains(calls[caller], s) {
				calls[caller] = append(calls[caller], s)
				firstCall[[2]string{caller, s}] = site.path
			}
			if ep := site.call.Endpoint; ep != "" && !hasEndpoint(ns.Servers[serverIndex[s]], ep) {
				v.add(site.path+".endpoint", "server %q, which this call can reach, has no endpoint %q; add it or call another endpoint", s, ep)
			}
		}
	}
	if !sc.hasCalls() {
		return
	}
	for i, s := range ns.Servers {
		if s.ID == "" || serverIndex[s.ID] != i {
			continue
		}
		for _, from := range senders[s.ID] {
			if _, ok := edge(s.ID, from); !ok {
				v.add(serverPath(i)+".id", "server %q answers requests sent by %q but has no edge to it; add an edge from %q to %q (responses go back to the sender)", s.ID, from, s.ID, from)
			}
		}
	}
	v.callCycles(calls, firstCall)
}

// callTargets lists the ids a call may target, for messages.
func (v *validator) callTargets(kinds map[string]nodeKind) []string {
	var ids []string
	for _, id := range v.serverIDs() {
		if kinds[id] == kindServer {
			ids = append(ids, id)
		}
	}
	for _, l := range v.loadBalancers() {
		ids = append(ids, l.lb.ID)
	}
	return ids
}

// callCycles reports every cycle of the call graph (A → B when a call of
// A can reach B) once, at the call that closes it, naming its path.
func (v *validator) callCycles(calls map[string][]string, firstCall map[[2]string]string) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, t := range calls[n] {
			switch color[t] {
			case grey:
				at := slices.Index(stack, t)
				cycle := append(slices.Clone(stack[at:]), t)
				v.add(firstCall[[2]string{n, t}]+".target", "call cycle %s; the call graph must be acyclic (a request would wait on itself)", strings.Join(cycle, " → "))
			case white:
				visit(t)
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, id := range v.serverIDs() {
		if color[id] == white {
			visit(id)
		}
	}
}

// callDropouts warns about every call without timeout_s over an edge with
// dropout_rate > 0: a lost sub-request is never answered, and without a
// timeout (spec §12) its caller waits until the horizon.
func callDropouts(w *errorList, sc *Scenario) {
	edges := sc.Topology.Edges
	for _, site := range sc.callSites() {
		if site.call.TimeoutS != nil {
			continue
		}
		caller := sc.Topology.Nodes.Servers[site.server].ID
		for i, e := range edges {
			if e.Source == caller && e.Target == site.call.Target && e.DropoutRate > 0 {
				w.add(site.path, "the call from %q to %q travels over edge %q with dropout_rate %v and has no timeout: a lost sub-request is never answered and its caller waits until the horizon; set timeout_s on the call or dropout_rate: 0 on %s", caller, e.Target, e.ID, e.DropoutRate, edgePath(i))
				break
			}
		}
	}
}

// outageTargets lists what a server_down event may target: every server,
// and every instance `<id>#k` of a replicated or autoscaled one, k in
// 1..MaxInstances (spec §13).
func (v *validator) outageTargets() []string {
	var ids []string
	for _, s := range v.sc.Topology.Nodes.Servers {
		ids = append(ids, s.ID)
		if n := s.MaxInstances(); s.Scaled() && n >= 1 && n <= MaxReplicas {
			for k := 1; k <= n; k++ {
				ids = append(ids, fmt.Sprintf("%s#%d", s.ID, k))
			}
		}
	}
	return ids
}

// badOutageTarget reports a server_down target that is neither a server
// nor an instance `<id>#k` of a replicated or autoscaled server, listing
// the servers and the instance ranges.
func (v *validator) badOutageTarget(p, target string) {
	var names []string
	for _, s := range v.sc.Topology.Nodes.Servers {
		if s.ID == "" {
			continue
		}
		n := s.MaxInstances()
		if !s.Scaled() || n < 1 || n > MaxReplicas {
			names = append(names, s.ID)
			continue
		}
		names = append(names, fmt.Sprintf("%s (or one instance %s#1..%s#%d)", s.ID, s.ID, s.ID, n))
		if strings.HasPrefix(target, s.ID+"#") {
			v.add(p, "%q is not an instance of server %q, whose instances are %s#1..%s#%d; use one of them, or %q for every instance", target, s.ID, s.ID, s.ID, n, s.ID)
			return
		}
	}
	v.add(p, "%q is not a server; a server_down event targets one of: %s", target, strings.Join(names, ", "))
}
