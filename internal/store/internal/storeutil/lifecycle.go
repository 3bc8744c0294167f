package storeutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/fastsim/fastsim/internal/store"
)

// Helpers shared by the records with a life-cycle status (runs and
// studies): what, "run" or "study", names the record in errors.

// stateError explains why a conditional update of the record id matched no
// row: ErrNotFound when it does not exist (for actor), ErrConflict
// otherwise. statusSQL selects the record's status by id, admin and owner.
func stateError(ctx context.Context, c Conn, statusSQL Query, what string, actor store.Actor, id, op string) error {
	var status string
	if err := c.QueryRow(ctx, statusSQL, id, actor.Admin, OwnerArg(actor)).Scan(&status); err != nil {
		return NotFound(c, err, what, id)
	}
	return fmt.Errorf("%s %s %q: %s is %s: %w", op, what, id, what, status, store.ErrConflict)
}

// countByStatus runs countSQL, which returns (status, count) rows, and
// returns the counts by status.
func countByStatus(ctx context.Context, c Conn, countSQL Query, what string) (map[store.RunStatus]int, error) {
	rows, err := c.Query(ctx, countSQL)
	if err != nil {
		return nil, fmt.Errorf("%s: count %s: %w", c.Name(), what, err)
	}
	type count struct {
		status string
		n      int
	}
	counts, err := CollectRows(rows, func(r Row) (count, error) {
		var c count
		err := r.Scan(&c.status, &c.n)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: count %s: %w", c.Name(), what, err)
	}
	out := map[store.RunStatus]int{}
	for _, c := range counts {
		out[store.RunStatus(c.status)] = c.n
	}
	return out, nil
}

// setJobID records the River job id of the record id with setSQL, which
// takes (id, job id); ErrNotFound when no such record.
func setJobID(ctx context.Context, c Conn, setSQL Query, what, id string, jobID int64) error {
	if !ValidID(id) {
		return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound)
	}
	n, err := c.Exec(ctx, setSQL, id, jobID)
	if err != nil {
		return fmt.Errorf("%s: set job id of %s %q: %w", c.Name(), what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound)
	}
	return nil
}

// lifecycle describes runs or studies for the helpers below.
type lifecycle[T any] struct {
	what      string               // "run" or "study", as errors name it
	statusSQL Query                // selects the status by id, admin and owner
	scan      func(Row) (T, error) // scans a row of the record's columns
}

var (
	runRecords   = lifecycle[store.Run]{what: "run", statusSQL: runStatusSQL, scan: scanRun}
	studyRecords = lifecycle[store.Study]{what: "study", statusSQL: studyStatusSQL, scan: scanStudy}
)

// get reads the record id with getSQL, which takes (id, admin, owner), as
// actor sees it: ErrNotFound when it does not exist for actor.
func (l lifecycle[T]) get(ctx context.Context, c Conn, getSQL Query, actor store.Actor, id string) (T, error) {
	var zero T
	if !ValidID(id) {
		return zero, fmt.Errorf("%s %q: %w", l.what, id, store.ErrNotFound)
	}
	v, err := l.scan(c.QueryRow(ctx, getSQL, id, actor.Admin, OwnerArg(actor)))
	if err != nil {
		return zero, NotFound(c, err, l.what, id)
	}
	return v, nil
}

// update runs the conditional update q (op, e.g. "start", names it in
// errors) of the record id, with id and then args as its arguments, and
// returns the updated record; when no row matched, stateError says why,
// as actor sees the record.
func (l lifecycle[T]) update(ctx context.Context, c Conn, actor store.Actor, op, id string, q Query, args ...any) (T, error) {
	var zero T
	v, err := l.scan(c.QueryRow(ctx, q, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return zero, stateError(ctx, c, l.statusSQL, l.what, actor, id, op)
	}
	if err != nil {
		return zero, fmt.Errorf("%s: %s %s %q: %w", c.Name(), op, l.what, id, err)
	}
	return v, nil
}

// list runs the list query q, whose args ask for limit+1 rows, and
// returns the page of at most limit records (see NewPage); plural names
// the records in errors.
func (l lifecycle[T]) list(ctx context.Context, c Conn, plural string, limit int, key func(T) Cursor, q Query, args ...any) (store.Page[T], error) {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return store.Page[T]{}, fmt.Errorf("%s: list %s: %w", c.Name(), plural, err)
	}
	items, err := CollectRows(rows, l.scan)
	if err != nil {
		return store.Page[T]{}, fmt.Errorf("%s: list %s: %w", c.Name(), plural, err)
	}
	return NewPage(items, limit, key), nil
}

// checkScenarioRef checks, in tx, that the scenario a run or study refers
// to (id nil: none) exists for actor, with the version, when given, among
// its versions; it share-locks the scenario (see scenarioOfRunSQL).
func checkScenarioRef(ctx context.Context, tx Conn, actor store.Actor, id *string, version *int) error {
	if id == nil {
		return nil
	}
	var latest int
	if err := tx.QueryRow(ctx, scenarioOfRunSQL, *id, actor.Admin, OwnerArg(actor)).Scan(&latest); err != nil {
		return NotFound(tx, err, "scenario", *id)
	}
	if version != nil && (*version < 1 || *version > latest) {
		return fmt.Errorf("scenario %q version %d: %w", *id, *version, store.ErrNotFound)
	}
	return nil
}
