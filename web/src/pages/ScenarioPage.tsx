import { lazy, Suspense, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { stringify } from 'yaml';
import { ApiError, api } from '../api/client';
import type { Run, ScenarioVersion, ScenarioWithVersion, ValidateOutput } from '../api/types';
import type { EditorHandle } from '../components/Editor';
import { Loading, Problem } from '../components/Problem';
import { sig, when } from '../format';
import { useLoad, useTitle } from '../hooks';
import { markerText, toMarkers, type Marker } from '../lib/markers';
import { readTopology, type Topology as Topo } from '../lib/topology';
import type { Span } from '../lib/yamlpath';

const Editor = lazy(() => import('../components/Editor'));
const Topology = lazy(() => import('../components/Topology'));

/** The YAML text of a stored version (the API stores canonical JSON). */
export const versionText = (v: ScenarioVersion) => stringify(v.scenario, { lineWidth: 0 });

interface Check {
  markers: Marker[];
  valid: boolean | null;
  estimated?: number;
  error?: ApiError;
}

/** Validates text through the API (debounced by the caller). */
async function validate(text: string, signal: AbortSignal): Promise<Check> {
  try {
    const r = await api<ValidateOutput>('/api/v1/validate', { method: 'POST', text, signal });
    return { valid: r.valid, markers: toMarkers(text, [], r.warnings ?? []), estimated: r.estimated_events };
  } catch (e) {
    if (e instanceof ApiError && e.status === 422) return { valid: false, markers: toMarkers(text, e.errors) };
    throw e;
  }
}

/** Downloads text as a file. */
function download(name: string, text: string, type = 'application/yaml') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function ScenarioPage() {
  const { id = '' } = useParams();
  const nav = useNavigate();
  const sc = useLoad((signal) => api<ScenarioWithVersion>(`/api/v1/scenarios/${id}`, { signal }), [id]);
  const [saved, setSaved] = useState<ScenarioWithVersion | null>(null);
  const current = saved ?? sc.data;
  useTitle(current?.name ?? 'Scenario');

  const [text, setText] = useState<string | null>(null);
  const savedText = useMemo(() => (current ? versionText(current.version) : ''), [current]);
  useEffect(() => {
    if (current) setText(versionText(current.version));
  }, [current]);

  // Live validation, 400 ms after the last keystroke.
  const [check, setCheck] = useState<Check>({ markers: [], valid: null });
  const [checkError, setCheckError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (text === null) return;
    const ac = new AbortController();
    const t = setTimeout(() => {
      validate(text, ac.signal)
        .then((c) => {
          setCheck(c);
          setCheckError(null);
        })
        .catch((e: unknown) => !ac.signal.aborted && e instanceof ApiError && setCheckError(e));
    }, 400);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [text]);

  // The topology follows the text; an unreadable text keeps the last one.
  const [topo, setTopo] = useState<Topo | null>(null);
  useEffect(() => {
    if (text === null) return;
    const t = readTopology(text);
    if (t) setTopo(t);
  }, [text]);
  const [hover, setHover] = useState<Span | null>(null);
  const editor = useRef<EditorHandle>(null);

  const dirty = text !== null && text !== savedText;
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    if (text === null) return;
    setBusy(true);
    setSaveError(null);
    try {
      const s = await api<ScenarioWithVersion>(`/api/v1/scenarios/${id}`, { method: 'PUT', text });
      setSaved(s);
      versions.reload();
    } catch (e) {
      setSaveError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!current || !window.confirm(`Delete the scenario "${current.name}" and all its versions?`)) return;
    setSaveError(null);
    try {
      await api(`/api/v1/scenarios/${id}`, { method: 'DELETE' });
      nav('/scenarios');
    } catch (e) {
      setSaveError(e as ApiError);
    }
  }

  const [seed, setSeed] = useState(42);
  const [reps, setReps] = useState(1);
  const [runError, setRunError] = useState<ApiError | null>(null);
  async function run(e: FormEvent) {
    e.preventDefault();
    if (!current) return;
    setRunError(null);
    try {
      const r = await api<Run>('/api/v1/runs', { method: 'POST', json: { scenario_id: id, version: current.version.version, seed, replications: reps } });
      nav(`/runs/${r.id}`);
    } catch (err) {
      setRunError(err as ApiError);
    }
  }

  const versions = useLoad((signal) => api<{ items: ScenarioVersion[] | null }>(`/api/v1/scenarios/${id}/versions`, { signal }), [id]);
  const [a, setA] = useState(1);
  const [b, setB] = useState(0);
  const latest = current?.latest_version ?? 1;
  const bv = b || latest;

  if (sc.error) return <Problem error={sc.error} title="Could not open the scenario" />;
  if (!current || text === null) return <Loading />;
  const errors = check.markers.filter((m) => m.severity === 'error');
  const warnings = check.markers.filter((m) => m.severity === 'warning');

  return (
    <section>
      <div className="title-row">
        <h1>{current.name}</h1>
        <span className="muted">
          version {current.version.version} of {current.latest_version} · saved {when(current.version.created_at)}
        </span>
      </div>
      <div className="toolbar">
        <button type="button" onClick={() => void save()} disabled={!dirty || busy || check.valid === false}>
          Save as new version
        </button>
        <button type="button" className="secondary" onClick={() => download(`${current.name}.yml`, text)}>
          Download YAML
        </button>
        <button type="button" className="danger" onClick={() => void remove()}>
          Delete scenario
        </button>
        <span className="spacer" />
        <span role="status" aria-live="polite" className={check.valid === false ? 'bad' : check.valid ? 'good' : 'muted'} data-testid="validity">
          {check.valid === null
            ? 'Checking…'
            : check.valid
              ? `Valid${check.estimated ? ` · about ${sig(check.estimated)} events per replication` : ''}${warnings.length ? ` · ${warnings.length} warning(s)` : ''}${dirty ? ' · unsaved changes' : ''}`
              : `${errors.length} error(s)`}
        </span>
      </div>
      <Problem error={saveError} title="Could not save or delete" />
      <Problem error={checkError} title="Could not validate" />
      <div className="editor-grid">
        <div>
          <Suspense fallback={<Loading what="Loading the editor" />}>
            <Editor ref={editor} value={text} onChange={setText} markers={check.markers} highlight={hover} label={`Scenario ${current.name} (YAML)`} />
          </Suspense>
          {check.markers.length > 0 && (
            <ul className="markers" aria-label="Validation problems">
              {check.markers.map((m, i) => (
                <li key={i} className={m.severity}>
                  <button type="button" className="link" onClick={() => editor.current?.goToLine(m.line)}>
                    {m.severity === 'error' ? 'Error' : 'Warning'}: {markerText(m)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h2 className="sr-only">Topology</h2>
          <Suspense fallback={<Loading what="Loading the topology" />}>{topo && <Topology topology={topo} onHover={setHover} />}</Suspense>
        </div>
      </div>

      <div className="split">
        <form className="card stack" onSubmit={(e) => void run(e)} aria-labelledby="run-h">
          <h2 id="run-h">Run version {current.version.version}</h2>
          <div className="row">
            <label>
              Seed
              <input type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
            </label>
            <label>
              Replications
              <input type="number" min={1} max={1000} value={reps} onChange={(e) => setReps(Number(e.target.value))} />
            </label>
          </div>
          <button type="submit" disabled={dirty}>
            Run
          </button>
          {dirty && <p className="muted">Save the changes first: a run runs a stored version.</p>}
          <Problem error={runError} title="Could not start the run" />
          <Link to={`/runs?scenario_id=${id}`}>Runs of this scenario</Link>
          <Link to={`/studies?scenario=${id}`}>Size or sweep it (new study)</Link>
        </form>

        <div className="card stack">
          <h2>Versions</h2>
          <Problem error={versions.error} />
          <ol className="versions">
            {(versions.data?.items ?? []).map((v) => (
              <li key={v.version}>
                v{v.version} · {when(v.created_at)}{' '}
                <button type="button" className="link" onClick={() => download(`${v.name}-v${v.version}.yml`, versionText(v))}>
                  download v{v.version}
                </button>
              </li>
            ))}
          </ol>
          <div className="row">
            <label>
              Compare
              <select value={a} onChange={(e) => setA(Number(e.target.value))}>
                {(versions.data?.items ?? []).map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <label>
              with
              <select value={bv} onChange={(e) => setB(Number(e.target.value))}>
                {(versions.data?.items ?? []).map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <Link to={`/scenarios/${id}/diff?a=${a}&b=${bv}`}>Show the diff</Link>
        </div>
      </div>
    </section>
  );
}
