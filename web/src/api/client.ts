// The one client of the FastSim API. Every error answer becomes an
// ApiError that carries the problem+json document (title, detail and each
// error's location and message), so a page shows what the server said
// instead of swallowing it.
//
// Authentication: the session cookie (fastsim_session, HttpOnly) set by
// login or local-session; unsafe requests send X-CSRF-Token equal to the
// fastsim_csrf cookie. When the server answers login with a token but sets
// no cookie, the token is kept in memory only (never in localStorage) and
// sent as a bearer token until the page is closed.
import type { ErrorDetail, ErrorModel } from './types';

/** An error answer of the API (or of the network), as problem+json. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ErrorModel;

  constructor(status: number, problem: ErrorModel) {
    super(problemText(problem, status));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The per-field errors of the problem (location and message). */
  get errors(): ErrorDetail[] {
    return this.problem.errors ?? [];
  }
}

/** One line for a problem: its detail, else its title, else the status. */
export function problemText(p: ErrorModel, status: number): string {
  const head = p.detail || p.title || `HTTP ${status}`;
  const first = p.errors?.[0];
  if (p.errors && p.errors.length === 1 && first?.message && !head.includes(first.message)) {
    return `${head}: ${first.location ? first.location + ': ' : ''}${first.message}`;
  }
  return head;
}

let memoryToken: string | null = null;

/** Keeps a session token in memory (the fallback when no cookie is set). */
export function setMemoryToken(t: string | null) {
  memoryToken = t;
}

/** Whether requests authenticate with an in-memory token (no cookie). */
export function usesMemoryToken() {
  return memoryToken !== null;
}

/** The value of a cookie readable by scripts (fastsim_csrf). */
export function readCookie(name: string, cookies = typeof document === 'undefined' ? '' : document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The headers of a request: credentials and, for writes, CSRF. */
export function authHeaders(method: string): Record<string, string> {
  const h: Record<string, string> = {};
  if (memoryToken) {
    h.Authorization = `Bearer ${memoryToken}`;
  } else if (unsafe.has(method.toUpperCase())) {
    const csrf = readCookie('fastsim_csrf');
    if (csrf) h['X-CSRF-Token'] = csrf;
  }
  return h;
}

export interface RequestOptions {
  method?: string;
  /** A JSON body (serialised here) or a text body with its content type. */
  json?: unknown;
  text?: string;
  contentType?: string;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

let onUnauthorized: (() => void) | null = null;

/** Called when the API answers 401 (the session ended): the UI shows sign-in. */
export function setOnUnauthorized(f: (() => void) | null) {
  onUnauthorized = f;
}

type Fetch = typeof fetch;
let fetcher: Fetch = (...a) => fetch(...a);

/** Replaces fetch (tests). */
export function setFetch(f: Fetch) {
  fetcher = f;
}

/** The URL of path with its query (empty values left out). */
export function url(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Sends a request; a non-2xx answer throws an ApiError. */
export async function raw(path: string, o: RequestOptions = {}): Promise<Response> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...authHeaders(method) };
  let body: BodyInit | undefined;
  if (o.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.text !== undefined) {
    headers['Content-Type'] = o.contentType ?? 'application/yaml';
    body = o.text;
  }
  let res: Response;
  try {
    res = await fetcher(url(path, o.query), { method, headers, body, credentials: 'same-origin', signal: o.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: `the server could not be reached (${String(e)})` });
  }
  if (!res.ok) {
    const err = new ApiError(res.status, await readProblem(res));
    if (res.status === 401 && !path.startsWith('/api/v1/auth/') && path !== '/api/v1/me') onUnauthorized?.();
    throw err;
  }
  return res;
}

/** Reads an error answer as a problem, whatever its media type. */
export async function readProblem(res: Response): Promise<ErrorModel> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as ErrorModel;
    if (p && typeof p === 'object') return { status: res.status, ...p };
  } catch {
    // not JSON: fall through
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}`, detail: text.trim().slice(0, 300) || undefined };
}

/** Sends a request and decodes its JSON answer (undefined for 204). */
export async function api<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const res = await raw(path, o);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
