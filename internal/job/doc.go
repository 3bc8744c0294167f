// Package job executes FastSim runs as durable River jobs, on PostgreSQL
// (riverpgxv5) or SQLite (riversqlite), sharing the store's connections.
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
// Cancellation: Client.Cancel sets the run's cancel flag (a queued run is
// cancelled at once and its River job cancelled); running jobs poll the flag
// every Config.CancelPollInterval and cancel the simulation's context, so
// the run is cancelled within a second.
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
// Crash safety: a worker killed with kill -9 leaves its job "running" in
// River; River's rescuer retries it after RescueStuckJobsAfter, which is set
// above the job timeout (itself the run timeout plus a margin) so a live job
// is never rescued. Jobs are idempotent: the same seed gives the same bytes,
// and overwriting a replication or a result is harmless.
//
// Abandoned runs: a worker killed on every attempt (for lack of memory,
// say) never fails its run; River ends the job "discarded" after
// Config.MaxAttempts and the run would stay queued or running forever.
// Every started client therefore calls Client.Reconcile every
// Config.ReconcileInterval: a queued or running run none of whose jobs can
// still run (all discarded, cancelled in the queue, or gone) is failed
// with a message saying so ("the job was abandoned after N attempts
// (worker crashes?) …"). It reads River's own job list and finishes runs
// with store.Store.FinishRun, which only moves runs that are not final, so
// it is idempotent and runs on every worker at once.
package job
