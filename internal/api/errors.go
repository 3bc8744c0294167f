package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/telemetry"
	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/scenario"
)

// Errors that handlers return and the table below maps to statuses.
var (
	// errBudget marks a run whose estimated events exceed the budget.
	errBudget = errors.New("over the event budget")
	// errUnprocessable marks a well-formed request whose values cannot be
	// used (bad replications, scenario and scenario_id both given, ...).
	errUnprocessable = errors.New("unprocessable request")
	// errBadRequest marks a malformed query parameter.
	errBadRequest = errors.New("bad request")
	// errMediaType marks a body whose Content-Type is not accepted.
	errMediaType = errors.New("unsupported media type")
)

// statusTable is the one mapping from error kinds to HTTP statuses. The
// first entry that errors.Is matches wins; *scenario.ValidationError is
// handled before it (422 with one entry per problem).
var statusTable = []struct {
	err    error
	status int
}{
	{store.ErrNotFound, http.StatusNotFound},
	{auth.ErrInvalidCredentials, http.StatusUnauthorized},
	{auth.ErrUnauthenticated, http.StatusUnauthorized},
	{errForbidden, http.StatusForbidden},
	{report.ErrUnknownChart, http.StatusNotFound},
	{store.ErrConflict, http.StatusConflict},
	{store.ErrLastAdmin, http.StatusConflict},
	{store.ErrInvalid, http.StatusBadRequest},
	{errBadRequest, http.StatusBadRequest},
	{errMediaType, http.StatusUnsupportedMediaType},
	{errBudget, http.StatusUnprocessableEntity},
	{errUnprocessable, http.StatusUnprocessableEntity},
}

// fieldError is an error about one location of the request (e.g.
// "body.replications", "query.limit"); it becomes an entry of the
// problem's errors array.
type fieldError struct {
	kind     error
	location string
	message  string
}

// Error returns "location: message".
func (e *fieldError) Error() string { return e.location + ": " + e.message }

// Unwrap returns the error kind, for the status table.
func (e *fieldError) Unwrap() error { return e.kind }

func newFieldError(kind error, location, format string, args ...any) error {
	return &fieldError{kind: kind, location: location, message: fmt.Sprintf(format, args...)}
}

// problem translates err into an RFC 9457 problem (huma.ErrorModel, served
// as application/problem+json). Unknown errors are logged with the request
// id and answered with a generic 500.
func problem(ctx context.Context, logger *slog.Logger, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return se
	}
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		details := make([]error, len(ve.Errors))
		for i, fe := range ve.Errors {
			details[i] = &huma.ErrorDetail{Location: fe.Path, Message: fe.Message}
		}
		return huma.NewError(http.StatusUnprocessableEntity,
			fmt.Sprintf("the scenario is invalid: %d %s", len(ve.Errors), plural(len(ve.Errors), "problem", "problems")), details...)
	}
	if errors.Is(err, auth.ErrBusy) {
		return &busyProblem{ErrorModel: huma.ErrorModel{Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable,
			Detail: err.Error() + " (the server bounds concurrent password hashing: --hash-slots, --hash-queue, --hash-wait)"}, RetryAfterS: busyRetryAfterS}
	}
	var pe *auth.PolicyError
	if errors.As(err, &pe) {
		return huma.NewError(http.StatusUnprocessableEntity, pe.Error(), &huma.ErrorDetail{Location: "body." + pe.Field, Message: pe.Message})
	}
	for _, row := range statusTable {
		if !errors.Is(err, row.err) {
			continue
		}
		var fe *fieldError
		if errors.As(err, &fe) {
			return huma.NewError(row.status, fe.message, &huma.ErrorDetail{Location: fe.location, Message: fe.message})
		}
		return huma.NewError(row.status, err.Error())
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return huma.NewError(http.StatusServiceUnavailable, "the request was cancelled or timed out")
	}
	logger.ErrorContext(ctx, "internal error", "error", err.Error())
	if id := telemetry.RequestID(ctx); id != "" {
		return huma.NewError(http.StatusInternalServerError, "internal error; request id "+id+" identifies it in the server logs")
	}
	return huma.NewError(http.StatusInternalServerError, "internal error; see the server logs")
}

// busyRetryAfterS is the Retry-After of a busyProblem: a hashing slot
// frees up within one hash time (about 50 ms), so a second is plenty.
const busyRetryAfterS = 1

// busyProblem is the 503 of a request the server is too busy to serve now
// (every password-hashing slot taken and the queue full or waited out):
// retry after RetryAfterS seconds.
type busyProblem struct {
	huma.ErrorModel
	// RetryAfterS repeats the Retry-After header, in seconds.
	RetryAfterS int `json:"retry_after_s" example:"1"`
}

// GetHeaders returns Retry-After, so that huma sets it.
func (p *busyProblem) GetHeaders() http.Header {
	return http.Header{"Retry-After": []string{strconv.Itoa(p.RetryAfterS)}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
