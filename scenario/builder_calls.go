package scenario

import "strings"

// Builder methods for service calls (spec §10), several load balancers
// and replicas (§13).

// AddLoadBalancer adds a load balancer to `load_balancers` (spec §13).
// With no covered servers it covers every server it has an edge to.
func (b *Builder) AddLoadBalancer(id string, alg Algorithm, covered ...string) *Builder {
	b.sc.Topology.Nodes.LoadBalancers = append(b.sc.Topology.Nodes.LoadBalancers,
		LoadBalancer{ID: id, Algorithm: alg, ServerCovered: append([]string(nil), covered...)})
	return b
}

// Replicas sets the number of identical instances of the server
// (1..MaxReplicas); a replicated server is reached only through a load
// balancer.
func (sb *ServerBuilder) Replicas(n int) *ServerBuilder {
	sb.s.Replicas = &n
	return sb
}

// CallTo returns a call of target (a server or a load balancer) running
// its endpoint (empty: chosen as for a client request) that fails the
// caller's request when it fails. Use WithOnFailure to change that.
func CallTo(target, endpoint string) Call {
	return Call{Target: target, Endpoint: strings.ToLower(endpoint), OnFailure: DefaultOnFailure}
}

// WithOnFailure returns the call with `on_failure` set to f.
func (c Call) WithOnFailure(f OnFailure) Call {
	c.OnFailure = f
	return c
}

// CallStepOf returns a `call` step awaiting c.
func CallStepOf(c Call) Step {
	return Step{Kind: CallStep, Operation: Operation{Call: &c}}
}

// Parallel returns a `parallel` step issuing every call at once and
// awaiting them all (a join with asyncio.gather semantics).
func Parallel(calls ...Call) Step {
	return Step{Kind: ParallelStep, Operation: Operation{Calls: append([]Call(nil), calls...)}}
}
