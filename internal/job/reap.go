package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/fastsim/fastsim/internal/store"
)

// diedPrefix starts the error the reaper appends to a job whose worker
// died; riverRescued is the error of River's own rescuer. Both count as a
// death of the job's worker.
const (
	diedPrefix   = "worker died"
	riverRescued = "Stuck job rescued"
)

// Reap hands on the running jobs whose worker died: a job whose lease
// expired (no heartbeat for Config.LeaseTTL), or that never got a lease
// LeaseTTL after its attempt started. Such a job is made available again
// at once, so that any worker (this one after a restart, or another)
// takes it; but a job whose worker died a second time is discarded and
// its run failed with the reason: a run that killed its worker twice (by
// exhausting its memory, say) would kill the next one too. It returns how
// many jobs it handed on or ended.
//
// Every started client calls it every Config.HeartbeatInterval, first at
// Start: a restarted process resumes its orphans at once when
// Config.OwnerDead recognises their dead owner, else when their leases
// expire. Several reapers may run at once: store.ReapLease lets
// exactly one claim each dead attempt.
func (c *Client) Reap(ctx context.Context) (int, error) {
	rows, err := c.listJobs(ctx, rivertype.JobStateRunning)
	if err != nil {
		return 0, fmt.Errorf("job: reap: list running jobs: %w", err)
	}
	if len(rows) == 0 {
		// Nothing to hand on, but the leases of ended attempts lapse.
		return 0, c.pruneLeases(ctx, time.Now())
	}
	leases, err := c.store.ListLeases(ctx)
	if err != nil {
		return 0, fmt.Errorf("job: reap: %w", err)
	}
	byJob := make(map[int64]store.Lease, len(leases))
	for _, l := range leases {
		byJob[l.JobID] = l
	}
	now := time.Now()
	var rescues []store.JobRescue
	var poisoned []string
	var poisonedTargets []target
	for _, row := range rows {
		l, ok := byJob[row.ID]
		if !c.dead(row, l, ok, now) {
			continue
		}
		var err error
		if ok && l.Attempt == row.Attempt && l.ExpiresAt.After(now) {
			// Its owner is known dead: end the lease now, then claim it.
			err = c.store.RenewLease(ctx, row.ID, row.Attempt, now)
		}
		if err == nil {
			err = c.store.ReapLease(ctx, row.ID, row.Attempt, now)
		}
		if errors.Is(err, store.ErrConflict) {
			continue // renewed meanwhile, or another reaper has it
		}
		if err != nil {
			return 0, fmt.Errorf("job: reap: %w", err)
		}
		r, fail := c.rescue(row, l, ok, now)
		rescues = append(rescues, r)
		if fail != nil {
			poisoned = append(poisoned, fail.Error)
			poisonedTargets = append(poisonedTargets, targetOf(row))
		}
		c.cfg.Logger.WarnContext(ctx, "the worker of a job died; handing the job on", "job_id", row.ID, "attempt", row.Attempt,
			"owner", l.Owner, "target", targetOf(row).String(), "state", string(r.State))
	}
	if err := c.queue.RescueJobs(ctx, rescues); err != nil {
		return 0, fmt.Errorf("job: reap: %w", err)
	}
	for _, r := range rescues {
		c.metrics.jobReaped(r.State == rivertype.JobStateAvailable)
	}
	for i, msg := range poisoned {
		if err := c.failTarget(ctx, poisonedTargets[i], msg); err != nil {
			// Its job is discarded: Reconcile fails the run later.
			c.cfg.Logger.WarnContext(ctx, "fail the target of a poison job", "target", poisonedTargets[i].String(), "error", err.Error())
		}
	}
	return len(rescues), c.pruneLeases(ctx, now)
}

// pruneLeases deletes the leases that lapsed one LeaseTTL before now: the
// leases of ended attempts (see Client.attempt), and claimed ones, kept
// one LeaseTTL so that no other reaper claims the attempt again (a claim
// whose reaper died before the rescue is then claimed anew, as a job
// without a lease).
func (c *Client) pruneLeases(ctx context.Context, now time.Time) error {
	if _, err := c.store.PruneLeases(ctx, now.Add(-c.cfg.LeaseTTL)); err != nil {
		return fmt.Errorf("job: reap: %w", err)
	}
	return nil
}

// dead reports whether the running job row has lost its worker at now:
// its lease of this attempt expired or its owner is known dead
// (Config.OwnerDead), or it has none LeaseTTL after the attempt started
// (the worker died before taking one).
func (c *Client) dead(row *rivertype.JobRow, l store.Lease, hasLease bool, now time.Time) bool {
	if hasLease && l.Attempt == row.Attempt {
		if l.Reaped {
			return false // another reaper has it
		}
		return !l.ExpiresAt.After(now) || l.Owner != c.cfg.Owner && c.cfg.OwnerDead != nil && c.cfg.OwnerDead(l.Owner)
	}
	return row.AttemptedAt != nil && row.AttemptedAt.Add(c.cfg.LeaseTTL).Before(now)
}

// rescue returns how to hand on the dead attempt of row, and how to finish
// its run when the job ends here (a second death, or its last attempt).
func (c *Client) rescue(row *rivertype.JobRow, l store.Lease, hasLease bool, now time.Time) (store.JobRescue, *store.Finish) {
	started := now
	if row.AttemptedAt != nil {
		started = *row.AttemptedAt
	}
	last := "no lease taken"
	if hasLease && l.Attempt == row.Attempt {
		last = fmt.Sprintf("lease of %s expired at %s", l.Owner, l.ExpiresAt.UTC().Format(time.RFC3339))
	}
	r := store.JobRescue{
		JobID: row.ID,
		State: rivertype.JobStateAvailable,
		// At is when the dead attempt started: the attempt times of the
		// poison message below come from these errors.
		Error: rivertype.AttemptError{At: started.UTC(), Attempt: row.Attempt, Error: diedPrefix + " (" + last + ")"},
		At:    now,
	}
	var deaths []string
	for _, e := range row.Errors {
		if strings.HasPrefix(e.Error, diedPrefix) || strings.HasPrefix(e.Error, riverRescued) {
			deaths = append(deaths, e.At.UTC().Format(time.RFC3339))
		}
	}
	deaths = append(deaths, started.UTC().Format(time.RFC3339))
	var msg string
	switch {
	case len(deaths) >= 2:
		what := targetOf(row).noun()
		msg = fmt.Sprintf("the worker running this %s died twice (attempts at %s); not retried: "+
			"the %s probably exhausts a worker's memory or time, so it would kill the next one too; "+
			"shorten the scenario or lower its load, or give the workers more memory, then submit it again",
			what, strings.Join(deaths, ", "), what)
	case row.Attempt >= row.MaxAttempts:
		msg = fmt.Sprintf("gave up after %d attempts: the worker of the last one died (%s)", row.Attempt, last)
	default:
		return r, nil
	}
	r.State = rivertype.JobStateDiscarded
	return r, &store.Finish{Status: store.StatusFailed, Error: msg}
}

// targetOf returns what a job row works for (zero when undecodable).
func targetOf(row *rivertype.JobRow) target {
	var args struct {
		RunID   string `json:"run_id"`
		StudyID string `json:"study_id"`
		Key     string `json:"key"`
	}
	_ = json.Unmarshal(row.EncodedArgs, &args)
	return target{runID: args.RunID, studyID: args.StudyID, key: args.Key}
}

// reapLoop calls Reap at once and then every Config.HeartbeatInterval
// until ctx is done.
func (c *Client) reapLoop(ctx context.Context) {
	reap := func() bool {
		if _, err := c.Reap(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.WarnContext(ctx, "reap jobs of dead workers", "error", err.Error())
		}
		return true
	}
	reap()
	every(ctx, c.cfg.HeartbeatInterval, reap)
}
