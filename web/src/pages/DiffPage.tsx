import { useEffect, useRef } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { api } from '../api/client';
import type { ScenarioVersion } from '../api/types';
import { Loading, Problem } from '../components/Problem';
import { useLoad, useTitle } from '../hooks';
import { versionText } from './ScenarioPage';
import { shadowMount } from '../components/shadow';

/** Two versions of a scenario side by side, their differences marked. */
export default function DiffPage() {
  const { id = '' } = useParams();
  const [q] = useSearchParams();
  const a = Number(q.get('a') ?? 1);
  const b = Number(q.get('b') ?? 1);
  useTitle(`Diff v${a} / v${b}`);
  const d = useLoad(
    (signal) =>
      Promise.all([a, b].map((v) => api<ScenarioVersion>(`/api/v1/scenarios/${id}/versions/${v}`, { signal }))),
    [id, a, b],
  );
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!d.data || !host.current) return;
    const [va, vb] = d.data;
    const ext = [basicSetup, yaml(), EditorState.readOnly.of(true), EditorView.editable.of(false)];
    const { root, parent } = shadowMount(host.current);
    const mv = new MergeView({
      root,
      a: { doc: versionText(va!), extensions: [...ext, EditorView.contentAttributes.of({ 'aria-label': `Version ${a}` })] },
      b: { doc: versionText(vb!), extensions: [...ext, EditorView.contentAttributes.of({ 'aria-label': `Version ${b}` })] },
      parent,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => mv.destroy();
  }, [d.data, a, b]);

  return (
    <section>
      <h1>
        Version {a} → version {b}
      </h1>
      <p>
        <Link to={`/scenarios/${id}`}>Back to the scenario</Link>
      </p>
      <Problem error={d.error} />
      {d.loading && <Loading />}
      <div className="diff" ref={host} />
    </section>
  );
}
