import { describe, expect, it } from 'vitest';
import { markerText, toMarkers } from './markers';
import { locate, splitPath } from './yamlpath';

const doc = `rqs_input:
  id: rqs-1
  colour: red
topology_graph:
  nodes:
    client: { id: client-1 }
    servers:
      - id: srv-1
        server_resources: { cpu_cors: 1, ram_mb: 2048 }
      - id: srv-2
  edges:
    - id: e1
      latency: { mean: -1 }
sim_settings:
  total_simulation_time: 2
`;

describe('splitPath', () => {
  it('splits keys and indexes', () => {
    expect(splitPath('topology_graph.nodes.servers[1].endpoints[0].steps')).toEqual(['topology_graph', 'nodes', 'servers', 1, 'endpoints', 0, 'steps']);
    expect(splitPath('a[2][3].b')).toEqual(['a', 2, 3, 'b']);
  });
});

describe('toMarkers', () => {
  it('puts each error at the line of its key, as fastsim validate does', () => {
    const ms = toMarkers(doc, [
      { location: 'rqs_input.colour', message: 'unknown key "colour"' },
      { location: 'topology_graph.nodes.servers[0].server_resources.cpu_cors', message: 'unknown key "cpu_cors"' },
      { location: 'topology_graph.edges[0].latency.mean', message: 'must be > 0 for a latency, got -1' },
      { location: 'sim_settings.total_simulation_time', message: 'must be a whole number of seconds >= 5, got 2' },
    ]);
    expect(ms.map((m) => m.line)).toEqual([3, 9, 13, 15]);
    expect(ms.every((m) => m.severity === 'error')).toBe(true);
    // The marker covers the key itself.
    expect(doc.slice(ms[1]!.from, ms[1]!.to)).toBe('cpu_cors');
    expect(markerText(ms[0]!)).toBe('rqs_input.colour: unknown key "colour" (line 3)');
  });

  it('marks a missing key on the deepest part that exists', () => {
    const [m] = toMarkers(doc, [{ location: 'topology_graph.nodes.servers[1].server_resources', message: 'is required' }]);
    expect(m!.line).toBe(10);
  });

  it('takes the line of a YAML syntax error from its message', () => {
    const bad = 'rqs_input:\n  id: gen\n   avg: { mean: 10\n';
    const [m] = toMarkers(bad, [{ message: 'invalid YAML: line 3: mapping values are not allowed in this context' }]);
    expect(m).toMatchObject({ line: 3, path: '', severity: 'error' });
    expect(bad.slice(m!.from, m!.to)).toBe('   avg: { mean: 10');
  });

  it('maps warnings and falls back to line 1 for an unknown path', () => {
    const ms = toMarkers(doc, [], [
      { path: 'topology_graph.edges[0]', message: 'dropout_rate is 0' },
      { path: 'nowhere.at.all', message: 'something' },
    ]);
    expect(ms.map((m) => [m.severity, m.line])).toEqual([['warning', 12], ['warning', 1]]);
  });

  it('locates flow-map keys', () => {
    const s = locate(doc, 'topology_graph.nodes.client.id');
    expect(s && doc.slice(s.from, s.to)).toBe('id');
    expect(s?.line).toBe(6);
  });
});
