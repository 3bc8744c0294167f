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

// KindStudy is the River job kind of a study's coordinator: it runs the
// library's search or sweep and schedules its candidate runs.
const KindStudy = "study"

// KindStudyRun is the River job kind of one candidate run of a study: a
// candidate scenario simulated with one seed.
const KindStudyRun = "study_run"

// QueueStudies is the River queue of study coordinators. They spend their
// time waiting for candidate runs, so they have slots of their own
// (Config.StudyWorkers) and never take a simulation slot from the
// candidate runs they wait for.
const QueueStudies = "studies"

// StudyArgs are the arguments of a "study" job: the study to execute.
type StudyArgs struct {
	// StudyID is the study.
	StudyID string `json:"study_id"`
}

// Kind returns KindStudy.
func (StudyArgs) Kind() string { return KindStudy }

// StudyRunArgs are the arguments of a "study_run" job: one candidate run,
// stored by the coordinator before the job (store.StudyRun).
type StudyRunArgs struct {
	// StudyID is the study.
	StudyID string `json:"study_id"`
	// Key identifies the candidate run within the study.
	Key string `json:"key"`
}

// Kind returns KindStudyRun.
func (StudyRunArgs) Kind() string { return KindStudyRun }
