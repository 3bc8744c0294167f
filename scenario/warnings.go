package scenario

import (
	"fmt"
	"math"
)

// Warnings returns problems that do not make the scenario invalid but
// probably make it mean something other than intended, sorted by path:
// a poisson latency or step time (drawn in whole seconds, so a mean of a
// few milliseconds gives mostly 0); a normal RV whose truncation at 0
// moves its mean by more than 1 % (the message gives the effective mean);
// a db_connection_pool on a server that has no io_db step (the pool is then
// never used); a call without timeout_s over an edge with dropout_rate > 0
// (its caller would wait until the horizon for a lost sub-request); and
// enabled_event_metrics values that change nothing.
func (sc *Scenario) Warnings() []FieldError {
	var w errorList
	poisson := func(path string, rv RV, what string) {
		if rv.Distribution == Poisson {
			w.add(path+".distribution", "poisson draws whole seconds, so this %s with mean %v s is mostly %v s; use exponential or deterministic", what, rv.Mean, poissonMode(rv.Mean))
		}
	}
	timeRV := func(path string, rv RV, what string) {
		poisson(path, rv, what)
		truncation(&w, path, rv, RoleTime)
	}
	for i, g := range sc.Generators() {
		p := sc.generatorPath(i)
		if g.Closed() {
			if g.ThinkTime != nil {
				timeRV(p+".think_time", *g.ThinkTime, "think time")
			}
			continue
		}
		truncation(&w, p+".avg_active_users", g.AvgActiveUsers, RoleCount)
	}
	for i, e := range sc.Topology.Edges {
		timeRV(edgePath(i)+".latency", e.Latency, "latency")
	}
	for i, s := range sc.Topology.Nodes.Servers {
		usesDB := false
		for j, e := range s.Endpoints {
			for k, st := range e.Steps {
				p := fmt.Sprintf("%s.endpoints[%d].steps[%d].step_operation", serverPath(i), j, k)
				if q := st.Operation.CPUTime; q != nil && q.RV != nil {
					timeRV(p+".cpu_time", *q.RV, "step time")
				}
				if q := st.Operation.IOWaitingTime; q != nil && q.RV != nil {
					timeRV(p+".io_waiting_time", *q.RV, "step time")
				}
				usesDB = usesDB || st.Kind == IODB
			}
		}
		if s.Resources.DBConnectionPool != nil && !usesDB {
			w.add(serverPath(i)+".server_resources.db_connection_pool", "server %q has a connection pool but no io_db step uses it", s.ID)
		}
	}
	callDropouts(&w, sc)
	eventMetrics(&w, sc.Settings.EnabledEventMetrics)
	errs := []FieldError(w)
	sortFieldErrors(errs)
	return errs
}

// maxSDRatio is the a = mean/sd at which truncating a normal at 0 raises
// its mean by exactly truncationShift: φ(a)/(a·Φ(a)) = 0.01 at a = 2.3785.
const maxSDRatio = 2.3785

// truncation warns when the engine's truncation of a normal RV at 0 (by
// resampling) moves its mean by more than truncationShift, and says the
// effective mean.
func truncation(w *errorList, path string, rv RV, role RVRole) {
	if rv.Distribution != Normal || !(rv.Mean > 0) || math.IsInf(rv.Mean, 0) {
		return
	}
	variance := rv.NormalVariance(role)
	if !(variance > 0) || math.IsInf(variance, 0) {
		return
	}
	sd := math.Sqrt(variance)
	eff := TruncatedNormalMean(rv.Mean, sd)
	if eff <= rv.Mean*(1+truncationShift) {
		return
	}
	given := fmt.Sprintf("variance %.4g", variance)
	if rv.Variance == nil {
		given = "the default variance mean²"
		if role == RoleCount {
			given = "the default variance mean"
		}
	}
	p := join(path, "variance")
	if rv.Variance == nil {
		p = join(path, "distribution")
	}
	w.add(p, "a normal with mean %.4g and %s (sd %.4g) is truncated at 0 by redrawing negative values, which raises its mean to %.4g (+%.0f %%); for a mean within 1 %% use a variance of at most %.4g, or log_normal, which keeps its mean",
		rv.Mean, given, sd, eff, 100*(eff/rv.Mean-1), (rv.Mean/maxSDRatio)*(rv.Mean/maxSDRatio))
}

// eventMetrics warns about enabled_event_metrics values that change
// nothing: every event metric but rqs_clock is ignored, and rqs_clock (the
// per-request clock behind every latency figure) is always measured,
// listed or not.
func eventMetrics(w *errorList, list []EventMetric) {
	const p = "sim_settings.enabled_event_metrics"
	for i, m := range list {
		if !m.Measured() && contains(EventMetrics, m) {
			w.add(fmt.Sprintf("%s[%d]", p, i), "%s changes nothing: FastSim does not measure it; remove it", m)
		}
	}
	if list != nil && !contains(list, RqsClock) {
		w.add(p, "rqs_clock is not listed, but latency is always measured (every request's start and finish); listing it or not changes nothing")
	}
}

// poissonMode is the most likely value of a Poisson variable.
func poissonMode(mean float64) float64 {
	if mean < 1 {
		return 0
	}
	return float64(int64(mean))
}
