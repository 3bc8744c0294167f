import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client';
import { useAuth } from '../auth';
import { Problem } from '../components/Problem';
import { useTitle } from '../hooks';

export function Login() {
  useTitle('Sign in');
  const { signIn, notice, config } = useAuth();
  const [register, setRegister] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Registration is offered only when the server has it on (ui-config).
      if (register) await api('/api/v1/auth/register', { method: 'POST', json: { email, password } });
      await signIn(email, password);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{register ? 'Create a FastSim account' : 'Sign in to FastSim'}</h1>
      <Problem error={notice} title="No automatic sign-in from here" />
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete={register ? 'new-password' : 'current-password'} required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : register ? 'Create account' : 'Sign in'}
        </button>
      </form>
      {config.registration && (
        <p>
          <button type="button" className="link" onClick={() => setRegister((r) => !r)}>
            {register ? 'I have an account: sign in' : 'No account? Create one'}
          </button>
        </p>
      )}
      <Problem error={error} title={register ? 'Could not create the account' : 'Sign-in failed'} />
      <p className="muted">
        Scripts use API keys (Account page) or <code>fastsim serve</code>&apos;s admin key; see <a href="/docs">the API reference</a>.
      </p>
    </section>
  );
}
