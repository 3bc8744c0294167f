package engine

import (
	"math"

	"github.com/fastsim/fastsim/result"
)

// acc accumulates one sampled series: its sum and maximum, and the values
// themselves when the full series is kept.
type acc struct {
	sum    float64
	max    float64
	series []float64
}

// add records c samples of the value v; every sampled metric is >= 0.
func (a *acc) add(v float64, c int64) {
	a.sum += v * float64(c)
	if v > a.max {
		a.max = v
	}
	if a.series != nil {
		for range c {
			a.series = append(a.series, v)
		}
	}
}

// summary returns the mean and maximum of n samples.
func (a *acc) summary(n int64) *result.Summary {
	if n == 0 {
		return &result.Summary{}
	}
	return &result.Summary{Mean: a.sum / float64(n), Max: a.max}
}

// sampler takes the periodic samples of spec §7. Sample k is taken at time
// k·period, for k·period < horizon, and sees every event at or before that
// time. State is piecewise constant between events, so instead of
// scheduling sample events the loop calls sampleUpTo before it advances the
// clock, and the samples the clock jumps over are emitted then.
type sampler struct {
	period float64
	k, n   int64   // next sample index, number of samples
	nextT  float64 // time of sample k; +Inf after the last one

	readyQueue, ioSleep, ramInUse, edgeConn bool

	srvReady, srvIO, srvRAM []acc // per server, when enabled
	edgeInFlight            []acc // per edge, when enabled
}

// sampleCount returns the number of k >= 0 with k·period < horizon.
func sampleCount(period, horizon float64) int64 {
	n := int64(math.Ceil(horizon / period))
	for n > 0 && float64(n-1)*period >= horizon {
		n--
	}
	for float64(n)*period < horizon {
		n++
	}
	return n
}

// init sets the sampler up for ns servers and ne edges.
func (s *sampler) init(period, horizon float64, ns, ne int, keepSeries bool) {
	s.period = period
	s.n = sampleCount(period, horizon)
	s.k = 0
	s.nextT = 0
	mk := func(on bool, count int) []acc {
		if !on {
			return nil
		}
		a := make([]acc, count)
		if keepSeries {
			for i := range a {
				a[i].series = make([]float64, 0, s.n)
			}
		}
		return a
	}
	s.srvReady = mk(s.readyQueue, ns)
	s.srvIO = mk(s.ioSleep, ns)
	s.srvRAM = mk(s.ramInUse, ns)
	s.edgeInFlight = mk(s.edgeConn, ne)
}

// sampleUpTo takes every sample whose time is before t. The state has not
// changed since the last event, so all of them see the same values: they are
// recorded in one step, and the cost of sampling grows with the number of
// events, not with the number of samples.
func (m *sim) sampleUpTo(t float64) {
	s := &m.samp
	if !(s.nextT < t) {
		return
	}
	end := min(sampleCount(s.period, t), s.n)
	c := end - s.k
	for i := range s.srvReady {
		s.srvReady[i].add(float64(m.servers[i].ready.len()), c)
	}
	for i := range s.srvIO {
		s.srvIO[i].add(float64(m.servers[i].ioSleep), c)
	}
	for i := range s.srvRAM {
		s.srvRAM[i].add(m.servers[i].ramUsed, c)
	}
	for i := range s.edgeInFlight {
		s.edgeInFlight[i].add(float64(m.edges[i].inFlight), c)
	}
	if m.groups != nil {
		m.sampleGroups(c)
	}
	s.k = end
	if s.k >= s.n {
		s.nextT = math.Inf(1)
		return
	}
	s.nextT = float64(s.k) * s.period
}
