import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Example, Scenario, ScenarioPage, ScenarioWithVersion } from '../api/types';
import { Loading, Problem } from '../components/Problem';
import { when } from '../format';
import { useLoad, useTitle } from '../hooks';

export function Scenarios() {
  useTitle('Scenarios');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<Scenario[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useLoad(async (signal) => {
    const p = await api<ScenarioPage>('/api/v1/scenarios', { query: { name: search, limit: 50 }, signal });
    setItems(p.items ?? []);
    setCursor(p.next_cursor);
    return p;
  }, [search]);
  const [moreError, setMoreError] = useState<ApiError | null>(null);

  async function more() {
    try {
      const p = await api<ScenarioPage>('/api/v1/scenarios', { query: { name: search, limit: 50, cursor } });
      setItems((xs) => [...xs, ...(p.items ?? [])]);
      setCursor(p.next_cursor);
    } catch (e) {
      setMoreError(e as ApiError);
    }
  }

  return (
    <section>
      <h1>Scenarios</h1>
      <div className="split">
        <div>
          <label className="inline">
            Search by name
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name contains…" />
          </label>
          <Problem error={list.error} />
          {list.loading && items.length === 0 ? (
            <Loading />
          ) : items.length === 0 ? (
            <p className="muted">{search ? 'No scenario has this in its name.' : 'No scenario yet: create one from an example.'}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Versions</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Runs</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/scenarios/${s.id}`}>{s.name}</Link>
                    </td>
                    <td>{s.latest_version}</td>
                    <td>{when(s.updated_at)}</td>
                    <td>
                      <Link to={`/runs?scenario_id=${s.id}`} aria-label={`Runs of ${s.name}`}>
                        runs
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {cursor && (
            <button type="button" onClick={() => void more()}>
              More
            </button>
          )}
          <Problem error={moreError} />
        </div>
        <NewScenario />
      </div>
    </section>
  );
}

function NewScenario() {
  const nav = useNavigate();
  const examples = useLoad((signal) => api<{ items: Example[] }>('/api/v1/examples', { signal }), []);
  const items = examples.data?.items ?? [];
  const [chosen, setChosen] = useState('');
  const example = chosen || (items.some((e) => e.name === 'single_server') ? 'single_server' : (items[0]?.name ?? ''));
  const picked = items.find((e) => e.name === example);
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      const s = await api<ScenarioWithVersion>('/api/v1/scenarios', { method: 'POST', text: picked.yaml, query: { name: name || example } });
      nav(`/scenarios/${s.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={(e) => void create(e)} aria-labelledby="new-h">
      <h2 id="new-h">New scenario</h2>
      <label>
        From the example
        <select value={example} onChange={(e) => setChosen(e.target.value)}>
          {items.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      {picked?.description && <p className="muted example-desc">{picked.description}</p>}
      <Problem error={examples.error} title="Could not list the examples" />
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={example} />
      </label>
      <button type="submit" disabled={busy || !picked}>
        Create
      </button>
      <Problem error={error} title="Could not create the scenario" />
    </form>
  );
}
