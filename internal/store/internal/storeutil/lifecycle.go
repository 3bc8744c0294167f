package storeutil

import (
	"context"
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
