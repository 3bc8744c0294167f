package scenario

import "fmt"

// Warnings returns problems that do not make the scenario invalid but
// probably make it mean something other than intended, sorted by path:
// a poisson latency or step time (drawn in whole seconds, so a mean of a
// few milliseconds gives mostly 0), and a db_connection_pool on a server
// that has no io_db step (the pool is then never used).
func (sc *Scenario) Warnings() []FieldError {
	var w errorList
	poisson := func(path string, rv RV, what string) {
		if rv.Distribution == Poisson {
			w.add(path+".distribution", "poisson draws whole seconds, so this %s with mean %v s is mostly %v s; use exponential or deterministic", what, rv.Mean, poissonMode(rv.Mean))
		}
	}
	for i, e := range sc.Topology.Edges {
		poisson(edgePath(i)+".latency", e.Latency, "latency")
	}
	for i, s := range sc.Topology.Nodes.Servers {
		usesDB := false
		for j, e := range s.Endpoints {
			for k, st := range e.Steps {
				p := fmt.Sprintf("%s.endpoints[%d].steps[%d].step_operation", serverPath(i), j, k)
				if q := st.Operation.CPUTime; q != nil && q.RV != nil {
					poisson(p+".cpu_time", *q.RV, "step time")
				}
				if q := st.Operation.IOWaitingTime; q != nil && q.RV != nil {
					poisson(p+".io_waiting_time", *q.RV, "step time")
				}
				usesDB = usesDB || st.Kind == IODB
			}
		}
		if s.Resources.DBConnectionPool != nil && !usesDB {
			w.add(serverPath(i)+".server_resources.db_connection_pool", "server %q has a connection pool but no io_db step uses it", s.ID)
		}
	}
	errs := []FieldError(w)
	sortFieldErrors(errs)
	return errs
}

// poissonMode is the most likely value of a Poisson variable.
func poissonMode(mean float64) float64 {
	if mean < 1 {
		return 0
	}
	return float64(int64(mean))
}
