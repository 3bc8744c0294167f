package scenario

import (
	"fmt"
	"strings"
)

// nodeKind is the kind of a topology node for graph checks.
type nodeKind int

const (
	kindNone nodeKind = iota
	kindGenerator
	kindClient
	kindServer
	kindLB
)

// String names the kind for messages.
func (k nodeKind) String() string {
	return [...]string{"unknown node", "generator", "client", "server", "load balancer"}[k]
}

// graph checks the rules of spec §4 that involve edges: declared
// endpoints, fan-out, coverage, reachability and termination.
func (v *validator) graph() {
	sc := v.sc
	ns := sc.Topology.Nodes
	kinds := map[string]nodeKind{}
	var declared []string
	addNode := func(id string, k nodeKind) {
		if id == "" {
			return
		}
		if _, dup := kinds[id]; !dup {
			kinds[id] = k
			declared = append(declared, id)
		}
	}
	addNode(ns.Client.ID, kindClient)
	serverIndex := map[string]int{}
	for i, s := range ns.Servers {
		addNode(s.ID, kindServer)
		if _, ok := serverIndex[s.ID]; !ok {
			serverIndex[s.ID] = i
		}
	}
	for _, l := range v.loadBalancers() {
		addNode(l.lb.ID, kindLB)
	}
	calls := sc.hasCalls()
	gen := sc.Workload.ID
	for _, g := range sc.Generators() {
		if _, clash := kinds[g.ID]; !clash && g.ID != "" {
			kinds[g.ID] = kindGenerator
		}
	}

	out := map[string][]int{} // node id -> its outgoing edges with a valid target
	fan := map[string][]int{} // node id -> all its outgoing edges
	for i, e := range sc.Topology.Edges {
		p := edgePath(i)
		srcKind, srcOK := kinds[e.Source]
		tgtKind, tgtOK := kinds[e.Target]
		switch {
		case e.Source == "":
			v.add(p+".source", "must not be empty")
		case !srcOK && gen == "":
			v.add(p+".source", "unknown node %q; a source is the generator or a declared node: %s", e.Source, strings.Join(declared, ", "))
		case !srcOK:
			v.add(p+".source", "unknown node %q; a source is the generator (%s) or a declared node: %s", e.Source, gen, strings.Join(declared, ", "))
		}
		switch {
		case e.Target == "":
			v.add(p+".target", "must not be empty")
		case tgtOK && tgtKind == kindGenerator:
			v.add(p+".target", "the generator %q can only be a source, never a target", e.Target)
			tgtOK = false
		case !tgtOK:
			v.add(p+".target", "unknown node %q; declared nodes: %s", e.Target, strings.Join(declared, ", "))
		}
		if e.Source != "" && e.Source == e.Target {
			v.add(p+".target", "equals the source %q; an edge links two different nodes", e.Source)
			tgtOK = false
		}
		if !srcOK {
			continue
		}
		if prev := fan[e.Source]; len(prev) > 0 && srcKind != kindLB && !(calls && srcKind == kindServer) {
			v.add(p+".source", "%s %q already has an outgoing edge (edges[%d]); only load balancers (and, in scenarios with calls, servers) may have more than one", srcKind, e.Source, prev[0])
			continue
		}
		fan[e.Source] = append(fan[e.Source], i)
		if !tgtOK {
			continue
		}
		out[e.Source] = append(out[e.Source], i)
		switch srcKind {
		case kindGenerator:
			if tgtKind != kindClient {
				v.add(p+".target", "the generator's edge must go to the client %q, not to the %s %q", ns.Client.ID, tgtKind, e.Target)
			}
		case kindClient:
			if tgtKind != kindServer && tgtKind != kindLB {
				v.add(p+".target", "the client's edge must go to a server or the load balancer, not to the %s %q", tgtKind, e.Target)
			}
		case kindLB:
			if tgtKind != kindServer {
				v.add(p+".target", "the load balancer's edges must go to servers, not to the %s %q", tgtKind, e.Target)
			}
		}
	}
	v.fanOut(kinds, fan, serverIndex)
	for _, l := range v.loadBalancers() {
		v.coverage(l, kinds, out)
	}
	client := ns.Client.ID
	if gen != "" && kinds[gen] == kindGenerator && len(out[gen]) == 1 && client != "" && len(fan[client]) == 1 && len(out[client]) == 1 {
		// Reachability only makes sense once the entry path works;
		// otherwise every server would be reported as unreachable.
		v.reachability(gen, kinds, out, serverIndex)
	}
	if calls || v.hasReplicas() {
		v.serviceGraph(kinds, out, serverIndex)
	}
}

// fanOut checks that the generator, the client and every server have
// their one outgoing edge.
func (v *validator) fanOut(kinds map[string]nodeKind, out map[string][]int, serverIndex map[string]int) {
	ns := v.sc.Topology.Nodes
	for i, g := range v.sc.Generators() {
		if g.ID != "" && kinds[g.ID] == kindGenerator && len(out[g.ID]) == 0 {
			v.add(v.sc.generatorPath(i)+".id", "generator %q is the source of no edge; add one edge from it to the client", g.ID)
		}
	}
	if ns.Client.ID != "" && kinds[ns.Client.ID] == kindClient && len(out[ns.Client.ID]) == 0 {
		v.add(nodesPath+".client.id", "client %q has no outgoing edge; add one edge from it to a server or the load balancer", ns.Client.ID)
	}
	for i, s := range ns.Servers {
		if s.ID == "" || serverIndex[s.ID] != i {
			continue
		}
		if len(out[s.ID]) == 0 {
			v.add(serverPath(i)+".id", "server %q has no outgoing edge; add one edge from it back to the client", s.ID)
		}
	}
	for _, l := range v.loadBalancers() {
		if id := l.lb.ID; id != "" && kinds[id] == kindLB && len(out[id]) == 0 {
			v.add(l.path+".id", "load balancer %q has no outgoing edge; add an edge from it to each server it covers", id)
		}
	}
}

// coverage checks server_covered against the load balancer's edges.
func (v *validator) coverage(l lbAt, kinds map[string]nodeKind, out map[string][]int) {
	lb, lbID := l.lb, l.lb.ID
	targets := map[string]bool{}
	for _, i := range out[lbID] {
		targets[v.sc.Topology.Edges[i].Target] = true
	}
	seen := map[string]bool{}
	for k, id := range lb.ServerCovered {
		p := fmt.Sprintf("%s.server_covered[%d]", l.path, k)
		switch {
		case seen[id]:
			v.add(p, "server %q is listed twice", id)
		case kinds[id] != kindServer:
			v.add(p, "%q is not a declared server; servers: %s", id, strings.Join(v.serverIDs(), ", "))
		case !targets[id]:
			v.add(p, "the load balancer covers server %q but has no edge to it; add an edge from %q to %q", id, lbID, id)
		}
		seen[id] = true
	}
	if len(lb.Weights) == 0 || lb.Algorithm != WeightedRoundRobin {
		return
	}
	covered := seen
	if len(lb.ServerCovered) == 0 {
		covered = map[string]bool{}
		for t := range targets {
			covered[t] = kinds[t] == kindServer
		}
	}
	for _, id := range sortedKeys(lb.Weights) {
		if !covered[id] {
			v.add(fmt.Sprintf("%s.weights.%s", l.path, id),
				"%q is not a server the load balancer covers; weights name covered servers only (covered: %s)", id, strings.Join(coveredIDs(lb, targets, kinds, v.serverIDs()), ", "))
		}
	}
}

// coveredIDs lists the servers a load balancer covers, in declaration
// order: server_covered when given, else every server it has an edge to.
func coveredIDs(lb *LoadBalancer, targets map[string]bool, kinds map[string]nodeKind, servers []string) []string {
	if len(lb.ServerCovered) > 0 {
		return lb.ServerCovered
	}
	var ids []string
	for _, id := range servers {
		if targets[id] && kinds[id] == kindServer {
			ids = append(ids, id)
		}
	}
	return ids
}

func (v *validator) serverIDs() []string {
	ids := make([]string, 0, len(v.sc.Topology.Nodes.Servers))
	for _, s := range v.sc.Topology.Nodes.Servers {
		ids = append(ids, s.ID)
	}
	return ids
}

// reachability checks that every server and the load balancer can be
// reached from the generator, and that a request leaving any server
// returns to the client without looping.
func (v *validator) reachability(gen string, kinds map[string]nodeKind, out map[string][]int, serverIndex map[string]int) {
	ns := v.sc.Topology.Nodes
	edges := v.sc.Topology.Edges
	reached := map[string]bool{gen: true}
	queue := []string{gen}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if kinds[n] == kindClient && n != edges[out[gen][0]].Target {
			continue
		}
		for _, i := range out[n] {
			t := edges[i].Target
			if !reached[t] {
				reached[t] = true
				queue = append(queue, t)
			}
		}
	}
	for i, s := range ns.Servers {
		if s.ID == "" || serverIndex[s.ID] != i {
			continue
		}
		if !reached[s.ID] {
			v.add(serverPath(i)+".id", "server %q is not reachable from the generator %q; add an edge into it (from the client or the load balancer)", s.ID, gen)
		}
	}
	for _, l := range v.loadBalancers() {
		if id := l.lb.ID; id != "" && kinds[id] == kindLB && !reached[id] {
			v.add(l.path+".id", "load balancer %q is not reachable from the generator %q; add an edge from the client (or a calling server) to it", id, gen)
		}
	}
	if !v.sc.hasCalls() {
		// With calls, edges go both ways between servers (call and
		// response edges); loops are then checked on the call graph.
		v.cycles(kinds, out)
	}
}

// cycles reports an edge that closes a loop which never passes through
// the client: a request caught in it would circulate forever.
func (v *validator) cycles(kinds map[string]nodeKind, out map[string][]int) {
	edges := v.sc.Topology.Edges
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	reported := map[int]bool{}
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		for _, i := range out[n] {
			t := edges[i].Target
			if kinds[t] == kindClient {
				continue
			}
			switch color[t] {
			case grey:
				if !reported[i] {
					reported[i] = true
					v.add(edgePath(i)+".target", "edge %q closes a loop (%s → %s) that never reaches the client; requests would circulate forever", edges[i].ID, edges[i].Source, t)
				}
			case white:
				visit(t)
			}
		}
		color[n] = black
	}
	ids := append([]string(nil), v.serverIDs()...)
	for _, l := range v.loadBalancers() {
		ids = append(ids, l.lb.ID)
	}
	for _, id := range ids {
		if k := kinds[id]; (k == kindServer || k == kindLB) && color[id] == white {
			visit(id)
		}
	}
}
