// The scenario editor: CodeMirror 6 with YAML highlighting, the validation
// markers in the gutter and under the text, and a highlight of the lines of
// the topology element under the pointer.
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, StateEffect, StateField, type Range } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import type { Marker } from '../lib/markers';
import type { Span } from '../lib/yamlpath';
import { shadowMount } from './shadow';

export interface EditorHandle {
  /** Moves the cursor to a 1-based line, scrolls to it and focuses. */
  goToLine(line: number): void;
}

interface Props {
  value: string;
  onChange(text: string): void;
  markers: Marker[];
  highlight: Span | null;
  label: string;
}

const setHighlight = StateEffect.define<Span | null>();
const hoverLine = Decoration.line({ class: 'cm-topo-hover' });

/** Fills the host, and the highlight of the hovered topology element. */
export const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '14px' },
  '.cm-scroller': { overflow: 'auto' },
  '.cm-topo-hover': { backgroundColor: '#fff3b0' },
});

const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHighlight)) continue;
      const s = e.value;
      if (!s) return Decoration.none;
      const doc = tr.state.doc;
      const from = doc.lineAt(Math.min(s.from, doc.length)).number;
      const to = doc.lineAt(Math.min(Math.max(s.to - 1, s.from), doc.length)).number;
      const ranges: Range<Decoration>[] = [];
      for (let l = from; l <= to; l++) ranges.push(hoverLine.range(doc.line(l).from));
      deco = Decoration.set(ranges);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** The diagnostics of markers, clamped to the document. */
export function diagnostics(markers: Marker[], length: number): Diagnostic[] {
  return markers.map((m) => ({
    from: Math.min(m.from, length),
    to: Math.min(Math.max(m.to, m.from), length),
    severity: m.severity,
    message: `${m.path ? m.path + ': ' : ''}${m.message}`,
  }));
}

const Editor = forwardRef<EditorHandle, Props>(function Editor({ value, onChange, markers, highlight, label }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    const { root, parent } = shadowMount(host.current!);
    const v = new EditorView({
      root,
      parent,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          highlightField,
          editorTheme,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    // The scroller must be reachable by keyboard (WCAG 2.1.1; axe
    // scrollable-region-focusable): the editable content inside it is in a
    // shadow root, which axe does not count.
    v.scrollDOM.tabIndex = 0;
    v.scrollDOM.setAttribute('aria-label', `${label}: scroll area`);
    view.current = v;
    return () => v.destroy();
    // The editor is created once; value changes from outside are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, diagnostics(markers, v.state.doc.length)));
  }, [markers]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const effects: StateEffect<unknown>[] = [setHighlight.of(highlight)];
    if (highlight) effects.push(EditorView.scrollIntoView(Math.min(highlight.from, v.state.doc.length), { y: 'nearest' }));
    v.dispatch({ effects });
  }, [highlight]);

  useImperativeHandle(ref, () => ({
    goToLine(line: number) {
      const v = view.current;
      if (!v) return;
      const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
      v.dispatch({ selection: { anchor: l.from, head: l.to }, effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
      v.focus();
    },
  }));

  return <div className="editor" ref={host} />;
});

export default Editor;
