import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { ScenarioPage, ScenarioWithVersion, Study } from '../api/types';
import { Problem } from '../components/Problem';
import { pct, shortId, sig, when } from '../format';
import { isActive, useLoad, usePaged, useQueryParams, useRefreshWhile, useTitle } from '../hooks';
import { studyBody, studySummary, suggestedPaths, type StudyForm } from '../lib/studies';

const statuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export function Studies() {
  useTitle('Studies');
  const [q, set] = useQueryParams();
  const status = q.get('status') ?? '';
  const kind = q.get('kind') ?? '';
  const list = usePaged<Study>('/api/v1/studies', { status, kind });
  const studies = list.items;
  useRefreshWhile(studies.some(isActive), list.reload);

  return (
    <section>
      <h1>Studies</h1>
      <p className="muted">
        A sizing study searches the fewest cores or replicas (or the load knee) that meet an SLA; a sweep runs every combination of one or two
        parameters with replications on common random numbers. Every candidate run is a job on the shared queue.
      </p>
      <NewStudy />
      <h2>Your studies</h2>
      <fieldset className="filters">
        <legend>Filter</legend>
        <label className="inline">
          Status
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          Kind
          <select value={kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">any</option>
            <option>sizing</option>
            <option>sweep</option>
          </select>
        </label>
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
      </fieldset>
      <Problem error={list.error} />
      {studies.length === 0 ? (
        <p className="muted">{list.loading ? 'Loading…' : 'No study matches.'}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Kind</th>
              <th scope="col">What</th>
              <th scope="col">Status</th>
              <th scope="col">Candidate runs</th>
              <th scope="col">Scenario</th>
              <th scope="col">Created</th>
              <th scope="col">Ran for</th>
            </tr>
          </thead>
          <tbody>
            {studies.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/studies/${s.id}`}>{shortId(s.id)}</Link>
                </td>
                <td>{s.kind}</td>
                <td>{studySummary(s)}</td>
                <td>
                  <span className={`badge ${s.status}`}>{s.status}</span>
                </td>
                <td>
                  {s.runs_done} of {s.runs_total} ({pct(s.progress)})
                </td>
                <td>{s.scenario_id ? <Link to={`/scenarios/${s.scenario_id}`}>{`${shortId(s.scenario_id)} v${s.scenario_version}`}</Link> : 'inline'}</td>
                <td>{when(s.created_at)}</td>
                <td>{s.running_s !== undefined ? `${sig(s.running_s)} s` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          More
        </button>
      )}
    </section>
  );
}

const initial: StudyForm = {
  kind: 'sweep',
  scenarioId: '',
  seed: 42,
  replications: 3,
  what: 'cores',
  server: '',
  max: 64,
  loads: '0.5,1,1.5,2',
  slaOn: true,
  percentile: 0.99,
  latencyMs: 250,
  maxErrorPct: '',
  conservative: false,
  params: [
    { path: '', values: '' },
    { path: '', values: '' },
  ],
};

/** The form of a new study: the base scenario, the kind and its settings. */
function NewStudy() {
  const [q] = useSearchParams();
  const nav = useNavigate();
  const [f, setF] = useState<StudyForm>({ ...initial, scenarioId: q.get('scenario') ?? '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const scenarios = useLoad((signal) => api<ScenarioPage>('/api/v1/scenarios', { query: { limit: 200 }, signal }), []);
  const base = useLoad(
    (signal) => (f.scenarioId ? api<ScenarioWithVersion>(`/api/v1/scenarios/${f.scenarioId}`, { signal }) : Promise.resolve(null)),
    [f.scenarioId],
  );
  const doc = base.data?.version.scenario as { topology_graph?: { nodes?: { servers?: { id: string }[] } } } | undefined;
  const servers = (doc?.topology_graph?.nodes?.servers ?? []).map((s) => s.id);
  const paths = suggestedPaths(doc);
  const upd = (p: Partial<StudyForm>) => setF((x) => ({ ...x, ...p }));
  const setParam = (i: number, p: Partial<StudyForm['params'][number]>) =>
    setF((x) => ({ ...x, params: x.params.map((o, k) => (k === i ? { ...o, ...p } : o)) }));
  const err = (k: string) =>
    fieldErrors[k] ? (
      <span className="field-error" id={`err-${k}`}>
        {fieldErrors[k]}
      </span>
    ) : null;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const r = studyBody(f);
    if ('errors' in r) {
      setFieldErrors(r.errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const s = await api<Study>('/api/v1/studies', { method: 'POST', json: r.body });
      void nav(`/studies/${s.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack study-form" onSubmit={(e) => void submit(e)} aria-labelledby="new-study">
      <h2 id="new-study">New study</h2>
      <div className="row">
        <label>
          Base scenario
          <select value={f.scenarioId} onChange={(e) => upd({ scenarioId: e.target.value, server: '' })} aria-describedby="err-scenario">
            <option value="">choose…</option>
            {(scenarios.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} (v{s.latest_version})
              </option>
            ))}
          </select>
          {err('scenario')}
        </label>
        <fieldset className="inline-set">
          <legend>Kind</legend>
          <label className="check">
            <input type="radio" name="kind" checked={f.kind === 'sweep'} onChange={() => upd({ kind: 'sweep' })} /> sweep
          </label>
          <label className="check">
            <input type="radio" name="kind" checked={f.kind === 'sizing'} onChange={() => upd({ kind: 'sizing' })} /> sizing
          </label>
        </fieldset>
        <label>
          Seed
          <input type="number" value={f.seed} onChange={(e) => upd({ seed: Number(e.target.value) })} />
        </label>
        <label>
          Replications per candidate
          <input type="number" min={1} value={f.replications} onChange={(e) => upd({ replications: Number(e.target.value) })} />
        </label>
      </div>
      {f.kind === 'sizing' ? (
        <div className="row">
          <label>
            Size
            <select value={f.what} onChange={(e) => upd({ what: e.target.value as StudyForm['what'] })}>
              <option value="cores">cores (cpu_cores of a server)</option>
              <option value="replicas">replicas (behind the load balancer)</option>
              <option value="load">load (the knee of the degradation curve)</option>
            </select>
          </label>
          {f.what !== 'load' && (
            <>
              <label>
                Server
                <select value={f.server} onChange={(e) => upd({ server: e.target.value })}>
                  <option value="">{f.what === 'cores' ? 'every server' : 'the one behind the load balancer'}</option>
                  {servers.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
              <label>
                Largest candidate
                <input type="number" min={1} value={f.max} onChange={(e) => upd({ max: Number(e.target.value) })} />
              </label>
            </>
          )}
          {f.what === 'load' && (
            <label>
              Load multipliers
              <input value={f.loads} onChange={(e) => upd({ loads: e.target.value })} aria-describedby="err-loads" />
              {err('loads')}
            </label>
          )}
        </div>
      ) : (
        <>
          <datalist id="param-paths">
            {paths.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          {f.params.map((p, i) => (
            <div className="row" key={i}>
              <label className="grow">
                {i === 0 ? 'Parameter 1 (path)' : 'Parameter 2 (path, optional)'}
                <input
                  list="param-paths"
                  value={p.path}
                  onChange={(e) => setParam(i, { path: e.target.value })}
                  placeholder="topology_graph.nodes.servers[id=api].server_resources.cpu_cores"
                  aria-describedby={`err-param${i}.path`}
                />
                {err(`param${i}.path`)}
              </label>
              <label>
                {i === 0 ? 'Values 1' : 'Values 2'}
                <input value={p.values} onChange={(e) => setParam(i, { values: e.target.value })} placeholder="1,2,4 or 1..8:1 or 1..8/5" aria-describedby={`err-param${i}.values`} />
                {err(`param${i}.values`)}
              </label>
            </div>
          ))}
        </>
      )}
      <fieldset className="row sla">
        <legend>Service-level objective (SLA)</legend>
        {f.kind === 'sweep' && (
          <label className="check">
            <input type="checkbox" checked={f.slaOn} onChange={(e) => upd({ slaOn: e.target.checked })} /> judge every candidate
          </label>
        )}
        {(f.kind === 'sizing' || f.slaOn) && (
          <>
            <label>
              Percentile
              <input type="number" step="any" value={f.percentile} onChange={(e) => upd({ percentile: Number(e.target.value) })} aria-describedby="err-percentile" />
              {err('percentile')}
            </label>
            <label>
              Latency at most (ms)
              <input type="number" step="any" value={f.latencyMs} onChange={(e) => upd({ latencyMs: Number(e.target.value) })} aria-describedby="err-latency" />
              {err('latency')}
            </label>
            <label>
              Max error rate (%)
              <input type="number" step="any" value={f.maxErrorPct} placeholder="none" onChange={(e) => upd({ maxErrorPct: e.target.value })} aria-describedby="err-maxError" />
              {err('maxError')}
            </label>
            <label className="check">
              <input type="checkbox" checked={f.conservative} onChange={(e) => upd({ conservative: e.target.checked })} /> judge on the upper ends of the intervals
            </label>
          </>
        )}
      </fieldset>
      <Problem error={error} title="The study was not started" />
      <button type="submit" disabled={busy}>
        Start study
      </button>
    </form>
  );
}
