package storeutil

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

func TestNewPage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	users := []store.User{
		{ID: "0190a5b2-0000-7000-8000-000000000003", CreatedAt: at.Add(2 * time.Second)},
		{ID: "0190a5b2-0000-7000-8000-000000000002", CreatedAt: at.Add(time.Second)},
		{ID: "0190a5b2-0000-7000-8000-000000000001", CreatedAt: at},
	}
	tests := []struct {
		name      string
		items     []store.User
		limit     int
		wantItems int
		wantNext  string
	}{
		{"LastPage", users[:2], 2, 2, ""},
		{"MorePages", users, 2, 2, EncodeCursor(Cursor{CreatedAt: users[1].CreatedAt, ID: users[1].ID})},
		{"Empty", nil, 2, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := NewPage(tt.items, tt.limit, UserKey)
			if diff := cmp.Diff(tt.items[:tt.wantItems], page.Items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if page.NextCursor != tt.wantNext {
				t.Errorf("next cursor %q, want %q", page.NextCursor, tt.wantNext)
			}
		})
	}
}

func TestPagingWrapsErrors(t *testing.T) {
	t.Parallel()
	if _, _, _, err := Paging("list runs", -1, ""); err == nil || err.Error() != "list runs: limit -1: must be between 1 and 1000: invalid parameter" {
		t.Errorf("Paging(-1) error = %v", err)
	}
	n, _, ok, err := Paging("list runs", 0, "")
	if n != DefaultLimit || ok || err != nil {
		t.Errorf("Paging(0, \"\") = %d, %v, %v; want %d, false, nil", n, ok, err, DefaultLimit)
	}
}
