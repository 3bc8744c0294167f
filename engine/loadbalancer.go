package engine

// loadBalancer is the compiled load balancer (spec §4). It routes over its
// outgoing edges to covered servers, in edge declaration order.
type loadBalancer struct {
	leastConn bool
	edges     []int32 // outgoing edges to covered servers
	servers   []int32 // their target servers
	next      int     // round-robin position
}

// lbArrive routes request r to a covered server that is up: round robin
// skips servers that are down; least connection picks the fewest requests
// in transit on the load balancer→server edge, ties to the first. When every
// covered server is down the request fails.
func (m *sim) lbArrive(r int32) {
	lb := &m.lb
	n := len(lb.edges)
	pick := -1
	if lb.leastConn {
		best := int32(0)
		for i := 0; i < n; i++ {
			if m.servers[lb.servers[i]].down > 0 {
				continue
			}
			if c := m.edges[lb.edges[i]].inFlight; pick < 0 || c < best {
				pick, best = i, c
			}
		}
	} else {
		for k := 0; k < n; k++ {
			i := lb.next + k
			if i >= n {
				i -= n
			}
			if m.servers[lb.servers[i]].down == 0 {
				pick = i
				lb.next = i + 1
				if lb.next == n {
					lb.next = 0
				}
				break
			}
		}
	}
	if pick < 0 {
		m.failed++
		m.freeRequest(r)
		return
	}
	if m.hooks != nil && m.hooks.lbPick != nil {
		m.hooks.lbPick(m.now, lb.servers[pick])
	}
	m.send(r, lb.edges[pick])
}
