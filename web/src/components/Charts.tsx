// The result's interactive charts, drawn with uPlot: drag to zoom (double
// click to reset), hover for values in the legend. Long series are shaped
// to the chart's width (lib/chartdata.ts): a band from the minimum to the
// maximum of each pixel column and a line through its mean, as the PNG
// charts draw them. Event windows are shaded on every time chart.
import { useEffect, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EventWindow, Result, Series } from '../api/types';
import { cdf, histogram, shapeSeries } from '../lib/chartdata';

const palette = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
const windowColour: Record<string, string> = { server_down: 'rgba(213,94,0,0.14)', network_spike: 'rgba(204,121,167,0.22)' };

/** Shades event windows and draws vertical markers (percentiles) under the series. */
function overlays(windows: EventWindow[], marks: { x: number; label: string }[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u: uPlot) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          ctx.save();
          for (const w of windows) {
            const x0 = u.valToPos(w.start_s, 'x', true);
            const x1 = u.valToPos(w.end_s, 'x', true);
            ctx.fillStyle = windowColour[w.kind] ?? 'rgba(0,0,0,0.08)';
            ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u: uPlot) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          ctx.save();
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillStyle = '#333';
          ctx.strokeStyle = '#555';
          ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
          for (const m of marks) {
            const x = u.valToPos(m.x, 'x', true);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.fillText(m.label, x + 4 * devicePixelRatio, top + 14 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

interface ChartProps {
  title: string;
  /** Builds the options for a width (px); data too, so it can be shaped to the width. */
  build(width: number): { opts: Omit<Options, 'width' | 'height'>; data: AlignedData };
  note?: string;
}

/** One uPlot chart that fills its container's width. */
function Chart({ title, build, note }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = host.current!;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (width < 50) return;
    const { opts, data } = build(width);
    const u = new uPlot({ ...opts, width, height: 240 } as Options, data, host.current!);
    return () => u.destroy();
  }, [width, build]);
  return (
    <figure className="chart">
      <figcaption>
        {title}
        {note && <span className="muted"> · {note}</span>}
      </figcaption>
      <div ref={host} role="img" aria-label={`${title} chart. Drag to zoom, double-click to reset.`} />
    </figure>
  );
}

const timeAxis = { label: 'time (s)' };

/** Time charts of several named series sharing one sample period. */
function timeChart(named: [string, number[]][], period: number, unit: string, windows: EventWindow[]) {
  return (width: number) => {
    const cols = Math.max(100, width);
    const shaped = named.map(([n, ys]) => [n, shapeSeries(ys, period, cols)] as const);
    const x = shaped.reduce<number[]>((a, [, s]) => (s.x.length > a.length ? s.x : a), []);
    const data: (number | null)[][] = [x];
    const series: uPlot.Series[] = [{ label: 'time (s)' }];
    const bands: uPlot.Band[] = [];
    shaped.forEach(([n, s], i) => {
      const c = palette[i % palette.length]!;
      const pad = (v: number[]) => x.map((_, k) => v[k] ?? null);
      if (s.downsampled) {
        const base = data.length;
        data.push(pad(s.max), pad(s.min));
        series.push({ label: `${n} max`, stroke: c, width: 0.5, alpha: 0.6 }, { label: `${n} min`, stroke: c, width: 0.5, alpha: 0.6 });
        bands.push({ series: [base, base + 1], fill: c + '33' });
      }
      data.push(pad(s.mean));
      series.push({ label: s.downsampled ? `${n} mean` : n, stroke: c, width: 1.5 });
    });
    return {
      opts: {
        series,
        bands,
        axes: [timeAxis, { label: unit, size: 60 }],
        scales: { x: { time: false } },
        plugins: [overlays(windows, [])],
        cursor: { drag: { x: true, y: false } },
      },
      data: data as AlignedData,
    };
  };
}

export default function Charts({ result: r, series: s }: { result: Result; series: Series | null }) {
  // The "outside" window (the time outside every event) is not shaded.
  const windows = (r.event_windows ?? []).filter((w) => w.kind !== 'outside' && w.end_s > w.start_s);
  const charts: ChartProps[] = [];
  const lat = r.latency;
  const marks = [
    { x: lat.p50 * 1000, label: 'p50' },
    { x: lat.p95 * 1000, label: 'p95' },
    { x: lat.p99 * 1000, label: 'p99' },
  ];
  const sk = r.latency_sketch;
  if (sk && sk.counts.length) {
    const hi = Math.max(lat.p999 * 1.1, lat.p99 * 1.2);
    charts.push({
      title: 'Latency histogram',
      note: `${r.counts.completed.toLocaleString('en-US')} requests; p50, p95, p99 marked`,
      build: () => {
        const h = histogram(sk, 120, hi);
        return {
          opts: {
            series: [{ label: 'latency (ms)' }, { label: 'requests', stroke: palette[0], fill: palette[0] + '88', paths: uPlot.paths.bars!({ size: [1, Infinity] }) }],
            axes: [{ label: 'latency (ms)' }, { label: 'requests', size: 60 }],
            scales: { x: { time: false } },
            plugins: [overlays([], marks)],
          },
          data: [h.x, h.y],
        };
      },
    });
    charts.push({
      title: 'Latency CDF',
      build: () => {
        const c = cdf(sk);
        return {
          opts: {
            series: [{ label: 'latency (ms)' }, { label: 'fraction ≤ x', stroke: palette[1], width: 1.5 }],
            axes: [{ label: 'latency (ms)' }, { label: 'fraction', size: 50 }],
            scales: { x: { time: false, range: [0, hi * 1000] }, y: { range: [0, 1] } },
            plugins: [overlays([], marks)],
          },
          data: [c.x, c.y],
        };
      },
    });
  }
  const ls = s?.latency;
  if (ls && ls.p50?.length) {
    charts.push({
      title: 'Latency over time',
      note: `percentiles per ${ls.window_s} s window (ms)`,
      build: timeChart(
        [
          ['p50', (ls.p50 ?? []).map((v) => v * 1000)],
          ['p95', (ls.p95 ?? []).map((v) => v * 1000)],
          ['p99', (ls.p99 ?? []).map((v) => v * 1000)],
        ],
        ls.window_s,
        'ms',
        windows,
      ),
    });
  }
  if (r.throughput.series?.length) {
    charts.push({ title: 'Throughput', note: `per ${r.throughput.window_s} s window`, build: timeChart([['req/s', r.throughput.series]], r.throughput.window_s, 'req/s', windows) });
  }
  if (r.outcomes && r.outcomes.completed?.length) {
    const o = r.outcomes;
    const named: [string, number[]][] = [
      ['completed', o.completed ?? []],
      ['failed', o.failed ?? []],
      ['rejected', o.rejected ?? []],
      ['timed out', o.timed_out ?? []],
    ];
    charts.push({ title: 'Outcomes', note: `per ${o.window_s} s window`, build: timeChart(named.filter(([, v]) => v.some((x) => x > 0)), o.window_s, 'requests', windows) });
  }
  if (s) {
    const note = s.downsampled_from ? `${s.downsampled_from.toLocaleString('en-US')} samples, stored as min/max buckets` : undefined;
    const per = (k: 'ready_queue_len' | 'event_loop_io_sleep' | 'ram_in_use' | 'replicas') =>
      Object.entries(s.servers ?? {})
        .filter(([, m]) => m[k]?.length)
        .map(([id, m]) => [id, m[k]!] as [string, number[]]);
    const add = (title: string, named: [string, number[]][], unit: string) => {
      if (named.length) charts.push({ title, note, build: timeChart(named, s.period_s, unit, windows) });
    };
    add('Ready queue per server', per('ready_queue_len'), 'requests');
    add('Waiting on I/O per server', per('event_loop_io_sleep'), 'requests');
    add('RAM in use per server', per('ram_in_use'), 'MB');
    add('Replicas per server', per('replicas'), 'replicas');
    add(
      'In transit per edge',
      Object.entries(s.edges ?? {})
        .filter(([, e]) => e.edge_concurrent_connection?.length)
        .map(([id, e]) => [id, e.edge_concurrent_connection!] as [string, number[]]),
      'requests',
    );
  }
  return (
    <div className="charts" data-testid="charts">
      <h2>Charts</h2>
      {windows.length > 0 && (
        <p className="muted">
          Shaded: {windows.map((w) => `${w.event_id ?? w.kind} (${w.start_s}–${w.end_s} s)`).join(', ')}.
        </p>
      )}
      {charts.map((c) => (
        <MemoChart key={c.title} {...c} />
      ))}
    </div>
  );
}

/** Keeps build stable across renders so a chart is drawn once per width. */
function MemoChart(p: ChartProps) {
  const ref = useRef(p.build);
  return <Chart title={p.title} note={p.note} build={ref.current} />;
}
