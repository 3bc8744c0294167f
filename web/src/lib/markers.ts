// Validation markers: the answer of POST /api/v1/validate (errors of a 422
// problem, warnings of a 200) mapped to lines of the editor's text, as
// `fastsim validate` prints them ("path: message (line N)").
import type { ErrorDetail, FieldMessage } from '../api/types';
import { lineSpan, locate, parse } from './yamlpath';

/** One marker of the editor. */
export interface Marker {
  from: number;
  to: number;
  /** 1-based line. */
  line: number;
  severity: 'error' | 'warning';
  /** The scenario path it is about ("" for the whole document). */
  path: string;
  message: string;
}

/** "invalid YAML: line 3: ..." and other decode messages that name a line. */
const lineInMessage = /\bline (\d+)\b/;

/**
 * Maps errors (from a problem's `errors`) and warnings to markers. A path
 * found in the text is marked on its key; a message that names a line
 * (a YAML syntax error) on that line; anything else on line 1.
 */
export function toMarkers(text: string, errors: ErrorDetail[], warnings: FieldMessage[] = []): Marker[] {
  const doc = parse(text);
  const one = (path: string, message: string, severity: Marker['severity']): Marker => {
    const loc = path && path !== '(document)' && path !== 'body' ? locate(text, path, doc) : null;
    let s = loc;
    if (!s) {
      const m = lineInMessage.exec(message);
      s = lineSpan(text, m ? Number(m[1]) : 1);
    }
    return { from: s.from, to: Math.max(s.to, s.from), line: s.line, severity, path: path === '(document)' ? '' : path, message };
  };
  return [
    ...errors.map((e) => one(e.location ?? '', e.message ?? 'invalid', 'error')),
    ...warnings.map((w) => one(w.path, w.message, 'warning')),
  ];
}

/** The line of the CLI's listing: "path: message (line N)". */
export function markerText(m: Marker): string {
  return `${m.path ? m.path + ': ' : ''}${m.message} (line ${m.line})`;
}
