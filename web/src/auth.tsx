// Who is signed in. The session lives in an HttpOnly cookie the script
// never sees; in single-user mode the UI asks the server for one
// (POST /api/v1/auth/local-session), so the admin's key never leaves it.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, readCookie, setMemoryToken, setOnUnauthorized } from './api/client';
import type { Session, UIConfig, User } from './api/types';

interface AuthValue {
  user: User | null;
  config: UIConfig;
  /** True until the first check of the session is done. */
  loading: boolean;
  /** The error of that check (not a 401). */
  error: ApiError | null;
  /** Why the UI asks to sign in although the server is in single-user mode (local-session refused). */
  notice: ApiError | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const defaultConfig: UIConfig = { single_user: false, registration: false, version: '' };
const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

async function loadConfig(): Promise<UIConfig> {
  try {
    return { ...defaultConfig, ...(await api<UIConfig>('/api/v1/ui-config')) };
  } catch {
    return defaultConfig; // an older server: no single-user session, sign in
  }
}

async function me(): Promise<User | null> {
  try {
    return await api<User>('/api/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [config, setConfig] = useState<UIConfig>(defaultConfig);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<ApiError | null>(null);

  useEffect(() => {
    setOnUnauthorized(() => {
      setMemoryToken(null);
      setUser(null);
    });
    return () => setOnUnauthorized(null);
  }, []);

  useEffect(() => {
    let live = true;
    (async () => {
      const cfg = await loadConfig();
      if (!live) return;
      setConfig(cfg);
      let u = await me();
      if (!u && cfg.single_user) {
        try {
          await api('/api/v1/auth/local-session', { method: 'POST' });
          u = await me();
        } catch (e) {
          // Refused (another machine, a proxy, no local admin): sign in instead.
          if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) throw e;
          if (live) setNotice(e);
        }
      }
      if (live) setUser(u);
    })()
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) })))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const s = await api<Session>('/api/v1/auth/login', { method: 'POST', json: { email, password } });
    // A server that sets the session cookie also sets the readable CSRF
    // cookie; an older one only answers the token: keep it in memory.
    setMemoryToken(readCookie('fastsim_csrf') ? null : s.token);
    setUser(s.user);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } finally {
      setMemoryToken(null);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, config, loading, error, notice, signIn, signOut }), [user, config, loading, error, notice, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
