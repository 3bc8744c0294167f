// Shaping result data for the charts: series downsampled to the pixels
// that show them (the minimum and maximum of each column, as the PNG
// charts draw their envelope, so a one-sample spike still shows), and
// the latency histogram and CDF from the result's quantile sketch.
import type { Sketch } from '../api/types';

/** A series ready for uPlot: x (s), and the band and line of each column. */
export interface Shaped {
  x: number[];
  min: number[];
  max: number[];
  mean: number[];
  /** True when several samples share a column (the band is drawn). */
  downsampled: boolean;
}

/**
 * Shapes ys (sample k at k × period s) for at most cols columns. Up to 2 ×
 * cols samples are kept as they are (min = max = mean = the sample); more
 * are bucketed into cols columns of equal sample counts, each with its
 * minimum, maximum and mean, at the time of its first sample.
 */
export function shapeSeries(ys: readonly number[], period: number, cols: number): Shaped {
  const n = ys.length;
  if (n <= 2 * cols) {
    const x = Array.from({ length: n }, (_, k) => k * period);
    const v = Array.from(ys);
    return { x, min: v, max: v.slice(), mean: v.slice(), downsampled: false };
  }
  const out: Shaped = { x: [], min: [], max: [], mean: [], downsampled: true };
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols);
    const b = Math.floor(((c + 1) * n) / cols);
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (let k = a; k < b; k++) {
      const y = ys[k]!;
      if (y < lo) lo = y;
      if (y > hi) hi = y;
      sum += y;
    }
    out.x.push(a * period);
    out.min.push(lo);
    out.max.push(hi);
    out.mean.push(sum / (b - a));
  }
  return out;
}

/** One bucket of the sketch: values in (lower, upper], and their count. */
export interface Bucket {
  lower: number;
  upper: number;
  count: number;
}

/** The sketch's buckets in increasing order (zeros as the bucket [0, 0]). */
export function sketchBuckets(s: Sketch): Bucket[] {
  const a = s.relative_accuracy;
  const gamma = (1 + a) / (1 - a);
  const out: Bucket[] = [];
  if (s.zero_count > 0) out.push({ lower: 0, upper: 0, count: s.zero_count });
  s.counts.forEach((count, k) => {
    if (count <= 0) return;
    const i = s.offset + k;
    out.push({ lower: Math.pow(gamma, i - 1), upper: Math.pow(gamma, i), count });
  });
  return out;
}

/** Total count of a sketch. */
export function sketchCount(s: Sketch): number {
  return s.zero_count + s.counts.reduce((a, b) => a + b, 0);
}

/**
 * A histogram of the sketch on a linear axis of `bins` equal bins from 0
 * to `hi` (s), a bucket's count going to the bin of its midpoint; counts
 * above hi go to the last bin. x is each bin's centre in ms.
 */
export function histogram(s: Sketch, bins: number, hi: number): { x: number[]; y: number[] } {
  const width = hi / bins;
  const y = new Array<number>(bins).fill(0);
  for (const b of sketchBuckets(s)) {
    const mid = (b.lower + b.upper) / 2;
    const i = Math.min(bins - 1, Math.max(0, Math.floor(mid / width)));
    y[i] = y[i]! + b.count;
  }
  return { x: y.map((_, i) => (i + 0.5) * width * 1000), y };
}

/** The CDF of the sketch: at each bucket's upper bound (ms), the fraction at or below it. */
export function cdf(s: Sketch): { x: number[]; y: number[] } {
  const total = sketchCount(s);
  const x: number[] = [];
  const y: number[] = [];
  let acc = 0;
  for (const b of sketchBuckets(s)) {
    acc += b.count;
    x.push(b.upper * 1000);
    y.push(total > 0 ? acc / total : 0);
  }
  return { x, y };
}
