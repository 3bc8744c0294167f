import { describe, expect, it } from 'vitest';
import { seriesCSV } from './csv';

describe('seriesCSV', () => {
  it('writes a time column and one column per server metric and edge, sorted by id', () => {
    const csv = seriesCSV({
      period_s: 0.05,
      servers: { 'srv-2': { ready_queue_len: [0, 1] }, 'srv-1': { ready_queue_len: [2, 3], ram_in_use: [100, 200] } },
      edges: { e1: { edge_concurrent_connection: [1, 0] } },
    });
    expect(csv).toBe('time_s,srv-1.ready_queue_len,srv-1.ram_in_use,srv-2.ready_queue_len,e1.edge_concurrent_connection\n0,2,100,0,1\n0.05,3,200,1,0\n');
  });

  it('is empty without series', () => {
    expect(seriesCSV(null)).toBe('');
  });
});
