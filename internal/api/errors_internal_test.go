package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/scenario"
)

// TestProblemTable checks the one error table: each kind of error, however
// deeply wrapped, gets its status.
func TestProblemTable(t *testing.T) {
	t.Parallel()
	ve := &scenario.ValidationError{Errors: []scenario.FieldError{{Path: "a.b", Message: "bad"}, {Path: "c", Message: "worse"}}}
	tests := []struct {
		name   string
		err    error
		status int
		detail string
	}{
		{"NotFound", fmt.Errorf("get run x: %w", store.ErrNotFound), http.StatusNotFound, "get run x: not found"},
		{"Conflict", fmt.Errorf("delete: %w", store.ErrConflict), http.StatusConflict, "delete: conflict"},
		{"Invalid", fmt.Errorf("cursor: %w", store.ErrInvalid), http.StatusBadRequest, "cursor: invalid parameter"},
		{"Validation", fmt.Errorf("decode: %w", ve), http.StatusUnprocessableEntity, "the scenario is invalid: 2 problems"},
		{"Budget", newFieldError(errBudget, "body", "too big"), http.StatusUnprocessableEntity, "too big"},
		{"MediaType", newFieldError(errMediaType, "header.Content-Type", "no"), http.StatusUnsupportedMediaType, "no"},
		{"HashingBusy", fmt.Errorf("login: %w", auth.ErrBusy), http.StatusServiceUnavailable, "login: " + auth.ErrBusy.Error() + " (the server bounds concurrent password hashing: --hash-slots, --hash-queue, --hash-wait)"},
		{"Cancelled", fmt.Errorf("query: %w", context.Canceled), http.StatusServiceUnavailable, "the request was cancelled or timed out"},
		{"StatusErrorKept", huma.Error403Forbidden("nope"), http.StatusForbidden, "nope"},
		{"Internal", errors.New("disk on fire"), http.StatusInternalServerError, "internal error; request id abc identifies it in the server logs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			ctx := telemetry.WithRequestID(context.Background(), "abc")
			got := problem(ctx, slog.New(slog.NewTextHandler(&logs, nil)), tt.err)
			var em *huma.ErrorModel
			if bp, ok := got.(*busyProblem); ok {
				em = &bp.ErrorModel
				if ra := bp.GetHeaders().Get("Retry-After"); ra != "1" {
					t.Errorf("Retry-After = %q, want 1", ra)
				}
			} else if !errors.As(got, &em) {
				t.Fatalf("problem returned %T, want *huma.ErrorModel", got)
			}
			if em.Status != tt.status || em.Detail != tt.detail {
				t.Errorf("status %d detail %q, want %d %q", em.Status, em.Detail, tt.status, tt.detail)
			}
			if tt.status == http.StatusInternalServerError {
				if !strings.Contains(logs.String(), "disk on fire") {
					t.Errorf("internal error not logged: %q", logs.String())
				}
			} else if logs.Len() != 0 {
				t.Errorf("client error logged: %q", logs.String())
			}
		})
	}
	if em := problem(context.Background(), slog.New(slog.DiscardHandler), ve).(*huma.ErrorModel); len(em.Errors) != 2 || em.Errors[1].Location != "c" || em.Errors[1].Message != "worse" {
		t.Errorf("validation details = %+v", em.Errors)
	}
}
