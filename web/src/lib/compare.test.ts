import { describe, expect, it } from 'vitest';
import type { Comparison } from '../api/types';
import { changeRows, diffRows, methodText } from './compare';

const est = (mean: number, ci95_half_width = 0) => ({ mean, ci95_half_width });

const paired: Comparison = {
  a: 'A',
  b: 'B',
  method: 'paired',
  scenarios_compared: true,
  seeds_a: [1, 2, 3, 4],
  seeds_b: [1, 2, 3, 4],
  changes: [
    { path: 'topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores', old: 1, new: 2 },
    { path: 'rqs_input.avg_active_users', old: { mean: 100 }, new: null },
  ],
  figures: [
    { name: 'latency_p99', a: est(0.3, 0.02), b: est(0.1, 0.01), diff: est(-0.2, 0.004), unpaired_half_width: 0.02, significant: true },
    { name: 'error_ratio', a: est(0.02), b: est(0.01), diff: est(-0.01, 0.002), unpaired_half_width: 0.004, significant: true },
    { name: 'rejected_ratio', a: est(0), b: est(0), diff: est(0), significant: false },
  ],
};

describe('diffRows', () => {
  it('shows b − a with its paired interval, the unpaired one and how much tighter pairing is', () => {
    const rows = diffRows(paired);
    expect(rows.map((r) => r.name)).toEqual(['latency_p99', 'error_ratio']); // zero on both sides: left out
    const p99 = rows[0]!;
    expect(p99).toMatchObject({ label: 'p99', a: '300 ms ± 20 ms', b: '100 ms ± 10 ms', diff: '−200 ms ± 4 ms', relative: '−66.7 %', unpaired: '± 20 ms', significant: true });
    expect(p99.interval![0]).toBeCloseTo(-204, 9);
    expect(p99.interval![1]).toBeCloseTo(-196, 9);
    expect(p99.tighter).toBeCloseTo(5, 12);
    expect(rows[1]).toMatchObject({ a: '2 %', diff: '−1 pp ± 0.2 pp', unpaired: '± 0.4 pp' });
  });

  it('has no interval and no unpaired column without replications', () => {
    const none: Comparison = { ...paired, method: 'none', figures: [{ name: 'latency_p99', a: est(0.3), b: est(0.1), diff: est(-0.2), significant: false }] };
    const row = diffRows(none)[0]!;
    expect(row).toMatchObject({ diff: '−200 ms', interval: null });
    expect(row.unpaired).toBeUndefined();
    expect(methodText(none)).toMatch(/^No interval/);
  });

  it('explains the method', () => {
    expect(methodText(paired)).toMatch(/^Paired: both runs used the same 4 seeds/);
    expect(methodText({ ...paired, method: 'welch', seeds_b: [9, 10] })).toMatch(/^Unpaired \(Welch\).*\(4 and 2 replications\)/);
  });
});

describe('changeRows', () => {
  it('sorts by path and shows objects as JSON, absent values as a dash', () => {
    expect(changeRows(paired.changes)).toEqual([
      { path: 'rqs_input.avg_active_users', old: '{"mean":100}', new: '—' },
      { path: 'topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores', old: '1', new: '2' },
    ]);
  });
});
