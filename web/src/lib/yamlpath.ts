// Finding a scenario path (topology_graph.edges[0].latency.mean, as the
// validator names it) in the YAML text the user typed.
import { isMap, isScalar, isSeq, parseDocument, type Node as YNode, type Document } from 'yaml';

/** A source range: character offsets [from, to) and the 1-based line of from. */
export interface Span {
  from: number;
  to: number;
  line: number;
}

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]; keys with dots are not used by the format. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The 1-based line of offset in text. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The span of the whole 1-based line n of text. */
export function lineSpan(text: string, n: number): Span {
  const lines = text.split('\n');
  const k = Math.min(Math.max(n, 1), Math.max(lines.length, 1));
  let from = 0;
  for (let i = 0; i < k - 1; i++) from += (lines[i]?.length ?? 0) + 1;
  return { from, to: from + (lines[k - 1]?.length ?? 0), line: k };
}

function span(text: string, r: [number, number, number] | null | undefined): Span | null {
  if (!r) return null;
  return { from: r[0], to: Math.max(r[1], r[0]), line: lineOf(text, r[0]) };
}

/** Parses text leniently (errors are kept in the document, not thrown). */
export function parse(text: string): Document.Parsed {
  return parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
}

/**
 * The span of path in the document: the key of the deepest mapping entry
 * or the deepest sequence item found along it. A path that goes further
 * than the document (a missing key) ends at its deepest existing part, so
 * "is required" is shown on the parent that lacks the key. Null when not
 * even the first part exists.
 */
export function locate(text: string, path: string, doc: Document.Parsed = parse(text)): Span | null {
  const parts = splitPath(path);
  let node: unknown = doc.contents;
  let best: Span | null = null;
  for (const p of parts) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(p));
      if (!pair) break;
      const key = pair.key as YNode;
      best = span(text, key.range) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof p === 'number') {
      const item = node.items[p] as YNode | undefined;
      if (!item) break;
      best = span(text, item.range) ?? best;
      // An item's span is its first line (a flow map may run on).
      if (best) best = { ...best, to: Math.min(best.to, lineSpan(text, best.line).to) };
      node = item;
    } else {
      break;
    }
  }
  return best;
}
