import type { ApiError } from '../api/client';

/** Shows an API error as the server said it: detail and each field error. */
export function Problem({ error, title }: { error: ApiError | null | undefined; title?: string }) {
  if (!error) return null;
  const p = error.problem;
  return (
    <div className="problem" role="alert">
      <strong>{title ?? p.title ?? 'Error'}</strong>
      {error.status > 0 && <span className="muted"> (HTTP {error.status})</span>}
      <div>{p.detail ?? error.message}</div>
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e, i) => (
            <li key={i}>
              {e.location && <code>{e.location}</code>} {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}
