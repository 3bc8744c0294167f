import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { ApiLink } from '../components/ApiLink';
import { streamEvents } from '../api/sse';
import { finished, type Estimate, type Result, type Run, type Series } from '../api/types';
import { Loading, Problem } from '../components/Problem';
import { msText, pct, shortId, sig, when } from '../format';
import { useLoad, useTitle } from '../hooks';
import { seriesCSV } from '../lib/csv';

const Charts = lazy(() => import('../components/Charts'));

/** Follows a run: its events stream while it is queued or running. */
function useRun(id: string) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    (async () => {
      const r = await api<Run>(`/api/v1/runs/${id}`, { signal: ac.signal });
      setRun(r);
      if (finished(r.status)) return;
      await streamEvents(
        `/api/v1/runs/${id}/events`,
        (e) => {
          if (e.event === 'progress' || e.event === 'status') setRun(JSON.parse(e.data) as Run);
        },
        ac.signal,
      );
      // The stream ended: read the final state (it may have ended early).
      setRun(await api<Run>(`/api/v1/runs/${id}`, { signal: ac.signal }));
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) }));
    });
    return () => ac.abort();
  }, [id]);
  return { run, setRun, error };
}

export default function RunPage() {
  const { id = '' } = useParams();
  useTitle(`Run ${shortId(id)}`);
  const { run, setRun, error } = useRun(id);
  const [cancelError, setCancelError] = useState<ApiError | null>(null);

  async function cancel() {
    setCancelError(null);
    try {
      setRun(await api<Run>(`/api/v1/runs/${id}/cancel`, { method: 'POST' }));
    } catch (e) {
      setCancelError(e as ApiError);
    }
  }

  if (error) return <Problem error={error} title="Could not load the run" />;
  if (!run) return <Loading />;
  const active = !finished(run.status);
  return (
    <section>
      <div className="title-row">
        <h1>Run {shortId(run.id)}</h1>
        <span className={`badge ${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        {run.cache_hit && <span className="muted">answered from the cache</span>}
      </div>
      <p className="muted">
        {run.scenario_id ? (
          <>
            Scenario <Link to={`/scenarios/${run.scenario_id}`}>{shortId(run.scenario_id)}</Link> v{run.scenario_version} ·{' '}
          </>
        ) : null}
        seed {run.seed} · {run.replications} replication(s) · created {when(run.created_at)}
        {run.running_s !== undefined && ` · ran ${sig(run.running_s)} s`}
      </p>
      {active && (
        <div className="card stack">
          <label htmlFor="progress">Progress</label>
          <div className="row">
            <progress id="progress" max={1} value={run.progress} />
            <span data-testid="progress-text">{pct(run.progress)}</span>
            <button type="button" className="danger" onClick={() => void cancel()} disabled={run.cancel_requested}>
              Cancel run
            </button>
          </div>
        </div>
      )}
      {!active && run.status === 'succeeded' && (
        <p data-testid="progress-text" className="sr-only">
          {pct(run.progress)}
        </p>
      )}
      <Problem error={cancelError} title="Could not cancel" />
      {run.status === 'failed' && (
        <div className="problem" role="alert">
          <strong>The run failed</strong>
          <div>{run.error}</div>
        </div>
      )}
      {run.status === 'succeeded' && <ResultView run={run} />}
    </section>
  );
}

/** A figure with its 95 % interval when the run was replicated. */
function Fig({ label, value, est, fmt }: { label: string; value: number; est?: Estimate; fmt: (v: number) => string }) {
  return (
    <div className="fig">
      <dt>{label}</dt>
      <dd>
        {fmt(est ? est.mean : value)}
        {est && <span className="ci"> ± {fmt(est.ci95_half_width)}</span>}
      </dd>
    </div>
  );
}

function ResultView({ run }: { run: Run }) {
  const res = useLoad((signal) => api<Result>(`/api/v1/runs/${run.id}/result`, { signal }), [run.id]);
  const ser = useLoad(
    (signal) =>
      api<Series>(`/api/v1/runs/${run.id}/series`, { signal }).catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 409)) return null;
        throw e;
      }),
    [run.id],
  );
  if (res.error) return <Problem error={res.error} title="Could not load the result" />;
  const r = res.data;
  if (!r) return <Loading what="Loading the result" />;
  const st = r.statistics;
  const csv = () => {
    const blob = new Blob([seriesCSV(ser.data ?? null)], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `run-${shortId(run.id)}-series.csv`;
    a.click();
  };
  return (
    <>
      <h2>Result</h2>
      {st && <p className="muted">Merged from {st.replications} replications; ± is the half-width of the 95 % confidence interval.</p>}
      <dl className="figs" data-testid="figures">
        <Fig label="Latency mean" value={r.latency.mean} est={st?.latency_mean} fmt={msText} />
        <Fig label="p50" value={r.latency.p50} est={st?.latency_p50} fmt={msText} />
        <Fig label="p95" value={r.latency.p95} est={st?.latency_p95} fmt={msText} />
        <Fig label="p99" value={r.latency.p99} est={st?.latency_p99} fmt={msText} />
        <Fig label="max" value={r.latency.max} fmt={msText} />
        <Fig label="Throughput" value={r.throughput.mean_rps} est={st?.throughput_mean_rps} fmt={(v) => `${sig(v)} req/s`} />
        <Fig label="Completed" value={r.counts.completed} est={st?.completed} fmt={sig} />
        <Fig label="Dropped" value={r.counts.dropped} est={st?.dropped} fmt={sig} />
        <Fig label="Failed" value={r.counts.failed} fmt={sig} />
        {r.counts.timed_out > 0 && <Fig label="Timed out" value={r.counts.timed_out} fmt={sig} />}
        {r.counts.rejected > 0 && <Fig label="Rejected" value={r.counts.rejected} fmt={sig} />}
      </dl>
      <table>
        <caption>Servers</caption>
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Requests</th>
            <th scope="col">Utilisation</th>
            <th scope="col">Mean ready queue</th>
            <th scope="col">Mean RAM (MB)</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(r.servers ?? {}).map(([sid, s]) => {
            const u = st?.servers?.[sid]?.utilization;
            return (
              <tr key={sid}>
                <th scope="row">{sid}</th>
                <td>{sig(s.requests)}</td>
                <td>
                  {u ? pct(u.mean) : pct(s.utilization)}
                  {u && <span className="ci"> ± {pct(u.ci95_half_width)}</span>}
                </td>
                <td>{s.ready_queue_len ? sig(s.ready_queue_len.mean) : '–'}</td>
                <td>{s.ram_in_use ? sig(s.ram_in_use.mean) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {r.classes && Object.keys(r.classes).length > 0 && (
        <table>
          <caption>Request classes</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Completed</th>
              <th scope="col">Throughput</th>
              <th scope="col">Mean</th>
              <th scope="col">p95</th>
              <th scope="col">p99</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(r.classes).map(([cid, c]) => (
              <tr key={cid}>
                <th scope="row">{cid}</th>
                <td>{sig(c.counts.completed)}</td>
                <td>{sig(c.throughput.mean_rps)} req/s</td>
                <td>{msText(c.latency.mean)}</td>
                <td>{msText(c.latency.p95)}</td>
                <td>{msText(c.latency.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.calls && Object.keys(r.calls).length > 0 && (
        <table>
          <caption>Service calls</caption>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Completed</th>
              <th scope="col">Failed</th>
              <th scope="col">Mean</th>
              <th scope="col">p99</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(r.calls).map(([cid, c]) => (
              <tr key={cid}>
                <th scope="row">{cid}</th>
                <td>{sig(c.completed)}</td>
                <td>{sig(c.failed)}</td>
                <td>{msText(c.latency.mean)}</td>
                <td>{msText(c.latency.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="links">
        <ApiLink href={`/api/v1/runs/${run.id}/report.html`}>HTML report</ApiLink>
        <ApiLink href={`/api/v1/runs/${run.id}/result`}>Result JSON</ApiLink>
        <ApiLink href={`/api/v1/runs/${run.id}/series`}>Series JSON</ApiLink>
        <Link to={`/compare?a=${run.id}`}>Compare with…</Link>
        <button type="button" className="link" onClick={csv} disabled={!ser.data}>
          Series CSV
        </button>
      </p>
      <Problem error={ser.error} title="Could not load the series" />
      <Suspense fallback={<Loading what="Loading the charts" />}>
        <Charts result={r} series={ser.data ?? null} />
      </Suspense>
    </>
  );
}
