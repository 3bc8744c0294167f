// Package job executes FastSim runs as durable River jobs. It knows no
// database: the store's dialect (store.Backend) builds River over its own
// connections (riverpgxv5 or riversqlite) and hands it over as a
// store.Queue.
//
// The API submits a run with Client.Submit: the run row and its "simulate"
// job are inserted in one transaction, so a crash can never leave a run that
// nobody executes. Workers (Client.Start, Config.Workers > 0) then:
//
//   - mark the run running, decode its canonical scenario snapshot and run
//     the simulation with fastsim.Run, writing progress to the run row at
//     most every Config.ProgressInterval (the API and its SSE stream poll
//     the row);
//   - for a run with several replications, the "simulate" job inserts one
//     "simulate_replication" job per replication (unique by arguments, so a
//     retried parent inserts nothing twice). Any worker on any machine takes
//     them, so replications spread over every worker and core that share the
//     database. Each stores its result in its own row; the child that stores
//     the last one merges them (result.Merge, analysis.Summarize) and
//     finishes the run. FinishRun only moves a run that is not final, so if
//     two children race to merge, one wins and the other's identical merge
//     is dropped.
//
// We chose child jobs over in-process parallelism because it scales past
// one machine and because a worker that dies loses only its own
// replication; with one worker process the River queue's MaxWorkers slots
// still run replications on all cores.
//
// Studies (Client.SubmitStudy): a study is one "study" job, its
// coordinator, in its own queue (QueueStudies, Config.StudyWorkers slots
// per process, so that a coordinator waiting for its candidate runs never
// takes a simulation slot), and one "study_run" job per candidate run (a
// candidate scenario with one seed) on the default queue. The coordinator
// runs the library's search or sweep (internal/study, over
// analysis.SizingSpec.Run and analysis.RunSweep) with an analysis.RunFunc
// that stores the candidate run (store.Store.AddStudyRun, keyed by a
// digest of the candidate's canonical scenario and the seed) with its job
// in one transaction, then waits for its outcome: one poll per
// Config.CancelPollInterval reads the states of all of the study's
// candidate runs (and its cancel flag). Candidate runs spread over every
// worker like replications. Their outcomes are stored as they end, so a
// coordinator handed on after its worker died replays the study (the
// library is deterministic for the same seeds), finds them at once and
// continues. Coordinator and candidate runs take leases, the reaper hands
// them on and ends poison jobs (a candidate run's error fails its study),
// and Client.ReconcileStudies fails studies left without a coordinator.
// A candidate run has Config.RunTimeout and its owner's plan limits; a
// study has Config.StudyTimeout. Client.CancelStudy ends a study at once;
// its jobs notice within Config.CancelPollInterval.
//
// Cancellation: Client.Cancel makes the run cancelled at once, queued or
// running, even when its worker died (a queued run's River job is
// cancelled too); running jobs poll the run every Config.CancelPollInterval
// and cancel the simulation's context when it is final.
//
// Timeout: each attempt of a job (a run, or one replication of it) gets
// Config.RunTimeout of wall-clock time; when it runs out the run fails with
// a message naming --run-timeout. A job retried after its worker died gets
// the whole budget again.
//
// Progress: each replication writes its completed fraction (simulated time
// over horizon) at most every Config.ProgressInterval; the run's progress is
// the mean over its replications. A retried replication restarts from 0, so
// progress can go back after a crash.
//
// Crash safety: each attempt of a job holds a lease (store.Lease) that its
// worker renews every Config.HeartbeatInterval. Every started client runs
// Client.Reap at start and at that interval: a running job whose lease
// expired (Config.LeaseTTL without a heartbeat), or that took none within
// LeaseTTL of starting, lost its worker (kill -9, out of memory, a lost
// machine) and is made available again at once, for any worker. A job
// whose worker died twice is discarded instead, and its run failed with
// the reason: it would crash the next worker too. A lease outlives its
// attempt by one LeaseTTL, since River records an attempt's outcome only
// after the worker returns; reapers then prune it. River's own rescuer,
// which cannot tell a slow job from a dead one, only backs this up after
// the job timeout. Jobs are idempotent: the same seed gives the same bytes,
// and overwriting a replication or a result is harmless.
//
// Retries: a simulation error (invalid scenario, run limit, run timeout)
// fails the run at once; the same scenario and seed would fail again. Only
// errors that may pass (the database) are retried, Config.MaxAttempts
// attempts in all; the last failed attempt fails the run. An attempt
// interrupted by a shutdown is handed back without spending an attempt
// (river.JobSnooze(0)).
//
// Abandoned runs: a run can be left without a job that will finish it (a
// job discarded by River, cancelled or deleted in the queue). Every started
// client therefore calls Client.Reconcile every Config.ReconcileInterval: a
// queued or running run none of whose jobs can still run is failed with a
// message saying so. It reads River's own job list and finishes runs with
// store.Store.FinishRun, which only moves runs that are not final, so it is
// idempotent and runs on every worker at once.
package job
