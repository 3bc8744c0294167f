// Data shaping of a comparison of two runs (GET /api/v1/compare): the
// scenario changes by path, and each figure's difference b − a with its
// 95 % interval; for a paired comparison, also the unpaired (Welch)
// half-width the same data would have given, and how much tighter pairing is.
import type { Comparison, ScenarioChange } from '../api/types';
import { sig } from '../format';
import { figLabel, figText, scaled, unitOf } from './studies';

export interface DiffRow {
  name: string;
  label: string;
  a: string;
  b: string;
  /** b − a with its interval, in display units. */
  diff: string;
  /** The interval [lo, hi] of b − a in display units (null without one). */
  interval: [number, number] | null;
  /** b − a relative to a, e.g. "−12.3 %" (empty when a is 0). */
  relative: string;
  significant: boolean;
  /** Paired only: the half-width Welch's interval would have had, and the ratio unpaired / paired. */
  unpaired?: string;
  tighter?: number;
}

const signed = (v: number) => (v > 0 ? `+${sig(v)}` : v < 0 ? `−${sig(-v)}` : '0');

function unitText(name: string, v: number): string {
  const u = unitOf(name);
  return u === '%' ? `${signed(scaled(name, v))} pp` : `${signed(scaled(name, v))} ${u}`;
}

/** The rows of the figure table; figures that are zero on both sides are left out. */
export function diffRows(c: Comparison): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const f of c.figures ?? []) {
    if (f.a.mean === 0 && f.b.mean === 0 && f.diff.mean === 0) continue;
    const h = f.diff.ci95_half_width;
    const withCI = c.method !== 'none' && h > 0;
    const row: DiffRow = {
      name: f.name,
      label: figLabel(f.name),
      a: figText(f.name, f.a.mean) + (f.a.ci95_half_width ? ` ± ${abs(f.name, f.a.ci95_half_width)}` : ''),
      b: figText(f.name, f.b.mean) + (f.b.ci95_half_width ? ` ± ${abs(f.name, f.b.ci95_half_width)}` : ''),
      diff: unitText(f.name, f.diff.mean) + (withCI ? ` ± ${abs(f.name, h)}` : ''),
      interval: withCI ? [scaled(f.name, f.diff.mean - h), scaled(f.name, f.diff.mean + h)] : null,
      relative: f.a.mean !== 0 ? `${signed((f.diff.mean / Math.abs(f.a.mean)) * 100)} %` : '',
      significant: f.significant,
    };
    if (c.method === 'paired' && f.unpaired_half_width !== undefined && f.unpaired_half_width > 0) {
      row.unpaired = `± ${abs(f.name, f.unpaired_half_width)}`;
      if (h > 0) row.tighter = f.unpaired_half_width / h;
    }
    rows.push(row);
  }
  return rows;
}

function abs(name: string, v: number): string {
  const u = unitOf(name);
  return u === '%' ? `${sig(scaled(name, v))} pp` : `${sig(scaled(name, v))} ${u}`;
}

/** What the method means, in one sentence. */
export function methodText(c: Comparison): string {
  const n = (s: number[] | null) => (s ?? []).length;
  switch (c.method) {
    case 'paired':
      return `Paired: both runs used the same ${n(c.seeds_a)} seeds (common random numbers), so each difference is taken seed by seed; the interval is much tighter than an unpaired one, shown beside it.`;
    case 'welch':
      return `Unpaired (Welch): the runs used different seeds (${n(c.seeds_a)} and ${n(c.seeds_b)} replications), so the difference of the means has Welch's interval. Run both with the same seed and replications for a paired, tighter comparison.`;
    default:
      return 'No interval: a run has a single replication. Run both with 2 or more replications (same seed) for confidence intervals.';
  }
}

/** A scenario value as short text (JSON for objects, "—" when absent). */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The changes as rows, sorted by path. */
export function changeRows(changes: ScenarioChange[] | null): { path: string; old: string; new: string }[] {
  return [...(changes ?? [])].sort((a, b) => a.path.localeCompare(b.path)).map((c) => ({ path: c.path, old: valueText(c.old), new: valueText(c.new) }));
}
