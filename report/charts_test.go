package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot/vg"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// examplesDir, when set, makes TestRenderExamples write the PNG examples
// shown in docs/charts.md (go test ./report -run RenderExamples
// -examples ../docs/images).
var examplesDir = flag.String("examples", "", "write example chart PNGs from a real engine run to this directory")

// chartScenario is a load-balanced scenario with three servers, an outage
// and a network spike: every kind of thing a chart draws.
func chartScenario(t testing.TB, horizon int) *scenario.Scenario {
	t.Helper()
	api := []scenario.Step{scenario.CPU(0.004), scenario.RAM(64), scenario.DB(0.03), scenario.CPU(0.002)}
	b := scenario.New().
		Generator("rqs-1", 120, 40).
		Window(10).
		Client("client-1").
		LoadBalancer("lb-1", scenario.RoundRobin).
		Server(scenario.NewServer("srv-1").Cores(2).RAM(2048).Endpoint("/api", api...).Endpoint("/health", scenario.CPU(0.001))).
		Server(scenario.NewServer("srv-2").Cores(2).RAM(2048).Endpoint("/api", api...)).
		Server(scenario.NewServer("srv-3").Cores(1).RAM(1024).Endpoint("/api", api...)).
		Edge("gen-client", "rqs-1", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0)).
		Edge("client-lb", "client-1", "lb-1", scenario.ExpRV(0.002), scenario.Dropout(0)).
		Edge("lb-srv-1", "lb-1", "srv-1", scenario.ExpRV(0.002), scenario.Dropout(0)).
		Edge("lb-srv-2", "lb-1", "srv-2", scenario.ExpRV(0.002), scenario.Dropout(0)).
		Edge("lb-srv-3", "lb-1", "srv-3", scenario.ExpRV(0.002), scenario.Dropout(0)).
		Edge("srv-1-client", "srv-1", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0.001)).
		Edge("srv-2-client", "srv-2", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0.001)).
		Edge("srv-3-client", "srv-3", "client-1", scenario.ExpRV(0.003), scenario.Dropout(0.001)).
		Horizon(horizon).
		SamplePeriod(0.01).
		Outage("srv-2-down", "srv-2", 0.3*float64(horizon), 0.45*float64(horizon)).
		Spike("lb-spike", "lb-srv-3", 0.65*float64(horizon), 0.75*float64(horizon), 0.05)
	sc, err := b.Build()
	if err != nil {
		t.Fatalf("building the chart scenario: %v", err)
	}
	return sc
}

// syntheticResult returns a result for sc whose series (n samples each at
// period) and latencies come from a fixed formula and a seeded generator,
// so that golden files do not change when the engine does. A single
// sample of every series is a tall spike.
func syntheticResult(sc *scenario.Scenario, n int, period float64) *result.Result {
	rng := rand.New(rand.NewPCG(7, 11))
	horizon := float64(n) * period
	r := &result.Result{
		FastsimVersion: "test", Seed: 42, HorizonS: horizon,
		Servers: map[string]result.ServerStats{}, Edges: map[string]result.EdgeStats{},
		Series: &result.Series{PeriodS: period, Servers: map[string]result.ServerSeries{}, Edges: map[string]result.EdgeSeries{}},
	}
	wave := func(k int, base, amp float64, spike int) float64 {
		if k == spike {
			return base + 10*amp
		}
		x := float64(k) / float64(n)
		return math.Max(0, math.Round(base+amp*math.Sin(6*math.Pi*x)+amp*0.5*rng.NormFloat64()))
	}
	for i, s := range sc.Topology.Nodes.Servers {
		ss := result.ServerSeries{ReadyQueueLen: make([]float64, n), EventLoopIOSleep: make([]float64, n), RAMInUse: make([]float64, n)}
		for k := range n {
			ss.ReadyQueueLen[k] = wave(k, 2+float64(i), 2, n/3+i)
			ss.EventLoopIOSleep[k] = wave(k, 6, 3, n/2+i)
			ss.RAMInUse[k] = 64 * wave(k, 6, 3, 2*n/3+i)
		}
		r.Series.Servers[s.ID] = ss
		r.Servers[s.ID] = result.ServerStats{Requests: int64(1000 * (i + 1)), Utilization: 0.2 * float64(i+1),
			ReadyQueueLen: summarize(ss.ReadyQueueLen), EventLoopIOSleep: summarize(ss.EventLoopIOSleep), RAMInUse: summarize(ss.RAMInUse)}
	}
	for i, e := range sc.Topology.Edges {
		es := result.EdgeSeries{EdgeConcurrentConnection: make([]float64, n)}
		for k := range n {
			es.EdgeConcurrentConnection[k] = wave(k, 1+float64(i%3), 1, n/4+i)
		}
		r.Series.Edges[e.ID] = es
		r.Edges[e.ID] = result.EdgeStats{EdgeConcurrentConnection: summarize(es.EdgeConcurrentConnection)}
	}
	secs := int(math.Ceil(horizon))
	r.Throughput = result.Throughput{WindowS: 1, Series: make([]float64, secs)}
	sk := result.NewSketch()
	var m result.Moments
	// Latency windows (result.LatencySeries) and event windows, as the
	// engine keeps them; a request of second k completes at k + 0.5.
	width := result.LatencyWindowS(horizon)
	nw := int(math.Ceil(horizon / width))
	wsk := make([]*result.Sketch, nw)
	for k := range wsk {
		wsk[k] = result.NewSketch()
	}
	type acc struct {
		m  result.Moments
		sk *result.Sketch
	}
	evs := make([]acc, len(sc.Events)+1)
	for k := range evs {
		evs[k].sk = result.NewSketch()
	}
	for k := range secs {
		c := math.Round(80 + 20*math.Sin(float64(k)/float64(secs)*2*math.Pi) + 5*rng.NormFloat64())
		t := float64(k) + 0.5
		r.Throughput.Series[k] = c
		for range int(c) {
			v := 0.02 + rng.ExpFloat64()*0.03 // a shifted exponential: 20 ms + Exp(30 ms)
			if rng.IntN(200) == 0 {
				v += 0.5 // a slow tail
			}
			sk.Add(v)
			m.Add(v)
			wsk[min(int(t/width), nw-1)].Add(v)
			inside := false
			for e, ev := range sc.Events {
				if t >= ev.Start.TStart && t < ev.End.TEnd {
					evs[e].m.Add(v)
					evs[e].sk.Add(v)
					inside = true
				}
			}
			if !inside {
				evs[len(sc.Events)].m.Add(v)
				evs[len(sc.Events)].sk.Add(v)
			}
		}
	}
	ls := &result.LatencySeries{WindowS: width, Count: make([]float64, nw), P50: make([]float64, nw), P95: make([]float64, nw), P99: make([]float64, nw)}
	for k, w := range wsk {
		ls.Count[k] = float64(w.Count())
		if w.Count() > 0 {
			ls.P50[k], ls.P95[k], ls.P99[k] = w.Quantile(0.5), w.Quantile(0.95), w.Quantile(0.99)
		}
	}
	r.Series.Latency = ls
	if len(sc.Events) > 0 {
		covered := 0.0
		for e, ev := range sc.Events {
			d := min(ev.End.TEnd, horizon) - ev.Start.TStart
			covered += d // the synthetic scenario's windows do not overlap
			kind := result.WindowServerDown
			if ev.Start.Kind == scenario.NetworkSpikeStart {
				kind = result.WindowNetworkSpike
			}
			r.EventWindows = append(r.EventWindows, result.EventWindow{EventID: ev.ID, Kind: kind, TargetID: ev.TargetID,
				StartS: ev.Start.TStart, EndS: min(ev.End.TEnd, horizon), DurationS: d, Completed: evs[e].m.Count,
				ThroughputRPS: float64(evs[e].m.Count) / d, Latency: result.LatencyFrom(evs[e].m, evs[e].sk)})
		}
		o := evs[len(sc.Events)]
		r.EventWindows = append(r.EventWindows, result.EventWindow{Kind: result.WindowOutside, DurationS: horizon - covered,
			Completed: o.m.Count, ThroughputRPS: float64(o.m.Count) / (horizon - covered), Latency: result.LatencyFrom(o.m, o.sk)})
	}
	r.LatencySketch, r.LatencyMoments = sk, m
	r.Latency = result.LatencyFrom(m, sk)
	r.Counts = result.Counts{Generated: m.Count + 20, Completed: m.Count, Dropped: 12, InFlight: 8}
	r.Throughput.MeanRPS = float64(m.Count) / horizon
	return r
}

// summarize returns the mean and maximum of ys.
func summarize(ys []float64) *result.Summary {
	s := &result.Summary{}
	for _, y := range ys {
		s.Mean += y / float64(len(ys))
		s.Max = max(s.Max, y)
	}
	return s
}

// engineResult runs the engine on sc with series kept.
func engineResult(t testing.TB, sc *scenario.Scenario) *result.Result {
	t.Helper()
	r, err := engine.Run(context.Background(), sc, engine.Options{Seed: 42, Series: true})
	if err != nil {
		t.Fatalf("engine.Run: %v", err)
	}
	return r
}

// numberRE matches the numbers of an SVG document.
var numberRE = regexp.MustCompile(`-?\d+\.\d+(e-?\d+)?`)

// normalizeSVG rounds every decimal number of an SVG to one decimal, so
// that a last-digit difference in floating point (another CPU's fused
// multiply-add) does not change the digest.
func normalizeSVG(svg []byte) []byte {
	return numberRE.ReplaceAllFunc(svg, func(b []byte) []byte {
		v, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return b
		}
		return []byte(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64))
	})
}

// textRE extracts the text elements of an SVG written by gonum/plot.
var textRE = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)

// chartDigest is the golden form of a chart: the SHA-256 of the
// normalised SVG, then every text the chart shows, one per line, so that
// a change in labels reads as a diff.
func chartDigest(svg []byte) []byte {
	sum := sha256.Sum256(normalizeSVG(svg))
	var b bytes.Buffer
	fmt.Fprintf(&b, "sha256 %s\n", hex.EncodeToString(sum[:]))
	for _, m := range textRE.FindAllSubmatch(svg, -1) {
		fmt.Fprintf(&b, "text %s\n", m[1])
	}
	return b.Bytes()
}

func TestRenderChartGolden(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 30000, 0.01)
	noSeries := *r
	noSeries.Series = nil
	tests := []struct {
		name, chart string
		r           *result.Result
	}{
		{"dashboard", ChartDashboard, r},
		{"latency", ChartLatency, r},
		{"throughput", ChartThroughput, r},
		{"latency-time", ChartLatencyTime, r},
		{"topology", ChartTopology, r},
		{"server-srv-2", "server-srv-2", r},
		{"edges", ChartEdges, r},
		{"dashboard-no-series", ChartDashboard, &noSeries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a, b bytes.Buffer
			if err := RenderChart(t.Context(), &a, tt.chart, SVG, sc, tt.r, ChartOptions{}); err != nil {
				t.Fatalf("RenderChart: %v", err)
			}
			if err := RenderChart(t.Context(), &b, tt.chart, SVG, sc, tt.r, ChartOptions{}); err != nil {
				t.Fatalf("RenderChart again: %v", err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two renderings of the same chart differ")
			}
			golden(t, filepath.Join("charts", tt.name+".golden"), chartDigest(a.Bytes()))
		})
	}
}

func TestRenderChartContent(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 3000, 0.1)
	noSeries := *r
	noSeries.Series = nil
	outlier := syntheticResult(sc, 3000, 0.1)
	outlier.LatencySketch.Add(30)
	outlier.LatencyMoments.Add(30)
	outlier.Latency = result.LatencyFrom(outlier.LatencyMoments, outlier.LatencySketch)
	render := func(t *testing.T, chart string, r *result.Result) string {
		t.Helper()
		var b bytes.Buffer
		if err := RenderChart(t.Context(), &b, chart, SVG, sc, r, ChartOptions{}); err != nil {
			t.Fatalf("RenderChart(t.Context(), %s): %v", chart, err)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		chart string
		r     *result.Result
		want  []string
		never []string
	}{
		{name: "DashboardMarksEventsAndPercentiles", chart: ChartDashboard, r: r,
			want:  []string{">srv-2-down<", ">lb-spike<", ">p50 ", ">p95 ", ">p99 ", ">srv-1: ready queue", ">srv-3: RAM in use", "time (s)"},
			never: []string{"series not recorded"}},
		{name: "DashboardWithoutSeriesSaysSo", chart: ChartDashboard, r: &noSeries,
			want: []string{">series not recorded<", ">mean 2.994 · max 23<", "series not recorded (run with series kept to draw them)", ">srv-2-down<"}},
		{name: "ServerChartHasItsThreeSeries", chart: "server-srv-3", r: r,
			want: []string{">Server srv-3<", ">ready queue (waiting for a core)<", ">sleeping on I/O<", ">RAM in use (of 1024 MB)<", ">lb-spike<"}},
		{name: "EdgesChartHasEveryEdge", chart: ChartEdges, r: r,
			want: []string{">gen-client (rqs-1 → client-1)<", ">lb-srv-3 (lb-1 → srv-3)<", ">srv-3-client (srv-3 → client-1)<"}},
		{name: "TopologyShowsNodesEdgesAndEvents", chart: ChartTopology, r: r,
			want: []string{">rqs-1<", ">client-1<", ">lb-1<", ">srv-1<", ">srv-2<", ">srv-3<", ">lb-srv-3<", ">srv-3-client", "down: srv-2-down 90–135 s", "spike lb-spike +50 ms", "2 cores · 2048 MB"}},
		{name: "LatencyAxisCutIsReported", chart: ChartLatency, r: outlier,
			want: []string{"axis cut at ", " ms: 0.00416", " % of requests lie beyond, up to 30 s"}},
		{name: "FontsHaveFallbacks", chart: ChartThroughput, r: r,
			want:  []string{"font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"},
			never: []string{"font-family:Liberation Sans;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := render(t, tt.chart, tt.r)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("chart %s lacks %q", tt.chart, w)
				}
			}
			for _, w := range tt.never {
				if strings.Contains(got, w) {
					t.Errorf("chart %s contains %q", tt.chart, w)
				}
			}
		})
	}
}

func TestRenderChartPNG(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 3000, 0.1)
	tests := []struct {
		name  string
		dpi   int
		wantW int
	}{
		{"DefaultDPI", 0, 1200},
		{"DoubleDPI", 192, 2400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := RenderChart(t.Context(), &b, ChartThroughput, PNG, sc, r, ChartOptions{DPI: tt.dpi}); err != nil {
				t.Fatalf("RenderChart: %v", err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatalf("decoding the PNG: %v", err)
			}
			// The throughput figure is 900×276 points: header 46 +
			// panel 230; at 96 dpi a point is 4/3 pixel.
			got := img.Bounds().Size()
			want := [2]int{tt.wantW, int(math.Ceil(float64(tt.wantW) * 276 / 900))}
			if diff := cmp.Diff(want, [2]int{got.X, got.Y}); diff != "" {
				t.Errorf("PNG size (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderChartErrors(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	r := syntheticResult(sc, 300, 1)
	t.Run("ErrUnknownChart", func(t *testing.T) {
		t.Parallel()
		err := RenderChart(t.Context(), io.Discard, "server-nope", SVG, sc, r, ChartOptions{})
		if !errors.Is(err, ErrUnknownChart) {
			t.Fatalf("err = %v, want ErrUnknownChart", err)
		}
		var u *UnknownChartError
		if !errors.As(err, &u) {
			t.Fatalf("err = %T, want *UnknownChartError", err)
		}
		want := []string{"dashboard", "latency", "throughput", "latency-time", "topology", "server-srv-1", "server-srv-2", "server-srv-3", "edges"}
		if diff := cmp.Diff(want, u.Available); diff != "" {
			t.Errorf("Available (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrBadFormat", func(t *testing.T) {
		t.Parallel()
		if err := RenderChart(t.Context(), io.Discard, ChartLatency, Format(9), sc, r, ChartOptions{}); err == nil || !strings.Contains(err.Error(), "use SVG or PNG") {
			t.Fatalf("err = %v, want the unsupported-format error", err)
		}
	})
	t.Run("ErrNilResult", func(t *testing.T) {
		t.Parallel()
		if err := RenderChart(t.Context(), io.Discard, ChartLatency, SVG, sc, nil, ChartOptions{}); err == nil {
			t.Fatal("err = nil for a nil result")
		}
	})
	t.Run("ErrWriter", func(t *testing.T) {
		t.Parallel()
		err := RenderChart(t.Context(), failWriter{}, ChartLatency, PNG, sc, r, ChartOptions{})
		if !errors.Is(err, errWriteFailed) {
			t.Fatalf("err = %v, want it to wrap the writer's error", err)
		}
	})
}

// errWriteFailed is the error of failWriter.
var errWriteFailed = errors.New("write failed")

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWriteFailed }

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"svg", SVG, false}, {".PNG", PNG, false}, {"Svg", SVG, false}, {"jpg", 0, true}, {"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if SVG.ContentType() != "image/svg+xml" || PNG.ContentType() != "image/png" {
		t.Errorf("content types %q, %q", SVG.ContentType(), PNG.ContentType())
	}
}

// memFile collects one written file.
type memFile struct {
	bytes.Buffer
	closed bool
}

func (m *memFile) Close() error { m.closed = true; return nil }

func TestWritePlots(t *testing.T) {
	t.Parallel()
	sc := chartScenario(t, 300)
	sc.Topology.Nodes.Servers[2].ID = "srv/3" // unsafe in a file name
	r := syntheticResult(sc, 300, 1)
	files := map[string]*memFile{}
	// A low resolution keeps rasterising cheap (the race detector slows
	// it tenfold); TestRenderChartPNG checks full-size images.
	names, err := WritePlots(t.Context(), func(name string) (io.WriteCloser, error) {
		f := &memFile{}
		files[name] = f
		return f, nil
	}, sc, r, ChartOptions{DPI: 12})
	if err != nil {
		t.Fatalf("WritePlots: %v", err)
	}
	var want []string
	for _, c := range []string{"dashboard", "latency", "throughput", "latency-time", "topology", "server-srv-1", "server-srv-2", "server-srv_3", "edges"} {
		want = append(want, c+".svg", c+".png")
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	for name, f := range files {
		if !f.closed || f.Len() == 0 {
			t.Errorf("%s: closed %v, %d bytes", name, f.closed, f.Len())
		}
	}

	t.Run("ErrOpen", func(t *testing.T) {
		t.Parallel()
		errFull := errors.New("disk full")
		_, err := WritePlots(t.Context(), func(string) (io.WriteCloser, error) { return nil, errFull }, sc, r, ChartOptions{})
		if !errors.Is(err, errFull) || !strings.Contains(err.Error(), "dashboard.svg") {
			t.Fatalf("err = %v, want it to name the file and wrap the opener's error", err)
		}
	})
}

// TestRenderExamples writes the documentation's example PNGs from a real
// engine run when -examples is set.
func TestRenderExamples(t *testing.T) {
	if *examplesDir == "" {
		t.Skip("set -examples DIR to write the example charts")
	}
	sc := chartScenario(t, 600)
	r := engineResult(t, sc)
	for _, name := range []string{ChartDashboard, ChartLatency, ChartLatencyTime, ChartTopology, "server-srv-2"} {
		var b bytes.Buffer
		if err := RenderChart(t.Context(), &b, name, PNG, sc, r, ChartOptions{DPI: 84}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*examplesDir, name+".png"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkDashboard renders the dashboard of a one-hour run sampled
// every 10 ms: 360,000 samples in each of the nine server series (three
// servers) and 3,600 throughput windows. Run it with
//
//	go test ./report -run '^$' -bench Dashboard -benchtime 5x
func BenchmarkDashboard(b *testing.B) {
	sc := chartScenario(b, 3600)
	r := syntheticResult(sc, 360_000, 0.01)
	for _, f := range []Format{SVG, PNG} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := RenderChart(b.Context(), io.Discard, ChartDashboard, f, sc, r, ChartOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestLatencyDist(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		values      func(add func(float64))
		wantClipped bool
	}{
		{"Exponential", func(add func(float64)) {
			rng := rand.New(rand.NewPCG(3, 4))
			for range 20000 {
				add(0.01 + rng.ExpFloat64()*0.02)
			}
		}, false},
		{"OneFarOutlier", func(add func(float64)) {
			for k := range 5000 {
				add(0.1 + float64(k%100)*0.001)
			}
			add(30)
		}, true},
		{"AllEqual", func(add func(float64)) {
			for range 100 {
				add(0.25)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sk := result.NewSketch()
			var m result.Moments
			tt.values(func(v float64) { sk.Add(v); m.Add(v) })
			d, ok := newLatencyDist(sk, result.LatencyFrom(m, sk))
			if !ok {
				t.Fatal("no distribution")
			}
			if d.clipped != tt.wantClipped {
				t.Errorf("clipped = %v, want %v", d.clipped, tt.wantClipped)
			}
			// Every request is in a bar or counted beyond the axis; the
			// proportional split only loses floating-point rounding.
			total := d.beyond * float64(d.total)
			for _, c := range d.counts {
				total += c
			}
			if math.Abs(total-float64(sk.Count())) > 1e-6*float64(sk.Count()) {
				t.Errorf("bars and beyond hold %v requests, want %d", total, sk.Count())
			}
			if len(d.counts) > maxDisplayBins+1 {
				t.Errorf("%d bars, want at most %d", len(d.counts), maxDisplayBins+1)
			}
			// The CDF rises from 0 to the share shown on the axis.
			last := d.cdf[len(d.cdf)-1]
			if d.cdf[0].Y != 0 || math.Abs(last.Y-(1-d.beyond)) > 1e-9 {
				t.Errorf("CDF runs from %v to %v, want 0 to %v", d.cdf[0].Y, last.Y, 1-d.beyond)
			}
			for k := 1; k < len(d.cdf); k++ {
				if d.cdf[k].Y < d.cdf[k-1].Y || d.cdf[k].X < d.cdf[k-1].X {
					t.Fatalf("CDF not monotone at %d: %v after %v", k, d.cdf[k], d.cdf[k-1])
				}
			}
		})
	}

	t.Run("NilSketch", func(t *testing.T) {
		t.Parallel()
		if _, ok := newLatencyDist(nil, result.Latency{}); ok {
			t.Error("a distribution from a nil sketch")
		}
	})
}

func TestLabelRows(t *testing.T) {
	t.Parallel()
	// Three labels 10 wide at 0, 5 and 30 with a gap of 3: the second
	// overlaps the first and goes a row up; the third fits in row 0.
	rows, n := labelRows([]vg.Length{0, 5, 30, 14}, []vg.Length{10, 10, 10, 10}, 3)
	if diff := cmp.Diff([]int{0, 1, 0, 2}, rows); diff != "" || n != 3 {
		t.Errorf("rows (-want +got):\n%s; n = %d, want 3", diff, n)
	}
}

func TestFileBase(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	var got []string
	for _, n := range []string{"server-a/b", "server-a_b", "server-a b", ".hidden", "edges"} {
		got = append(got, fileBase(n, used))
	}
	want := []string{"server-a_b", "server-a_b-2", "server-a_b-3", "_.hidden", "edges"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("file bases (-want +got):\n%s", diff)
	}
}

func TestChartsList(t *testing.T) {
	t.Parallel()
	if got := Charts(nil, nil); got != nil {
		t.Errorf("Charts(nil, nil) = %v, want nil", got)
	}
	sc := chartScenario(t, 300)
	var names []string
	for _, c := range Charts(sc, &result.Result{}) {
		if c.Title == "" {
			t.Errorf("chart %s has no title", c.Name)
		}
		names = append(names, c.Name)
	}
	want := []string{"dashboard", "latency", "throughput", "latency-time", "topology", "server-srv-1", "server-srv-2", "server-srv-3", "edges"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestUnkern(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"114 ms": "1\u200a14 ms", "1111": "1\u200a1\u200a1\u200a1", "101": "101", "": ""} {
		if got := unkern(in); got != want {
			t.Errorf("unkern(%q) = %q, want %q", in, got, want)
		}
	}
}
