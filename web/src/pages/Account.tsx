import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client';
import type { APIKey, NewAPIKey, UpdateUser, User, UserPage } from '../api/types';
import { useAuth } from '../auth';
import { Loading, Problem } from '../components/Problem';
import { when } from '../format';
import { useLoad, useTitle } from '../hooks';

export function Account() {
  useTitle('Account');
  const { user, signOut, config } = useAuth();
  if (!user) return null;
  return (
    <section>
      <h1>Account</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Plan</dt>
        <dd>{user.plan}</dd>
      </dl>
      {!config.single_user && (
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      )}
      <Keys />
      {user.role === 'admin' && <Users me={user} />}
    </section>
  );
}

function Keys() {
  const keys = useLoad((signal) => api<{ items: APIKey[] | null }>('/api/v1/keys', { signal }), []);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<NewAPIKey | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setFresh(await api<NewAPIKey>('/api/v1/keys', { method: 'POST', json: { name } }));
      setName('');
      keys.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  }
  async function revoke(k: APIKey) {
    if (!window.confirm(`Revoke the key "${k.name}" (${k.prefix}…)? Scripts using it stop working.`)) return;
    setError(null);
    try {
      await api(`/api/v1/keys/${k.id}`, { method: 'DELETE' });
      if (fresh?.id === k.id) setFresh(null);
      keys.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  }

  return (
    <div className="card stack">
      <h2>API keys</h2>
      <p className="muted">For scripts and the CLI: send <code>Authorization: Bearer &lt;key&gt;</code>.</p>
      <form className="row" onSubmit={(e) => void create(e)}>
        <label>
          New key name
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. ci or laptop" />
        </label>
        <button type="submit">Create key</button>
      </form>
      {fresh && (
        <div className="fresh" role="status">
          <p>
            <strong>Copy the key &quot;{fresh.name}&quot; now: it is not shown again.</strong>
          </p>
          <code className="secret" data-testid="new-key">
            {fresh.key}
          </code>{' '}
          <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(fresh.key)}>
            Copy
          </button>{' '}
          <button type="button" className="link" onClick={() => setFresh(null)}>
            Done
          </button>
        </div>
      )}
      <Problem error={error ?? keys.error} />
      {keys.loading && !keys.data ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(keys.data?.items ?? []).map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{when(k.created_at)}</td>
                <td>{when(k.last_used_at)}</td>
                <td>
                  <button type="button" className="danger" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const roles = ['user', 'admin'] as const;
const plans = ['free', 'expert', 'pro', 'enterprise'] as const;

function Users({ me }: { me: User }) {
  const users = useLoad((signal) => api<UserPage>('/api/v1/admin/users', { query: { limit: 200 }, signal }), []);
  const [error, setError] = useState<ApiError | null>(null);
  async function update(u: User, body: UpdateUser) {
    setError(null);
    try {
      await api(`/api/v1/admin/users/${u.id}`, { method: 'PATCH', json: body });
      users.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }
  async function remove(u: User) {
    if (!window.confirm(`Delete ${u.email} and all their scenarios, runs and keys?`)) return;
    setError(null);
    try {
      await api(`/api/v1/admin/users/${u.id}`, { method: 'DELETE' });
      users.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }
  return (
    <div className="card stack">
      <h2>Users and plans</h2>
      <Problem error={error ?? users.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Plan</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(users.data?.items ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>
                <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => void update(u, { role: e.target.value as UpdateUser['role'] })}>
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                <select aria-label={`Plan of ${u.email}`} value={u.plan} onChange={(e) => void update(u, { plan: e.target.value as UpdateUser['plan'] })}>
                  {plans.map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </td>
              <td>{when(u.created_at)}</td>
              <td>
                {u.id !== me.id && (
                  <button type="button" className="danger" onClick={() => void remove(u)} aria-label={`Delete ${u.email}`}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
