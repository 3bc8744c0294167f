// Data shaping of studies (issue 12): the request built from the form, and
// the result (a sweep's points or a sizing search's evaluations) turned
// into one table of candidates, a curve with 95 % intervals, a heat map of
// two parameters, and the sizing answer with its evidence.
import type { CreateStudyBody, Estimate, Evaluation, SLA, Study, StudyResult, SweepParam, SweepPoint } from '../api/types';
import { pct, sig } from '../format';

/** One candidate of a study: its parameter values and its figures. */
export interface Candidate {
  index: number;
  values: number[];
  rateRps: number;
  figures: Record<string, Estimate>;
  pass?: boolean;
  reason?: string;
}

/** A figure's unit, for labels and formatting. */
export type Unit = 'ms' | '%' | 'req/s' | 'requests';

/** The unit of a figure name (latency_*, *_ratio, utilization.*, …). */
export function unitOf(name: string): Unit {
  if (name.startsWith('latency') || name === 'sla_latency') return 'ms';
  if (name.endsWith('_ratio') || name.startsWith('utilization.')) return '%';
  if (name === 'throughput_rps') return 'req/s';
  return 'requests';
}

/** A figure's value in its display unit (seconds → ms, ratios → %). */
export function scaled(name: string, v: number): number {
  const u = unitOf(name);
  return u === 'ms' ? v * 1000 : u === '%' ? v * 100 : v;
}

/** A figure's value as text with its unit. */
export function figText(name: string, v: number): string {
  const u = unitOf(name);
  if (u === '%') return pct(v);
  return `${sig(scaled(name, v))} ${u}`;
}

/** A human label of a figure name; with the SLA, sla_latency is named by its percentile. */
export function figLabel(name: string, sla?: SLA): string {
  if (name === 'sla_latency' && sla) return `p${sig(sla.percentile * 100)} (the SLA's)`;
  const fixed: Record<string, string> = {
    latency_mean: 'Latency mean',
    latency_p50: 'p50',
    latency_p95: 'p95',
    latency_p99: 'p99',
    sla_latency: 'SLA percentile latency',
    throughput_rps: 'Throughput',
    completed_ratio: 'Completed',
    error_ratio: 'Errors',
    failed_ratio: 'Failed',
    rejected_ratio: 'Rejected',
    timed_out_ratio: 'Timed out',
    dropped_ratio: 'Dropped',
    in_flight: 'In flight',
    dropped: 'Dropped',
    failed: 'Failed',
    rejected: 'Rejected',
    timed_out: 'Timed out',
  };
  if (fixed[name]) return fixed[name];
  if (name.startsWith('utilization.')) return `Utilisation ${name.slice('utilization.'.length)}`;
  return name;
}

/** A short label of a scenario path: its last two segments. */
export function paramLabel(path: string): string {
  if (path === 'load') return 'load ×';
  const parts = path.split('.');
  return parts.slice(-2).join('.');
}

function flatFigures(f: Record<string, unknown>): Record<string, Estimate> {
  const out: Record<string, Estimate> = {};
  for (const [k, v] of Object.entries(f)) {
    if (!v || typeof v !== 'object') continue;
    if ('mean' in v) out[k] = v as Estimate;
    else for (const [id, e] of Object.entries(v as Record<string, Estimate>)) out[`${k}.${id}`] = e;
  }
  return out;
}

// An evaluation's latency is the SLA percentile's; it has no mean.
const evaluationNames: Record<string, string> = {
  latency: 'sla_latency',
  p50: 'latency_p50',
  p95: 'latency_p95',
  p99: 'latency_p99',
};

/** A sizing evaluation as a candidate, its figures named as a sweep's. */
export function evaluationCandidate(e: Evaluation, index: number): Candidate {
  const figures: Record<string, Estimate> = {};
  for (const [k, v] of Object.entries(flatFigures(e as unknown as Record<string, unknown>))) figures[evaluationNames[k] ?? k] = v;
  return { index, values: [e.value], rateRps: e.rate_rps, figures, pass: e.pass, reason: e.reason };
}

/** A sweep point as a candidate (sla_latency kept as a figure). */
export function pointCandidate(p: SweepPoint): Candidate {
  const figures = flatFigures(p.figures as unknown as Record<string, unknown>);
  if (p.sla_latency) figures.sla_latency = p.sla_latency;
  return { index: p.index, values: p.values ?? [], rateRps: p.rate_rps, figures, pass: p.pass, reason: p.reason };
}

/** The study's result as a table: parameters (paths), candidates, SLA. */
export interface StudyTable {
  params: string[];
  candidates: Candidate[];
  sla?: SLA;
  /** Figure names present, in display order. */
  figures: string[];
}

const order = ['sla_latency', 'latency_mean', 'latency_p50', 'latency_p95', 'latency_p99', 'throughput_rps', 'completed_ratio', 'error_ratio'];

/** Turns a study's result into its table of candidates. */
export function studyTable(r: StudyResult): StudyTable {
  let t: StudyTable;
  if (r.sweep) {
    const sp = r.sweep.spec;
    t = { params: (sp.params ?? []).map((p) => p.path), candidates: (r.sweep.points ?? []).map(pointCandidate), sla: sp.sla, figures: [] };
  } else if (r.sizing?.size) {
    const z = r.sizing.size;
    const what = z.what === 'cores' ? (z.server ? `cpu_cores of ${z.server}` : 'cpu_cores') : z.server ? `replicas of ${z.server}` : z.what;
    const evs = [...(z.evaluations ?? [])].sort((a, b) => a.value - b.value);
    t = { params: [what], candidates: evs.map(evaluationCandidate), sla: z.sla, figures: [] };
  } else if (r.sizing?.load) {
    const l = r.sizing.load;
    t = { params: ['load'], candidates: (l.levels ?? []).map(evaluationCandidate), sla: l.sla, figures: [] };
  } else {
    t = { params: [], candidates: [], figures: [] };
  }
  const names = new Set<string>();
  for (const c of t.candidates) for (const k of Object.keys(c.figures)) names.add(k);
  const rank = (n: string) => {
    const i = order.indexOf(n);
    return i >= 0 ? i : order.length + (n.startsWith('utilization.') ? 0 : 1);
  };
  t.figures = [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return t;
}

/** The figure the SLA judges latency on (sla_latency for a sweep, else the percentile's). */
export function slaFigure(t: StudyTable): string | undefined {
  if (!t.sla) return undefined;
  if (t.figures.includes('sla_latency')) return 'sla_latency';
  const p = t.sla.percentile;
  const n = p === 0.5 ? 'latency_p50' : p === 0.95 ? 'latency_p95' : p === 0.99 ? 'latency_p99' : undefined;
  return n && t.figures.includes(n) ? n : undefined;
}

/** The SLA's limit on a figure, in the figure's own unit (seconds, ratio). */
export function slaLimit(t: StudyTable, figure: string): number | undefined {
  if (!t.sla) return undefined;
  if (figure === slaFigure(t)) return t.sla.latency_s;
  if (figure === 'error_ratio' && t.sla.max_error_ratio !== undefined) return t.sla.max_error_ratio;
  if (figure === 'completed_ratio' && t.sla.min_completed_ratio) return t.sla.min_completed_ratio;
  return undefined;
}

/** A curve: for each line (one per value of the second parameter), means and 95 % bounds at the xs. */
export interface Curve {
  xs: number[];
  lines: { label: string; mean: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] }[];
  /** The SLA's limit in display units, when it applies to the figure. */
  sla?: number;
}

/** The curve of a figure against parameter xi (0 or 1), one line per value of the other, in display units. */
export function curve(t: StudyTable, figure: string, xi = 0): Curve {
  const li = 1 - xi;
  const xs = [...new Set(t.candidates.map((c) => c.values[xi]!))].sort((a, b) => a - b);
  const groups = new Map<string, Candidate[]>();
  const ordered = t.params.length > 1 ? [...t.candidates].sort((a, b) => a.values[li]! - b.values[li]!) : t.candidates;
  for (const c of ordered) {
    const key = t.params.length > 1 ? `${paramLabel(t.params[li]!)} = ${sig(c.values[li]!)}` : figLabel(figure, t.sla);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines = [...groups].map(([label, cs]) => {
    const at = (x: number) => cs.find((c) => c.values[xi] === x)?.figures[figure];
    const f = (g: (e: Estimate) => number) => xs.map((x) => (at(x) ? scaled(figure, g(at(x)!)) : null));
    return { label, mean: f((e) => e.mean), lo: f((e) => e.mean - e.ci95_half_width), hi: f((e) => e.mean + e.ci95_half_width) };
  });
  const lim = slaLimit(t, figure);
  return { xs, lines, sla: lim === undefined ? undefined : scaled(figure, lim) };
}

/** The parameter to draw along x by default: the one with more values. */
export function defaultAxis(t: StudyTable): number {
  if (t.params.length < 2) return 0;
  const n = (i: number) => new Set(t.candidates.map((c) => c.values[i])).size;
  return n(1) > n(0) ? 1 : 0;
}

/** A heat map of a figure over two parameters: rows the second, columns the first. */
export interface Heat {
  xs: number[];
  ys: number[];
  /** cells[row][col]: the mean (display units) and whether the candidate passes; null when absent. */
  cells: ({ mean: number; half: number; pass?: boolean } | null)[][];
  min: number;
  max: number;
}

export function heatmap(t: StudyTable, figure: string): Heat {
  const xs = [...new Set(t.candidates.map((c) => c.values[0]!))].sort((a, b) => a - b);
  const ys = [...new Set(t.candidates.map((c) => c.values[1]!))].sort((a, b) => a - b);
  let min = Infinity;
  let max = -Infinity;
  const cells = ys.map((y) =>
    xs.map((x) => {
      const c = t.candidates.find((k) => k.values[0] === x && k.values[1] === y);
      const e = c?.figures[figure];
      if (!e) return null;
      const mean = scaled(figure, e.mean);
      min = Math.min(min, mean);
      max = Math.max(max, mean);
      return { mean, half: scaled(figure, e.ci95_half_width), pass: c.pass };
    }),
  );
  return { xs, ys, cells, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** A colour of a sequential scale (light yellow → dark blue) for f in [0, 1], and a text colour readable on it. */
export function heatColour(f: number): { bg: string; fg: string } {
  const stops = [
    [255, 247, 188],
    [254, 196, 79],
    [236, 112, 20],
    [153, 52, 4],
  ];
  const t = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * (t - i)));
  // Relative luminance decides black or white text (WCAG contrast).
  const lum = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const L = 0.2126 * lum[0]! + 0.7152 * lum[1]! + 0.0722 * lum[2]!;
  return { bg: `rgb(${c.join(', ')})`, fg: L > 0.18 ? '#000000' : '#ffffff' };
}

/** The answer of a sizing study and the evidence: the answer's candidate and the largest failing one below it. */
export interface SizingAnswer {
  text: string;
  reached: boolean;
  answer?: Candidate;
  below?: Candidate;
}

export function sizingAnswer(r: StudyResult, t: StudyTable): SizingAnswer | undefined {
  const z = r.sizing?.size;
  const l = r.sizing?.load;
  if (z) {
    const noun = z.what === 'cores' ? 'cores' : z.what === 'max_replicas' ? 'max replicas' : 'replicas';
    const of = z.server ? ` of ${z.server}` : '';
    const answer = t.candidates.find((c) => c.values[0] === z.answer);
    const below = [...t.candidates].reverse().find((c) => c.values[0]! < z.answer && c.pass === false);
    if (r.unreachable || !answer) return { text: r.unreachable || `No candidate up to ${z.max} ${noun} meets the SLA.`, reached: false, below };
    return { text: `${z.answer} ${noun}${of} meet the SLA${z.conservative ? ' (judged on the upper ends of the intervals)' : ''}.`, reached: true, answer, below };
  }
  if (l) {
    if (!l.knee) return { text: r.unreachable || 'No load level meets the SLA.', reached: false };
    const answer = t.candidates.find((c) => c.values[0] === l.knee);
    const below = t.candidates.find((c) => c.values[0]! > l.knee && c.pass === false);
    return { text: `The knee is at ${sig(l.knee)} × the load (${sig(l.knee_rate_rps)} req/s): the highest load meeting the SLA.`, reached: true, answer, below };
  }
  return undefined;
}

/** The SLA as a sentence. */
export function slaText(s: SLA | undefined): string {
  if (!s) return 'no SLA';
  const parts = [`p${sig(s.percentile * 100)} ≤ ${sig(s.latency_s * 1000)} ms`];
  if (s.max_error_ratio !== undefined) parts.push(`errors ≤ ${pct(s.max_error_ratio)}`);
  if (s.min_completed_ratio) parts.push(`completed ≥ ${pct(s.min_completed_ratio)}`);
  return parts.join(', ');
}

/** Parses a parameter's values: "1,2,4" (a list), "1..8:1" (from, to, step) or "1..8/5" (from, to, count). */
export function parseValues(text: string): SweepParam | { error: string } {
  const s = text.trim();
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  const range = /^(.+?)\.\.(.+?)([:/])(.+)$/.exec(s);
  if (range) {
    const [from, to, n] = [num(range[1]!), num(range[2]!), num(range[4]!)];
    if ([from, to, n].some((v) => !Number.isFinite(v))) return { error: `"${s}" is not a range like 1..8:1 or 1..8/5` };
    return range[3] === ':' ? { path: '', from, to, step: n } : { path: '', from, to, count: n };
  }
  const values = s.split(',').map(num);
  if (!s || values.some((v) => !Number.isFinite(v))) return { error: `"${s}" is not a list of numbers like 1,2,4 or a range like 1..8:1` };
  return { path: '', values };
}

/** The form of a new study. */
export interface StudyForm {
  kind: 'sizing' | 'sweep';
  scenarioId: string;
  seed: number;
  replications: number;
  /** sizing */
  what: 'cores' | 'replicas' | 'load';
  server: string;
  max: number;
  loads: string;
  /** SLA: percentile (0.99), latency in ms, optional max error % (empty: none). */
  slaOn: boolean;
  percentile: number;
  latencyMs: number;
  maxErrorPct: string;
  conservative: boolean;
  /** sweep */
  params: { path: string; values: string }[];
}

/** The request of a form, or the errors to show at its fields. */
export function studyBody(f: StudyForm): { body: CreateStudyBody } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.scenarioId) errors.scenario = 'Choose a scenario.';
  let sla: SLA | undefined;
  if (f.kind === 'sizing' || f.slaOn) {
    if (!(f.percentile > 0 && f.percentile < 1)) errors.percentile = 'The percentile is a fraction between 0 and 1, e.g. 0.99.';
    if (!(f.latencyMs > 0)) errors.latency = 'The latency limit is a positive number of milliseconds.';
    sla = { percentile: f.percentile, latency_s: f.latencyMs / 1000 };
    if (f.maxErrorPct.trim() !== '') {
      const e = Number(f.maxErrorPct);
      if (!(e >= 0 && e <= 100)) errors.maxError = 'The maximum error rate is a percentage between 0 and 100.';
      else sla.max_error_ratio = e / 100;
    }
  }
  const body: CreateStudyBody = { kind: f.kind, scenario_id: f.scenarioId, seed: f.seed, replications: f.replications };
  if (f.kind === 'sizing') {
    body.sizing = { what: f.what, sla: sla!, conservative: f.conservative || undefined };
    if (f.server) body.sizing.server = f.server;
    if (f.what !== 'load' && f.max > 0) body.sizing.max = f.max;
    if (f.what === 'load') {
      const v = parseValues(f.loads);
      if ('error' in v || !v.values) errors.loads = 'The loads are a list of multipliers, e.g. 0.5,1,1.5,2.';
      else body.sizing.loads = v.values;
    }
  } else {
    const params: SweepParam[] = [];
    f.params.forEach((given, i) => {
      // `--set`-style "PATH=VALUES" in the path field is split as the CLI splits it.
      const eq = given.path.indexOf('=');
      const p = eq > 0 && !given.values.trim() ? { path: given.path.slice(0, eq), values: given.path.slice(eq + 1) } : given;
      if (i > 0 && !p.path.trim() && !p.values.trim()) return;
      if (!p.path.trim()) errors[`param${i}.path`] = 'Give the path of the parameter.';
      const v = parseValues(p.values);
      if ('error' in v) errors[`param${i}.values`] = v.error;
      else params.push({ ...v, path: p.path.trim() });
    });
    body.sweep = { params, sla, conservative: f.conservative || undefined };
  }
  return Object.keys(errors).length ? { errors } : { body };
}

/** Paths to suggest for a sweep, from a scenario document (canonical JSON). */
export function suggestedPaths(sc: unknown): string[] {
  const out = ['load', 'rqs_input.avg_active_users.mean', 'rqs_input.avg_request_per_minute_per_user.mean'];
  const doc = sc as { topology_graph?: { nodes?: { servers?: { id: string }[] }; edges?: { id: string }[] } } | undefined;
  for (const s of doc?.topology_graph?.nodes?.servers ?? []) {
    out.push(`topology_graph.nodes.servers[id=${s.id}].server_resources.cpu_cores`);
    out.push(`topology_graph.nodes.servers[id=${s.id}].server_resources.ram_mb`);
  }
  for (const e of doc?.topology_graph?.edges ?? []) out.push(`topology_graph.edges[id=${e.id}].latency.mean`);
  return out;
}

/** A study's settings in one line (what it sizes or sweeps). */
export function studySummary(s: Study): string {
  const set = s.settings as { sizing?: { what: string; server?: string }; sweep?: { params: { path: string; values: number[] }[] } };
  if (set?.sizing) return `size ${set.sizing.what}${set.sizing.server ? ` of ${set.sizing.server}` : ''}`;
  if (set?.sweep) return `sweep ${set.sweep.params.map((p) => `${p.path.split('.').slice(-2).join('.')} (${p.values?.length ?? 0})`).join(' × ')}`;
  return s.kind;
}
