package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
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
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", "text/event-stream")
		hctx.SetHeader("Cache-Control", "no-cache")
		hctx.SetHeader("X-Accel-Buffering", "no")
		w := hctx.BodyWriter()
		rc := flusher{w}
		ctx := hctx.Context()
		send := func(event string, r Run) bool {
			data, err := json.Marshal(r)
			if err != nil {
				return false
			}
			rc.extendDeadline()
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		run := first
		last := toRun(run)
		if run.Status.Final() {
			send("status", last)
			return
		}
		if !send("progress", last) {
			return
		}
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
				run, err = s.Store.GetRun(ctx, actor(ctx), in.ID)
				if err != nil {
					s.Logger.WarnContext(ctx, "event stream: read run", "run_id", in.ID, "error", err.Error())
					return
				}
				cur := toRun(run)
				if run.Status.Final() {
					send("status", cur)
					return
				}
				if cur.Status != last.Status || cur.Progress != last.Progress {
					if !send("progress", cur) {
						return
					}
					last = cur
				}
			}
		}
	}}, nil
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
