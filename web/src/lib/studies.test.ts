import { describe, expect, it } from 'vitest';
import type { StudyResult } from '../api/types';
import { curve, defaultAxis, figLabel, figText, heatColour, heatmap, parseValues, sizingAnswer, slaFigure, studyBody, studyTable, type StudyForm } from './studies';

const est = (mean: number, ci95_half_width = 0) => ({ mean, ci95_half_width });
const figures = (p99: number, half: number, err = 0) => ({
  latency_mean: est(p99 / 3),
  latency_p50: est(p99 / 4),
  latency_p95: est(p99 / 2),
  latency_p99: est(p99, half),
  throughput_rps: est(100),
  completed_ratio: est(1 - err),
  error_ratio: est(err),
  in_flight: est(2),
  utilization: { api: est(0.5, 0.01) },
});

// A 2 × 3 sweep: cores 1, 2, 4 (fastest) × users 50, 100.
const sweep: StudyResult = {
  kind: 'sweep',
  study_id: 's',
  sweep: {
    spec: {
      params: [
        { path: 'topology_graph.nodes.servers[id=api].server_resources.cpu_cores', values: [1, 2, 4] },
        { path: 'rqs_input.avg_active_users.mean', values: [50, 100] },
      ],
      seeds: [1, 2, 3],
      sla: { percentile: 0.99, latency_s: 0.25, max_error_ratio: 0.01 },
    },
    points: [
      [1, 50, 0.3], [1, 100, 0.9], [2, 50, 0.12], [2, 100, 0.2], [4, 50, 0.05], [4, 100, 0.08],
    ].map(([c, u, p99], i) => ({
      index: i,
      values: [c!, u!],
      rate_rps: u! * 2,
      figures: figures(p99!, 0.01),
      sla_latency: est(p99!, 0.01),
      pass: p99! <= 0.25,
      reason: p99! > 0.25 ? 'p99 over 250 ms' : undefined,
    })),
  },
};

describe('studyTable and curve', () => {
  it('flattens a sweep into candidates with utilisation and sla_latency', () => {
    const t = studyTable(sweep);
    expect(t.params).toHaveLength(2);
    expect(t.candidates).toHaveLength(6);
    expect(t.figures.slice(0, 5)).toEqual(['sla_latency', 'latency_mean', 'latency_p50', 'latency_p95', 'latency_p99']);
    expect(t.figures).toContain('utilization.api');
    expect(t.candidates[2]!.figures['utilization.api']).toEqual(est(0.5, 0.01));
    expect(slaFigure(t)).toBe('sla_latency');
  });

  it('draws one line per value of the second parameter with 95 % bounds in ms and the SLA line', () => {
    const c = curve(studyTable(sweep), 'latency_p99');
    expect(c.xs).toEqual([1, 2, 4]);
    expect(c.lines.map((l) => l.label)).toEqual(['avg_active_users.mean = 50', 'avg_active_users.mean = 100']);
    expect(c.lines[0]!.mean.map((v) => +v!.toFixed(6))).toEqual([300, 120, 50]);
    expect(c.lines[1]!.lo.map((v) => +v!.toFixed(6))).toEqual([890, 190, 70]);
    expect(c.lines[1]!.hi.map((v) => +v!.toFixed(6))).toEqual([910, 210, 90]);
    expect(c.sla).toBeUndefined(); // the SLA judges sla_latency, drawn on that figure
    expect(curve(studyTable(sweep), 'sla_latency').sla).toBe(250);
    expect(curve(studyTable(sweep), 'error_ratio').sla).toBe(1); // 1 %
  });

  it('draws against the second parameter on request, one line per value of the first', () => {
    const t = studyTable(sweep);
    expect(defaultAxis(t)).toBe(0); // 3 core counts, 2 user counts
    const c = curve(t, 'latency_p99', 1);
    expect(c.xs).toEqual([50, 100]);
    expect(c.lines.map((l) => l.label)).toEqual(['server_resources.cpu_cores = 1', 'server_resources.cpu_cores = 2', 'server_resources.cpu_cores = 4']);
    expect(c.lines[0]!.mean.map((v) => +v!.toFixed(6))).toEqual([300, 900]);
  });

  it('lays out a heat map with rows of the second parameter and the range of the means', () => {
    const h = heatmap(studyTable(sweep), 'latency_p99');
    expect(h.xs).toEqual([1, 2, 4]);
    expect(h.ys).toEqual([50, 100]);
    expect(h.cells[1]![0]).toEqual({ mean: 900, half: 10, pass: false });
    expect(h.cells[0]![2]!.pass).toBe(true);
    expect(h.min).toBeCloseTo(50, 9);
    expect(h.max).toBeCloseTo(900, 9);
  });

  it('colours the heat map with readable text at both ends', () => {
    expect(heatColour(0)).toEqual({ bg: 'rgb(255, 247, 188)', fg: '#000000' });
    expect(heatColour(1)).toEqual({ bg: 'rgb(153, 52, 4)', fg: '#ffffff' });
    expect(heatColour(NaN).bg).toBe('rgb(255, 247, 188)');
  });
});

describe('sizing', () => {
  const ev = (value: number, p99: number, pass: boolean) => ({
    value,
    rate_rps: 10,
    latency: est(p99 / 3),
    p50: est(p99 / 4),
    p95: est(p99 / 2),
    p99: est(p99, 0.002),
    throughput_rps: est(10),
    completed_ratio: est(1),
    dropped: est(0),
    failed: est(0),
    in_flight: est(1),
    utilization: { srv: est(0.9) },
    pass,
    reason: pass ? undefined : 'p99 over the limit',
  });
  const sizing: StudyResult = {
    kind: 'sizing',
    study_id: 's',
    sizing: {
      size: {
        what: 'cores',
        server: 'srv',
        answer: 7,
        max: 64,
        conservative: false,
        seeds: [1, 2],
        sla: { percentile: 0.99, latency_s: 0.25 },
        evaluations: [ev(8, 0.1, true), ev(6, 0.4, false), ev(7, 0.2, true), ev(4, 2, false)],
      },
    },
  };

  it('sorts the evaluations by candidate and names their figures as a sweep', () => {
    const t = studyTable(sizing);
    expect(t.params).toEqual(['cpu_cores of srv']);
    expect(t.candidates.map((c) => c.values[0])).toEqual([4, 6, 7, 8]);
    expect(t.candidates[2]!.figures.latency_p99).toEqual(est(0.2, 0.002));
    // An evaluation's latency is the SLA percentile's, judged against the SLA.
    expect(t.candidates[2]!.figures.sla_latency).toEqual(est(0.2 / 3));
    expect(t.figures).not.toContain('latency_mean');
    expect(slaFigure(t)).toBe('sla_latency');
    expect(figLabel('sla_latency', t.sla)).toBe("p99 (the SLA's)");
    expect(curve(t, 'sla_latency').sla).toBe(250);
    expect(curve(t, 'latency_p99').sla).toBeUndefined();
  });

  it('answers with the evidence: the answer passes, the candidate below fails', () => {
    const a = sizingAnswer(sizing, studyTable(sizing))!;
    expect(a.text).toBe('7 cores of srv meet the SLA.');
    expect(a.reached).toBe(true);
    expect(a.answer!.values[0]).toBe(7);
    expect(a.below!.values[0]).toBe(6);
    expect(a.below!.reason).toBe('p99 over the limit');
  });

  it('answers a load sizing with its knee, the first failing level above as evidence', () => {
    const load: StudyResult = {
      kind: 'sizing',
      study_id: 's',
      sizing: {
        load: {
          base_rate_rps: 50,
          conservative: false,
          knee: 1.5,
          knee_rate_rps: 75,
          seeds: [1, 2],
          sla: { percentile: 0.99, latency_s: 0.25 },
          levels: [ev(0.5, 0.1, true), ev(1, 0.12, true), ev(1.5, 0.2, true), ev(2, 0.9, false)],
        },
      },
    };
    const t = studyTable(load);
    expect(t.params).toEqual(['load']);
    const a = sizingAnswer(load, t)!;
    expect(a.text).toBe('The knee is at 1.5 × the load (75 req/s): the highest load meeting the SLA.');
    expect(a.answer!.values).toEqual([1.5]);
    expect(a.below!.values).toEqual([2]);
  });

  it('says when no candidate meets the SLA', () => {
    const un = { ...sizing, unreachable: 'no candidate up to 64 cores meets p99 ≤ 1 ms' };
    expect(sizingAnswer(un, studyTable(un))).toMatchObject({ reached: false, text: 'no candidate up to 64 cores meets p99 ≤ 1 ms' });
  });
});

describe('the request of the form', () => {
  const form: StudyForm = {
    kind: 'sweep',
    scenarioId: 'sc',
    seed: 42,
    replications: 3,
    what: 'cores',
    server: '',
    max: 0,
    loads: '',
    slaOn: true,
    percentile: 0.99,
    latencyMs: 250,
    maxErrorPct: '1',
    conservative: false,
    params: [
      { path: ' topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores ', values: '1..4:1' },
      { path: '', values: '' },
    ],
  };

  it('parses lists and ranges', () => {
    expect(parseValues('1, 2,4')).toEqual({ path: '', values: [1, 2, 4] });
    expect(parseValues('1..8:0.5')).toEqual({ path: '', from: 1, to: 8, step: 0.5 });
    expect(parseValues('10..100/4')).toEqual({ path: '', from: 10, to: 100, count: 4 });
    expect(parseValues('1,,2')).toHaveProperty('error');
    expect(parseValues('a..b:1')).toHaveProperty('error');
  });

  it('builds a sweep with the SLA and max error rate, leaving an empty second parameter out', () => {
    expect(studyBody(form)).toEqual({
      body: {
        kind: 'sweep',
        scenario_id: 'sc',
        seed: 42,
        replications: 3,
        sweep: {
          params: [{ path: 'topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores', from: 1, to: 4, step: 1 }],
          sla: { percentile: 0.99, latency_s: 0.25, max_error_ratio: 0.01 },
          conservative: undefined,
        },
      },
    });
  });

  it('takes a --set-style PATH=VALUES in the path field', () => {
    const r = studyBody({ ...form, params: [{ path: 'load=0.5,1,2', values: '' }, { path: 'rqs_input.avg_active_users.mean=10..30:10', values: '' }] });
    expect(r).toMatchObject({
      body: { sweep: { params: [{ path: 'load', values: [0.5, 1, 2] }, { path: 'rqs_input.avg_active_users.mean', from: 10, to: 30, step: 10 }] } },
    });
  });

  it('builds a sizing of cores', () => {
    const r = studyBody({ ...form, kind: 'sizing', server: 'srv-1', max: 16, maxErrorPct: '' });
    expect(r).toEqual({
      body: { kind: 'sizing', scenario_id: 'sc', seed: 42, replications: 3, sizing: { what: 'cores', server: 'srv-1', max: 16, sla: { percentile: 0.99, latency_s: 0.25 }, conservative: undefined } },
    });
  });

  it('names every bad field', () => {
    const r = studyBody({ ...form, scenarioId: '', percentile: 99, maxErrorPct: '150', params: [{ path: '', values: 'x' }] });
    expect(r).toEqual({
      errors: {
        scenario: 'Choose a scenario.',
        percentile: 'The percentile is a fraction between 0 and 1, e.g. 0.99.',
        maxError: 'The maximum error rate is a percentage between 0 and 100.',
        'param0.path': 'Give the path of the parameter.',
        'param0.values': '"x" is not a list of numbers like 1,2,4 or a range like 1..8:1',
      },
    });
  });
});

describe('figText', () => {
  it('formats in the unit of the figure', () => {
    expect(figText('latency_p99', 0.1234)).toBe('123 ms');
    expect(figText('error_ratio', 0.015)).toBe('1.5 %');
    expect(figText('utilization.api', 0.5)).toBe('50 %');
    expect(figText('throughput_rps', 99.5)).toBe('99.5 req/s');
  });
});
