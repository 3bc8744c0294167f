package store

import (
	"context"
	"fmt"
	"time"
)

// StudyKind is what a study asks.
type StudyKind string

// The study kinds.
const (
	// KindSizing searches the smallest cores or replicas (or the load
	// knee) meeting an SLA, as `fastsim size` does.
	KindSizing StudyKind = "sizing"
	// KindSweep runs every combination of one or two parameters.
	KindSweep StudyKind = "sweep"
)

// StudyKinds lists every kind.
var StudyKinds = []StudyKind{KindSizing, KindSweep}

// ParseStudyKind returns the kind named s, or an ErrInvalid error.
func ParseStudyKind(s string) (StudyKind, error) {
	for _, k := range StudyKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("kind %q: must be sizing or sweep: %w", s, ErrInvalid)
}

// Study is a stored study: a base scenario, a kind and its settings,
// executed as one coordinator job and one job per candidate run (a
// candidate scenario with one seed). Its life cycle is a run's (queued,
// running, succeeded, failed, cancelled).
type Study struct {
	// ID is a UUID (version 7) assigned on creation.
	ID string
	// OwnerID is the user the study belongs to; the store sets it from
	// the creating actor.
	OwnerID string
	// Kind is sizing or sweep.
	Kind StudyKind
	// ScenarioID is the stored scenario the base came from; nil for an
	// inline scenario or after the scenario was deleted.
	ScenarioID *string
	// ScenarioVersion is the version of ScenarioID used.
	ScenarioVersion *int
	// Scenario is the canonical JSON of the base scenario.
	Scenario []byte
	// Settings is the JSON of the kind's settings (internal/study reads
	// it); the store keeps it byte for byte.
	Settings []byte
	// Status is the life-cycle state.
	Status RunStatus
	// RunsDone is the number of candidate runs finished (with a result or
	// an error).
	RunsDone int
	// RunsTotal is the number of candidate runs the study needs: exact for
	// a sweep, the largest the search can need for sizing (set to
	// RunsDone when a sizing study ends).
	RunsTotal int
	// Error is the message of a failed or cancelled study.
	Error string
	// CancelRequested reports whether cancellation was requested.
	CancelRequested bool
	// JobID is the coordinator's River job, 0 when unknown.
	JobID int64
	// CreatedAt is when the study was submitted.
	CreatedAt time.Time
	// StartedAt is when a coordinator first started it.
	StartedAt *time.Time
	// FinishedAt is when it reached a final status.
	FinishedAt *time.Time
	// Quota, when not nil, bounds the owner's runs: CreateStudy counts the
	// study as one active run and RunsTotal runs of the day, and returns
	// a *QuotaError when it would cross the quota. It is not stored.
	Quota *RunQuota
}

// ListStudiesParams select a page of studies.
type ListStudiesParams struct {
	// Status keeps studies with one of these statuses. Defaults to all.
	Status []RunStatus
	// Kind keeps studies of this kind. Defaults to all.
	Kind StudyKind
	// Limit is the page size, 1..1000. Defaults to 50 when 0.
	Limit int
	// Cursor is NextCursor of the previous page. Defaults to the first page.
	Cursor string
}

// StudyFinish describes how a study ends.
type StudyFinish struct {
	// Status is the final status: succeeded, failed or cancelled.
	Status RunStatus
	// Error is the message of a failed or cancelled study.
	Error string
	// Result is the result JSON of a succeeded study (required then).
	Result []byte
	// RunsTotal, when positive, replaces the study's RunsTotal (a sizing
	// search ends having needed fewer runs than its bound).
	RunsTotal int
}

// StudyRunStatus is the state of one candidate run of a study.
type StudyRunStatus string

// The candidate run states.
const (
	StudyRunPending   StudyRunStatus = "pending"
	StudyRunSucceeded StudyRunStatus = "succeeded"
	StudyRunFailed    StudyRunStatus = "failed"
)

// StudyRun is one candidate run of a study: a candidate scenario with one
// seed, executed by its own job; its stored result memoizes it, so that a
// coordinator resumed after a crash replays the study without running it
// again.
type StudyRun struct {
	// StudyID is the study.
	StudyID string
	// Key identifies the run within its study (a digest of the candidate
	// scenario and the seed).
	Key string
	// Seed is the seed of the simulation.
	Seed int64
	// Scenario is the canonical JSON of the candidate scenario.
	Scenario []byte
	// Status is pending until the run's job stores a result or an error.
	Status StudyRunStatus
	// Result is the result JSON (no series) of a succeeded run.
	Result []byte
	// Error is the message of a failed run.
	Error string
	// Worker names the worker process that stored the outcome.
	Worker string
}

// StudyRunState is a candidate run's key and state, without its blobs.
type StudyRunState struct {
	// Key identifies the run within its study.
	Key string
	// Status is the run's state.
	Status StudyRunStatus
	// Error is the message of a failed run.
	Error string
}

// StudyEnqueueFunc inserts the coordinator job of study st inside tx, the
// transaction that inserts the study row (ID assigned); an error rolls the
// row back. job.Client.SubmitStudy passes one.
type StudyEnqueueFunc func(ctx context.Context, tx Tx, st Study) error

// StudyStore persists studies and their candidate runs. Tenancy is a
// run's: methods with an Actor see only the actor's studies (admins see
// all); the methods without one are the job workers'.
type StudyStore interface {
	// CreateStudy inserts a queued study owned by actor.UserID and calls
	// enqueue inside the same transaction (nil: no job). The caller sets
	// Kind, Scenario, Settings, RunsTotal and the optional
	// ScenarioID/ScenarioVersion and Quota. It returns ErrInvalid (unknown
	// kind, empty scenario or settings, RunsTotal < 1, actor without
	// UserID), ErrNotFound (a ScenarioID the actor cannot see), a
	// *QuotaError, or enqueue's error (then nothing is stored).
	CreateStudy(ctx context.Context, actor Actor, st Study, enqueue StudyEnqueueFunc) (Study, error)
	// GetStudy returns one study, or ErrNotFound.
	GetStudy(ctx context.Context, actor Actor, id string) (Study, error)
	// ListStudies returns a page of studies, newest first. It returns
	// ErrInvalid for a bad limit, cursor, status or kind.
	ListStudies(ctx context.Context, actor Actor, p ListStudiesParams) (Page[Study], error)
	// DeleteStudy deletes a study, its result and its candidate runs. It
	// returns ErrNotFound, or ErrConflict while the study is queued or
	// running.
	DeleteStudy(ctx context.Context, actor Actor, id string) error
	// RequestStudyCancel records that the study should stop; a queued
	// study is cancelled at once. It returns the study after the change,
	// ErrNotFound, or ErrConflict when it is already finished.
	RequestStudyCancel(ctx context.Context, actor Actor, id string) (Study, error)
	// SetStudyJobID records the coordinator job. It returns ErrNotFound.
	SetStudyJobID(ctx context.Context, id string, jobID int64) error
	// MarkStudyRunning moves a queued or running study to running, sets
	// StartedAt on the first call and returns it. It returns ErrNotFound,
	// or ErrConflict when the study is finished.
	MarkStudyRunning(ctx context.Context, id string) (Study, error)
	// FinishStudy moves a queued or running study to a final status, with
	// its result when succeeded (required then). It returns ErrNotFound,
	// ErrInvalid, or ErrConflict when the study is already finished.
	FinishStudy(ctx context.Context, id string, f StudyFinish) (Study, error)
	// GetStudyResult returns the result JSON of a succeeded study, or
	// ErrNotFound.
	GetStudyResult(ctx context.Context, actor Actor, id string) ([]byte, error)
	// CountStudies returns the number of studies of all users per status.
	CountStudies(ctx context.Context) (map[RunStatus]int, error)

	// AddStudyRun inserts the pending candidate run r unless the study
	// already has one with r.Key, and calls enqueue in the same
	// transaction when it inserts (so a candidate run never exists
	// without its job). It returns the stored run (without its result)
	// and whether it was inserted; ErrNotFound when the study does not
	// exist, ErrConflict when it is finished, ErrInvalid for an empty key
	// or scenario.
	AddStudyRun(ctx context.Context, r StudyRun, enqueue TxFunc) (StudyRun, bool, error)
	// GetStudyRun returns one candidate run with its result, or
	// ErrNotFound.
	GetStudyRun(ctx context.Context, studyID, key string) (StudyRun, error)
	// ListStudyRunStates returns the state of every candidate run of a
	// study, by key (empty when none).
	ListStudyRunStates(ctx context.Context, studyID string) ([]StudyRunState, error)
	// FinishStudyRun stores the outcome of a candidate run (a result, or
	// an error when result is nil) and recounts the study's RunsDone. A
	// run already finished is overwritten (jobs are idempotent). It
	// returns ErrNotFound when the run does not exist.
	FinishStudyRun(ctx context.Context, studyID, key string, result []byte, errMsg, worker string) error
}
