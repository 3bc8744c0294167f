package scenario

import "strings"

// AsyncFlow's defaults (spec §2–§7).
const (
	// DefaultDistribution is the distribution of an RV without one.
	DefaultDistribution = Poisson
	// DefaultUserSamplingWindow is rqs_input.user_sampling_window in seconds.
	DefaultUserSamplingWindow = 60
	// DefaultCPUCores is server_resources.cpu_cores.
	DefaultCPUCores = 1
	// DefaultRAMMB is server_resources.ram_mb.
	DefaultRAMMB = 1024
	// DefaultEdgeType is an edge's edge_type.
	DefaultEdgeType = NetworkConnection
	// DefaultDropoutRate is an edge's dropout_rate when the key is absent.
	DefaultDropoutRate = 0.01
	// DefaultAlgorithm is a load balancer's algorithms.
	DefaultAlgorithm = RoundRobin
	// DefaultTotalSimulationTime is sim_settings.total_simulation_time in seconds.
	DefaultTotalSimulationTime = 3600
	// DefaultSamplePeriodS is sim_settings.sample_period_s in seconds.
	DefaultSamplePeriodS = 0.01
)

// ApplyDefaults fills every unset field that has a default with
// AsyncFlow's value: an RV's distribution (poisson), the sampling window
// (60), cores (1), RAM (1024), the edge type, the load-balancing algorithm
// (round_robin), the horizon (3600), the sample period (0.01) and the
// metric lists (all four sampled metrics; rqs_clock). It also fills the
// defaults of the overload and resilience keys of spec §12 that are set:
// a retry's backoff (initial_s 0.1, multiplier 2, max_s 10, jitter full)
// and retry_on ([timed_out, rejected, failed]); a circuit breaker's
// failure_rate 0.5, min_calls 20, window_s 10, open_s 5 and
// half_open_calls 1; a rate limit's burst max(1, rps); and of §13: an
// autoscaler's metric (utilization), every_s 15, up_cooldown_s 0,
// down_cooldown_s 300 and startup_s 0, and the replicas of an autoscaled
// server without them (its min_replicas, so the run starts with
// min_replicas instances; ReplicaCount answers the same before
// ApplyDefaults). It also lower-cases endpoint names. It is idempotent.
//
// A zero field counts as unset, except where zero is a meaningful value:
// an edge's DropoutRate is left alone (0 means no loss), because a Go
// zero value cannot say whether it was set. Decode and the Builder apply
// the 0.01 default when the key or the call is absent. Variance is left
// nil: a missing variance is interpreted per distribution as spec §2 says
// (normal and log_normal: RV.NormalVariance, mean² for a time and mean for
// a user count; uniform: [0, 2·mean]).
// A metric list that is empty but not nil is kept empty.
func (sc *Scenario) ApplyDefaults() {
	sc.Workload.applyDefaults()
	for i := range sc.MoreWorkloads {
		sc.MoreWorkloads[i].applyDefaults()
	}
	for i := range sc.Topology.Nodes.Servers {
		s := &sc.Topology.Nodes.Servers[i]
		if s.Resources.CPUCores == 0 {
			s.Resources.CPUCores = DefaultCPUCores
		}
		if s.Resources.RAMMB == 0 {
			s.Resources.RAMMB = DefaultRAMMB
		}
		for j := range s.Endpoints {
			e := &s.Endpoints[j]
			e.Name = strings.ToLower(e.Name)
			for k := range e.Steps {
				op := &e.Steps[k].Operation
				defaultQuantity(op.CPUTime)
				defaultQuantity(op.IOWaitingTime)
				if op.Call != nil && op.Call.OnFailure == "" {
					op.Call.OnFailure = DefaultOnFailure
				}
				for n := range op.Calls {
					if op.Calls[n].OnFailure == "" {
						op.Calls[n].OnFailure = DefaultOnFailure
					}
				}
			}
		}
	}
	sc.applyResilienceDefaults()
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		if lb.Algorithm == "" {
			lb.Algorithm = DefaultAlgorithm
		}
	}
	for i := range sc.Topology.Edges {
		e := &sc.Topology.Edges[i]
		defaultRV(&e.Latency)
		if e.EdgeType == "" {
			e.EdgeType = DefaultEdgeType
		}
	}
	st := &sc.Settings
	if st.TotalSimulationTime == 0 {
		st.TotalSimulationTime = DefaultTotalSimulationTime
	}
	if st.SamplePeriodS == 0 {
		st.SamplePeriodS = DefaultSamplePeriodS
	}
	if st.EnabledSampleMetrics == nil {
		st.EnabledSampleMetrics = append([]SampleMetric(nil), SampleMetrics...)
	}
	if st.EnabledEventMetrics == nil {
		st.EnabledEventMetrics = []EventMetric{RqsClock}
	}
}

func defaultRV(rv *RV) {
	if rv.Distribution == "" {
		rv.Distribution = DefaultDistribution
	}
}

func defaultQuantity(q *Quantity) {
	if q != nil && q.RV != nil {
		defaultRV(q.RV)
		q.Value = q.RV.Mean
	}
}

// applyDefaults sets the defaults of one generator: the RV distributions
// and, for an open workload, the sampling window; the endpoint is
// lower-cased like endpoint names.
func (w *Workload) applyDefaults() {
	w.Endpoint = strings.ToLower(w.Endpoint)
	if w.Closed() {
		if w.ThinkTime != nil {
			defaultRV(w.ThinkTime)
		}
		return
	}
	defaultRV(&w.AvgActiveUsers)
	defaultRV(&w.AvgRequestPerMinutePerUser)
	if w.UserSamplingWindow == 0 {
		w.UserSamplingWindow = DefaultUserSamplingWindow
	}
}
