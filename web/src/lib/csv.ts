import type { Series } from '../api/types';

/**
 * The sampled series as CSV: a time column (s) and one column per server
 * metric and per edge, named "<id>.<metric>", one row per sample.
 */
export function seriesCSV(s: Series | null): string {
  if (!s) return '';
  const cols: [string, number[]][] = [];
  for (const [id, m] of Object.entries(s.servers ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const k of ['ready_queue_len', 'event_loop_io_sleep', 'ram_in_use', 'replicas'] as const) {
      const v = m[k];
      if (v && v.length) cols.push([`${id}.${k}`, v]);
    }
  }
  for (const [id, e] of Object.entries(s.edges ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (e.edge_concurrent_connection?.length) cols.push([`${id}.edge_concurrent_connection`, e.edge_concurrent_connection]);
  }
  const n = Math.max(0, ...cols.map(([, v]) => v.length));
  const lines = [['time_s', ...cols.map(([h]) => h)].join(',')];
  for (let k = 0; k < n; k++) lines.push([+(k * s.period_s).toFixed(9), ...cols.map(([, v]) => v[k] ?? '')].join(','));
  return lines.join('\n') + '\n';
}
