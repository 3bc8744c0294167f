package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"testing"

	"github.com/fastsim/fastsim/scenario"
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
	sc := wideScenario(t, 12)
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
				// Uncancelled, the renderer checks the context once per tile
				// row and per server or edge: many more times than the few
				// a stopped one may still make (each remaining top-level
				// row and the encoder check once without drawing).
				full := &countdownCtx{Context: context.Background(), after: math.MaxInt64}
				if err := tt.render(full, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
				const slack = 4
				if n := full.calls.Load(); n <= after+1+2*slack {
					t.Fatalf("an uncancelled render checks the context only %d times: the test cannot tell", n)
				}
				if n := ctx.calls.Load(); n > after+1+slack {
					t.Errorf("checked the context %d times after it was cancelled at check %d (uncancelled: %d in all)", n-after-1, after+1, full.calls.Load())
				}
			})
		}
	}
}

// wideScenario is n servers behind a load balancer, each with its two
// edges: a dashboard of n server rows and an edges chart of 2n+2 panels.
func wideScenario(t *testing.T, n int) *scenario.Scenario {
	t.Helper()
	b := scenario.New().Generator("gen", 10, 60).Client("client").LoadBalancer("lb", scenario.RoundRobin).
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.001)).
		Edge("client-lb", "client", "lb", scenario.ExpRV(0.001))
	for i := range n {
		id := fmt.Sprintf("srv-%d", i)
		b.Server(scenario.NewServer(id).Cores(1).RAM(1024).Endpoint("/api", scenario.CPU(0.004), scenario.RAM(64)))
		b.Edge("lb-"+id, "lb", id, scenario.ExpRV(0.001))
		b.Edge(id+"-client", id, "client", scenario.ExpRV(0.001))
	}
	sc, err := b.Horizon(60).SamplePeriod(0.01).Build()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
