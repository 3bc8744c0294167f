package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// RequestIDHeader is the header that carries the request id in and out.
const RequestIDHeader = "X-Request-ID"

// Middleware wraps next, which should be the http.ServeMux holding the
// routes, with, from the outside in: the request id (taken from
// X-Request-ID when it is a safe token (see validRequestID), generated otherwise, echoed in
// the response and put in the request's context), an access log line per
// request, and the HTTP metrics labelled with the matched route pattern.
func Middleware(logger *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		ctx := WithRequestID(r.Context(), id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
		// The mux sets r.Pattern on the request it was given: this one.
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		status := strconv.Itoa(rec.status)
		if m != nil {
			m.httpDuration.WithLabelValues(route, r.Method, status).Observe(elapsed.Seconds())
			m.httpRequests.WithLabelValues(route, r.Method, status).Inc()
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		clientGone := ctx.Err() != nil
		if clientGone {
			level = slog.LevelInfo // the client left; the status was never seen
		}
		logger.LogAttrs(ctx, level, "http request",
			slog.Bool("client_gone", clientGone),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// MaxRequestIDLen is the longest X-Request-ID accepted from a client.
const MaxRequestIDLen = 128

// validRequestID accepts 1 to MaxRequestIDLen characters of
// [A-Za-z0-9._:-] (enough for UUIDs, ULIDs and trace ids), so that a
// client's id cannot inject anything into logs, headers or bodies; any
// other id is replaced by a generated one.
func validRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status code and the bytes written. It keeps
// http.Flusher working (Server-Sent Events need it) through Unwrap, which
// http.ResponseController uses, and a direct Flush.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

// WriteHeader records the first status code and passes it on.
func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status = code
		s.wroteHeader = true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes written.
func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Flush flushes the underlying writer when it supports it.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
