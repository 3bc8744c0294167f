import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout, layoutEdges, readTopology } from './topology';

const example = (name: string) => readFileSync(resolve(process.cwd(), '..', 'examples', name), 'utf8');

describe('readTopology', () => {
  it('reads generator, client, load balancer, servers and edges of lb_two_servers.yml', () => {
    const t = readTopology(example('lb_two_servers.yml'))!;
    expect(t.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['rqs-1', 'generator'],
      ['client-1', 'client'],
      ['lb-1', 'load_balancer'],
      ['srv-fast', 'server'],
      ['srv-slow', 'server'],
    ]);
    expect(t.nodes.find((n) => n.id === 'srv-fast')!.details).toEqual(['2 cores, 2048 MB', '/api']);
    expect(t.nodes.find((n) => n.id === 'lb-1')!.details).toEqual(['least_connection', 'covers srv-fast, srv-slow']);
    expect(t.edges).toHaveLength(6);
    expect(t.edges[0]).toMatchObject({ id: 'gen-client', source: 'rqs-1', target: 'client-1', label: '3 ms exponential', kind: 'edge' });
  });

  it('keeps the span of each entry for highlighting', () => {
    const text = example('single_server.yml');
    const t = readTopology(text)!;
    const srv = t.nodes.find((n) => n.id === 'srv-1')!;
    expect(text.slice(srv.span!.from, srv.span!.to)).toMatch(/^id: srv-1\n/);
    expect(text.split('\n')[srv.span!.line - 1]).toContain('- id: srv-1');
  });

  it('draws calls, request classes, replicas and events', () => {
    const t = readTopology(example('three_tier.yml'))!;
    const calls = t.edges.filter((e) => e.kind === 'call').map((e) => `${e.source}->${e.target} ${e.label}`);
    expect(calls).toContain('gateway->auth call /check');
    expect(calls).toContain('catalog->inventory call /stock');
    expect(t.nodes.find((n) => n.id === 'catalog')!.details).toContain('× 3 replicas');

    const classes = readTopology(example('two_classes.yml'))!;
    expect(classes.nodes.filter((n) => n.kind === 'generator').map((n) => n.id)).toEqual(['browse', 'checkout']);

    const out = readTopology(example('outage_and_spike.yml'))!;
    expect(out.nodes.find((n) => n.id === 'srv-1')!.events).toEqual(['srv1-outage (server_down)']);
    expect(out.edges.find((e) => e.id === 'client-lb')!.events).toEqual(['client-lb-spike (network_spike_start)']);
  });

  it('shows an undeclared edge end and returns null for unreadable text', () => {
    const t = readTopology('topology_graph:\n  edges:\n    - { id: e, source: a, target: b }\n')!;
    expect(t.nodes.map((n) => [n.id, n.kind])).toEqual([['a', 'unknown'], ['b', 'unknown']]);
    expect(readTopology('a: [1, 2\nb: }')).toBeNull();
  });
});

describe('layout', () => {
  it('flows left to right: generator, client, load balancer, servers', () => {
    const t = readTopology(example('lb_two_servers.yml'))!;
    // The response edges back to the client are not layout constraints.
    expect(layoutEdges(t).map((e) => e.id)).toEqual(['gen-client', 'client-lb', 'lb-fast', 'lb-slow']);
    const p = layout(t);
    const x = (id: string) => p.get(id)!.x;
    expect(x('rqs-1')).toBeLessThan(x('client-1'));
    expect(x('client-1')).toBeLessThan(x('lb-1'));
    expect(x('lb-1')).toBeLessThan(x('srv-fast'));
    expect(x('srv-fast')).toBe(x('srv-slow'));
    expect(p.get('srv-fast')!.y).not.toBe(p.get('srv-slow')!.y);
  });
});
