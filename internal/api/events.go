package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/store"
)

// heartbeat is the interval of SSE comments that keep idle connections
// (and proxies) open.
const heartbeat = 15 * time.Second

// streamWriteTimeout is how long one write of an event stream may take
// (two heartbeats): the stream itself has no end, so the server's
// WriteTimeout is pushed on with every write.
const streamWriteTimeout = 2 * heartbeat

func eventsOp() huma.Operation {
	o := op("get-run-events", http.MethodGet, "/api/v1/runs/{id}/events", "Follow a run (Server-Sent Events)", "Runs", http.StatusNotFound)
	o.Description = "A text/event-stream of `progress` events (data: the run, as GET /api/v1/runs/{id}) " +
		"each time the status or progress changes, then one `status` event with the final run, after which the stream ends. " +
		"A run that is already finished gets the `status` event at once."
	o.Responses = map[string]*huma.Response{
		"200": {
			Description: "The event stream.",
			Content: map[string]*huma.MediaType{
				"text/event-stream": {Schema: &huma.Schema{Type: huma.TypeString, Description: "event: progress|status, data: a Run as JSON"}},
			},
		},
	}
	return o
}

// events streams a run's progress until it reaches a final status or the
// client goes away. It polls the store, so it follows runs executed by any
// worker on any machine.
func (s *server) events(ctx context.Context, in *idInput) (*huma.StreamResponse, error) {
	first, err := s.Store.GetRun(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, fmt.Errorf("get run %s: %w", in.ID, err)
	}
	snap := func(r store.Run) snapshot {
		body := toRun(r)
		return snapshot{body: body, final: r.Status.Final(), key: fmt.Sprint(body.Status, body.Progress)}
	}
	return s.stream(snap(first), func(ctx context.Context) (snapshot, error) {
		r, err := s.Store.GetRun(ctx, actor(ctx), in.ID)
		if err != nil {
			return snapshot{}, fmt.Errorf("event stream: read run %s: %w", in.ID, err)
		}
		return snap(r), nil
	}), nil
}

// snapshot is one state of a streamed resource: its body (the data of an
// event), whether it is final, and a key that changes when a client
// should hear of it.
type snapshot struct {
	body  any
	final bool
	key   string
}

// stream answers a text/event-stream that sends a progress event with
// first, then, polling next every PollInterval, a progress event whenever
// the key changes and one status event with the final state, after which
// it ends (at once when first is final). Heartbeat comments keep idle
// connections open; the stream also ends with its client, on a read
// error (logged), or at shutdown (Options.Stop).
func (s *server) stream(first snapshot, next func(context.Context) (snapshot, error)) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", "text/event-stream")
		hctx.SetHeader("Cache-Control", "no-cache")
		hctx.SetHeader("X-Accel-Buffering", "no")
		w := hctx.BodyWriter()
		rc := flusher{w}
		ctx := hctx.Context()
		send := func(event string, body any) bool {
			data, err := json.Marshal(body)
			if err != nil {
				return false
			}
			rc.extendDeadline()
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		if first.final {
			send("status", first.body)
			return
		}
		if !send("progress", first.body) {
			return
		}
		last := first
		poll := time.NewTicker(s.PollInterval)
		defer poll.Stop()
		beat := time.NewTicker(heartbeat)
		defer beat.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.Stop:
				return
			case <-beat.C:
				rc.extendDeadline()
				if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
					return
				}
			case <-poll.C:
				cur, err := next(ctx)
				if err != nil {
					s.Logger.WarnContext(ctx, err.Error())
					return
				}
				if cur.final {
					send("status", cur.body)
					return
				}
				if cur.key != last.key {
					if !send("progress", cur.body) {
						return
					}
					last = cur
				}
			}
		}
	}}
}

// flusher flushes a body writer that is an http.ResponseWriter (through
// http.ResponseController, which follows Unwrap).
type flusher struct{ w any }

// extendDeadline gives the next write streamWriteTimeout to complete: a
// stream outlives the server's WriteTimeout, but a client that stops
// reading is still cut off. Writers without deadlines (tests) ignore it.
func (f flusher) extendDeadline() {
	if rw, ok := f.w.(http.ResponseWriter); ok {
		_ = http.NewResponseController(rw).SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	}
}

// Flush sends buffered bytes to the client.
func (f flusher) Flush() error {
	if rw, ok := f.w.(http.ResponseWriter); ok {
		return http.NewResponseController(rw).Flush()
	}
	return nil
}
