import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Comparison, Run, RunPage } from '../api/types';
import { ApiLink } from '../components/ApiLink';
import { Loading, Problem } from '../components/Problem';
import { shortId, when } from '../format';
import { useLoad, useTitle } from '../hooks';
import { changeRows, diffRows, methodText } from '../lib/compare';

const runLabel = (r: Run) =>
  `${shortId(r.id)} · ${r.scenario_id ? `${shortId(r.scenario_id)} v${r.scenario_version}` : 'inline'} · seed ${r.seed} × ${r.replications} · ${when(r.created_at)}`;

/** Two runs side by side: the scenario diff by path and the figure differences b − a. */
export default function ComparePage() {
  useTitle('Compare runs');
  const [q, setQ] = useSearchParams();
  const a = q.get('a') ?? '';
  const b = q.get('b') ?? '';
  const runs = useLoad((signal) => api<RunPage>('/api/v1/runs', { query: { status: 'succeeded', limit: 200 }, signal }), []);
  const cmp = useLoad((signal) => (a && b ? api<Comparison>('/api/v1/compare', { query: { a, b }, signal }) : Promise.resolve(null)), [a, b]);
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(q);
    if (v) n.set(k, v);
    else n.delete(k);
    setQ(n, { replace: true });
  };
  const items = runs.data?.items ?? [];
  // A run given in the URL but not among the listed ones still shows as chosen.
  const options = (chosen: string) => (
    <>
      <option value="">choose a succeeded run…</option>
      {chosen && !items.some((r) => r.id === chosen) && <option value={chosen}>{shortId(chosen)}</option>}
      {items.map((r) => (
        <option key={r.id} value={r.id}>
          {runLabel(r)}
        </option>
      ))}
    </>
  );
  const c = cmp.data;
  return (
    <section>
      <h1>Compare runs</h1>
      <div className="card row">
        <label>
          Run A (baseline)
          <select value={a} onChange={(e) => set('a', e.target.value)}>
            {options(a)}
          </select>
        </label>
        <label>
          Run B
          <select value={b} onChange={(e) => set('b', e.target.value)}>
            {options(b)}
          </select>
        </label>
        {a && b && (
          <button type="button" className="secondary" onClick={() => setQ(new URLSearchParams({ a: b, b: a }), { replace: true })}>
            Swap
          </button>
        )}
      </div>
      <Problem error={runs.error} title="Could not list the runs" />
      <Problem error={cmp.error} title="Could not compare" />
      {a && b && !c && !cmp.error && <Loading what="Comparing" />}
      {c && <ComparisonView c={c} />}
    </section>
  );
}

function ComparisonView({ c }: { c: Comparison }) {
  const rows = diffRows(c);
  const changes = changeRows(c.changes);
  const paired = c.method === 'paired';
  return (
    <>
      <p>
        <Link to={`/runs/${c.a}`}>Run {shortId(c.a)}</Link> (A) against <Link to={`/runs/${c.b}`}>run {shortId(c.b)}</Link> (B); differences are B − A.
      </p>
      <h2>What changed in the scenario</h2>
      {!c.scenarios_compared ? (
        <p className="muted">The scenarios could not be compared.</p>
      ) : changes.length === 0 ? (
        <p data-testid="no-changes">The two runs have the same scenario.</p>
      ) : (
        <table data-testid="changes">
          <caption>Changes by path</caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((ch) => (
              <tr key={ch.path}>
                <th scope="row">
                  <code>{ch.path}</code>
                </th>
                <td>
                  <code>{ch.old}</code>
                </td>
                <td>
                  <code>{ch.new}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Figures</h2>
      <p className={`method ${c.method}`} data-testid="compare-method">
        <span className="badge">{paired ? 'paired' : c.method === 'welch' ? 'unpaired (Welch)' : 'no interval'}</span> {methodText(c)}
      </p>
      <table data-testid="figure-diffs">
        <caption>Differences B − A with 95 % confidence intervals</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
            <th scope="col">B − A</th>
            <th scope="col">Relative</th>
            {paired && <th scope="col">Unpaired interval would be</th>}
            <th scope="col">Significant</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.label}</th>
              <td>{r.a}</td>
              <td>{r.b}</td>
              <td className={r.significant ? 'strong' : undefined}>{r.diff}</td>
              <td>{r.relative}</td>
              {paired && (
                <td>
                  {r.unpaired ?? '–'}
                  {r.tighter !== undefined && <span className="ci"> ({r.tighter.toFixed(1)}× wider)</span>}
                </td>
              )}
              <td>{c.method === 'none' ? '–' : r.significant ? <span className="good">yes</span> : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="links">
        <ApiLink href={`/api/v1/compare/report.html?a=${c.a}&b=${c.b}`}>HTML report</ApiLink>
        <ApiLink href={`/api/v1/compare?a=${c.a}&b=${c.b}`}>Comparison JSON</ApiLink>
      </p>
    </>
  );
}
