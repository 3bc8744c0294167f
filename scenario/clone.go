package scenario

// Clone returns a deep copy of the scenario: changing the copy never
// changes the original.
func (sc *Scenario) Clone() *Scenario {
	if sc == nil {
		return nil
	}
	c := *sc
	c.Topology.Nodes.Client = cloneClient(sc.Topology.Nodes.Client)
	c.Workload = cloneWorkload(sc.Workload)
	c.MoreWorkloads = cloneSlice(sc.MoreWorkloads, cloneWorkload)
	c.Topology.Nodes.Servers = cloneSlice(sc.Topology.Nodes.Servers, cloneServer)
	if lb := sc.Topology.Nodes.LoadBalancer; lb != nil {
		l := cloneLB(*lb)
		c.Topology.Nodes.LoadBalancer = &l
	}
	c.Topology.Nodes.LoadBalancers = cloneSlice(sc.Topology.Nodes.LoadBalancers, cloneLB)
	c.Topology.Edges = cloneSlice(sc.Topology.Edges, func(e Edge) Edge {
		e.Latency = cloneRV(e.Latency)
		return e
	})
	c.Settings.EnabledSampleMetrics = cloneSlice(sc.Settings.EnabledSampleMetrics, func(m SampleMetric) SampleMetric { return m })
	c.Settings.EnabledEventMetrics = cloneSlice(sc.Settings.EnabledEventMetrics, func(m EventMetric) EventMetric { return m })
	c.Events = cloneSlice(sc.Events, func(e Event) Event {
		e.Start.SpikeS = clonePtr(e.Start.SpikeS)
		return e
	})
	return &c
}

func cloneLB(lb LoadBalancer) LoadBalancer {
	lb.RateLimit = clonePtr(lb.RateLimit)
	lb.ServerCovered = cloneSlice(lb.ServerCovered, func(s string) string { return s })
	if lb.Weights != nil {
		w := make(map[string]int, len(lb.Weights))
		for k, x := range lb.Weights {
			w[k] = x
		}
		lb.Weights = w
	}
	return lb
}

func cloneSlice[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneRV(rv RV) RV {
	rv.Variance = clonePtr(rv.Variance)
	return rv
}

func cloneQuantity(q *Quantity) *Quantity {
	if q == nil {
		return nil
	}
	c := *q
	if q.RV != nil {
		rv := cloneRV(*q.RV)
		c.RV = &rv
	}
	return &c
}

func cloneServer(s Server) Server {
	s.Resources.DBConnectionPool = clonePtr(s.Resources.DBConnectionPool)
	s.Resources.MaxConcurrency = clonePtr(s.Resources.MaxConcurrency)
	s.Resources.MaxQueue = clonePtr(s.Resources.MaxQueue)
	s.Replicas = clonePtr(s.Replicas)
	s.RateLimit = clonePtr(s.RateLimit)
	s.Autoscaling = cloneAutoscaling(s.Autoscaling)
	s.CostPerReplicaHour = clonePtr(s.CostPerReplicaHour)
	s.Endpoints = cloneSlice(s.Endpoints, func(e Endpoint) Endpoint {
		e.Probability = clonePtr(e.Probability)
		e.Weight = clonePtr(e.Weight)
		e.Steps = cloneSlice(e.Steps, func(st Step) Step {
			st.Operation.CPUTime = cloneQuantity(st.Operation.CPUTime)
			st.Operation.IOWaitingTime = cloneQuantity(st.Operation.IOWaitingTime)
			st.Operation.NecessaryRAM = clonePtr(st.Operation.NecessaryRAM)
			if st.Operation.Call != nil {
				c := cloneCall(*st.Operation.Call)
				st.Operation.Call = &c
			}
			st.Operation.Calls = cloneSlice(st.Operation.Calls, cloneCall)
			return st
		})
		return e
	})
	return s
}

func cloneWorkload(w Workload) Workload {
	w.AvgActiveUsers = cloneRV(w.AvgActiveUsers)
	w.AvgRequestPerMinutePerUser = cloneRV(w.AvgRequestPerMinutePerUser)
	w.Profile = cloneSlice(w.Profile, func(p ProfilePoint) ProfilePoint { return p })
	if w.ThinkTime != nil {
		t := cloneRV(*w.ThinkTime)
		w.ThinkTime = &t
	}
	return w
}

func cloneClient(c Client) Client {
	c.TimeoutS = clonePtr(c.TimeoutS)
	c.Retry = cloneRetry(c.Retry)
	c.CircuitBreaker = clonePtr(c.CircuitBreaker)
	return c
}

func cloneCall(c Call) Call {
	c.TimeoutS = clonePtr(c.TimeoutS)
	c.Retry = cloneRetry(c.Retry)
	c.CircuitBreaker = clonePtr(c.CircuitBreaker)
	return c
}

func cloneRetry(r *Retry) *Retry {
	if r == nil {
		return nil
	}
	c := *r
	c.Backoff.InitialS = clonePtr(r.Backoff.InitialS)
	c.Backoff.MaxS = clonePtr(r.Backoff.MaxS)
	c.RetryOn = cloneSlice(r.RetryOn, func(o Outcome) Outcome { return o })
	return &c
}

func cloneAutoscaling(a *Autoscaling) *Autoscaling {
	if a == nil {
		return nil
	}
	c := *a
	c.DownCooldownS = clonePtr(a.DownCooldownS)
	c.StartupS = cloneQuantity(a.StartupS)
	return &c
}
