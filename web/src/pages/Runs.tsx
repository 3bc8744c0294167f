import { Link } from 'react-router';
import type { Run } from '../api/types';
import { Loading, Problem } from '../components/Problem';
import { pct, shortId, sig, when } from '../format';
import { isActive, usePaged, useQueryParams, useRefreshWhile, useTitle } from '../hooks';

const statuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export function Runs() {
  useTitle('Runs');
  const [q, set] = useQueryParams();
  const status = (q.get('status') ?? '').split(',').filter(Boolean);
  const scenario = q.get('scenario_id') ?? '';
  const list = usePaged<Run>('/api/v1/runs', { status: status.join(','), scenario_id: scenario });
  const runs = list.items;
  // While a listed run is queued or running, the list refreshes itself every 2 s.
  useRefreshWhile(runs.some(isActive), list.reload);

  function toggle(s: string) {
    set('status', (status.includes(s) ? status.filter((x) => x !== s) : [...status, s]).join(','));
  }
  return (
    <section>
      <h1>Runs</h1>
      <fieldset className="filters">
        <legend>Filter</legend>
        {statuses.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={status.includes(s)} onChange={() => toggle(s)} /> {s}
          </label>
        ))}
        <label className="inline">
          Scenario id
          <input value={scenario} onChange={(e) => set('scenario_id', e.target.value.trim())} placeholder="any" size={38} />
        </label>
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
      </fieldset>
      <Problem error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : runs.length === 0 ? (
        <p className="muted">No run matches.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Scenario</th>
              <th scope="col">Seed × replications</th>
              <th scope="col">Created</th>
              <th scope="col">Ran for</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/runs/${r.id}`}>{shortId(r.id)}</Link>
                </td>
                <td>
                  <span className={`badge ${r.status}`}>{r.status}</span>
                  {r.cache_hit && <span className="muted"> (cached)</span>}
                </td>
                <td>{pct(r.progress)}</td>
                <td>
                  {r.scenario_id ? (
                    <Link to={`/scenarios/${r.scenario_id}`}>
                      {shortId(r.scenario_id)} v{r.scenario_version}
                    </Link>
                  ) : (
                    'inline'
                  )}
                </td>
                <td>
                  {r.seed} × {r.replications}
                </td>
                <td>{when(r.created_at)}</td>
                <td>{r.running_s !== undefined ? `${sig(r.running_s)} s` : '–'}</td>
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
