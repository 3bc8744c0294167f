package engine

import "math/rand/v2"

// lbAlgorithm is a compiled load-balancing algorithm.
type lbAlgorithm uint8

// The compiled algorithms, one per scenario.Algorithm.
const (
	lbRoundRobin lbAlgorithm = iota
	lbLeastConnection
	lbRandom
	lbWeightedRoundRobin
	lbPowerOfTwo
)

// loadBalancer is the compiled load balancer (spec §4). It routes over its
// outgoing edges to covered servers, in edge declaration order.
type loadBalancer struct {
	base    int32 // index of its first choice in m.lbOut, m.lbEdge and m.lbServer
	alg     lbAlgorithm
	edges   []int32 // outgoing edges to covered servers
	servers []int32 // their target servers
	next    int     // round-robin position

	outstanding []int32  // requests sent to each covered server and not yet answered
	lastPick    []uint64 // the pick number at which each was last chosen (0: never)
	picks       uint64   // number of picks so far

	weight  []int64    // weighted round robin: the weight of each covered server
	current []int64    // weighted round robin: the current weights (nginx)
	rng     *rand.Rand // random and power of two choices: the load balancer's own stream

	limit *tokenBucket // rate_limit (spec §12); nil: none
}

// lbArrive routes request r to a covered server that is up and sends it on
// the load balancer→server edge. Every algorithm skips servers that are
// down; when every covered server is down the request fails. The request
// counts as outstanding on the chosen server until it is freed: back at the
// client, lost on an edge or failed (freeRequest).
func (m *sim) lbArrive(r int32) {
	lb := &m.lbs[m.edges[m.reqs[r].edge].target]
	if lb.limit != nil && !lb.limit.take(m.now) {
		m.lbRefuse(r) // no token: the sender learns it at once (spec §12)
		return
	}
	pick := m.lbChoose(lb)
	if pick < 0 {
		m.failRequest(r)
		return
	}
	if m.hooks != nil && m.hooks.lbPick != nil {
		m.hooks.lbPick(m.now, lb.servers[pick])
	}
	lb.picks++
	lb.lastPick[pick] = lb.picks
	lb.outstanding[pick]++
	m.reqs[r].lbSlot = lb.base + int32(pick)
	if m.scalers != nil && m.insts[lb.servers[pick]].scaled {
		m.insts[lb.servers[pick]].held++
		m.reqs[r].scHeld = true
	}
	m.send(r, lb.edges[pick])
}

// lbChoose returns the index in lb.edges of the covered server the
// algorithm picks, or -1 when every covered server is down.
func (m *sim) lbChoose(lb *loadBalancer) int {
	switch lb.alg {
	case lbLeastConnection:
		return m.lbLeastConnection(lb)
	case lbRandom:
		return m.lbRandom(lb)
	case lbWeightedRoundRobin:
		return m.lbWeighted(lb)
	case lbPowerOfTwo:
		return m.lbPowerOfTwo(lb)
	}
	return m.lbRoundRobin(lb)
}

// up reports whether the i-th covered server is up.
func (m *sim) up(lb *loadBalancer, i int) bool { return m.servers[lb.servers[i]].down == 0 }

// lbRoundRobin takes the covered servers in turn, skipping those that are
// down. It returns the index of the pick, or -1 when none is up.
func (m *sim) lbRoundRobin(lb *loadBalancer) int {
	n := len(lb.edges)
	for k := 0; k < n; k++ {
		i := lb.next + k
		if i >= n {
			i -= n
		}
		if m.up(lb, i) {
			lb.next = i + 1
			if lb.next == n {
				lb.next = 0
			}
			return i
		}
	}
	return -1
}

// fewer reports whether covered server i is a better least-connection
// choice than j (spec §4): fewer outstanding requests, then the one that
// has waited longest since it was last chosen, then declaration order.
func (lb *loadBalancer) fewer(i, j int) bool {
	if oi, oj := lb.outstanding[i], lb.outstanding[j]; oi != oj {
		return oi < oj
	}
	if li, lj := lb.lastPick[i], lb.lastPick[j]; li != lj {
		return li < lj
	}
	return i < j
}

// lbLeastConnection picks the up server with the fewest outstanding
// requests from this load balancer (nginx's and HAProxy's leastconn), ties
// to the one that has waited longest.
func (m *sim) lbLeastConnection(lb *loadBalancer) int {
	pick := -1
	for i := range lb.edges {
		if m.up(lb, i) && (pick < 0 || lb.fewer(i, pick)) {
			pick = i
		}
	}
	return pick
}

// upCount returns the number of covered servers that are up.
func (m *sim) upCount(lb *loadBalancer) int {
	k := 0
	for i := range lb.edges {
		if m.up(lb, i) {
			k++
		}
	}
	return k
}

// nthUp returns the index of the j-th (from 0) covered server that is up;
// with k == len(edges) servers up it is j itself.
func (m *sim) nthUp(lb *loadBalancer, j, k int) int {
	if k == len(lb.edges) {
		return j
	}
	for i := range lb.edges {
		if m.up(lb, i) {
			if j == 0 {
				return i
			}
			j--
		}
	}
	return -1
}

// lbRandom picks an up server uniformly at random from the load
// balancer's stream: one draw per request while at least one is up.
func (m *sim) lbRandom(lb *loadBalancer) int {
	k := m.upCount(lb)
	if k == 0 {
		return -1
	}
	return m.nthUp(lb, lb.rng.IntN(k), k)
}

// lbPowerOfTwo draws two distinct up servers uniformly at random and picks
// the one with fewer outstanding requests, ties to the one that has waited
// longest (least connection's rule). With one server up it picks that one
// without a draw.
func (m *sim) lbPowerOfTwo(lb *loadBalancer) int {
	k := m.upCount(lb)
	switch k {
	case 0:
		return -1
	case 1:
		return m.nthUp(lb, 0, k)
	}
	a := lb.rng.IntN(k)
	b := lb.rng.IntN(k - 1)
	if b >= a {
		b++
	}
	if b < a {
		a, b = b, a
	}
	i, j := m.nthUp(lb, a, k), m.nthUp(lb, b, k)
	if lb.fewer(j, i) {
		return j
	}
	return i
}

// lbWeighted is nginx's smooth weighted round robin
// (ngx_http_upstream_get_peer): every up server's current weight grows by
// its weight, the largest current weight wins (ties to the first) and
// loses the total of the up servers' weights. Servers that are down keep
// their current weight. Weights 3:1 give a, a, b, a, repeated.
func (m *sim) lbWeighted(lb *loadBalancer) int {
	pick, total := -1, int64(0)
	for i := range lb.edges {
		if !m.up(lb, i) {
			continue
		}
		lb.current[i] += lb.weight[i]
		total += lb.weight[i]
		if pick < 0 || lb.current[i] > lb.current[pick] {
			pick = i
		}
	}
	if pick >= 0 {
		lb.current[pick] -= total
	}
	return pick
}
