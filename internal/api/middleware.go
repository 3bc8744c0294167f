package api

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/danielgtaylor/huma/v2"
)

// handle registers op with a handler whose errors all go through problem,
// so that every error response of the API comes from the table in
// errors.go.
//
// Every operation under /api/v1 except login and register is marked as
// requiring a bearer credential (the authenticate middleware enforces it).
func handle[I, O any](api huma.API, logger *slog.Logger, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if requiresAuth(op.Path) {
		op = secured(op)
	}
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, problem(ctx, logger, err)
		}
		return out, nil
	})
}

// recoverPanics answers a panicking handler with a 500 problem and logs the
// stack, instead of dropping the connection.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "handler panic", "panic", v, "stack", string(debug.Stack()))
				writeProblem(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
