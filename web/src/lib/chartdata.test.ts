import { describe, expect, it } from 'vitest';
import { cdf, histogram, shapeSeries, sketchBuckets, sketchCount } from './chartdata';

describe('shapeSeries', () => {
  it('keeps a short series as it is', () => {
    const s = shapeSeries([1, 2, 3], 0.5, 10);
    expect(s).toEqual({ x: [0, 0.5, 1], min: [1, 2, 3], max: [1, 2, 3], mean: [1, 2, 3], downsampled: false });
  });

  it('buckets a 1-hour series of 10 ms samples into columns with exact extremes', () => {
    // 360,000 samples, one spike of 1,000 at sample 123,456 and a dip to -5 at 300,000.
    const n = 360_000;
    const ys = new Array<number>(n).fill(2);
    ys[123_456] = 1000;
    ys[300_000] = -5;
    const s = shapeSeries(ys, 0.01, 1200);
    expect(s.downsampled).toBe(true);
    expect(s.x).toHaveLength(1200);
    // Each column holds 300 samples (3 s).
    expect(s.x[1]).toBeCloseTo(3, 10);
    const spike = Math.floor(123_456 / 300);
    expect(s.max[spike]).toBe(1000);
    expect(s.mean[spike]).toBeCloseTo((299 * 2 + 1000) / 300, 10);
    expect(s.min[Math.floor(300_000 / 300)]).toBe(-5);
    expect(Math.max(...s.max)).toBe(1000);
    expect(s.min.filter((v) => v !== 2)).toEqual([-5]);
  });

  it('covers every sample exactly once when the count does not divide', () => {
    const ys = Array.from({ length: 1001 }, (_, k) => k);
    const s = shapeSeries(ys, 1, 100);
    expect(s.min[0]).toBe(0);
    expect(s.max.at(-1)).toBe(1000);
    for (let c = 1; c < 100; c++) expect(s.min[c]).toBe(s.max[c - 1]! + 1);
  });
});

describe('sketch shaping', () => {
  // relative accuracy 0.005: γ = 1.005/0.995; bucket i holds (γ^(i−1), γ^i].
  const gamma = 1.005 / 0.995;
  const sketch = { relative_accuracy: 0.005, zero_count: 1, offset: -460, counts: [3, 0, 6] };

  it('turns the counts into buckets with their bounds', () => {
    const b = sketchBuckets(sketch);
    expect(b.map((x) => x.count)).toEqual([1, 3, 6]);
    expect(b[1]!.upper).toBeCloseTo(Math.pow(gamma, -460), 12);
    expect(b[2]!.lower).toBeCloseTo(Math.pow(gamma, -459), 12);
    expect(sketchCount(sketch)).toBe(10);
  });

  it('bins a histogram linearly and sums every count', () => {
    // γ^-460 ≈ 0.0101 s, so both buckets fall in the bin [10, 11) ms.
    const h = histogram(sketch, 100, 0.1);
    expect(h.y.reduce((a, b) => a + b, 0)).toBe(10);
    expect(h.y[0]).toBe(1);
    expect(h.y[10]).toBe(9);
    expect(h.x[10]).toBeCloseTo(10.5, 10);
  });

  it('builds a CDF ending at 1', () => {
    const c = cdf(sketch);
    expect(c.y).toEqual([0.1, 0.4, 1]);
    expect(c.x[2]).toBeCloseTo(Math.pow(gamma, -458) * 1000, 9);
  });
});
