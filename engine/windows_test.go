package engine

import (
	"fmt"
	"math"
	"testing"

	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// spikeScenario is TestNetworkSpikeAddsExactly's server: every latency is
// exactly 10 ms + 3 tiny hops, plus the spikes active when the request
// crosses client→srv. Spikes: s1 +100 ms on [20, 30), s2 +50 ms on
// [25, 35).
func spikeScenario(horizon int) *scenario.Scenario {
	sc := singleServer(constantRate(200), horizon, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
	sc.Events = []scenario.Event{
		{ID: "s1", TargetID: "client-srv",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 20, SpikeS: ptr(0.1)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 30}},
		{ID: "s2", TargetID: "client-srv",
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 25, SpikeS: ptr(0.05)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 35}},
	}
	return sc
}

func TestEventWindows(t *testing.T) {
	t.Parallel()
	sc := spikeScenario(50)
	// The expected figures, from every completion the hook sees: a window
	// holds the completions at times in [start, end).
	type acc struct {
		n   int64
		sum float64
	}
	var in1, in2, out acc
	r := mustRun(t, sc, Options{Seed: 2}, &hooks{complete: func(born, now float64) {
		lat := now - born
		a, b := now >= 20 && now < 30, now >= 25 && now < 35
		if a {
			in1.n, in1.sum = in1.n+1, in1.sum+lat
		}
		if b {
			in2.n, in2.sum = in2.n+1, in2.sum+lat
		}
		if !a && !b {
			out.n, out.sum = out.n+1, out.sum+lat
		}
	}})
	if len(r.EventWindows) != 3 {
		t.Fatalf("%d event windows, want 3 (s1, s2, outside)", len(r.EventWindows))
	}
	tests := []struct {
		w                    result.EventWindow
		id, kind             string
		start, end, duration float64
		want                 acc
	}{
		{r.EventWindows[0], "s1", result.WindowNetworkSpike, 20, 30, 10, in1},
		{r.EventWindows[1], "s2", result.WindowNetworkSpike, 25, 35, 10, in2},
		// The horizon minus the union [20, 35) of the windows.
		{r.EventWindows[2], "", result.WindowOutside, 0, 0, 35, out},
	}
	for _, tt := range tests {
		w := tt.w
		if w.EventID != tt.id || w.Kind != tt.kind || w.StartS != tt.start || w.EndS != tt.end || w.DurationS != tt.duration {
			t.Errorf("window %q %s [%v, %v) %v s, want %q %s [%v, %v) %v s", w.EventID, w.Kind, w.StartS, w.EndS, w.DurationS,
				tt.id, tt.kind, tt.start, tt.end, tt.duration)
		}
		if w.Completed != tt.want.n || w.Latency.TotalRequests != tt.want.n {
			t.Errorf("window %q: completed %d, want %d", tt.id, w.Completed, tt.want.n)
		}
		if want := float64(tt.want.n) / tt.duration; w.ThroughputRPS != want {
			t.Errorf("window %q: throughput %v, want %v", tt.id, w.ThroughputRPS, want)
		}
		// Mean latency is exact up to summation order.
		if want := tt.want.sum / float64(tt.want.n); math.Abs(w.Latency.Mean-want) > 1e-12 {
			t.Errorf("window %q: mean latency %v, want %v", tt.id, w.Latency.Mean, want)
		}
	}
	// Outside every window no spike is active: the latency is exactly
	// 10 ms + 3 hops, the p50 within the sketch's 0.5 %.
	base := 0.01 + 3*tiny
	if p50 := r.EventWindows[2].Latency.P50; math.Abs(p50-base) > result.RelativeAccuracy*base {
		t.Errorf("outside p50 = %v, want %v", p50, base)
	}
	// Inside s1, after its first 0.2 s and before s2, +100 ms.
	if p50 := r.EventWindows[0].Latency.P50; math.Abs(p50-(base+0.1)) > result.RelativeAccuracy*(base+0.1) {
		t.Errorf("s1 p50 = %v, want %v", p50, base+0.1)
	}
	if in1.n+in2.n+out.n <= r.Counts.Completed || out.n+in1.n > r.Counts.Completed {
		t.Errorf("window counts %d + %d + %d do not cover %d completions with [25, 30) counted twice", in1.n, in2.n, out.n, r.Counts.Completed)
	}
}

func TestEventWindowsAbsentWithoutEvents(t *testing.T) {
	t.Parallel()
	sc := singleServer(constantRate(50), 10, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
	if r := mustRun(t, sc, Options{Seed: 1}, nil); r.EventWindows != nil {
		t.Errorf("event windows %+v for a scenario without events", r.EventWindows)
	}
}

func TestLatencySeries(t *testing.T) {
	t.Parallel()
	// 400 s: 200 windows of 2 s (result.MaxLatencyWindows).
	sc := spikeScenario(400)
	if r := mustRun(t, sc, Options{Seed: 2}, nil); r.Series != nil {
		t.Fatal("series kept without Options.Series")
	}
	r := mustRun(t, sc, Options{Seed: 2, Series: true}, nil)
	ls := r.Series.Latency
	if ls == nil || ls.WindowS != 2 || len(ls.Count) != 200 || len(ls.P50) != 200 || len(ls.P95) != 200 || len(ls.P99) != 200 {
		t.Fatalf("latency series: %+v, want 200 windows of 2 s", ls)
	}
	var total float64
	for _, c := range ls.Count {
		total += c
	}
	if int64(total) != r.Counts.Completed {
		t.Errorf("latency series counts %v completions, want %d", total, r.Counts.Completed)
	}
	base := 0.01 + 3*tiny
	// Window 11 ([22, 24)) lies inside s1 only (+100 ms), 13 ([26, 28))
	// inside both (+150 ms), 16 ([32, 34)) inside s2 only (+50 ms), 0 and
	// 100 outside every spike: every latency of a window is the same, so
	// p50 = p95 = p99 within the sketch's 0.5 %.
	for _, tt := range []struct {
		k    int
		want float64
	}{{0, base}, {11, base + 0.1}, {13, base + 0.15}, {16, base + 0.05}, {100, base}} {
		for name, got := range map[string]float64{"p50": ls.P50[tt.k], "p95": ls.P95[tt.k], "p99": ls.P99[tt.k]} {
			if math.Abs(got-tt.want) > result.RelativeAccuracy*tt.want {
				t.Errorf("window %d: %s = %v, want %v", tt.k, name, got, tt.want)
			}
		}
	}
}

func TestEventWindowsBounded(t *testing.T) {
	t.Parallel()
	for _, n := range []int{result.MaxEventWindows, result.MaxEventWindows + 1} {
		sc := singleServer(constantRate(50), 10, tinyEdges(), srv("srv", 1, 1024, io(scenario.IOWait, fixed(0.01))))
		for i := range n {
			sc.Events = append(sc.Events, scenario.Event{ID: fmt.Sprintf("s%d", i), TargetID: "client-srv",
				Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: 1, SpikeS: ptr(0.001)},
				End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: 2}})
		}
		r := mustRun(t, sc, Options{Seed: 1}, nil)
		// Up to the bound: one window per event and outside; beyond it none.
		want := n + 1
		if n > result.MaxEventWindows {
			want = 0
		}
		if len(r.EventWindows) != want {
			t.Errorf("%d events: %d event windows, want %d", n, len(r.EventWindows), want)
		}
	}
}
