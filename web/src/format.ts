/** Latency in ms from seconds, 3 significant digits. */
export const msText = (s: number | undefined) => (s === undefined ? '–' : `${sig(s * 1000)} ms`);
/** A number with 3 significant digits (whole numbers kept whole). */
export function sig(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  return String(+v.toPrecision(3));
}
export const pct = (f: number) => `${sig(f * 100)} %`;
export const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '–');
/**
 * The last 8 hex digits of an id: ids are UUIDv7, whose first digits are the
 * creation time (equal for everything made in the same minute), the last random.
 */
export const shortId = (id: string) => id.slice(-8);
