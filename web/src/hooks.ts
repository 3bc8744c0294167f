import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, api } from './api/client';

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

/** One page of a listing endpoint (runs, studies, …). */
interface Page<T> {
  items?: T[] | null;
  next_cursor?: string;
}

/** A listing loaded page by page: the first page when query changes, later ones by more(). */
export interface Paged<T> extends Loaded<Page<T>> {
  /** The items of every page loaded so far. */
  items: T[];
  /** Whether another page exists. */
  hasMore: boolean;
  /** Loads the next page and appends its items. */
  more(): Promise<void>;
}

/** Loads path's listing, 50 items a page, filtered by query (an empty value is no filter). */
export function usePaged<T>(path: string, query: Record<string, string>): Paged<T> {
  const [extra, setExtra] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string>();
  const key = JSON.stringify(query);
  const list = useLoad(
    async (signal) => {
      const p = await api<Page<T>>(path, { query: { ...query, limit: 50 }, signal });
      setExtra([]);
      setCursor(p.next_cursor);
      return p;
    },
    [path, key],
  );
  async function more() {
    const p = await api<Page<T>>(path, { query: { ...query, limit: 50, cursor } });
    setExtra((x) => [...x, ...(p.items ?? [])]);
    setCursor(p.next_cursor);
  }
  return { ...list, items: [...(list.data?.items ?? []), ...extra], hasMore: !!cursor, more };
}

/** Whether a run or a study is still queued or running. */
export function isActive(x: { status: string }): boolean {
  return x.status === 'queued' || x.status === 'running';
}
