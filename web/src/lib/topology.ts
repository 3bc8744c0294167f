// The topology of a scenario, read from the YAML text as the user types it
// (not from the server: it must follow every keystroke), and laid out left
// to right with dagre. Every node and edge keeps the span of its entry in
// the text, so hovering it highlights its lines in the editor.
import dagre from '@dagrejs/dagre';
import type { Document } from 'yaml';
import { lineOf, parse, type Span } from './yamlpath';

export type NodeKind = 'generator' | 'client' | 'load_balancer' | 'server' | 'unknown';

export interface TopoNode {
  id: string;
  kind: NodeKind;
  /** Short facts shown under the id: cores, RAM, endpoints, replicas, algorithm, load. */
  details: string[];
  /** The events that target it (outages). */
  events: string[];
  span: Span | null;
}

export interface TopoEdge {
  id: string;
  source: string;
  target: string;
  /** "edge" for a network edge, "call" for a service call of an endpoint. */
  kind: 'edge' | 'call';
  label: string;
  events: string[];
  span: Span | null;
}

export interface Topology {
  nodes: TopoNode[];
  edges: TopoEdge[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function fmtDist(v: unknown, unit = ''): string {
  if (typeof v === 'number') return `${v}${unit}`;
  if (isObj(v)) {
    const m = v.mean;
    const d = str(v.distribution);
    return `${typeof m === 'number' ? m : '?'}${unit}${d ? ' ' + d : ''}`;
  }
  return '';
}

function ms(v: unknown): string {
  if (isObj(v) && typeof v.mean === 'number') return `${+(v.mean * 1000).toPrecision(3)} ms${v.distribution ? ' ' + str(v.distribution) : ''}`;
  if (typeof v === 'number') return `${+(v * 1000).toPrecision(3)} ms`;
  return '';
}

/** The span of the YAML node at path (keys and indexes), if it exists. */
function nodeSpan(text: string, doc: Document.Parsed, path: (string | number)[]): Span | null {
  const n = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (!n || !n.range) return null;
  return { from: n.range[0], to: n.range[2], line: lineOf(text, n.range[0]) };
}

/**
 * Reads the topology of a scenario text. Unreadable text gives null (the
 * caller keeps showing the last good topology); missing parts are simply
 * left out, so a half-typed scenario still draws what it has.
 */
export function readTopology(text: string): Topology | null {
  const doc = parse(text);
  if (doc.errors.length > 0) return null;
  const js = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObj(js)) return null;
  const nodes: TopoNode[] = [];
  const edges: TopoEdge[] = [];
  const byId = new Map<string, TopoNode>();
  const add = (n: TopoNode) => {
    if (!n.id || byId.has(n.id)) return;
    byId.set(n.id, n);
    nodes.push(n);
  };

  // Generators: one, or a list of request classes.
  const rq = js.rqs_input;
  const rqList = Array.isArray(rq) ? rq : rq === undefined ? [] : [rq];
  rqList.forEach((g, i) => {
    if (!isObj(g)) return;
    const path = Array.isArray(rq) ? ['rqs_input', i] : ['rqs_input'];
    const details: string[] = [];
    if (g.avg_active_users !== undefined) details.push(`users ${fmtDist(g.avg_active_users)}`);
    if (g.avg_request_per_minute_per_user !== undefined) details.push(`${fmtDist(g.avg_request_per_minute_per_user)} req/min/user`);
    if (g.users !== undefined) details.push(`users ${str(g.users) || fmtDist(g.users)}`);
    if (g.endpoint) details.push(`→ ${str(g.endpoint)}`);
    add({ id: str(g.id), kind: 'generator', details, events: [], span: nodeSpan(text, doc, path) });
  });

  const tg = isObj(js.topology_graph) ? js.topology_graph : {};
  const ns = isObj(tg.nodes) ? tg.nodes : {};
  if (isObj(ns.client)) add({ id: str(ns.client.id), kind: 'client', details: [], events: [], span: nodeSpan(text, doc, ['topology_graph', 'nodes', 'client']) });

  const lbKey = ns.load_balancers !== undefined ? 'load_balancers' : 'load_balancer';
  const lbs = list(ns[lbKey]);
  lbs.forEach((lb, i) => {
    if (!isObj(lb)) return;
    const path = Array.isArray(ns[lbKey]) ? ['topology_graph', 'nodes', lbKey, i] : ['topology_graph', 'nodes', lbKey];
    const details = [str(lb.algorithms) || 'round_robin'];
    const covered = list(lb.server_covered).map(str).filter(Boolean);
    if (covered.length) details.push(`covers ${covered.join(', ')}`);
    add({ id: str(lb.id), kind: 'load_balancer', details, events: [], span: nodeSpan(text, doc, path) });
  });

  const calls: { from: string; target: string; endpoint: string; path: (string | number)[] }[] = [];
  list(ns.servers).forEach((s, i) => {
    if (!isObj(s)) return;
    const res = isObj(s.server_resources) ? s.server_resources : {};
    const details: string[] = [];
    const parts = [];
    if (res.cpu_cores !== undefined) parts.push(`${str(res.cpu_cores)} cores`);
    if (res.ram_mb !== undefined) parts.push(`${str(res.ram_mb)} MB`);
    if (parts.length) details.push(parts.join(', '));
    if (s.replicas !== undefined) details.push(`× ${str(s.replicas)} replicas`);
    const eps = list(s.endpoints).filter(isObj);
    if (eps.length) details.push(eps.map((e) => str(e.endpoint_name)).join(' '));
    const id = str(s.id);
    eps.forEach((e, ei) => {
      list(e.steps).forEach((st, si) => {
        if (!isObj(st) || !isObj(st.step_operation)) return;
        const op = st.step_operation;
        const cs = [...list(op.call), ...list(op.calls)];
        cs.forEach((c) => {
          if (isObj(c) && c.target) calls.push({ from: id, target: str(c.target), endpoint: str(c.endpoint), path: ['topology_graph', 'nodes', 'servers', i, 'endpoints', ei, 'steps', si] });
        });
      });
    });
    add({ id, kind: 'server', details, events: [], span: nodeSpan(text, doc, ['topology_graph', 'nodes', 'servers', i]) });
  });

  list(tg.edges).forEach((e, i) => {
    if (!isObj(e)) return;
    const bits = [ms(e.latency)];
    const drop = typeof e.dropout_rate === 'number' ? e.dropout_rate : 0;
    if (drop > 0) bits.push(`drop ${+(drop * 100).toPrecision(3)} %`);
    edges.push({
      id: str(e.id) || `${str(e.source)}→${str(e.target)}`,
      source: str(e.source),
      target: str(e.target),
      kind: 'edge',
      label: bits.filter(Boolean).join(', '),
      events: [],
      span: nodeSpan(text, doc, ['topology_graph', 'edges', i]),
    });
  });
  calls.forEach((c, k) => {
    edges.push({ id: `call-${k}-${c.from}-${c.target}`, source: c.from, target: c.target, kind: 'call', label: `call ${c.endpoint}`, events: [], span: nodeSpan(text, doc, c.path) });
  });

  // Events mark their target (a server or an edge).
  list(js.events).forEach((ev) => {
    if (!isObj(ev)) return;
    const kind = isObj(ev.start) ? str(ev.start.kind) : '';
    const label = `${str(ev.event_id)} (${kind})`;
    const t = str(ev.target_id);
    byId.get(t)?.events.push(label);
    edges.find((e) => e.id === t)?.events.push(label);
  });

  // Endpoints that exist only as edge ends (a typo, or a node not typed yet) still show.
  for (const e of edges) {
    for (const end of [e.source, e.target]) if (end && !byId.has(end)) add({ id: end, kind: 'unknown', details: ['not declared'], events: [], span: null });
  }
  return { nodes, edges: edges.filter((e) => e.source && e.target) };
}

export const NODE_W = 190;
export const NODE_H = 74;

/** Positions of the nodes (top-left corners), left to right by dagre. */
export function layout(t: Topology): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 70, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of t.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  // Return edges (server → client) would pull the client right: lay out
  // only the edges that go forward from the generator, plus calls.
  for (const e of layoutEdges(t)) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of t.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    out.set(n.id, { x: (p?.x ?? 0) - NODE_W / 2, y: (p?.y ?? 0) - NODE_H / 2 });
  }
  return out;
}

/**
 * The edges given to the layout: every edge except those back to the
 * client (responses), so requests flow left to right: generator, client,
 * load balancers, servers, called servers.
 */
export function layoutEdges(t: Topology): TopoEdge[] {
  const kind = new Map(t.nodes.map((n) => [n.id, n.kind]));
  return t.edges.filter((e) => kind.get(e.target) !== 'client' || kind.get(e.source) === 'generator');
}
