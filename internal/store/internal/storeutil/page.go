package storeutil

import (
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// Paging validates the limit and cursor of a list request; list names the
// list in errors ("list runs"). ok is false for the first page.
func Paging(list string, limit int, cursor string) (n int, c Cursor, ok bool, err error) {
	n, err = Limit(limit)
	if err != nil {
		return 0, Cursor{}, false, fmt.Errorf("%s: %w", list, err)
	}
	c, ok, err = DecodeCursor(cursor)
	if err != nil {
		return 0, Cursor{}, false, fmt.Errorf("%s: %w", list, err)
	}
	return n, c, ok, nil
}

// NewPage returns the page of items read with LIMIT limit+1: an extra item
// means another page follows, and the next cursor is the key of the last
// item kept.
func NewPage[T any](items []T, limit int, key func(T) Cursor) store.Page[T] {
	page := store.Page[T]{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = EncodeCursor(key(page.Items[limit-1]))
	}
	return page
}

// RunKey is the keyset position of a run.
func RunKey(r store.Run) Cursor { return Cursor{CreatedAt: r.CreatedAt, ID: r.ID} }

// ScenarioKey is the keyset position of a scenario.
func ScenarioKey(sc store.Scenario) Cursor { return Cursor{CreatedAt: sc.CreatedAt, ID: sc.ID} }

// UserKey is the keyset position of a user.
func UserKey(u store.User) Cursor { return Cursor{CreatedAt: u.CreatedAt, ID: u.ID} }

// CursorArgs returns the creation time and id of a keyset cursor as
// nullable query arguments: both nil (NULL) for the first page.
func CursorArgs(c Cursor, ok bool) (at *time.Time, id *string) {
	if !ok {
		return nil, nil
	}
	return &c.CreatedAt, &c.ID
}
