package engine

// evKind is the kind of a scheduled event.
type evKind uint8

const (
	evArrival     evKind = iota // the generator creates a request
	evEdgeArrive                // request a reaches the target of the edge it travels on
	evCPUDone                   // request a finishes its CPU segment
	evIODone                    // request a finishes its I/O segment
	evFaultStart                // injected event a starts
	evFaultEnd                  // injected event a ends
	evScaleDecide               // autoscaler a decides (autoscale.go)
	evScaleReady                // starting instance a takes traffic
	evDeadline                  // the deadline of the attempt with call state a passes (spec §12)
	evRetry                     // request a, a retry, leaves its client or calling server (spec §12)
)

// Event priorities at equal times (spec §6: an end before a start); ordinary
// events come after both.
const (
	prioEnd uint64 = iota
	prioStart
	prioNormal
)

// event is a scheduled event: a plain value, 24 bytes. key holds the
// priority in its two top bits and the sequence number of the scheduling
// below, so (t, key) is a strict total order.
type event struct {
	t    float64
	key  uint64
	a    int32
	kind evKind
}

// before reports whether x is processed before y.
func (x *event) before(y *event) bool {
	return x.t < y.t || (x.t == y.t && x.key < y.key)
}

// eventQueue is a 4-ary min-heap of events. A 4-ary heap has half the depth
// of a binary heap and its four children share a cache line or two, which
// makes pops cheaper (LaMarca and Ladner, "The Influence of Caches on the
// Performance of Heaps", 1996).
type eventQueue struct {
	h []event
}

// len returns the number of pending events.
func (q *eventQueue) len() int { return len(q.h) }

// top returns the next event without removing it; the queue must not be empty.
func (q *eventQueue) top() *event { return &q.h[0] }

// push adds e.
func (q *eventQueue) push(e event) {
	q.h = append(q.h, e)
	h := q.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// pop removes and returns the next event; the queue must not be empty.
func (q *eventQueue) pop() event {
	h := q.h
	top := h[0]
	n := len(h) - 1
	last := h[n]
	q.h = h[:n]
	if n > 0 {
		q.siftDown(last, n)
	}
	return top
}

// replaceTop replaces the next event by e: one sift instead of a pop and a
// push. The loop uses it for the first event scheduled while it processes
// the top, which it leaves in place until then.
func (q *eventQueue) replaceTop(e event) {
	q.siftDown(e, len(q.h))
}

// siftDown places x, which replaces the root, in the heap of size n.
func (q *eventQueue) siftDown(x event, n int) {
	h := q.h[:n]
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		best := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].before(&h[best]) {
				best = j
			}
		}
		if !h[best].before(&x) {
			break
		}
		h[i] = h[best]
		i = best
	}
	h[i] = x
}

// ring is a FIFO queue of request indices in a growable circular buffer
// whose capacity is a power of two.
type ring struct {
	buf  []int32
	head int
	n    int
}

// len returns the number of queued requests.
func (r *ring) len() int { return r.n }

// push appends v at the tail.
func (r *ring) push(v int32) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// peek returns the head; the ring must not be empty.
func (r *ring) peek() int32 { return r.buf[r.head] }

// pop removes and returns the head; the ring must not be empty.
func (r *ring) pop() int32 {
	v := r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return v
}

// grow doubles the capacity, unrolling the contents to the front.
func (r *ring) grow() {
	nb := make([]int32, max(16, 2*len(r.buf)))
	for i := 0; i < r.n; i++ {
		nb[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = nb, 0
}

// maxLanes bounds the number of FIFO lanes, so that choosing the next event
// stays a short scan.
const maxLanes = 8

// lane is a FIFO of events scheduled with one constant delay d. Since the
// clock never goes back, now + d never decreases and sequence numbers grow,
// so a lane is sorted by (time, key) by construction: its head is its next
// event, and it needs no heap. Deterministic step times and edge latencies
// (every fixed step time of an AsyncFlow scenario) go to lanes, which keeps
// the heap small.
type lane struct {
	d    float64
	buf  []event
	head int
	n    int
}

// push appends e at the tail.
func (l *lane) push(e event) {
	if l.n == len(l.buf) {
		nb := make([]event, max(16, 2*len(l.buf)))
		for i := 0; i < l.n; i++ {
			nb[i] = l.buf[(l.head+i)&(len(l.buf)-1)]
		}
		l.buf, l.head = nb, 0
	}
	l.buf[(l.head+l.n)&(len(l.buf)-1)] = e
	l.n++
}

// first returns the head; the lane must not be empty.
func (l *lane) first() *event { return &l.buf[l.head] }

// drop removes the head; the lane must not be empty.
func (l *lane) drop() {
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
}
