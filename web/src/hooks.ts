import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from './api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Runs load when deps change; keeps the last data while reloading. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    loader
      .current(ac.signal)
      .then((d) => {
        if (!ac.signal.aborted) {
          setData(d);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, { title: 'Error', detail: String(e) }));
      })
      .finally(() => !ac.signal.aborted && setLoading(false));
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Sets the document title. */
export function useTitle(t: string) {
  useEffect(() => {
    document.title = t ? `${t} · FastSim` : 'FastSim';
  }, [t]);
}

/** Calls reload every ms milliseconds while active (a list with a queued or running item). */
export function useRefreshWhile(active: boolean, reload: () => void, ms = 2000) {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(reload, ms);
    return () => clearInterval(t);
  }, [active, reload, ms]);
}

/** The page's query string and a setter of one parameter (an empty value removes it), replacing the history entry. */
export function useQueryParams(): [URLSearchParams, (k: string, v: string) => void] {
  const [q, setQ] = useSearchParams();
  const set = useCallback(
    (k: string, v: string) => {
      const n = new URLSearchParams(q);
      if (v) n.set(k, v);
      else n.delete(k);
      setQ(n, { replace: true });
    },
    [q, setQ],
  );
  return [q, set];
}
