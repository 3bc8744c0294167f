package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// countdownCtx is a context that reports context.Canceled from its
// (after+1)-th call of Err on, and counts the calls: a renderer that
// checks it in its loops stops within a few checks of the cancellation.
type countdownCtx struct {
	context.Context
	after int64
	calls atomic.Int64
}

// Err returns context.Canceled once after calls have been made.
func (c *countdownCtx) Err() error {
	if c.calls.Add(1) > c.after {
		return context.Canceled
	}
	return nil
}

// TestRenderCancelled cancels each renderer before it starts and in the
// middle of its loops (after a few checks): it returns an error wrapping
// context.Canceled, writes nothing, and checks the context only a few
// times after the cancellation (it stopped instead of drawing on).
func TestRenderCancelled(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 60)
	r := syntheticResult(sc, 6000, 0.01)
	renders := []struct {
		name   string
		render func(ctx context.Context, w *bytes.Buffer) error
	}{
		{"DashboardSVG", func(ctx context.Context, w *bytes.Buffer) error {
			return RenderChart(ctx, w, ChartDashboard, SVG, sc, r, ChartOptions{})
		}},
		{"EdgesPNG", func(ctx context.Context, w *bytes.Buffer) error {
			return RenderChart(ctx, w, ChartEdges, PNG, sc, r, ChartOptions{})
		}},
		{"HTML", func(ctx context.Context, w *bytes.Buffer) error { return WriteHTML(ctx, w, sc, r, nil) }},
	}
	for _, tt := range renders {
		for _, after := range []int64{0, 2} {
			t.Run(fmt.Sprintf("%s/CancelledAtCheck%d", tt.name, after+1), func(t *testing.T) {
				t.Parallel()
				ctx := &countdownCtx{Context: context.Background(), after: after}
				var buf bytes.Buffer
				err := tt.render(ctx, &buf)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled after %d checks: %v, want context.Canceled", after, err)
				}
				if buf.Len() != 0 {
					t.Errorf("wrote %d bytes after the cancellation", buf.Len())
				}
				// The dashboard has 2 tile rows and 3 server rows, the edges
				// 8 panels: a renderer that went on would check dozens of
				// times. Two more checks are allowed (the loop's and the
				// encoder's) after the one that failed.
				if n := ctx.calls.Load(); n > after+3 {
					t.Errorf("checked the context %d times after it was cancelled at check %d", n-after-1, after+1)
				}
			})
		}
	}
}
