package job

// KindSimulate is the River job kind that executes a run.
const KindSimulate = "simulate"

// KindSimulateReplication is the River job kind that executes one
// replication of a run with several replications.
const KindSimulateReplication = "simulate_replication"

// SimulateArgs are the arguments of a "simulate" job: the run to execute.
// Everything else (scenario, seed, replications) is read from the run row.
type SimulateArgs struct {
	// RunID is the run to execute.
	RunID string `json:"run_id"`
}

// Kind returns KindSimulate.
func (SimulateArgs) Kind() string { return KindSimulate }

// ReplicationArgs are the arguments of a "simulate_replication" job.
type ReplicationArgs struct {
	// RunID is the run the replication belongs to.
	RunID string `json:"run_id"`
	// Index is the replication number, 0-based; its seed is
	// fastsim.ReplicationSeed(run seed, Index).
	Index int `json:"index"`
}

// Kind returns KindSimulateReplication.
func (ReplicationArgs) Kind() string { return KindSimulateReplication }
