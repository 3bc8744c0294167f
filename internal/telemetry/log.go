package telemetry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// NewLogger returns a logger writing to w at level ("debug", "info", "warn"
// or "error") in format ("json" or "text"). Every record logged with a
// context that carries a request id (see WithRequestID) gets a
// "request_id" attribute.
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("telemetry: log level %q: use debug, info, warn or error: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch format {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text":
		h = slog.NewTextHandler(w, opts)
	default:
		return nil, fmt.Errorf("telemetry: log format %q: use json or text", format)
	}
	return slog.New(ContextHandler{Handler: h}), nil
}

// ContextHandler is a slog.Handler that adds the request id found in the
// record's context to the record.
type ContextHandler struct {
	slog.Handler
}

// Handle adds "request_id" when ctx carries one, then delegates.
func (h ContextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs returns a ContextHandler over the inner handler's WithAttrs.
func (h ContextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return ContextHandler{Handler: h.Handler.WithAttrs(attrs)}
}

// WithGroup returns a ContextHandler over the inner handler's WithGroup.
func (h ContextHandler) WithGroup(name string) slog.Handler {
	return ContextHandler{Handler: h.Handler.WithGroup(name)}
}

// requestInfo is what the middleware keeps about a request in its context.
type requestInfo struct {
	id string
}

type requestInfoKey struct{}

// WithRequestID returns a context carrying the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, &requestInfo{id: id})
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info.id
	}
	return ""
}
