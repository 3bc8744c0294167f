// A study's charts: the curve of a figure against the swept parameter with
// 95 % confidence bars and the SLA line (uPlot), and for two parameters a
// heat map (a table whose cells are coloured by the figure's mean, so the
// values stay readable by assistive technologies).
import { useEffect, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { sig } from '../format';
import { curve, figLabel, heatColour, heatmap, paramLabel, unitOf, type StudyTable } from '../lib/studies';

const palette = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

/** Draws the 95 % bars (lo..hi with caps) of each line's points. */
function ciBars(bars: { lo: (number | null)[]; hi: (number | null)[]; series: number; colour: string }[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const { ctx } = u;
          const cap = 4 * devicePixelRatio;
          ctx.save();
          const { left, top, width, height } = u.bbox;
          ctx.beginPath();
          ctx.rect(left, top, width, height);
          ctx.clip();
          ctx.lineWidth = 1.5 * devicePixelRatio;
          for (const b of bars) {
            if (!u.series[b.series]?.show) continue;
            ctx.strokeStyle = b.colour;
            (u.data[0] as number[]).forEach((x, k) => {
              const lo = b.lo[k];
              const hi = b.hi[k];
              if (lo == null || hi == null) return;
              const px = u.valToPos(x, 'x', true);
              const y0 = u.valToPos(lo, 'y', true);
              const y1 = u.valToPos(hi, 'y', true);
              ctx.beginPath();
              ctx.moveTo(px, y0);
              ctx.lineTo(px, y1);
              ctx.moveTo(px - cap, y0);
              ctx.lineTo(px + cap, y0);
              ctx.moveTo(px - cap, y1);
              ctx.lineTo(px + cap, y1);
              ctx.stroke();
            });
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** The curve of one figure, one line per value of the second parameter. */
export function CurveChart({ table, figure, axis = 0 }: { table: StudyTable; figure: string; axis?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = host.current!;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  const c = curve(table, figure, axis);
  const xLabel = paramLabel(table.params[axis] ?? '');
  const unit = unitOf(figure);
  useEffect(() => {
    if (width < 50) return;
    const data: (number | null)[][] = [c.xs];
    const series: uPlot.Series[] = [{ label: xLabel }];
    const bars: Parameters<typeof ciBars>[0] = [];
    c.lines.forEach((l, i) => {
      const colour = palette[i % palette.length]!;
      data.push(l.mean);
      series.push({ label: l.label, stroke: colour, width: 1.5, points: { show: true, size: 7, fill: colour } });
      bars.push({ lo: l.lo, hi: l.hi, series: series.length - 1, colour });
    });
    if (c.sla !== undefined) {
      data.push(c.xs.map(() => c.sla!));
      series.push({ label: `SLA ${sig(c.sla)} ${unit}`, stroke: '#a40e26', width: 1.5, dash: [6, 4], points: { show: false } });
    }
    // The y range covers every bar and the SLA line.
    const ys = [...c.lines.flatMap((l) => [...l.lo, ...l.hi]), c.sla].filter((v): v is number => v != null);
    // Figures that cannot be negative (all of them but differences) start at 0; bars below are clipped.
    const means = c.lines.flatMap((l) => l.mean).filter((v): v is number => v != null);
    const lo = means.every((v) => v >= 0) ? 0 : Math.min(...ys);
    const hi = Math.max(...ys, 0) * 1.08 || 1;
    // Whole-number parameters (cores, replicas, users) get whole-number ticks.
    const whole = c.xs.every((v) => Number.isInteger(v));
    const opts: Options = {
      width,
      height: 280,
      series,
      axes: [whole ? { label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } : { label: xLabel }, { label: `${figLabel(figure, table.sla)} (${unit})`, size: 64 }],
      scales: { x: { time: false }, y: { range: [lo, hi] } },
      plugins: [ciBars(bars)],
      cursor: { drag: { x: true, y: false } },
    };
    const u = new uPlot(opts, data as AlignedData, host.current!);
    return () => u.destroy();
    // c is derived from table and figure.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, table, figure, axis]);
  return (
    <figure className="chart" data-testid="study-curve">
      <figcaption>
        {figLabel(figure, table.sla)} against {xLabel}
        <span className="muted"> · bars: 95 % confidence intervals{c.sla !== undefined ? '; dashed: the SLA' : ''}</span>
      </figcaption>
      <div ref={host} role="img" aria-label={`${figLabel(figure, table.sla)} against ${table.params[axis]}, with 95 % confidence bars. Values are in the table below.`} />
    </figure>
  );
}

/** The heat map of one figure over two parameters; cells failing the SLA are marked ✗. */
export function HeatMap({ table, figure }: { table: StudyTable; figure: string }) {
  const h = heatmap(table, figure);
  const unit = unitOf(figure);
  const span = h.max - h.min || 1;
  return (
    <div className="heat-wrap" data-testid="study-heatmap">
      <table className="heat">
        <caption>
          {figLabel(figure, table.sla)} ({unit}) over {paramLabel(table.params[0]!)} (columns) and {paramLabel(table.params[1]!)} (rows)
          {table.sla ? '; ✗ fails the SLA' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{paramLabel(table.params[1]!)} \ {paramLabel(table.params[0]!)}</th>
            {h.xs.map((x) => (
              <th scope="col" key={x}>
                {sig(x)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {h.ys.map((y, r) => (
            <tr key={y}>
              <th scope="row">{sig(y)}</th>
              {h.cells[r]!.map((cell, k) => {
                if (!cell) return <td key={k}>–</td>;
                const col = heatColour((cell.mean - h.min) / span);
                return (
                  <td key={k} style={{ background: col.bg, color: col.fg }} title={`± ${sig(cell.half)} ${unit}`}>
                    {sig(cell.mean)}
                    {cell.pass === false && <span aria-label="fails the SLA"> ✗</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
